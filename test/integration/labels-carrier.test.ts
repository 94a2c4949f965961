// Carrier-supplied labels to printer bytes: ZPL passes through, PNG and PDF become ^GFA (or
// ESC/POS raster) locally, and the barcodes still decode after the conversion.
import { mkdirSync, writeFileSync } from 'node:fs';
import bwipjs from 'bwip-js/node';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { toPrinterBytes } from '../../electron/core/labels/carrier-label';
import { renderLabelPng } from '../../electron/core/labels/label-png';
import { PdfLabelError } from '../../electron/core/labels/pdf-raster';
import { decodeSymbols } from '../support/label-decode';

const TRACKING = '1Z999AA10123456784';
const SSCC = '(00)095287654321012346';

let barcodePng: Buffer;
let gs1Png: Buffer;

/** A carrier's 4x6 PNG at 203 dpi: white background, a Code 128 and a GS1-128. */
async function carrierPng(): Promise<Buffer> {
  const { PNG } = await import('pngjs');
  const page = new PNG({ width: 812, height: 1218, colorType: 6 });
  page.data.fill(255);
  for (const [src, top] of [
    [barcodePng, 200],
    [gs1Png, 700],
  ] as const) {
    const img = PNG.sync.read(src);
    PNG.bitblt(img, page, 0, 0, img.width, img.height, Math.floor((812 - img.width) / 2), top);
  }
  return PNG.sync.write(page);
}

/** A carrier's PDF: a page of `w` x `h` points with the two barcodes as images. */
async function carrierPdf(w: number, h: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([w, h]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText(`UPS GROUND ${TRACKING}`, { x: 18, y: h - 36, size: 14, font });
  for (const [src, y] of [
    [barcodePng, h * 0.55],
    [gs1Png, h * 0.15],
  ] as const) {
    const img = await doc.embedPng(src);
    // 72 pt per inch and 203 px per inch: draw the image at its size for a 203 dpi printer.
    page.drawImage(img, { x: 18, y, width: (img.width * 72) / 203, height: (img.height * 72) / 203 });
  }
  return Buffer.from(await doc.save());
}

function save(name: string, data: Buffer): void {
  mkdirSync('test-results', { recursive: true });
  writeFileSync(`test-results/${name}`, data);
}

beforeAll(async () => {
  barcodePng = await bwipjs.toBuffer({ bcid: 'code128', text: TRACKING, scale: 3, height: 20, backgroundcolor: 'FFFFFF' });
  gs1Png = await bwipjs.toBuffer({ bcid: 'gs1-128', text: SSCC, scale: 3, height: 20 });
});

describe('toPrinterBytes', () => {
  it('passes ZPL to a ZPL printer byte for byte', async () => {
    const zpl = Buffer.from('^XA^CI28^FO50,50^A0N,40,40^FH^FDŻółw_5E^FS^XZ', 'utf8');
    const out = await toPrinterBytes({ format: 'ZPL', bytes: zpl }, 'zpl');
    expect(out.equals(zpl)).toBe(true);
  });

  it('turns a PNG label into ^GFA that decodes to the same barcodes', async () => {
    const png = await carrierPng();
    const zpl = (await toPrinterBytes({ format: 'PNG', bytes: png }, 'zpl')).toString('utf8');
    expect(zpl).toMatch(/^\^XA\n\^PW812\n\^LL1218\n\^LH0,0\n\^FO0,0\^GFA,\d+,\d+,102,/);
    expect(zpl.endsWith('^XZ')).toBe(true);
    const rendered = await renderLabelPng(zpl);
    save('labels-carrier-png-as-zpl.png', rendered);
    const codes = await decodeSymbols(rendered);
    expect(codes).toContainEqual(expect.objectContaining({ format: 'Code128', text: TRACKING }));
    expect(codes).toContainEqual(expect.objectContaining({ format: 'Code128', text: SSCC, symbologyIdentifier: ']C1' }));
  });

  it('rasterises a 4x6 PDF label into ^GFA that decodes to the same barcodes', async () => {
    const pdf = await carrierPdf(288, 432);
    const zpl = (await toPrinterBytes({ format: 'PDF', bytes: pdf }, 'zpl')).toString('utf8');
    expect(zpl).toContain('^PW812\n^LL1218');
    const rendered = await renderLabelPng(zpl);
    save('labels-carrier-pdf-as-zpl.png', rendered);
    const codes = await decodeSymbols(rendered);
    expect(codes).toContainEqual(expect.objectContaining({ format: 'Code128', text: TRACKING }));
    expect(codes).toContainEqual(expect.objectContaining({ text: SSCC, symbologyIdentifier: ']C1' }));
  });

  it('turns a landscape 6x4 PDF onto portrait stock at 300 dpi and it still decodes', async () => {
    const pdf = await carrierPdf(432, 288);
    const zpl = (await toPrinterBytes({ format: 'PDF', bytes: pdf }, 'zpl', { dpi: 300 })).toString('utf8');
    const m = /\^PW(\d+)\n\^LL(\d+)/.exec(zpl)!;
    expect(Number(m[1])).toBeLessThanOrEqual(1200);
    expect(Number(m[2])).toBeGreaterThan(Number(m[1]));
    const rendered = await renderLabelPng(zpl, { dpi: 300 });
    save('labels-carrier-landscape-pdf-300dpi.png', rendered);
    expect(await decodeSymbols(rendered)).toContainEqual(expect.objectContaining({ format: 'Code128', text: TRACKING }));
  });

  it('sends PNG and PDF labels to an ESC/POS printer as raster bands under 256 rows', async () => {
    for (const label of [
      { format: 'PNG' as const, bytes: await carrierPng() },
      { format: 'PDF' as const, bytes: await carrierPdf(288, 432) },
    ]) {
      const out = await toPrinterBytes(label, 'escpos');
      expect(out.subarray(0, 2)).toEqual(Buffer.from([0x1b, 0x40]));
      let at = out.indexOf(Buffer.from([0x1d, 0x76, 0x30, 0x30]));
      expect(at).toBeGreaterThan(0);
      let bands = 0;
      while (at >= 0) {
        expect(out[at + 4]! * 8).toBeLessThanOrEqual(576);
        expect(out[at + 6]! + 256 * out[at + 7]!).toBeLessThan(256);
        bands++;
        at = out.indexOf(Buffer.from([0x1d, 0x76, 0x30, 0x30]), at + 8);
      }
      expect(bands).toBeGreaterThan(3);
      expect(out.subarray(-5)).toEqual(Buffer.from([0x1d, 0x56, 0x00, 0x1b, 0x40]));
    }
  });

  it('refuses empty and unreadable labels with a clear message', async () => {
    await expect(toPrinterBytes({ format: 'PDF', bytes: Buffer.alloc(0) }, 'zpl')).rejects.toThrow(/empty/);
    await expect(toPrinterBytes({ format: 'PDF', bytes: Buffer.from('%PDF-1.7 garbage') }, 'zpl')).rejects.toThrow(PdfLabelError);
  });
});

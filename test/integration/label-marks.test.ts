// Item 8 of the label: the date it was made, the sender's phone where Odoo has one, and REPRINT on
// a copy printed again, whether the label is the bench's ZPL or a carrier's PNG or PDF; the tracking
// barcode still reads on the copy, and the mark covers nothing the label printed.
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { markReprint, reprintCopy, toPrinterBytes } from '../../electron/core/labels/carrier-label';
import { labelPdfFromPng } from '../../electron/core/labels/label-pdf';
import { renderLabelPng } from '../../electron/core/labels/label-png';
import { renderShippingLabelZpl, type ShippingLabelData } from '../../electron/core/labels/zpl-shipping-label';
import { escposRasterToPng } from '../support/escpos-raster';
import { decodeBarcodes, renderZplToPng, zplFieldTexts } from '../support/label-decode';
import { markOn, pdfPages, pdfText, topRows } from '../support/reprint-mark';

const party = { company: null, street2: null, region: null, email: null, country: 'DE' };
const data: ShippingLabelData = {
  shipFrom: { ...party, name: 'Acme Warehouse', street1: 'Lagerstr. 1', city: 'Berlin', postalCode: '10115', phone: '+49 30 1234567' },
  shipTo: { ...party, name: 'Erika Mustermann', street1: 'Hauptstr. 5', city: 'Köln', postalCode: '50667', phone: null },
  carrier: 'Packbench Local',
  service: 'Standard',
  trackingNumber: 'PB0123456789',
  reference: 'WH/OUT/00042',
  weightG: 1500,
  parcelIndex: 1,
  parcelCount: 1,
  date: new Date('2026-12-06T10:00:00Z'),
};

describe('label marks', () => {
  it('prints the date and the sender phone; a reprint says REPRINT and still scans', async () => {
    const zpl = renderShippingLabelZpl(data);
    const texts = zplFieldTexts(zpl).join('\n');
    expect(texts).toContain('2026-12-06');
    expect(texts).toContain('Tel. +49 30 1234567');
    expect(texts).not.toContain('REPRINT');

    const copy = markReprint(zpl);
    expect(zplFieldTexts(copy)).toContain('REPRINT');
    expect(await decodeBarcodes(await renderZplToPng(copy))).toContainEqual(expect.objectContaining({ text: 'PB0123456789' }));

    // No phone in Odoo: no "Tel." for the sender.
    const noPhone = renderShippingLabelZpl({ ...data, shipFrom: { ...data.shipFrom, phone: null } });
    expect(zplFieldTexts(noPhone).some((t) => t.startsWith('FROM') && t.includes('Tel.'))).toBe(false);
  });

  // A carrier's label as it comes: a picture (PNG) or a PDF of one, with no text to edit.
  async function carrierLabels(): Promise<{ png: Buffer; pdf: Buffer }> {
    const png = await renderLabelPng(renderShippingLabelZpl(data, { code2d: 'none' }));
    return { png, pdf: await labelPdfFromPng(png, { title: 'carrier label' }) };
  }

  it('a PNG carrier label reprinted says REPRINT where the label is blank, on a ZPL printer and in its own format', async () => {
    const { png } = await carrierLabels();
    const first = await renderZplToPng((await toPrinterBytes({ format: 'PNG', bytes: png }, 'zpl')).toString('utf8'));
    const again = await renderZplToPng((await toPrinterBytes({ format: 'PNG', bytes: png }, 'zpl', { reprint: true })).toString('utf8'));
    const printed = markOn(first, again);
    // A black box about 1.1 x 0.17 in at 203 dpi, over paper that was blank, with seven letters in it.
    expect(printed.box.width).toBeGreaterThan(180);
    expect(printed.box.width).toBeLessThan(280);
    expect(printed.box.height).toBeGreaterThan(25);
    expect(printed.box.height).toBeLessThan(45);
    expect(printed.coveredDots).toBe(0);
    expect(printed.letters).toBe(7);
    expect(await decodeBarcodes(again)).toContainEqual(expect.objectContaining({ text: 'PB0123456789' }));

    // A receipt printer (ESC/POS raster, 80 mm) gets the mark too.
    const receiptFirst = escposRasterToPng(await toPrinterBytes({ format: 'PNG', bytes: png }, 'escpos')).png;
    const receiptAgain = escposRasterToPng(await toPrinterBytes({ format: 'PNG', bytes: png }, 'escpos', { reprint: true })).png;
    const receipt = markOn(receiptFirst, receiptAgain);
    expect(receipt.coveredDots).toBe(0);
    expect(receipt.letters).toBe(7);

    // In its own format (what is saved as a file, and what an office printer's PDF is drawn from).
    const copy = await reprintCopy({ format: 'PNG', bytes: png });
    expect(copy.format).toBe('PNG');
    const own = markOn(png, copy.bytes);
    expect(own.coveredDots).toBe(0);
    expect(own.letters).toBe(7);
    expect(await decodeBarcodes(copy.bytes)).toContainEqual(expect.objectContaining({ text: 'PB0123456789' }));
  });

  it('a PDF carrier label reprinted says REPRINT: as text in the PDF, and drawn where the label is blank', async () => {
    const { pdf } = await carrierLabels();
    expect(await pdfText(pdf)).not.toContain('REPRINT');
    // An office printer takes the PDF itself.
    const office = await toPrinterBytes({ format: 'PDF', bytes: pdf }, 'pdf', { reprint: true });
    expect((await pdfText(office)).trim()).toBe('REPRINT');
    const [before] = await pdfPages(pdf);
    const [after, more] = await pdfPages(office);
    expect(more).toBeUndefined();
    const drawn = markOn(before!, after!);
    expect(drawn.coveredDots).toBe(0);
    expect(drawn.letters).toBe(7);
    expect(await decodeBarcodes(after!)).toContainEqual(expect.objectContaining({ text: 'PB0123456789' }));

    // A ZPL printer gets it rasterised, mark and all.
    const first = await renderZplToPng((await toPrinterBytes({ format: 'PDF', bytes: pdf }, 'zpl')).toString('utf8'));
    const again = await renderZplToPng((await toPrinterBytes({ format: 'PDF', bytes: pdf }, 'zpl', { reprint: true })).toString('utf8'));
    const printed = markOn(first, again);
    expect(printed.coveredDots).toBe(0);
    expect(printed.letters).toBe(7);
    expect(await decodeBarcodes(again)).toContainEqual(expect.objectContaining({ text: 'PB0123456789' }));
  });

  it('a carrier label with no blank room is shrunk to free a band across its top for the mark, and still scans', async () => {
    // A hatch over every blank area above and below the barcode's rows: no room the mark could take.
    const full = PNG.sync.read(await renderLabelPng(renderShippingLabelZpl(data, { code2d: 'none' })));
    for (let y = 0; y < full.height; y++) {
      if (y >= 740 && y < 1010) continue;
      for (let x = 0; x < full.width; x++) {
        const i = (y * full.width + x) * 4;
        if (full.data[i]! > 128 && (x + y) % 6 === 0) full.data[i] = full.data[i + 1] = full.data[i + 2] = 0;
      }
    }
    const busy = PNG.sync.write(full);
    const copy = await reprintCopy({ format: 'PNG', bytes: busy });
    const page = PNG.sync.read(copy.bytes);
    expect([page.width, page.height]).toEqual([full.width, full.height]);
    // The band: the mark alone in the top 74 rows, the label below it.
    const { top, white } = topRows(copy.bytes, 74);
    const band = markOn(white, top);
    expect(band.letters).toBe(7);
    expect(band.box.width).toBeGreaterThan(180);
    expect(await decodeBarcodes(copy.bytes)).toContainEqual(expect.objectContaining({ text: 'PB0123456789' }));
  });
});

// The 4x6 ZPL shipping label at 203 and 300 dpi, checked by an independent renderer
// (zpl-renderer-js) and decoder (zxing-wasm, local wasm): tracking number as Code 128 and
// as a 2D code, the SSCC as GS1-128, hostile field data, and names in four scripts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fontFor } from '../../electron/core/labels/fonts';
import { renderLabelPng } from '../../electron/core/labels/label-png';
import { getDot } from '../../electron/core/labels/mono-bitmap';
import { renderTextBitmap } from '../../electron/core/labels/text-raster';
import { zplImageLabel } from '../../electron/core/labels/zpl-graphic';
import { InvalidSsccError } from '../../electron/core/labels/sscc';
import {
  renderShippingLabelZpl,
  type LabelDpi,
  type ShippingLabelData,
} from '../../electron/core/labels/zpl-shipping-label';
import { decodeSymbols } from '../support/label-decode';
import { party } from '../support/label-data';

const NAMES = {
  latin: 'Jonathan Smith',
  polish: 'Małgorzata Wójcik-Żółć',
  greek: 'Ελένη Παπαδοπούλου',
  chinese: '王秀英',
};

const label: ShippingLabelData = {
  shipFrom: party({
    name: 'Packbench Warehouse',
    company: 'ACME_Goods ^XZ Co',
    street1: 'ul. Przemysłowa 12',
    city: 'Poznań',
    postalCode: '61-001',
    country: 'PL',
  }),
  shipTo: party({
    name: `${NAMES.latin} / ${NAMES.polish}`,
    company: 'Ünder~Score_Shop ^FS^XZ Ltd',
    street1: 'Οδός Ερμού 15',
    street2: '北京市朝阳区建国路88号 ~JA ^XZ _',
    city: 'Αθήνα',
    postalCode: '105 63',
    country: 'GR',
    phone: '+30 21 0123 4567',
  }),
  carrier: 'DHL ^Parcel~',
  service: 'Standard_Express',
  trackingNumber: 'JJD0012345678901234',
  reference: 'WH/OUT/00042 ^XZ',
  weightG: 2350,
  parcelIndex: 2,
  parcelCount: 3,
  sscc: '09528765432101234', // check digit 6 is added
};
const SSCC_ELEMENT = '(00)095287654321012346';

function save(name: string, png: Buffer): void {
  mkdirSync('test-results', { recursive: true });
  writeFileSync(`test-results/${name}`, png);
}

describe.each([203, 300] as LabelDpi[])('shipping label at %i dpi', (dpi) => {
  const size = dpi === 300 ? { w: 1200, h: 1800 } : { w: 812, h: 1218 };

  describe.each(['qr', 'datamatrix'] as const)('with a %s code', (code2d) => {
    let zpl: string;
    let png: Buffer;
    beforeAll(async () => {
      zpl = renderShippingLabelZpl(label, { dpi, code2d });
      png = await renderLabelPng(zpl, { dpi });
      save(`labels-${dpi}dpi-${code2d}.png`, png);
    });

    it('is one 4x6 in UTF-8 label of the right size', () => {
      expect(zpl.startsWith('^XA')).toBe(true);
      expect(zpl.endsWith('^XZ')).toBe(true);
      expect(zpl.match(/\^XA/g)).toHaveLength(1);
      expect(zpl.match(/\^XZ/g)).toHaveLength(1);
      expect(zpl).toContain('^CI28');
      expect(zpl).toContain(`^PW${size.w}`);
      expect(zpl).toContain(`^LL${size.h}`);
      const img = PNG.sync.read(png);
      expect(Math.abs(img.width - size.w)).toBeLessThanOrEqual(20);
      expect(Math.abs(img.height - size.h)).toBeLessThanOrEqual(30);
    });

    it('decodes to the tracking number (Code 128 and the 2D code) and the SSCC with its AI', async () => {
      const codes = await decodeSymbols(png);
      expect(codes).toContainEqual(expect.objectContaining({ format: 'Code128', text: label.trackingNumber }));
      expect(codes).toContainEqual(
        expect.objectContaining({ format: code2d === 'qr' ? 'QRCode' : 'DataMatrix', text: label.trackingNumber }),
      );
      const gs1 = codes.find((c) => c.symbologyIdentifier === ']C1');
      expect(gs1).toMatchObject({ format: 'Code128', text: SSCC_ELEMENT });
      expect(codes).toHaveLength(3);
    });

    it('never lets ^, ~ or _ in field data through raw', () => {
      for (const [, data] of zpl.matchAll(/\^FD(.*?)\^FS/gs)) expect(data).not.toMatch(/[\^~\\]/);
      expect(zpl.match(/\^FD/g)?.length).toBe(zpl.match(/\^FH\^FD/g)?.length);
      // Every command starts a line or follows a field/format command: no ^XZ before the end.
      expect(zpl.indexOf('^XZ')).toBe(zpl.length - 3);
      expect(zpl).toContain('ACME_5FGoods _5EXZ Co');
      expect(zpl).toContain('DHL _5EParcel_7E');
    });
  });
});

describe('names in any script', () => {
  const names = { ...label, shipTo: { ...label.shipTo, name: Object.values(NAMES).join(' ') } };

  it('every character of the four names has a glyph in the bundled fonts', () => {
    for (const name of Object.values(NAMES)) {
      for (const ch of name.replace(/[\s-]/g, '')) expect(fontFor(ch), `glyph for ${ch}`).not.toBeNull();
    }
  });

  it.each([203, 300] as LabelDpi[])('Greek and Chinese are drawn as graphics, Latin and Polish in the resident font (%i dpi)', async (dpi) => {
    const zpl = renderShippingLabelZpl(
      { ...names, shipTo: { ...names.shipTo, name: NAMES.polish, company: `${NAMES.greek} ${NAMES.chinese}` } },
      { dpi },
    );
    expect(zpl).toContain('^FH^FDMałgorzata Wójcik-Żółć^FS');
    expect(zpl).not.toContain(NAMES.greek);
    expect(zpl).not.toContain(NAMES.chinese);
    expect(zpl).toMatch(/\^GFA,\d+,\d+,\d+,/);
    const png = await renderLabelPng(zpl, { dpi });
    save(`labels-scripts-${dpi}dpi.png`, png);
    expect(await decodeSymbols(png)).toContainEqual(expect.objectContaining({ text: label.trackingNumber }));
  });

  it('graphic mode draws every non-ASCII field from the bundled fonts', async () => {
    const zpl = renderShippingLabelZpl(names, { unicodeText: 'graphic' });
    expect(zpl).not.toContain('Małgorzata');
    expect(zpl).toContain('^FH^FDSHIP TO^FS'); // ASCII stays in the printer font
    const png = await renderLabelPng(zpl);
    save('labels-scripts-graphic-203dpi.png', png);
    expect(await decodeSymbols(png)).toContainEqual(expect.objectContaining({ text: label.trackingNumber }));
  });

  it('the renderer shows the text graphic dot for dot (compressed ^GFA round trip)', async () => {
    // One line of all four names, narrower than the widest label (zebrash clips very wide ones).
    const text = renderTextBitmap(Object.values(NAMES).join(' '), 28);
    const zpl = zplImageLabel(text);
    expect(zpl.length).toBeLessThan(text.bits.length * 2); // compression pays
    const png = PNG.sync.read(await renderLabelPng(zpl, { widthIn: text.width / 203, heightIn: text.height / 203 }));
    let same = 0;
    for (let y = 0; y < text.height; y++) {
      for (let x = 0; x < text.width; x++) {
        if (getDot(text, x, y) === png.data[(y * png.width + x) * 4]! < 128) same++;
      }
    }
    expect(same / (text.width * text.height)).toBeGreaterThan(0.999);
  });

  it('a printer-resident Unicode font is assigned with ^CW and used for non-ASCII fields', () => {
    const zpl = renderShippingLabelZpl(names, { unicodeText: { printerFont: 'E:NOTOSANS.TTF' } });
    expect(zpl).toContain('^CWJ,E:NOTOSANS.TTF');
    expect(zpl).toContain(`^AJN,`);
    expect(zpl).toContain(Object.values(NAMES).join(' ').slice(0, 20));
    expect(zpl).not.toContain('^GFA');
    expect(() => renderShippingLabelZpl(names, { unicodeText: { printerFont: 'E:X^XZ.TTF' } })).toThrow(/TrueType/);
  });
});

describe('label data checks', () => {
  it('rejects a wrong SSCC check digit and keeps the label without an SSCC', () => {
    expect(() => renderShippingLabelZpl({ ...label, sscc: '095287654321012345' })).toThrow(InvalidSsccError);
    const zpl = renderShippingLabelZpl({ ...label, sscc: null });
    expect(zpl).not.toContain('>8');
  });

  it('rejects an unsupported resolution and a non-ASCII tracking number', () => {
    expect(() => renderShippingLabelZpl(label, { dpi: 600 as LabelDpi })).toThrow(/resolution/);
    expect(() => renderShippingLabelZpl({ ...label, trackingNumber: 'ŻÓŁW' })).toThrow(/ASCII/);
  });

  it('keeps the 203 dpi default for existing callers', () => {
    expect(renderShippingLabelZpl(label)).toBe(renderShippingLabelZpl(label, { dpi: 203, code2d: 'qr', unicodeText: 'auto' }));
  });
});

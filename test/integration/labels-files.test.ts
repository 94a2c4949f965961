// The same shipping label as PNG (screen preview) and PDF (Odoo attachment, fallback printer).
import { mkdirSync, writeFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { labelPdfFromPng } from '../../electron/core/labels/label-pdf';
import { renderLabelPng } from '../../electron/core/labels/label-png';
import { rasterizePdf } from '../../electron/core/labels/pdf-raster';
import { zplImageLabel } from '../../electron/core/labels/zpl-graphic';
import { renderShippingLabelZpl, type ShippingLabelData } from '../../electron/core/labels/zpl-shipping-label';
import { decodeSymbols } from '../support/label-decode';
import { party } from '../support/label-data';

const label: ShippingLabelData = {
  shipFrom: party({ name: 'Packbench Warehouse', street1: 'ul. Przemysłowa 12', city: 'Poznań', postalCode: '61-001', country: 'PL' }),
  shipTo: party({ name: '王秀英 Ελένη', street1: 'Οδός Ερμού 15', city: 'Αθήνα', postalCode: '105 63', country: 'GR' }),
  carrier: 'ELTA Courier',
  service: 'Express',
  trackingNumber: 'EL123456789GR',
  reference: 'WH/OUT/00077',
  weightG: 980,
  parcelIndex: 1,
  parcelCount: 1,
  sscc: '095287654321012346',
};

describe('PNG and PDF of the label', () => {
  let png: Buffer;
  let pdf: Buffer;
  beforeAll(async () => {
    png = await renderLabelPng(renderShippingLabelZpl(label));
    pdf = await labelPdfFromPng(png, { title: `${label.reference} ${label.trackingNumber}` });
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/labels-preview.png', png);
    writeFileSync('test-results/labels-attachment.pdf', pdf);
  });

  it('the PNG is the 4x6 label at 203 dpi and its barcodes decode', async () => {
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const img = PNG.sync.read(png);
    expect(img.width).toBeGreaterThanOrEqual(812);
    expect(img.height).toBeGreaterThanOrEqual(1218);
    const codes = await decodeSymbols(png);
    expect(codes).toContainEqual(expect.objectContaining({ format: 'Code128', text: label.trackingNumber }));
    expect(codes).toContainEqual(expect.objectContaining({ format: 'QRCode', text: label.trackingNumber }));
  });

  it('the PDF is a valid one-page 4x6 in document', async () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect([width, height]).toEqual([288, 432]);
    expect(doc.getTitle()).toBe(`${label.reference} ${label.trackingNumber}`);
  });

  it('the PDF prints back to the same barcodes (rasterised again)', async () => {
    const [page] = await rasterizePdf(pdf, { dpi: 203, maxWidth: 812, maxHeight: 1218 });
    expect(page!.width).toBe(812);
    const codes = await decodeSymbols(await renderLabelPng(zplImageLabel(page!)));
    expect(codes).toContainEqual(expect.objectContaining({ format: 'Code128', text: label.trackingNumber }));
    expect(codes).toContainEqual(expect.objectContaining({ text: '(00)095287654321012346', symbologyIdentifier: ']C1' }));
  });
});

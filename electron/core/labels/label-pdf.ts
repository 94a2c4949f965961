// A label image as a one-page PDF of the label's physical size (the Odoo attachment, and
// the fallback when the label printer is down): the PNG fills a 4x6 in page.
import { PDFDocument } from 'pdf-lib';

export interface LabelPdfOptions {
  widthIn?: number;
  heightIn?: number;
  title?: string;
}

export async function labelPdfFromPng(png: Buffer, opts: LabelPdfOptions = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  if (opts.title) doc.setTitle(opts.title);
  doc.setProducer('Packbench');
  doc.setCreator('Packbench');
  const image = await doc.embedPng(png);
  const width = (opts.widthIn ?? 4) * 72;
  const height = (opts.heightIn ?? 6) * 72;
  const page = doc.addPage([width, height]);
  page.drawImage(image, { x: 0, y: 0, width, height });
  return Buffer.from(await doc.save());
}

// The shipping label for receipt-style ESC/POS printers, built with node-thermal-printer's
// buffer (no printer needed: getBuffer()). Text outside ASCII is printed as a raster image
// from the bundled fonts, so names in any script survive whatever code page the printer has.
import { PrinterTypes, ThermalPrinter } from 'node-thermal-printer';
import { fitWithin, monoToPng } from './mono-bitmap';
import { measureText, renderTextBitmap } from './text-raster';
import type { ShippingLabelData } from './zpl-shipping-label';

export interface EscPosLabelOptions {
  type?: 'epson' | 'star';
  /** Characters per line in font A (48 on 80 mm paper, 32 on 58 mm). */
  charsPerLine?: number;
  /** Printable width in dots (576 on 80 mm paper at 203 dpi, 384 on 58 mm). */
  widthDots?: number;
}

const ASCII = /^[\x20-\x7e]*$/;
const ESC_INIT = Buffer.from([0x1b, 0x40]); // ESC @: clear buffer, reset modes

/** Builds jobs only; sending is the printer transport's job. */
const NO_TRANSPORT = {
  execute: () => Promise.reject(new Error('escpos-label builds bytes only; send them with a printer transport')),
  isPrinterConnected: () => Promise.resolve(false),
};

function kg(weightG: number): string {
  return `${(weightG / 1000).toFixed(2)} kg`;
}

/** ESC/POS bytes for one parcel label: init, text blocks, Code 128 + QR of the tracking number, cut. */
export async function renderShippingLabelEscPos(data: ShippingLabelData, opts: EscPosLabelOptions = {}): Promise<Buffer> {
  if (!/^[\x20-\x7e]+$/.test(data.trackingNumber)) {
    throw new Error(`Tracking number must be printable ASCII: ${JSON.stringify(data.trackingNumber)}`);
  }
  const widthDots = opts.widthDots ?? 576;
  const p = new ThermalPrinter({
    type: opts.type === 'star' ? PrinterTypes.STAR : PrinterTypes.EPSON,
    // A custom interface object is accepted at run time; the typings only list strings.
    interface: NO_TRANSPORT as unknown as string,
    width: opts.charsPerLine ?? 48,
    removeSpecialCharacters: false,
  });

  /** One line: printer text when ASCII, otherwise an image of the text. */
  const line = async (text: string, size = 24) => {
    if (ASCII.test(text)) {
      p.println(text);
      return;
    }
    let em = size;
    while (em > 16 && measureText(text, em) > widthDots) em -= 1;
    const bitmap = fitWithin(renderTextBitmap(text, em), widthDots, 255);
    await p.printImageBuffer(monoToPng(bitmap));
  };

  p.add(ESC_INIT);
  p.alignCenter();
  p.setTextDoubleHeight();
  p.bold(true);
  await line(`${data.carrier} - ${data.service}`, 32);
  p.bold(false);
  p.setTextNormal();
  p.println(`Parcel ${data.parcelIndex} of ${data.parcelCount}   ${kg(data.weightG)}`);
  p.drawLine();

  p.alignLeft();
  p.println('SHIP TO');
  p.bold(true);
  p.setTextDoubleHeight();
  await line(data.shipTo.name, 36);
  p.setTextNormal();
  p.bold(false);
  const to = data.shipTo;
  for (const l of [to.company, to.street1, to.street2, [to.postalCode, to.city, to.region].filter(Boolean).join(' '), to.country.toUpperCase()]) {
    if (l && l.trim() !== '') await line(l);
  }
  if (to.phone) p.println(`Tel. ${to.phone}`);
  p.drawLine();
  p.println('FROM');
  const from = data.shipFrom;
  const fromCompany = from.company && from.company.trim().toLowerCase() !== from.name.trim().toLowerCase() ? from.company : null;
  for (const l of [from.name, fromCompany, from.street1, [from.postalCode, from.city].join(' '), from.country.toUpperCase()]) {
    if (l && l.trim() !== '') await line(l, 20);
  }
  p.println(`Ref: ${data.reference}`);
  p.drawLine();

  p.alignCenter();
  // EPSON's code128() sends GS k 73 "{B" + data; "{" itself is written "{{". Its settings are
  // the ESC/POS values (module width 2-6 dots, height, HRI off), not what the typings list.
  const modules = 11 * (data.trackingNumber.length + 2) + 13;
  const module = Math.max(2, Math.min(6, Math.floor(widthDots / (modules + 20))));
  const code128Settings = { hriPos: 0, hriFont: 0, width: module, height: 120 };
  p.code128(data.trackingNumber.replaceAll('{', '{{'), code128Settings as unknown as Parameters<ThermalPrinter['code128']>[1]);
  p.newLine();
  p.println(data.trackingNumber);
  p.printQR(data.trackingNumber, { cellSize: 6, correction: 'M', model: 2 });
  p.newLine();
  p.cut();
  return Buffer.from(p.getBuffer());
}

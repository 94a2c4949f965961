// Labels (the bench's own ZPL, or a carrier's ZPL, PNG or PDF) to the bytes a printer takes, always
// converted here, never by an online service: ZPL goes to a ZPL printer unchanged; PNG becomes a ^GFA
// image; PDF is rasterised (MuPDF) then becomes ^GFA. ESC/POS printers get the label as raster
// images. Office printers (through the system queue) get a 4x6 in PDF: a PDF label unchanged.
import { PrinterTypes, ThermalPrinter } from 'node-thermal-printer';
import { labelPdfFromPng } from './label-pdf';
import { renderLabelPng } from './label-png';
import { fitWithin, monoFromPng, monoToPng, rotateClockwise, sliceRows, type MonoBitmap } from './mono-bitmap';
import { rasterizePdf } from './pdf-raster';
import { markBitmap, markPdf, markPng } from './reprint-mark';
import { zplImageLabel } from './zpl-graphic';
import { labelSize, type LabelDpi } from './zpl-shipping-label';

export type CarrierLabelFormat = 'ZPL' | 'PNG' | 'PDF';
export type PrinterLanguage = 'zpl' | 'escpos' | 'pdf';

export interface CarrierLabel {
  format: CarrierLabelFormat;
  bytes: Buffer;
}

export interface PrinterBytesOptions {
  /** ZPL printer resolution (default 203); the stock is 4x6 in. */
  dpi?: LabelDpi;
  /** ESC/POS printable width in dots (default 576: 80 mm paper). */
  escposWidthDots?: number;
  /** A copy printed again on purpose: it says REPRINT on it, whatever its format (the stored label is unchanged). */
  reprint?: boolean;
}

/** REPRINT, white on black, in the tracking heading row of every page of a stored ZPL label. */
export function markReprint(zpl: string): string {
  const k = zplDpi(Buffer.from(zpl, 'utf8')) === 300 ? 1.5 : 1;
  const d = (n: number) => Math.round(n * k);
  // Left of the TRACKING heading, clear of the barcode below it.
  const mark = `^FO${d(30)},${d(764)}^GB${d(230)},${d(34)},${d(34)}^FS^FO${d(30)},${d(767)}^FR^A0N,${d(30)},${d(30)}^FB${d(230)},1,0,C^FH^FDREPRINT^FS`;
  return zpl.replace(/\^XZ/g, `${mark}\n^XZ`);
}

/**
 * A label as a copy printed again on purpose, in its own format with REPRINT on it (ZPL: in ZPL;
 * PNG and PDF: where the carrier's label has room, reprint-mark.ts). The stored label is unchanged.
 */
export async function reprintCopy(label: CarrierLabel): Promise<CarrierLabel> {
  switch (label.format) {
    case 'ZPL':
      return { format: 'ZPL', bytes: Buffer.from(markReprint(label.bytes.toString('utf8')), 'utf8') };
    case 'PNG':
      return { format: 'PNG', bytes: markPng(label.bytes) };
    case 'PDF':
      return { format: 'PDF', bytes: await markPdf(label.bytes) };
  }
}

const ESCPOS_BAND_ROWS = 200; // Epson garbles single raster images 256+ dots tall
const ESC_INIT = Buffer.from([0x1b, 0x40]); // ESC @

/** Turns landscape art onto portrait stock, then shrinks it to fit when it is larger. */
function fitStock(b: MonoBitmap, width: number, height: number): MonoBitmap {
  const turned = b.width > b.height && height > width && b.width > width ? rotateClockwise(b) : b;
  return fitWithin(turned, width, height);
}

async function toBitmaps(label: CarrierLabel, width: number, height: number, dpi: number): Promise<MonoBitmap[]> {
  switch (label.format) {
    case 'PNG':
      return [fitStock(monoFromPng(label.bytes), width, height)];
    case 'PDF':
      return rasterizePdf(label.bytes, { dpi, maxWidth: width, maxHeight: height });
    case 'ZPL': {
      const png = await renderLabelPng(label.bytes.toString('utf8'), { dpi: zplDpi(label.bytes) });
      return [fitStock(monoFromPng(png), width, height)];
    }
  }
}

/** The resolution a ZPL label was made for, from its print width (4 in: 812 dots at 203 dpi, 1200 at 300). */
export function zplDpi(zpl: Buffer): LabelDpi {
  const width = /\^PW(\d+)/.exec(zpl.toString('latin1'))?.[1];
  return width !== undefined && Number(width) > 1000 ? 300 : 203;
}

async function escposImages(pages: MonoBitmap[]): Promise<Buffer> {
  const p = new ThermalPrinter({
    type: PrinterTypes.EPSON,
    // Bytes only; a printer transport sends them. Custom interface objects work at run time.
    interface: { execute: () => Promise.reject(new Error('bytes only')) } as unknown as string,
  });
  p.add(ESC_INIT);
  p.alignCenter();
  for (const page of pages) {
    for (let y = 0; y < page.height; y += ESCPOS_BAND_ROWS) {
      await p.printImageBuffer(monoToPng(sliceRows(page, y, Math.min(page.height, y + ESCPOS_BAND_ROWS))));
    }
    p.cut();
  }
  return Buffer.from(p.getBuffer());
}

/** The bytes to send to a printer that speaks `printerLanguage` for a carrier's label. */
export async function toPrinterBytes(
  label: CarrierLabel,
  printerLanguage: PrinterLanguage,
  opts: PrinterBytesOptions = {},
): Promise<Buffer> {
  if (label.bytes.length === 0) throw new Error(`The carrier's ${label.format} label is empty`);
  // A carrier's picture on its way to a label or receipt printer is marked as the dots it becomes
  // (cheaper than a marked PNG or PDF drawn again); anything else is marked in its own format first.
  const markDots = opts.reprint === true && label.format !== 'ZPL' && printerLanguage !== 'pdf';
  if (opts.reprint && !markDots) label = await reprintCopy(label);
  const marked = (pages: MonoBitmap[]) => (markDots ? pages.map(markBitmap) : pages);
  if (printerLanguage === 'pdf') {
    if (label.format === 'PDF') return label.bytes;
    const png = label.format === 'PNG' ? label.bytes : await renderLabelPng(label.bytes.toString('utf8'), { dpi: zplDpi(label.bytes) });
    return labelPdfFromPng(png, { title: 'Packbench label' });
  }
  if (printerLanguage === 'zpl') {
    if (label.format === 'ZPL') return label.bytes;
    const dpi = opts.dpi ?? 203;
    const { width, height } = labelSize(dpi);
    const pages = marked(await toBitmaps(label, width, height, dpi));
    return Buffer.from(pages.map((b) => zplImageLabel(b)).join('\n'), 'utf8');
  }
  const widthDots = opts.escposWidthDots ?? 576;
  // Tall receipt paper: any length, the label's width scaled to the paper.
  const pages = marked(await toBitmaps(label, widthDots, widthDots * 4, 203));
  return escposImages(pages);
}

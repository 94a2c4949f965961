// PDF → 1-bit bitmaps, one per page, rasterised locally by MuPDF (the `mupdf` package:
// Artifex's WASM build, no native code, no network). Loaded on first use.
import type * as MuPdfModule from 'mupdf';
import { createMonoBitmap, monoFromGray, rotateClockwise, type MonoBitmap } from './mono-bitmap';

type MuPdf = typeof MuPdfModule;
let mupdf: Promise<MuPdf> | null = null;

export interface PdfRasterOptions {
  /** Printer resolution: a page is drawn at its physical size in dots. */
  dpi: number;
  /** The label stock in dots: larger pages shrink to fit, landscape pages turn on portrait stock. */
  maxWidth: number;
  maxHeight: number;
}

export class PdfLabelError extends Error {
  override name = 'PdfLabelError';
}

export async function rasterizePdf(pdf: Buffer, opts: PdfRasterOptions): Promise<MonoBitmap[]> {
  mupdf ??= import('mupdf');
  const m = await mupdf;
  let doc: InstanceType<MuPdf['Document']>;
  try {
    doc = m.Document.openDocument(pdf, 'application/pdf');
  } catch (e) {
    throw new PdfLabelError(`The carrier label is not a readable PDF: ${(e as Error).message}`);
  }
  try {
    const pages: MonoBitmap[] = [];
    const count = doc.countPages();
    if (count < 1) throw new PdfLabelError('The carrier label PDF has no pages');
    for (let i = 0; i < count; i++) {
      const page = doc.loadPage(i);
      try {
        const [x0, y0, x1, y1] = page.getBounds();
        const wPt = x1 - x0;
        const hPt = y1 - y0;
        // Landscape page on portrait stock: draw it turned a quarter.
        const turn = wPt > hPt && opts.maxHeight > opts.maxWidth;
        const [fitW, fitH] = turn ? [opts.maxHeight, opts.maxWidth] : [opts.maxWidth, opts.maxHeight];
        const scale = Math.min(opts.dpi / 72, fitW / wPt, fitH / hPt);
        const pix = page.toPixmap(m.Matrix.scale(scale, scale), m.ColorSpace.DeviceGray, false, true);
        try {
          const bitmap =
            pix.getWidth() > 0 && pix.getHeight() > 0
              ? monoFromGray(new Uint8Array(pix.getPixels()), pix.getWidth(), pix.getHeight(), pix.getStride())
              : createMonoBitmap(1, 1);
          pages.push(turn ? rotateClockwise(bitmap) : bitmap);
        } finally {
          pix.destroy();
        }
      } finally {
        page.destroy();
      }
    }
    return pages;
  } finally {
    doc.destroy();
  }
}

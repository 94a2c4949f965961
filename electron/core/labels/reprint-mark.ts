// REPRINT on a copy printed again, for a carrier's label that came as a PNG or a PDF (a ZPL label
// gets its mark in ZPL: carrier-label.ts markReprint). The carrier's layout is not known, so the
// mark goes where the label has room for it: the first blank area, top to bottom, left to right,
// that holds the mark with a margin, so it never covers print. A label without such room is shrunk
// a little to free a band across its top for the mark. The same white-on-black box as the ZPL mark,
// sized to the label's width (230 x 34 dots on a 4 in label at 203 dpi).
import { degrees, PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import { PNG } from 'pngjs';
import { createMonoBitmap, fitWithin, getDot, monoFromRgba, monoToPng, setDot, type MonoBitmap } from './mono-bitmap';
import { rasterizePdf } from './pdf-raster';
import { renderTextLine } from './text-raster';

export const REPRINT = 'REPRINT';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The mark's size for a label `width` dots wide, and the blank margin it keeps around it. */
export function markSize(width: number): { width: number; height: number; margin: number } {
  const height = Math.max(12, Math.round((width * 34) / 812));
  return { width: Math.max(60, Math.round((width * 230) / 812)), height, margin: Math.max(6, Math.round(height * 0.6)) };
}

/**
 * The top-left corner of the first blank area of `b` (reading order) that holds a `width` x
 * `height` box with `margin` blank dots around it, or null when the label has no such room.
 */
export function findBlankSpot(b: MonoBitmap, width: number, height: number, margin: number): { x: number; y: number } | null {
  const w = width + 2 * margin;
  const h = height + 2 * margin;
  if (w > b.width || h > b.height) return null;
  // Summed-area table of dark dots: any rectangle's count in four reads.
  const stride = b.width + 1;
  const sums = new Uint32Array(stride * (b.height + 1));
  for (let y = 0; y < b.height; y++) {
    let row = 0;
    for (let x = 0; x < b.width; x++) {
      if (getDot(b, x, y)) row++;
      sums[(y + 1) * stride + x + 1] = sums[y * stride + x + 1]! + row;
    }
  }
  const dark = (x: number, y: number) =>
    sums[(y + h) * stride + x + w]! - sums[y * stride + x + w]! - sums[(y + h) * stride + x]! + sums[y * stride + x]!;
  const step = Math.max(1, Math.floor(margin / 2));
  for (let y = 0; y + h <= b.height; y += step) {
    for (let x = 0; x + w <= b.width; x += step) if (dark(x, y) === 0) return { x: x + margin, y: y + margin };
  }
  return null;
}

/** The mark as dots: a dark box with REPRINT left light in its middle. */
export function reprintMark(width: number, height: number): MonoBitmap {
  const mark = createMonoBitmap(width, height);
  mark.bits.fill(0xff);
  let size = Math.round(height * 0.95);
  let text = renderTextLine(REPRINT, size).bitmap;
  while (size > 6 && (text.width > width - height / 2 || inked(text).height > height * 0.75)) {
    size--;
    text = renderTextLine(REPRINT, size).bitmap;
  }
  const ink = inked(text);
  const ox = Math.round((width - ink.width) / 2) - ink.x;
  const oy = Math.round((height - ink.height) / 2) - ink.y;
  for (let y = ink.y; y < ink.y + ink.height; y++) {
    for (let x = ink.x; x < ink.x + ink.width; x++) if (getDot(text, x, y)) clearDot(mark, x + ox, y + oy);
  }
  return mark;
}

/** A label bitmap with the mark: in its first blank area, or in a band freed by shrinking it. */
export function markBitmap(label: MonoBitmap): MonoBitmap {
  const size = markSize(label.width);
  const spot = findBlankSpot(label, size.width, size.height, size.margin);
  const mark = reprintMark(size.width, size.height);
  if (spot) {
    const out = { ...label, bits: label.bits.slice() };
    blit(out, mark, spot.x, spot.y);
    return out;
  }
  const band = size.height + 2 * size.margin;
  const shrunk = fitWithin(label, label.width, label.height - band);
  const out = createMonoBitmap(label.width, label.height);
  blit(out, shrunk, Math.floor((label.width - shrunk.width) / 2), band, false);
  blit(out, mark, size.margin, size.margin);
  return out;
}

/** A PNG label with the mark (its colours kept when the mark fits in a blank area). */
export function markPng(png: Buffer): Buffer {
  const img = PNG.sync.read(png);
  const mono = monoFromRgba(img);
  const size = markSize(mono.width);
  const spot = findBlankSpot(mono, size.width, size.height, size.margin);
  if (!spot) return monoToPng(markBitmap(mono));
  const mark = reprintMark(size.width, size.height);
  for (let y = 0; y < mark.height; y++) {
    for (let x = 0; x < mark.width; x++) {
      const i = ((spot.y + y) * img.width + spot.x + x) * 4;
      const v = getDot(mark, x, y) ? 0 : 255;
      img.data[i] = img.data[i + 1] = img.data[i + 2] = v;
      img.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(img);
}

/** Dots per inch the PDF is looked at to find room for the mark. */
const PDF_LOOK_DPI = 100;

/**
 * A PDF label with the mark on every page, drawn as PDF (a black box, REPRINT in Helvetica Bold,
 * white): the label's own drawing is kept as it is, only shrunk when a page has no room.
 */
export async function markPdf(pdf: Buffer): Promise<Buffer> {
  const src = await PDFDocument.load(pdf);
  const out = await PDFDocument.create();
  out.setProducer('Packbench');
  out.setCreator('Packbench');
  const title = src.getTitle();
  if (title) out.setTitle(title);
  const font = await out.embedFont(StandardFonts.HelveticaBold);
  // Huge stock: pages are seen at their own size and orientation.
  const looks = await rasterizePdf(pdf, { dpi: PDF_LOOK_DPI, maxWidth: 1e6, maxHeight: 1e6 });
  const scale = PDF_LOOK_DPI / 72;
  for (const [i, page] of src.getPages().entries()) {
    const crop = page.getCropBox();
    const embedded = await out.embedPage(page, { left: crop.x, bottom: crop.y, right: crop.x + crop.width, top: crop.y + crop.height });
    const target = out.addPage([crop.width, crop.height]);
    const rotation = page.getRotation().angle % 360;
    if (rotation !== 0) target.setRotation(degrees(rotation));
    const look = looks[i];
    const size = look ? markSize(look.width) : null;
    // Room is looked for on the page as seen; a turned page gets the band (in its own upright space).
    const spot = look && size && rotation === 0 ? findBlankSpot(look, size.width, size.height, size.margin) : null;
    let box: Box;
    if (spot && size) {
      target.drawPage(embedded, { x: 0, y: 0 });
      box = { x: spot.x / scale, y: crop.height - (spot.y + size.height) / scale, width: size.width / scale, height: size.height / scale };
    } else {
      const pts = markSize(Math.round(crop.width));
      const band = pts.height + 2 * pts.margin;
      const k = (crop.height - band) / crop.height;
      target.drawPage(embedded, { x: (crop.width * (1 - k)) / 2, y: 0, xScale: k, yScale: k });
      box = { x: pts.margin, y: crop.height - pts.margin - pts.height, width: pts.width, height: pts.height };
    }
    target.drawRectangle({ ...box, color: rgb(0, 0, 0) });
    let fontSize = box.height * 0.8;
    while (font.widthOfTextAtSize(REPRINT, fontSize) > box.width - box.height / 2) fontSize -= 0.5;
    const capHeight = font.heightAtSize(fontSize, { descender: false }) * 0.72;
    target.drawText(REPRINT, {
      x: box.x + (box.width - font.widthOfTextAtSize(REPRINT, fontSize)) / 2,
      y: box.y + (box.height - capHeight) / 2,
      size: fontSize,
      font,
      color: rgb(1, 1, 1),
    });
  }
  return Buffer.from(await out.save());
}

function clearDot(b: MonoBitmap, x: number, y: number): void {
  if (x < 0 || y < 0 || x >= b.width || y >= b.height) return;
  const i = y * b.rowBytes + (x >> 3);
  b.bits[i] = b.bits[i]! & ~(0x80 >> (x & 7));
}

/** Draws `src` onto `dst` at (x, y); with `opaque`, light dots of `src` clear `dst`'s. */
function blit(dst: MonoBitmap, src: MonoBitmap, x: number, y: number, opaque = true): void {
  for (let sy = 0; sy < src.height && y + sy < dst.height; sy++) {
    for (let sx = 0; sx < src.width && x + sx < dst.width; sx++) {
      if (getDot(src, sx, sy)) setDot(dst, x + sx, y + sy);
      else if (opaque) clearDot(dst, x + sx, y + sy);
    }
  }
}

/** The box around a bitmap's dark dots. */
function inked(b: MonoBitmap): Box {
  let [x0, y0, x1, y1] = [b.width, b.height, -1, -1];
  for (let y = 0; y < b.height; y++) {
    for (let x = 0; x < b.width; x++) {
      if (!getDot(b, x, y)) continue;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? { x: 0, y: 0, width: 0, height: 0 } : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

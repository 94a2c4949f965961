// A 1-bit bitmap as label printers take it: rows top-down, 1 bit per dot, MSB = leftmost dot,
// 1 = dark. Conversions in from PNG / greyscale pixels and the geometry carrier labels need.
import { PNG } from 'pngjs';

export interface MonoBitmap {
  width: number;
  height: number;
  /** ceil(width / 8) */
  rowBytes: number;
  /** rowBytes * height bytes. */
  bits: Uint8Array;
}

export function createMonoBitmap(width: number, height: number): MonoBitmap {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`Invalid bitmap size ${width}x${height}`);
  }
  const rowBytes = Math.ceil(width / 8);
  return { width, height, rowBytes, bits: new Uint8Array(rowBytes * height) };
}

export function getDot(b: MonoBitmap, x: number, y: number): boolean {
  return ((b.bits[y * b.rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1) === 1;
}

export function setDot(b: MonoBitmap, x: number, y: number): void {
  const i = y * b.rowBytes + (x >> 3);
  b.bits[i] = b.bits[i]! | (0x80 >> (x & 7));
}

/**
 * Greyscale (1 byte per pixel, 0 = black) → 1 bit. `threshold`: a pixel darker than this is
 * a dot. `stride` is the bytes per source row (defaults to width).
 */
export function monoFromGray(gray: Uint8Array, width: number, height: number, stride = width, threshold = 128): MonoBitmap {
  const b = createMonoBitmap(width, height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    for (let x = 0; x < width; x++) if (gray[row + x]! < threshold) setDot(b, x, y);
  }
  return b;
}

/**
 * Any PNG → 1 bit. Transparent pixels are background (bwip-js draws on a transparent canvas),
 * so a pixel is dark only when it is opaque enough and darker than mid-grey.
 */
export function monoFromPng(png: Buffer): MonoBitmap {
  return monoFromRgba(PNG.sync.read(png));
}

/** Decoded RGBA pixels (pngjs) → 1 bit, by monoFromPng's rule. */
export function monoFromRgba(img: { width: number; height: number; data: Uint8Array }): MonoBitmap {
  const b = createMonoBitmap(img.width, img.height);
  const d = img.data;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 4;
      const alpha = d[i + 3]!;
      const lum = 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
      if (alpha > 127 && lum < 128) setDot(b, x, y);
    }
  }
  return b;
}

/** 1 bit → an opaque black-on-white PNG (for ESC/POS images and previews). */
export function monoToPng(b: MonoBitmap): Buffer {
  const png = new PNG({ width: b.width, height: b.height, colorType: 6 });
  for (let y = 0; y < b.height; y++) {
    for (let x = 0; x < b.width; x++) {
      const i = (y * b.width + x) * 4;
      const v = getDot(b, x, y) ? 0 : 255;
      png.data[i] = v;
      png.data[i + 1] = v;
      png.data[i + 2] = v;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/** Turned a quarter clockwise: a landscape label onto portrait stock. */
export function rotateClockwise(src: MonoBitmap): MonoBitmap {
  const out = createMonoBitmap(src.height, src.width);
  for (let y = 0; y < src.height; y++) {
    for (let x = 0; x < src.width; x++) if (getDot(src, x, y)) setDot(out, src.height - 1 - y, x);
  }
  return out;
}

/**
 * Shrinks by an integer-free factor so the result fits `maxWidth` x `maxHeight`: each target
 * dot is dark when at least half of the source area it covers is dark. Never enlarges.
 */
export function fitWithin(src: MonoBitmap, maxWidth: number, maxHeight: number): MonoBitmap {
  const scale = Math.min(1, maxWidth / src.width, maxHeight / src.height);
  if (scale === 1) return src;
  const w = Math.max(1, Math.floor(src.width * scale));
  const h = Math.max(1, Math.floor(src.height * scale));
  const out = createMonoBitmap(w, h);
  for (let ty = 0; ty < h; ty++) {
    const y0 = Math.floor(ty / scale);
    const y1 = Math.max(y0 + 1, Math.floor((ty + 1) / scale));
    for (let tx = 0; tx < w; tx++) {
      const x0 = Math.floor(tx / scale);
      const x1 = Math.max(x0 + 1, Math.floor((tx + 1) / scale));
      let dark = 0;
      for (let y = y0; y < y1 && y < src.height; y++) for (let x = x0; x < x1 && x < src.width; x++) if (getDot(src, x, y)) dark++;
      if (dark * 2 >= (y1 - y0) * (x1 - x0)) setDot(out, tx, ty);
    }
  }
  return out;
}

/** Rows [from, to) as their own bitmap. */
export function sliceRows(b: MonoBitmap, from: number, to: number): MonoBitmap {
  const out = createMonoBitmap(b.width, to - from);
  out.bits.set(b.bits.subarray(from * b.rowBytes, to * b.rowBytes));
  return out;
}

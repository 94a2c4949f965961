// Reading a REPRINT mark back from what would be printed: where a copy differs from the first print,
// whether that covered any print, and how many letters are left light in the dark box.
import * as mupdf from 'mupdf';
import { PNG } from 'pngjs';

export interface MarkSeen {
  /** The box where the copy differs from the first print (dots). */
  box: { x: number; y: number; width: number; height: number };
  /** Dark dots of the first print under the box: print the mark would cover. */
  coveredDots: number;
  /** Light shapes inside the box that do not touch its edge: the letters. */
  letters: number;
}

function darkness(png: Buffer): { width: number; height: number; dark: (x: number, y: number) => boolean } {
  const img = PNG.sync.read(png);
  return {
    width: img.width,
    height: img.height,
    dark: (x, y) => {
      const i = (y * img.width + x) * 4;
      const lum = 0.299 * img.data[i]! + 0.587 * img.data[i + 1]! + 0.114 * img.data[i + 2]!;
      return img.data[i + 3]! > 127 && lum < 128;
    },
  };
}

/** Compares two renderings of one label (same size): the first print and a copy printed again. */
export function markOn(firstPng: Buffer, copyPng: Buffer): MarkSeen {
  const first = darkness(firstPng);
  const copy = darkness(copyPng);
  if (first.width !== copy.width || first.height !== copy.height) throw new Error('the two renderings differ in size');
  let [x0, y0, x1, y1] = [copy.width, copy.height, -1, -1];
  for (let y = 0; y < copy.height; y++) {
    for (let x = 0; x < copy.width; x++) {
      if (first.dark(x, y) === copy.dark(x, y)) continue;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  if (x1 < 0) return { box: { x: 0, y: 0, width: 0, height: 0 }, coveredDots: 0, letters: 0 };
  const box = { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  let coveredDots = 0;
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if (first.dark(x, y)) coveredDots++;
  return { box, coveredDots, letters: lightShapes(copy.dark, box) };
}

/** Light 4-connected shapes inside `box` that do not reach its edge. */
function lightShapes(dark: (x: number, y: number) => boolean, box: MarkSeen['box']): number {
  const seen = new Uint8Array(box.width * box.height);
  let shapes = 0;
  for (let sy = 0; sy < box.height; sy++) {
    for (let sx = 0; sx < box.width; sx++) {
      if (seen[sy * box.width + sx] || dark(box.x + sx, box.y + sy)) continue;
      let touchesEdge = false;
      const stack = [[sx, sy]];
      seen[sy * box.width + sx] = 1;
      while (stack.length > 0) {
        const [x, y] = stack.pop()!;
        if (x === 0 || y === 0 || x === box.width - 1 || y === box.height - 1) touchesEdge = true;
        for (const [nx, ny] of [[x! + 1, y!], [x! - 1, y!], [x!, y! + 1], [x!, y! - 1]] as const) {
          if (nx < 0 || ny < 0 || nx >= box.width || ny >= box.height) continue;
          if (seen[ny * box.width + nx] || dark(box.x + nx, box.y + ny)) continue;
          seen[ny * box.width + nx] = 1;
          stack.push([nx, ny]);
        }
      }
      if (!touchesEdge) shapes++;
    }
  }
  return shapes;
}

/** Every page of a PDF rasterised by MuPDF at 203 dpi, as PNGs. */
export async function pdfPages(pdf: Uint8Array): Promise<Buffer[]> {
  const doc = mupdf.Document.openDocument(pdf, 'application/pdf');
  try {
    const pages: Buffer[] = [];
    for (let i = 0; i < doc.countPages(); i++) {
      const page = doc.loadPage(i);
      const pix = page.toPixmap(mupdf.Matrix.scale(203 / 72, 203 / 72), mupdf.ColorSpace.DeviceRGB, false, true);
      pages.push(Buffer.from(pix.asPNG()));
      pix.destroy();
      page.destroy();
    }
    return pages;
  } finally {
    doc.destroy();
  }
}

/** The text MuPDF extracts from every page of a PDF. */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  const doc = mupdf.Document.openDocument(pdf, 'application/pdf');
  try {
    let text = '';
    for (let i = 0; i < doc.countPages(); i++) {
      const page = doc.loadPage(i);
      text += page.toStructuredText('preserve-whitespace').asText();
      page.destroy();
    }
    return text;
  } finally {
    doc.destroy();
  }
}

/** Rows [0, rows) of a PNG, and a white page of the same size. */
export function topRows(png: Buffer, rows: number): { top: Buffer; white: Buffer } {
  const img = PNG.sync.read(png);
  const top = new PNG({ width: img.width, height: rows });
  img.data.copy(top.data, 0, 0, img.width * rows * 4);
  const white = new PNG({ width: img.width, height: rows });
  white.data.fill(255);
  return { top: PNG.sync.write(top), white: PNG.sync.write(white) };
}

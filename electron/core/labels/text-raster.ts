// Text → 1-bit bitmap without a canvas: glyph outlines from fonts.ts, flattened to edges and
// filled with the non-zero winding rule at 4x4 samples per dot. Used for names in scripts a
// label printer's resident fonts cannot show (Polish is fine there; Greek and Chinese are not).
import { fontFor, primaryFont, type OutlineCommand, type OutlineFont } from './fonts';
import { createMonoBitmap, setDot, type MonoBitmap } from './mono-bitmap';

const SAMPLES = 4; // per dot, each axis
const COVERAGE = 6; // of 16 samples: thin strokes survive the 1-bit cut

interface Run {
  font: OutlineFont;
  text: string;
}

/** Splits text into runs drawn by one font each (NFC first, so "a" + combining mark is one). */
function runs(text: string): Run[] {
  const out: Run[] = [];
  for (const ch of text.normalize('NFC')) {
    const font = fontFor(ch) ?? primaryFont();
    const last = out.at(-1);
    if (last && last.font === font) last.text += ch;
    else out.push({ font, text: ch });
  }
  return out;
}

/** Line box in dots for text drawn with an em of `size` dots. */
function metrics(size: number, used: OutlineFont[]): { ascent: number; descent: number } {
  let ascent = 0;
  let descent = 0;
  for (const f of used.length ? used : [primaryFont()]) {
    ascent = Math.max(ascent, (f.ascender / f.unitsPerEm) * size);
    descent = Math.max(descent, (-f.descender / f.unitsPerEm) * size);
  }
  return { ascent: Math.ceil(ascent), descent: Math.ceil(descent) };
}

/** Advance width in dots of `text` at an em of `size` dots. */
export function measureText(text: string, size: number): number {
  return Math.ceil(runs(text).reduce((w, r) => w + r.font.getAdvanceWidth(r.text, size, { kerning: true }), 0));
}

type Edge = [x0: number, y0: number, x1: number, y1: number];

function flatten(commands: OutlineCommand[], edges: Edge[]): void {
  let cx = 0;
  let cy = 0;
  let sx = 0;
  let sy = 0;
  const line = (x: number, y: number) => {
    if (y !== cy) edges.push([cx, cy, x, y]);
    cx = x;
    cy = y;
  };
  for (const c of commands) {
    if (c.type === 'M') {
      if (cx !== sx || cy !== sy) line(sx, sy);
      cx = sx = c.x!;
      cy = sy = c.y!;
    } else if (c.type === 'L') {
      line(c.x!, c.y!);
    } else if (c.type === 'Q') {
      const [x0, y0] = [cx, cy];
      const steps = 8;
      for (let i = 1; i <= steps; i++) {
        const t = i / steps;
        const u = 1 - t;
        line(u * u * x0 + 2 * u * t * c.x1! + t * t * c.x!, u * u * y0 + 2 * u * t * c.y1! + t * t * c.y!);
      }
    } else if (c.type === 'C') {
      const [x0, y0] = [cx, cy];
      const steps = 12;
      for (let i = 1; i <= steps; i++) {
        const t = i / steps;
        const u = 1 - t;
        line(
          u * u * u * x0 + 3 * u * u * t * c.x1! + 3 * u * t * t * c.x2! + t * t * t * c.x!,
          u * u * u * y0 + 3 * u * u * t * c.y1! + 3 * u * t * t * c.y2! + t * t * t * c.y!,
        );
      }
    } else {
      line(sx, sy);
    }
  }
  if (cx !== sx || cy !== sy) line(sx, sy);
}

/** Fills `edges` (in dots) into a width x height bitmap. */
function fill(edges: Edge[], width: number, height: number): MonoBitmap {
  const out = createMonoBitmap(width, height);
  const coverage = new Uint8Array(width);
  const crossings: { x: number; dir: number }[] = [];
  for (let y = 0; y < height; y++) {
    coverage.fill(0);
    for (let sub = 0; sub < SAMPLES; sub++) {
      const sy = y + (sub + 0.5) / SAMPLES;
      crossings.length = 0;
      for (const [x0, y0, x1, y1] of edges) {
        if ((sy >= y0 && sy < y1) || (sy >= y1 && sy < y0)) {
          crossings.push({ x: x0 + ((sy - y0) * (x1 - x0)) / (y1 - y0), dir: y1 > y0 ? 1 : -1 });
        }
      }
      crossings.sort((a, b) => a.x - b.x);
      let winding = 0;
      for (let i = 0; i < crossings.length - 1; i++) {
        winding += crossings[i]!.dir;
        if (winding === 0) continue;
        // Sample columns whose centres fall inside [left, right).
        const first = Math.max(0, Math.ceil(crossings[i]!.x * SAMPLES - 0.5));
        const last = Math.min(width * SAMPLES - 1, Math.ceil(crossings[i + 1]!.x * SAMPLES - 0.5) - 1);
        for (let s = first; s <= last; s++) coverage[(s / SAMPLES) | 0]!++;
      }
    }
    for (let x = 0; x < width; x++) if (coverage[x]! >= COVERAGE) setDot(out, x, y);
  }
  return out;
}

/**
 * One line of text as a bitmap, the em `size` dots tall. The bitmap is as wide as the text
 * advance and as tall as the fonts' line box; `baseline` is the baseline's row.
 */
export function renderTextLine(text: string, size: number): { bitmap: MonoBitmap; baseline: number } {
  // Drawn lines are kept (never changed by their users): a label drawn while the parcel settles makes
  // the real one, a moment later with the weight, quick. Drawing a line of Greek or CJK takes 15-160 ms.
  const key = `${size}\u0000${text}`;
  const kept = drawnLines.get(key);
  if (kept) {
    drawnLines.delete(key);
    drawnLines.set(key, kept); // most recently used last
    return kept;
  }
  const drawn = drawTextLine(text, size);
  drawnLines.set(key, drawn);
  if (drawnLines.size > DRAWN_LINES_KEPT) drawnLines.delete(drawnLines.keys().next().value!);
  return drawn;
}

const DRAWN_LINES_KEPT = 256;
const drawnLines = new Map<string, { bitmap: MonoBitmap; baseline: number }>();

function drawTextLine(text: string, size: number): { bitmap: MonoBitmap; baseline: number } {
  const rs = runs(text);
  const { ascent, descent } = metrics(size, [...new Set(rs.map((r) => r.font))]);
  const edges: Edge[] = [];
  let x = 0;
  for (const r of rs) {
    flatten(r.font.getPath(r.text, x, ascent, size, { kerning: true }).commands, edges);
    x += r.font.getAdvanceWidth(r.text, size, { kerning: true });
  }
  return { bitmap: fill(edges, Math.max(1, Math.ceil(x)), ascent + descent), baseline: ascent };
}

export function renderTextBitmap(text: string, size: number): MonoBitmap {
  return renderTextLine(text, size).bitmap;
}

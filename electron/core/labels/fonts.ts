// Outline fonts for text printed as graphics: Noto Sans (Latin, Greek, Cyrillic, Vietnamese,
// Devanagari) then Noto Sans SC (CJK), both from @fontsource packages in node_modules, so no
// network and no system fonts. Fontsource splits each font into unicode-range slices; a slice
// is parsed (opentype.js) the first time a character needs it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface OutlineCommand {
  type: 'M' | 'L' | 'Q' | 'C' | 'Z';
  x?: number;
  y?: number;
  x1?: number;
  y1?: number;
  x2?: number;
  y2?: number;
}

/** The part of an opentype.js Font this code uses (opentype.js 2.x ships no types). */
export interface OutlineFont {
  unitsPerEm: number;
  ascender: number;
  descender: number;
  charToGlyphIndex(ch: string): number;
  getPath(text: string, x: number, y: number, fontSize: number, options?: { kerning?: boolean }): { commands: OutlineCommand[] };
  getAdvanceWidth(text: string, fontSize: number, options?: { kerning?: boolean }): number;
}

interface OpenTypeModule {
  parse(buffer: ArrayBuffer): OutlineFont;
}

// opentype.js is a UMD bundle; require() gives the same object under Node, vitest and esbuild.
const opentype = require('opentype.js') as OpenTypeModule;

interface Slice {
  pkg: string;
  file: string;
  ranges: [number, number][];
  font?: OutlineFont;
}

/** Fallback order: the first slice whose range covers a character and has its glyph wins. */
const FAMILIES = [
  { pkg: '@fontsource/noto-sans', prefix: 'noto-sans' },
  { pkg: '@fontsource/noto-sans-sc', prefix: 'noto-sans-sc' },
];
// Bold: thin 400-weight strokes break up on a 203 dpi thermal head at small sizes.
const WEIGHT = '700-normal';

function parseRanges(css: string): [number, number][] {
  return css.split(',').map((part) => {
    const [lo, hi] = part.trim().replace(/^U\+/i, '').split('-');
    const start = parseInt(lo!, 16);
    return [start, hi ? parseInt(hi, 16) : start];
  });
}

let slices: Slice[] | null = null;

function allSlices(): Slice[] {
  if (slices) return slices;
  slices = [];
  for (const { pkg, prefix } of FAMILIES) {
    const unicode = JSON.parse(readFileSync(require.resolve(`${pkg}/unicode.json`), 'utf8')) as Record<string, string>;
    for (const [key, ranges] of Object.entries(unicode)) {
      const subset = key.replace(/^\[(\d+)\]$/, '$1');
      slices.push({ pkg, file: `${prefix}-${subset}-${WEIGHT}.woff`, ranges: parseRanges(ranges) });
    }
  }
  return slices;
}

function load(slice: Slice): OutlineFont {
  if (!slice.font) {
    const bytes = readFileSync(require.resolve(`${slice.pkg}/files/${slice.file}`));
    slice.font = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }
  return slice.font;
}

const byCodePoint = new Map<number, OutlineFont | null>();

/** The font that draws `ch` (one code point), or null when no bundled font has it. */
export function fontFor(ch: string): OutlineFont | null {
  const cp = ch.codePointAt(0)!;
  const known = byCodePoint.get(cp);
  if (known !== undefined) return known;
  let found: OutlineFont | null = null;
  for (const slice of allSlices()) {
    if (!slice.ranges.some(([lo, hi]) => cp >= lo && cp <= hi)) continue;
    const font = load(slice);
    if (font.charToGlyphIndex(ch) > 0) {
      found = font;
      break;
    }
  }
  byCodePoint.set(cp, found);
  return found;
}

/** The Latin slice: metrics of the main face, and its .notdef box for missing characters. */
export function primaryFont(): OutlineFont {
  return fontFor('A')!;
}

// A recipient name in Latin, Polish, Greek and Chinese script is legible on the rendered label, at
// 203 and 300 dpi, via the path the label takes for it (devices.md §4, issue 6):
//   Latin and Polish: the printer's font 0 with UTF-8 (^CI28). Checked by rendering the name's field
//     alone and finding it dot for dot on the label, then each accented letter alone: its own glyph,
//     neither the bare letter nor the renderer's missing-glyph box.
//   Greek and Chinese: a graphic (^GFA) drawn from the bundled Noto fonts. Checked by decoding the
//     graphic out of the ZPL (our own ^GFA reader, written from the ZPL guide), finding it equal to the
//     name drawn from those fonts, every character with a real glyph, and finding it dot for dot in
//     the PNG of the independent renderer (zpl-renderer-js).
// No OCR: this proves the right glyphs are on the label at a readable size, not that a reader reads them.
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fontFor } from '../../electron/core/labels/fonts';
import { renderLabelPng } from '../../electron/core/labels/label-png';
import { getDot, type MonoBitmap } from '../../electron/core/labels/mono-bitmap';
import { renderTextBitmap } from '../../electron/core/labels/text-raster';
import { escapeFieldData, labelSize, renderShippingLabelZpl, type LabelDpi } from '../../electron/core/labels/zpl-shipping-label';
import { graphicFields } from '../support/zpl-graphic-decode';
import { party } from '../support/label-data';

const NAMES = {
  latin: 'Jonathan Smith',
  polish: 'Małgorzata Wójcik-Żółć',
  greek: 'Ελένη Παπαδοπούλου',
  chinese: '王秀英',
} as const;
type Script = keyof typeof NAMES;
const RESIDENT: Script[] = ['latin', 'polish'];

const base = {
  shipFrom: party({ name: 'Packbench Warehouse', street1: 'Industrial Way 12', city: 'Poznan', postalCode: '61-001', country: 'PL' }),
  carrier: 'DHL Parcel',
  service: 'Standard',
  trackingNumber: 'JJD0012345678901234',
  reference: 'WH/OUT/00042',
  weightG: 2350,
  parcelIndex: 1,
  parcelCount: 1,
};

type Image = { width: number; height: number; data: Buffer };
const dark = (img: Image, x: number, y: number) => img.data[(y * img.width + x) * 4]! < 128;

/** Smallest box holding every dark pixel, or null for a blank image. */
function inkBox(img: Image): { x0: number; y0: number; x1: number; y1: number } | null {
  let box: { x0: number; y0: number; x1: number; y1: number } | null = null;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (!dark(img, x, y)) continue;
      box = box
        ? { x0: Math.min(box.x0, x), y0: Math.min(box.y0, y), x1: Math.max(box.x1, x), y1: Math.max(box.y1, y) }
        : { x0: x, y0: y, x1: x, y1: y };
    }
  }
  return box;
}

function inkCount(img: Image): number {
  let n = 0;
  for (let i = 0; i < img.width * img.height; i++) if (img.data[i * 4]! < 128) n++;
  return n;
}

/** Share of pixels in the box where a and b differ. */
function difference(a: Image, b: Image, box: { x0: number; y0: number; x1: number; y1: number }): number {
  let differ = 0;
  let all = 0;
  for (let y = box.y0; y <= box.y1; y++) {
    for (let x = box.x0; x <= box.x1; x++) {
      all++;
      if (dark(a, x, y) !== dark(b, x, y)) differ++;
    }
  }
  return differ / all;
}

async function render(zpl: string, dpi: LabelDpi, widthDots?: number, heightDots?: number): Promise<Image> {
  const size = labelSize(dpi);
  const png = await renderLabelPng(zpl, { dpi, widthIn: (widthDots ?? size.width) / dpi, heightIn: (heightDots ?? size.height) / dpi });
  return PNG.sync.read(png);
}

/** One character in font 0 on a small canvas, as big as the name's field prints it. */
function glyph(ch: string, dpi: LabelDpi, size: number): Promise<Image> {
  const side = size * 2;
  return render(`^XA^CI28^PW${side}^LL${side}^LH0,0^FO10,10^A0N,${size},${size}^FH^FD${escapeFieldData(ch)}^FS^XZ`, dpi, side, side);
}

/** Letters whose accent or stroke is the difference: ł and Ł have no decomposition, so say their base. */
function bareLetter(ch: string): string | null {
  const stroked: Record<string, string> = { ł: 'l', Ł: 'L' };
  if (stroked[ch]) return stroked[ch];
  const decomposed = ch.normalize('NFD');
  return decomposed.length > 1 ? decomposed[0]! : null;
}

const mm = (dpi: LabelDpi, millimetres: number) => Math.round((millimetres * dpi) / 25.4);

describe.each([203, 300] as LabelDpi[])('%i dpi', (dpi) => {
  describe.each(Object.keys(NAMES) as Script[])('a %s recipient name', (script) => {
    const name = NAMES[script];
    let zpl: string;
    let label: Image;

    beforeAll(async () => {
      const shipTo = party({ name, street1: 'Main Street 30', city: 'Lodz', postalCode: '90-001', country: 'PL' });
      zpl = renderShippingLabelZpl({ ...base, shipTo }, { dpi });
      label = await render(zpl, dpi);
    });

    if (RESIDENT.includes(script)) {
      it('is a font 0 text field that shows on the label dot for dot, at least 4 mm tall', async () => {
        const field = zpl.split('\n').find((l) => l.endsWith(`^FH^FD${escapeFieldData(name)}^FS`));
        expect(field, 'the name as UTF-8 field data').toBeDefined();
        expect(field).toMatch(/\^A0N,\d+,\d+\^FH/);
        const size = labelSize(dpi);
        const alone = await render(`^XA^CI28^PW${size.width}^LL${size.height}^LH0,0\n${field!}\n^XZ`, dpi);
        const box = inkBox(alone)!;
        expect(box).not.toBeNull();
        // Cap height plus descenders of the name: 4 mm and more is readable at arm's length.
        expect(box.y1 - box.y0 + 1).toBeGreaterThanOrEqual(mm(dpi, 4));
        // Nothing else drawn over or into it, nothing of it cut off.
        expect(difference(label, alone, box)).toBeLessThan(0.002);
      });

      it("draws each letter with its own glyph: accents kept, no missing-glyph box", async () => {
        const size = Number(/\^A0N,(\d+),/.exec(zpl.split('\n').find((l) => l.includes(escapeFieldData(name)))!)![1]);
        const missing = await glyph('\uE000', dpi, size); // a private-use character no font has
        for (const ch of new Set(name.replace(/[\s-]/g, ''))) {
          const drawn = await glyph(ch, dpi, size);
          expect(inkCount(drawn), `ink for ${ch}`).toBeGreaterThan(0);
          const whole = { x0: 0, y0: 0, x1: drawn.width - 1, y1: drawn.height - 1 };
          expect(difference(drawn, missing, whole), `${ch} is not the missing-glyph box`).toBeGreaterThan(0.005);
          const bare = bareLetter(ch);
          if (bare) expect(difference(drawn, await glyph(bare, dpi, size), whole), `${ch} differs from ${bare}`).toBeGreaterThan(0.002);
        }
      });
    } else {
      it('is a graphic of exactly its characters from the bundled fonts, at least 4 mm tall, shown dot for dot', () => {
        expect(zpl).not.toContain(name);
        for (const ch of name.replace(/\s/g, '')) expect(fontFor(ch), `a real glyph for ${ch}`).not.toBeNull();
        // The graphic that is the name: the same dots as the name drawn from the fonts at some size.
        let found: { x: number; y: number; bitmap: MonoBitmap; em: number } | null = null;
        for (const g of graphicFields(zpl)) {
          for (let em = 8; em <= 160 && !found; em++) {
            const text = renderTextBitmap(name, em);
            if (text.rowBytes !== g.bitmap.rowBytes || text.height !== g.bitmap.height) continue;
            if (Buffer.from(text.bits).equals(Buffer.from(g.bitmap.bits))) found = { ...g, bitmap: text, em };
          }
        }
        expect(found, 'a ^GFA field equal to the name drawn from the bundled fonts').not.toBeNull();
        const { x, y, bitmap, em } = found!;
        expect(em).toBeGreaterThanOrEqual(mm(dpi, 4));
        // The renderer centres a label narrower than its canvas: ^PW1200 on 1220 px at 12 dots/mm.
        const left = Math.floor((label.width - labelSize(dpi).width) / 2);
        let same = 0;
        for (let j = 0; j < bitmap.height; j++) {
          for (let i = 0; i < bitmap.width; i++) if (getDot(bitmap, i, j) === dark(label, left + x + i, y + j)) same++;
        }
        expect(same / (bitmap.width * bitmap.height)).toBeGreaterThan(0.998);
      });
    }
  });
});

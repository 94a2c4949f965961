// A 1-bit bitmap as a ZPL ^GFA graphic field, with ZPL's ASCII compression (zero-filled row
// ends, repeated rows, run lengths), which cuts a text or label image to a fraction.
import type { MonoBitmap } from './mono-bitmap';

const HEX = '0123456789ABCDEF';

/** ZPL run-length prefix for `n` repeats: g..z count 20..400, G..Y count 1..19. */
function repeatPrefix(n: number): string {
  let out = '';
  let rest = n;
  while (rest >= 20) {
    const twenties = Math.min(20, Math.floor(rest / 20));
    out += String.fromCharCode('g'.charCodeAt(0) + twenties - 1);
    rest -= twenties * 20;
  }
  if (rest > 0) out += String.fromCharCode('G'.charCodeAt(0) + rest - 1);
  return out;
}

function compressRow(hex: string): string {
  let row = hex.replace(/0+$/, '');
  const zeroFilled = row.length < hex.length;
  let out = '';
  for (let i = 0; i < row.length; ) {
    let j = i + 1;
    while (j < row.length && row[j] === row[i]) j++;
    const run = j - i;
    out += run > 2 ? repeatPrefix(run) + row[i] : row.slice(i, j);
    i = j;
  }
  row = out;
  // ',' fills the rest of the row with zeros; an all-zero row is a single ','.
  return zeroFilled ? `${row},` : row;
}

/** The `^GFA,...` command (no ^FO/^FS) for `b`. */
export function zplGraphic(b: MonoBitmap, opts: { compress?: boolean } = {}): string {
  const total = b.rowBytes * b.height;
  const rows: string[] = [];
  let previous: string | null = null;
  for (let y = 0; y < b.height; y++) {
    let hex = '';
    for (let i = 0; i < b.rowBytes; i++) {
      const byte = b.bits[y * b.rowBytes + i]!;
      hex += HEX[byte >> 4]! + HEX[byte & 15]!;
    }
    if (opts.compress === false) rows.push(hex);
    else rows.push(hex === previous ? ':' : compressRow(hex));
    previous = hex;
  }
  return `^GFA,${total},${total},${b.rowBytes},${rows.join('')}`;
}

/** A positioned graphic field. */
export function zplGraphicField(x: number, y: number, b: MonoBitmap, opts: { compress?: boolean } = {}): string {
  return `^FO${x},${y}${zplGraphic(b, opts)}^FS`;
}

/** A whole label that is one image (carrier PNG/PDF labels on a ZPL printer). */
export function zplImageLabel(b: MonoBitmap, opts: { compress?: boolean } = {}): string {
  return ['^XA', `^PW${b.width}`, `^LL${b.height}`, '^LH0,0', zplGraphicField(0, 0, b, opts), '^XZ'].join('\n');
}

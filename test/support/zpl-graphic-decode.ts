// Reads ^GFA graphic fields back out of ZPL, compressed or not (ZPL II guide, "ASCII compression"):
// G–Y repeat the next hex digit 1–19 times, g–z 20–400 times (counts add up); ',' fills the rest of the
// row with 0, '!' with 1; ':' repeats the previous row. Written from the guide, not from our encoder.
import { createMonoBitmap, type MonoBitmap } from '../../electron/core/labels/mono-bitmap';

export interface GraphicField {
  x: number;
  y: number;
  bitmap: MonoBitmap;
}

/** Every `^FOx,y^GFA,...^FS` of a label, decoded, in order. */
export function graphicFields(zpl: string): GraphicField[] {
  return [...zpl.matchAll(/\^FO(\d+),(\d+)\^GFA,(\d+),(\d+),(\d+),([^^]*)\^FS/g)].map((m) => {
    const [, x, y, total, , rowBytes, data] = m as unknown as [string, string, string, string, string, string, string];
    return { x: Number(x), y: Number(y), bitmap: decodeGfa(Number(total), Number(rowBytes), data) };
  });
}

export function decodeGfa(total: number, rowBytes: number, data: string): MonoBitmap {
  const height = total / rowBytes;
  if (!Number.isInteger(height)) throw new Error(`^GFA total ${total} is not a multiple of ${rowBytes} bytes per row`);
  const rowHex = rowBytes * 2;
  const rows: string[] = [];
  let row = '';
  let count = 0;
  const endRow = () => {
    if (row.length !== rowHex) throw new Error(`^GFA row ${rows.length} has ${row.length} hex digits, expected ${rowHex}`);
    rows.push(row);
    row = '';
  };
  for (const ch of data.replace(/\s+/g, '')) {
    if (ch >= 'G' && ch <= 'Y') count += ch.charCodeAt(0) - 'G'.charCodeAt(0) + 1;
    else if (ch >= 'g' && ch <= 'z') count += (ch.charCodeAt(0) - 'g'.charCodeAt(0) + 1) * 20;
    else if (/[0-9A-Fa-f]/.test(ch)) {
      row += ch.toUpperCase().repeat(Math.max(1, count));
      count = 0;
      if (row.length > rowHex) throw new Error(`^GFA row ${rows.length} runs past ${rowHex} hex digits`);
      if (row.length === rowHex) endRow();
    } else if (ch === ',' || ch === '!') {
      row = row.padEnd(rowHex, ch === ',' ? '0' : 'F');
      endRow();
    } else if (ch === ':') {
      if (row !== '') throw new Error("^GFA ':' in the middle of a row");
      const previous = rows.at(-1);
      if (previous === undefined) throw new Error("^GFA ':' with no row before it");
      rows.push(previous);
    } else throw new Error(`^GFA: unexpected ${JSON.stringify(ch)}`);
  }
  if (row !== '') throw new Error('^GFA data ends inside a row');
  if (rows.length !== height) throw new Error(`^GFA has ${rows.length} rows, expected ${height}`);
  const b = createMonoBitmap(rowBytes * 8, height);
  rows.forEach((hex, y) => {
    for (let i = 0; i < rowBytes; i++) b.bits[y * rowBytes + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  });
  return b;
}

// Reads back what an ESC/POS printer would print from raster commands (GS v 0): the bands stacked
// into one black-on-white PNG, so the image a receipt printer gets can be decoded like a label.
import { PNG } from 'pngjs';

const GS_V_0 = Buffer.from([0x1d, 0x76, 0x30]);

/** Every GS v 0 raster band in `bytes`, top to bottom, as one PNG (bit set = black dot). */
export function escposRasterToPng(bytes: Buffer): { png: Buffer; bands: number; width: number; height: number } {
  const bands: { widthBytes: number; rows: number; data: Buffer }[] = [];
  for (let at = bytes.indexOf(GS_V_0); at >= 0; at = bytes.indexOf(GS_V_0, at + 1)) {
    const widthBytes = bytes[at + 4]! + 256 * bytes[at + 5]!;
    const rows = bytes[at + 6]! + 256 * bytes[at + 7]!;
    const data = bytes.subarray(at + 8, at + 8 + widthBytes * rows);
    if (data.length !== widthBytes * rows) throw new Error(`raster band at byte ${at} is cut short`);
    bands.push({ widthBytes, rows, data });
    at += 8 + data.length - 1;
  }
  const width = Math.max(0, ...bands.map((b) => b.widthBytes * 8));
  const height = bands.reduce((n, b) => n + b.rows, 0);
  const png = new PNG({ width: Math.max(1, width), height: Math.max(1, height) });
  png.data.fill(255);
  let top = 0;
  for (const band of bands) {
    for (let y = 0; y < band.rows; y++) {
      for (let x = 0; x < band.widthBytes * 8; x++) {
        if ((band.data[y * band.widthBytes + (x >> 3)]! & (0x80 >> (x & 7))) === 0) continue;
        const i = ((top + y) * png.width + x) * 4;
        png.data[i] = png.data[i + 1] = png.data[i + 2] = 0;
      }
    }
    top += band.rows;
  }
  return { png: PNG.sync.write(png), bands: bands.length, width, height };
}

// Render ZPL to PNG and read barcodes back, fully offline (no Labelary, no CDN).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import { ready } from 'zpl-renderer-js';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

const require = createRequire(import.meta.url);

export interface RenderOptions {
  widthMm?: number;
  heightMm?: number;
  dpmm?: number;
}

/** Renders the first label of `zpl` to a PNG (defaults: 4x6 in at 8 dpmm). */
export async function renderZplToPng(zpl: string, opts: RenderOptions = {}): Promise<Buffer> {
  const { api } = await ready;
  const base64 = await api.zplToBase64Async(zpl, opts.widthMm ?? 101.6, opts.heightMm ?? 152.4, opts.dpmm ?? 8);
  return Buffer.from(base64, 'base64');
}

let zxingPrepared = false;

/** zxing-wasm fetches its wasm from a CDN unless given the bytes; use the installed copy. */
function prepareZxing(): void {
  if (zxingPrepared) return;
  const wasm = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
  // Copy into a standalone ArrayBuffer: Buffer may be a view into a larger pool.
  const wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer;
  prepareZXingModule({ overrides: { wasmBinary } });
  zxingPrepared = true;
}

export interface DecodedBarcode {
  format: string;
  text: string;
}

export interface DecodedSymbol extends DecodedBarcode {
  /** e.g. `]C1` for GS1-128, `]Q1` for QR, `]d1` for DataMatrix. */
  symbologyIdentifier: string;
}

/** All barcodes zxing finds in a PNG. */
export async function decodeBarcodes(png: Buffer): Promise<DecodedBarcode[]> {
  return (await decodeSymbols(png)).map(({ format, text }) => ({ format, text }));
}

/**
 * All barcodes with their symbology identifiers; GS1 data (`]C1`, `]d2`, `]Q3`) comes back
 * as an element string with AIs in parentheses, e.g. `(00)095287654321012346`.
 */
export async function decodeSymbols(png: Buffer): Promise<DecodedSymbol[]> {
  const plain = await read(png, 'Plain');
  if (!plain.some((r) => isGs1(r.symbologyIdentifier))) return plain;
  const hri = await read(png, 'HRI');
  return plain.map((r) =>
    isGs1(r.symbologyIdentifier)
      ? { ...r, text: hri.find((h) => h.format === r.format && h.symbologyIdentifier === r.symbologyIdentifier)?.text ?? r.text }
      : r,
  );
}

function isGs1(symbologyIdentifier: string): boolean {
  return [']C1', ']d2', ']Q3', ']e0'].includes(symbologyIdentifier);
}

async function read(png: Buffer, textMode: 'Plain' | 'HRI'): Promise<DecodedSymbol[]> {
  prepareZxing();
  const img = PNG.sync.read(png);
  const imageData = {
    // A copy: ImageData wants a plain ArrayBuffer, Buffer's may be pooled/shared.
    data: new Uint8ClampedArray(img.data),
    width: img.width,
    height: img.height,
    colorSpace: 'srgb' as const,
  };
  const results = await readBarcodes(imageData, { tryHarder: true, maxNumberOfSymbols: 16, textMode });
  return results
    .filter((r) => r.isValid)
    .map((r) => ({ format: r.format, text: r.text, symbologyIdentifier: r.symbologyIdentifier }));
}

/** The text of every ^FH^FD field of a ZPL label, with `_hh` escapes decoded as UTF-8 bytes. */
export function zplFieldTexts(zpl: string): string[] {
  return [...zpl.matchAll(/\^FH\^FD(.*?)\^FS/gs)].map(([, data]) => {
    const parts = (data ?? '').split(/_([0-9A-Fa-f]{2})/);
    // split() with a capture group alternates literal text and hex byte codes.
    const bytes = parts.map((part, i) => (i % 2 === 1 ? Buffer.from([parseInt(part, 16)]) : Buffer.from(part, 'utf8')));
    return Buffer.concat(bytes).toString('utf8');
  });
}

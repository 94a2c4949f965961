// ZPL → PNG for the screen preview and the PDF, rendered locally by zpl-renderer-js (zebrash
// compiled to WASM, no network). Loaded on first use: the WASM is large and slow to start.
import type { ready } from 'zpl-renderer-js';
import type { LabelDpi } from './zpl-shipping-label';

type ZplApi = Awaited<typeof ready>['api'];

let api: Promise<ZplApi> | null = null;

function zplApi(): Promise<ZplApi> {
  api ??= import('zpl-renderer-js').then(async (m) => (await m.ready).api);
  return api;
}

export interface LabelPngOptions {
  dpi?: LabelDpi;
  widthIn?: number;
  heightIn?: number;
}

/** Renders the first label in `zpl` to a PNG as the printer would print it (default 4x6 in, 203 dpi). */
export async function renderLabelPng(zpl: string, opts: LabelPngOptions = {}): Promise<Buffer> {
  const dpmm = (opts.dpi ?? 203) === 300 ? 12 : 8;
  const { zplToBase64Async } = await zplApi();
  const base64 = await zplToBase64Async(zpl, (opts.widthIn ?? 4) * 25.4, (opts.heightIn ?? 6) * 25.4, dpmm);
  return Buffer.from(base64, 'base64');
}

// A label as a 4x6 in PDF, drawn on a worker thread: the ZPL renderer (WebAssembly) and the PDF
// writer hold a thread for 0.3-2 s, during which the core would answer no scale, socket or page.
// The worker is built beside the core bundle (dist/core/label-pdf-worker.mjs); from the sources
// (tests, `npm run dev`) it runs the TypeScript through tsx.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LabelDpi } from './zpl-shipping-label';

export interface LabelPdfJob {
  /** A ZPL label to draw at `dpi`, or */
  zpl?: string;
  dpi?: LabelDpi;
  /** a PNG of the label. */
  png?: Uint8Array;
  title?: string;
}

type Reply = { ok: true; pdf: Uint8Array } | { ok: false; error: string };

/** The built worker beside the bundle; from the sources, a bootstrap that loads the .ts through tsx. */
function startWorker(job: LabelPdfJob): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./label-pdf-worker.mjs', here), { workerData: job });
  const tsx = pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./label-pdf-worker.ts', here).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: job });
}

export function labelPdfOffThread(job: LabelPdfJob): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(job);
    let settled = false;
    worker.once('message', (reply: Reply) => {
      settled = true;
      if (reply.ok) resolve(Buffer.from(reply.pdf));
      else reject(new Error(`The label could not be drawn as a PDF: ${reply.error}`));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`The PDF drawing thread stopped (exit code ${code}) before it answered.`));
    });
  });
}

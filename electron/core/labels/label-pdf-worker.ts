// Worker thread entry (label-pdf-thread.ts starts it): draws a label as a 4x6 in PDF away from the
// core's event loop. One job per worker: { zpl, dpi } or { png }, title → the PDF's bytes.
import { parentPort, workerData } from 'node:worker_threads';
import { labelPdfFromPng } from './label-pdf';
import { renderLabelPng } from './label-png';
import type { LabelPdfJob } from './label-pdf-thread';
import { errorMessage } from '../error-message';

const job = workerData as LabelPdfJob;

async function draw(): Promise<Uint8Array> {
  const png = job.png ? Buffer.from(job.png) : await renderLabelPng(job.zpl ?? '', { dpi: job.dpi });
  return labelPdfFromPng(png, { title: job.title });
}

draw().then(
  (pdf) => parentPort?.postMessage({ ok: true, pdf }),
  (error: unknown) => parentPort?.postMessage({ ok: false, error: errorMessage(error) }),
);

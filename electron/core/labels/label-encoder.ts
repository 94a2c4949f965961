// The label side of printing, as the printer code sees it (devices/printer/label-encoder.ts):
// built once by the composition root and injected, so devices/ never imports labels/.
import type { LabelEncoder } from '../devices/printer/label-encoder';
import { toPrinterBytes, zplDpi } from './carrier-label';
import { labelPdfOffThread } from './label-pdf-thread';
import { testLabelZpl } from './test-label';

export function createLabelEncoder(): LabelEncoder {
  return {
    forPrinter: (label, language, opts = {}) => toPrinterBytes(label, language, opts),
    pdfOffThread: (label, title) =>
      labelPdfOffThread(
        label.format === 'PNG'
          ? { png: label.bytes, title }
          : { zpl: label.bytes.toString('utf8'), dpi: zplDpi(label.bytes), title },
      ),
    testLabel: (bench, at) => ({ format: 'ZPL', bytes: Buffer.from(testLabelZpl(bench, at), 'utf8') }),
  };
}

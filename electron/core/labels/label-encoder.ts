// The label side of printing, built once by the composition root and injected into the print journal
// and the test print, so devices/ never imports labels/. It matches devices/printer/label-encoder.ts's
// LabelEncoder by shape (checked where station.ts hands it over); labels/ knows nothing of devices/.
import { reprintCopy, toPrinterBytes, zplDpi, type CarrierLabel } from './carrier-label';
import { labelPdfOffThread } from './label-pdf-thread';
import { testLabelZpl } from './test-label';

export function createLabelEncoder() {
  return {
    forPrinter: (...args: Parameters<typeof toPrinterBytes>) => toPrinterBytes(...args),
    reprintCopy: (label: CarrierLabel) => reprintCopy(label),
    pdfOffThread: (label: CarrierLabel, title: string) =>
      labelPdfOffThread(
        label.format === 'PNG'
          ? { png: label.bytes, title }
          : { zpl: label.bytes.toString('utf8'), dpi: zplDpi(label.bytes), title },
      ),
    testLabel: (bench: string, at: Date): CarrierLabel => ({ format: 'ZPL', bytes: Buffer.from(testLabelZpl(bench, at), 'utf8') }),
  };
}

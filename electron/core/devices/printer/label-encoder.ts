// What printing needs from the label side, as one interface: the printer code never draws or
// converts a label itself (files under devices/ import nothing from labels/). The composition root
// builds the encoder from labels/ (labels/label-encoder.ts) and hands it to the journal and the test print.
import type { LabelFormat } from '../../store/labels';

/** What a printer speaks: a label printer ZPL, a receipt printer ESC/POS, an office queue PDF. */
export type PrinterLanguage = 'zpl' | 'escpos' | 'pdf';

/** How a label is stored (its home is the labels table's repository). */
export type { LabelFormat };

export interface EncodableLabel {
  format: LabelFormat;
  bytes: Buffer;
}

export interface LabelEncoder {
  /**
   * The bytes for a printer that speaks `language` (at `dpi` for ZPL; default 203), converted on
   * this computer, never by an online service. Rejects when the label cannot be converted.
   */
  forPrinter(label: EncodableLabel, language: PrinterLanguage, opts?: { dpi?: 203 | 300; reprint?: boolean }): Promise<Buffer>;
  /**
   * The label as a copy printed again on purpose: its own format, REPRINT on it (what a reprint
   * saved as a file carries). The stored label stays as it is. Rejects when it cannot be drawn.
   */
  reprintCopy(label: EncodableLabel): Promise<EncodableLabel>;
  /**
   * The label as a 4x6 in PDF any printer takes, drawn off the core's event loop (drawing holds a
   * thread for 0.3-2 s, during which the scale, sockets and page would go unanswered).
   */
  pdfOffThread(label: EncodableLabel, title: string): Promise<Buffer>;
  /** The small ZPL label a test print sends, naming the bench. */
  testLabel(bench: string, at: Date): EncodableLabel;
}

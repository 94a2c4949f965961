// Errors from delivering bytes to a printer, classified so the journal can decide
// whether a retry could print twice.

export type PrinterErrorKind =
  /** Nothing was delivered: connection refused, no route, no such device. Safe to retry. */
  | 'unreachable'
  /** The connection dropped before all bytes left this machine. Likely nothing printed. */
  | 'reset_before_send'
  /** All bytes left this machine, then the connection was reset. The label may have printed. */
  | 'reset_after_send'
  /** No answer within the time limit; whether anything printed is unknown. */
  | 'timeout';

export class PrinterError extends Error {
  override readonly name = 'PrinterError';

  constructor(
    readonly kind: PrinterErrorKind,
    /** A sentence a packer can act on, shown as-is in the UI. */
    readonly packerMessage: string,
    /** Technical detail for logs. */
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isPrinterError(e: unknown): e is PrinterError {
  return e instanceof PrinterError;
}

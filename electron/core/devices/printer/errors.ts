// Errors from delivering bytes to a printer, classified so the journal can decide
// whether a retry could print twice.
import type { Said } from '../../i18n/translator';
import type { PrinterStatus } from './host-status';

export type PrinterErrorKind =
  /** Nothing was delivered: connection refused, no route, no such device. Safe to retry. */
  | 'unreachable'
  /** The connection dropped before any byte of the label left this machine. Safe to retry once. */
  | 'reset_before_send'
  /** The connection dropped with part of the label out. It may print in part: ask the packer. */
  | 'reset_during_send'
  /** All bytes left this machine, then the connection was reset. The label may have printed. */
  | 'reset_after_send'
  /** The printer said before the job that it cannot print (paper out, head open, paused). Nothing sent. */
  | 'blocked'
  /** The printer did not answer a status query before the job. Nothing sent. */
  | 'no_status'
  /** No answer within the time limit; `delivery` says whether any label byte went out. */
  | 'timeout';

/**
 * How much of the label left this machine before the failure:
 * none → nothing can have printed (safe to send again), partial / all → it may have printed.
 */
export type Delivery = 'none' | 'partial' | 'all';

const DEFAULT_DELIVERY: Record<PrinterErrorKind, Delivery> = {
  unreachable: 'none',
  reset_before_send: 'none',
  reset_during_send: 'partial',
  reset_after_send: 'all',
  blocked: 'none',
  no_status: 'none',
  timeout: 'partial',
};

export class PrinterError extends Error {
  override readonly name = 'PrinterError';
  readonly delivery: Delivery;
  /** What the printer reported, when the failure comes from a status answer. */
  readonly status: PrinterStatus | null;

  constructor(
    readonly kind: PrinterErrorKind,
    /** A sentence a packer can act on, as a key: the journal words it in the bench's language. */
    readonly packerSaid: Said,
    /** Technical detail for logs. */
    message: string,
    options?: { cause?: unknown; delivery?: Delivery; status?: PrinterStatus | null },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.delivery = options?.delivery ?? DEFAULT_DELIVERY[kind];
    this.status = options?.status ?? null;
  }
}

export function isPrinterError(e: unknown): e is PrinterError {
  return e instanceof PrinterError;
}

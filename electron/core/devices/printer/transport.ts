// How label bytes reach a printer: one interface, one implementation per kind of connection,
// picked from the printer URI by transportFor() in transports.ts.
//   tcp://HOST[:PORT][?status=zpl|none]   raw TCP (9100); ZPL ~HS status on the same connection
//   file:PATH  file:///PATH               a device file such as /dev/usb/lp0
//   serial:PATH[?baud=9600]               a serial port (the `serialport` package)
//   cups:NAME                             the OS print queue: CUPS `lp -d NAME -o raw` (Linux, macOS)
import { PrinterError } from './errors';
import { said } from '../../i18n/translator';
import type { PrinterStatus } from './host-status';

export interface SendOptions {
  /**
   * Ask the printer for its status before the job (a printer that cannot print gets nothing)
   * and after it, where the transport can. Default true; the journal turns it off for labels
   * that are not ZPL, since another printer would print the query as text.
   */
  checkStatus?: boolean;
  /**
   * Called synchronously just before the first label byte leaves this machine: the journal
   * commits "sent" here. If it throws, nothing is sent and send() rejects with that error.
   */
  beforeWrite?: () => void;
  /** Job name where the transport has one (the OS queue). */
  title?: string;
  /**
   * Bytes in the printer's own language, passed through untouched (default). False for a document
   * the OS queue should print as such (a PDF on an office printer).
   */
  raw?: boolean;
}

export interface SendResult {
  bytesSent: number;
  /** Status before the job: null when not asked or the transport cannot ask. Always ready when present. */
  before: PrinterStatus | null;
  /** Status after the job: null when not asked or unsupported; a silent printer is status 'error'. */
  after: PrinterStatus | null;
  /** Transport detail for logs, such as the CUPS request id. */
  detail?: string;
}

export type TransportKind = 'tcp' | 'file' | 'serial' | 'cups';

export interface PrinterTransport {
  readonly kind: TransportKind;
  readonly uri: string;
  /** Where the printer is, in words a packer can match to a device: "192.168.1.50:9100", "/dev/usb/lp0". */
  readonly where: string;
  /** Deliver the bytes. Rejects with a PrinterError whose `delivery` says whether anything went out. */
  send(bytes: Buffer, opts?: SendOptions): Promise<SendResult>;
  /** The printer's status; null when this transport or printer cannot be asked. Never rejects for a device fault. */
  status(): Promise<PrinterStatus | null>;
}

export interface TransportOptions {
  /** Limit for one whole job (connect, status, send, close). Default 10 s. */
  timeoutMs?: number;
  /** Limit for one status answer. Default 2 s. */
  statusTimeoutMs?: number;
  /** For tests: the platform deciding whether an OS queue exists. Default process.platform. */
  platform?: NodeJS.Platform;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_STATUS_TIMEOUT_MS = 2_000;

export function invalidUri(uri: string, why: string): PrinterError {
  return new PrinterError('unreachable', said('printer.badAddress', { uri }), `${why}: ${uri}`);
}

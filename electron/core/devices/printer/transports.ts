// transportFor(uri): the one place that maps a printer URI to its transport.
import { CupsTransport } from './cups-transport';
import { FileTransport, SerialTransport } from './device-transport';
import { TcpTransport } from './tcp-transport';
import type { PrinterLanguage } from './label-encoder';
import { invalidUri, type PrinterTransport, type TransportOptions } from './transport';

export type { PrinterTransport, SendOptions, SendResult, TransportOptions } from './transport';

/** The transport for a printer URI. Throws a PrinterError ('unreachable') for an address it cannot use. */
export function transportFor(uri: string, opts: TransportOptions = {}): PrinterTransport {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'tcp':
      return new TcpTransport(uri, opts);
    case 'file':
      return new FileTransport(uri, opts);
    case 'serial':
      return new SerialTransport(uri, opts);
    case 'cups':
      return new CupsTransport(uri, opts);
    default:
      throw invalidUri(uri, 'Unsupported printer URI');
  }
}

/**
 * Whether to ask the printer at `uri` for its status: a ZPL printer answers ~HS (unless set not to be
 * asked: many compatible printers never answer); any other printer on a raw connection would print
 * the question. A system queue is asked through the OS.
 */
export function statusAskable(uri: string, language: PrinterLanguage, ask = true): boolean {
  return ask && (language === 'zpl' || uri.startsWith('cups:'));
}

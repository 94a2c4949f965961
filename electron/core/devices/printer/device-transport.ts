// A printer on a device file (/dev/usb/lp0, \\.\COM1 as a file) or a serial port. Neither can be
// asked for status here, so status() is null and "sent" means the bytes were written and flushed.
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import { PrinterError } from './errors';
import { said } from '../../i18n/translator';
import type { PrinterStatus } from './host-status';
import { DEFAULT_TIMEOUT_MS, invalidUri, type PrinterTransport, type SendOptions, type SendResult, type TransportOptions } from './transport';

/** Run `work` with a time limit; `onTimeout` builds the error from how far it got. */
async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => PrinterError): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined); // the loser of the race must not become an unhandled rejection
  }
}

export class FileTransport implements PrinterTransport {
  readonly kind = 'file';
  readonly where: string;
  private readonly path: string;
  private readonly timeoutMs: number;

  constructor(
    readonly uri: string,
    opts: TransportOptions = {},
  ) {
    try {
      this.path = uri.startsWith('file://') ? fileURLToPath(uri) : uri.slice('file:'.length);
    } catch (cause) {
      throw new PrinterError('unreachable', said('printer.badAddress', { uri }), `Bad URI: ${uri}`, { cause });
    }
    if (this.path === '') throw invalidUri(uri, 'No path');
    this.where = this.path;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  status(): Promise<PrinterStatus | null> {
    return Promise.resolve(null);
  }

  async send(bytes: Buffer, opts: SendOptions = {}): Promise<SendResult> {
    const path = this.path;
    let stage: 'opening' | 'writing' = 'opening';
    // A device file may block on open or write while the printer is off; the time limit covers both.
    const write = (async () => {
      let handle;
      try {
        handle = await open(path, 'a');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'UNKNOWN';
        throw new PrinterError(
          'unreachable',
          code === 'EACCES' || code === 'EPERM'
            ? said('printer.device.noAccess', { path })
            : said('printer.device.notConnected', { path }),
          `Open ${path} failed: ${code}`,
          { cause: e },
        );
      }
      try {
        opts.beforeWrite?.();
        stage = 'writing';
        let offset = 0;
        while (offset < bytes.length) {
          try {
            const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
            offset += bytesWritten;
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code ?? 'UNKNOWN';
            throw new PrinterError(
              offset === 0 ? 'reset_before_send' : 'reset_during_send',
              offset === 0
                ? said('printer.device.didNotTake', { path })
                : said('printer.device.stoppedPartWay', { path }),
              `Write to ${path} failed after ${offset} of ${bytes.length} bytes: ${code}`,
              { cause: e },
            );
          }
        }
      } finally {
        await handle.close().catch(() => undefined);
      }
      return { bytesSent: bytes.length, before: null, after: null };
    })();
    return withTimeout(
      write,
      this.timeoutMs,
      () =>
        new PrinterError(
          'timeout',
          stage === 'opening'
            ? said('printer.device.doesNotTake', { path })
            : said('printer.device.stoppedTaking', { path }),
          `Timed out after ${this.timeoutMs} ms ${stage} ${path}`,
          { delivery: stage === 'opening' ? 'none' : 'partial' },
        ),
    );
  }
}

export class SerialTransport implements PrinterTransport {
  readonly kind = 'serial';
  readonly where: string;
  private readonly path: string;
  private readonly baudRate: number;
  private readonly timeoutMs: number;

  constructor(
    readonly uri: string,
    opts: TransportOptions = {},
  ) {
    const rest = uri.slice('serial:'.length);
    const [rawPath = '', query = ''] = rest.split('?', 2);
    this.path = rawPath.startsWith('//') ? rawPath.slice(2) : rawPath;
    if (this.path === '') throw invalidUri(uri, 'No serial port path');
    const baud = new URLSearchParams(query).get('baud') ?? '9600';
    if (!/^\d+$/.test(baud) || Number(baud) <= 0) throw invalidUri(uri, `Bad baud rate "${baud}"`);
    this.baudRate = Number(baud);
    this.where = this.path;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  status(): Promise<PrinterStatus | null> {
    return Promise.resolve(null);
  }

  async send(bytes: Buffer, opts: SendOptions = {}): Promise<SendResult> {
    const path = this.path;
    const port = new SerialPort({ path, baudRate: this.baudRate, autoOpen: false });
    let stage: 'opening' | 'writing' = 'opening';
    const work = (async () => {
      try {
        await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
      } catch (e) {
        throw new PrinterError(
          'unreachable',
          said('printer.serial.notConnected', { path }),
          `Open ${path} failed: ${(e as Error).message}`,
          { cause: e },
        );
      }
      opts.beforeWrite?.();
      stage = 'writing';
      try {
        await new Promise<void>((resolve, reject) => {
          port.write(bytes, (err) => {
            if (err) return reject(err);
            port.drain((drainErr) => (drainErr ? reject(drainErr) : resolve()));
          });
        });
      } catch (e) {
        throw new PrinterError(
          'reset_during_send',
          said('printer.serial.stoppedPartWay', { path }),
          `Write to ${path} failed: ${(e as Error).message}`,
          { cause: e },
        );
      }
      return { bytesSent: bytes.length, before: null, after: null };
    })();
    try {
      return await withTimeout(
        work,
        this.timeoutMs,
        () =>
          new PrinterError(
            'timeout',
            stage === 'opening'
              ? said('printer.serial.noAnswer', { path })
              : said('printer.serial.stoppedTaking', { path }),
            `Timed out after ${this.timeoutMs} ms ${stage} ${path}`,
            { delivery: stage === 'opening' ? 'none' : 'partial' },
          ),
      );
    } finally {
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    }
  }
}

// Raw TCP (port 9100). Raw printing has no acknowledgement, so one connection does it all:
// ~HS before the job (a printer that cannot print gets nothing), the label with ~HS after it in the
// same write, its answer, close.
// Every failure says how much of the label had left this machine (PrinterError.delivery):
// that, not the error's name, decides whether sending again could print twice.
import net from 'node:net';
import { PrinterError } from './errors';
import { said } from '../../i18n/translator';
import {
  canPrint,
  HOST_STATUS_QUERY,
  hostStatusStrings,
  HostStatusParseError,
  offlineStatus,
  parseHostStatus,
  printerStatusOf,
  silentStatus,
  type PrinterStatus,
} from './host-status';
import {
  DEFAULT_STATUS_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  invalidUri,
  type PrinterTransport,
  type SendOptions,
  type SendResult,
  type TransportOptions,
} from './transport';

const DEFAULT_RAW_PORT = 9100;
/**
 * A printer busy with another client may accept and hang up at once. Without a status exchange
 * to prove the printer is talking to us, wait this long for that hang-up before sending, so it
 * reads as "nothing sent" rather than as a clean close after our bytes.
 */
const CONNECT_SETTLE_MS = 20;
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL']);

const STATUS_QUERY = Buffer.from(HOST_STATUS_QUERY, 'latin1');
const TIMEOUT = Symbol('timeout');
const BROKEN = Symbol('broken');

/** One socket, read as a series of awaited conditions: connected, an answer complete, a write flushed, closed. */
class Connection {
  readonly socket: net.Socket;
  connected = false;
  peerEnded = false;
  closed = false;
  error: NodeJS.ErrnoException | null = null;
  private inbox = Buffer.alloc(0);
  private readonly listeners = new Set<() => void>();

  constructor(host: string, port: number) {
    this.socket = net.connect({ host, port });
    this.socket.on('connect', () => {
      this.connected = true;
      this.notify();
    });
    this.socket.on('data', (chunk: Buffer) => {
      this.inbox = Buffer.concat([this.inbox, chunk]);
      this.notify();
    });
    this.socket.on('end', () => {
      this.peerEnded = true;
      this.notify();
    });
    this.socket.on('error', (e: NodeJS.ErrnoException) => {
      this.error ??= e;
      this.notify();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  get broken(): boolean {
    return this.error !== null || this.peerEnded || this.closed;
  }

  get received(): Buffer {
    return this.inbox;
  }

  take(): Buffer {
    const data = this.inbox;
    this.inbox = Buffer.alloc(0);
    return data;
  }

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Resolve with check()'s value once it has one; BROKEN if the connection fails first; TIMEOUT after `ms`. */
  until<T>(check: () => T | undefined, ms: number): Promise<T | typeof TIMEOUT | typeof BROKEN> {
    return new Promise((resolve) => {
      const done = (value: T | typeof TIMEOUT | typeof BROKEN) => {
        clearTimeout(timer);
        this.listeners.delete(poll);
        resolve(value);
      };
      const poll = () => {
        const value = check();
        if (value !== undefined) done(value);
        else if (this.broken) done(BROKEN);
      };
      const timer = setTimeout(() => done(TIMEOUT), Math.max(0, ms));
      this.listeners.add(poll);
      poll();
    });
  }

  /** Ask ~HS and wait for its three strings. */
  queryStatus(ms: number): Promise<PrinterStatus | typeof TIMEOUT | typeof BROKEN> {
    this.take(); // anything unasked-for before the query is not part of the answer
    this.socket.write(HOST_STATUS_QUERY);
    return this.readStatus(ms);
  }

  /** Wait for the three strings of a ~HS answer already asked (e.g. in the same write as the label). */
  async readStatus(ms: number): Promise<PrinterStatus | typeof TIMEOUT | typeof BROKEN> {
    const got = await this.until(() => (hostStatusStrings(this.inbox) >= 3 ? true : undefined), ms);
    if (got !== true) return got;
    const reply = this.take();
    try {
      return printerStatusOf(parseHostStatus(reply));
    } catch (e) {
      if (!(e instanceof HostStatusParseError)) throw e;
      return {
        status: 'error',
        message: said('printer.status.unreadable'),
        host: null,
      };
    }
  }
}

export class TcpTransport implements PrinterTransport {
  readonly kind = 'tcp';
  readonly where: string;
  private readonly host: string;
  private readonly port: number;
  /** 'zpl': the printer answers ~HS. 'none': it does not; send blind. */
  private readonly statusMode: 'zpl' | 'none';
  private readonly timeoutMs: number;
  private readonly statusTimeoutMs: number;

  constructor(
    readonly uri: string,
    opts: TransportOptions = {},
  ) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch (cause) {
      throw new PrinterError('unreachable', said('printer.badAddress', { uri }), `Bad URI: ${uri}`, { cause });
    }
    // URL keeps IPv6 hosts in brackets; net.connect wants them bare.
    this.host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (this.host === '') throw invalidUri(uri, 'No host');
    this.port = url.port === '' ? DEFAULT_RAW_PORT : Number(url.port);
    const status = url.searchParams.get('status') ?? 'zpl';
    if (status !== 'zpl' && status !== 'none') throw invalidUri(uri, `Unknown status mode "${status}"`);
    this.statusMode = status;
    this.where = `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.statusTimeoutMs = opts.statusTimeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS;
  }

  async status(): Promise<PrinterStatus | null> {
    if (this.statusMode === 'none') return null;
    const conn = new Connection(this.host, this.port);
    try {
      const connected = await conn.until(() => (conn.connected ? true : undefined), this.timeoutMs);
      if (connected !== true) return offlineStatus(this.where, this.connectFailure(conn, connected).packerSaid);
      const status = await conn.queryStatus(this.statusTimeoutMs);
      if (status === TIMEOUT) return silentStatus(this.where);
      if (status === BROKEN) return offlineStatus(this.where, said('printer.tcp.hungUpOnStatus', { where: this.where }));
      conn.socket.end();
      await conn.until(() => (conn.closed ? true : undefined), this.statusTimeoutMs);
      return status;
    } finally {
      conn.socket.destroy();
    }
  }

  async send(bytes: Buffer, opts: SendOptions = {}): Promise<SendResult> {
    const checkStatus = (opts.checkStatus ?? true) && this.statusMode === 'zpl';
    const deadline = Date.now() + this.timeoutMs;
    const left = () => deadline - Date.now();
    const where = this.where;
    const conn = new Connection(this.host, this.port);
    try {
      const connected = await conn.until(() => (conn.connected ? true : undefined), left());
      if (connected !== true) throw this.connectFailure(conn, connected);

      // Before the job: a printer that cannot print gets nothing.
      let before: PrinterStatus | null = null;
      if (checkStatus) {
        const status = await conn.queryStatus(Math.min(this.statusTimeoutMs, left()));
        if (status === BROKEN) throw this.droppedBeforeSend(conn, bytes.length);
        if (status === TIMEOUT) {
          const silent = silentStatus(where);
          throw new PrinterError('no_status', silent.message!, `No ~HS answer within ${this.statusTimeoutMs} ms before the job (${where}); nothing sent`, {
            status: silent,
          });
        }
        if (!canPrint(status)) {
          throw new PrinterError('blocked', status.message!, `Printer ${where} reports ${status.status} before the job; nothing sent`, { status });
        }
        before = status;
      } else {
        const settled = await conn.until(() => undefined, CONNECT_SETTLE_MS);
        if (settled === BROKEN) throw this.droppedBeforeSend(conn, bytes.length);
      }

      // The label, and the ~HS that asks how it went in the same write: one trip, nothing waits between.
      // From the first write on, part of the label may reach the printer.
      opts.beforeWrite?.();
      let flushed = false;
      if (checkStatus) conn.take(); // anything unasked-for before the query is not part of the answer
      conn.socket.write(checkStatus ? Buffer.concat([bytes, STATUS_QUERY]) : bytes, (err) => {
        if (!err) flushed = true;
        conn.notify();
      });
      const written = await conn.until(() => (flushed ? true : undefined), left());
      if (written === TIMEOUT) {
        throw new PrinterError(
          'timeout',
          said('printer.tcp.stoppedTaking', { where }),
          `Timed out after ${this.timeoutMs} ms sending ${bytes.length} bytes (${where})`,
          { delivery: 'partial' },
        );
      }
      if (written === BROKEN) {
        throw new PrinterError(
          'reset_during_send',
          said('printer.tcp.droppedDuring', { where }),
          `${describe(conn)} with ${bytes.length} bytes being sent (${where})`,
          { cause: conn.error ?? undefined, delivery: 'partial' },
        );
      }

      // After the job: every byte has left. From here on, a failure means "may have printed".
      let after: PrinterStatus | null = null;
      if (checkStatus) {
        const status = await conn.readStatus(Math.min(this.statusTimeoutMs, Math.max(left(), 0)));
        if (status === BROKEN) throw this.droppedAfterSend(conn, bytes.length);
        after = status === TIMEOUT ? silentStatus(where) : status;
      }

      conn.socket.end();
      const closed = await conn.until(() => (conn.closed ? true : undefined), checkStatus ? Math.min(this.statusTimeoutMs, left()) : left());
      if (conn.error) throw this.droppedAfterSend(conn, bytes.length);
      if (closed === TIMEOUT && !checkStatus) {
        // Without a status answer, the printer closing its side is the only sign it took the job.
        throw new PrinterError(
          'timeout',
          said('printer.tcp.stoppedResponding', { where }),
          `Timed out after ${this.timeoutMs} ms waiting for the printer to close the connection (${where})`,
          { delivery: 'all' },
        );
      }
      return { bytesSent: bytes.length, before, after };
    } finally {
      conn.socket.destroy();
    }
  }

  private connectFailure(conn: Connection, result: typeof TIMEOUT | typeof BROKEN): PrinterError {
    const where = this.where;
    if (result === TIMEOUT) {
      return new PrinterError('timeout', said('printer.tcp.noAnswer', { where }), `Timed out connecting to ${where}`, {
        delivery: 'none',
      });
    }
    const code = conn.error?.code ?? 'CLOSED';
    // Accepted and then dropped before we could even start: the printer is there but hung up.
    if (!UNREACHABLE_CODES.has(code)) return this.droppedBeforeSend(conn, 0);
    return new PrinterError(
      'unreachable',
      code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? said('printer.tcp.nameNotFound', { host: this.host })
        : said('printer.tcp.noAnswer', { where }),
      `Connect to ${where} failed: ${code} ${conn.error?.message ?? ''}`.trim(),
      { cause: conn.error ?? undefined, delivery: 'none' },
    );
  }

  private droppedBeforeSend(conn: Connection, size: number): PrinterError {
    return new PrinterError(
      'reset_before_send',
      said('printer.tcp.closedBefore', { where: this.where }),
      `${describe(conn)} before any label byte was sent (${size === 0 ? 'while connecting' : `${size} bytes waiting`}, ${this.where})`,
      { cause: conn.error ?? undefined, delivery: 'none' },
    );
  }

  private droppedAfterSend(conn: Connection, size: number): PrinterError {
    return new PrinterError(
      'reset_after_send',
      said('printer.tcp.droppedAfter', { where: this.where }),
      `${describe(conn)} after all ${size} bytes were sent (${this.where})`,
      { cause: conn.error ?? undefined, delivery: 'all' },
    );
  }
}

function describe(conn: Connection): string {
  if (conn.error) return `${conn.error.code ?? 'ERROR'} ${conn.error.message}`;
  return conn.peerEnded ? 'Peer closed the connection' : 'Connection closed';
}

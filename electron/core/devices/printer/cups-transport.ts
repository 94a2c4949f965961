// The operating system's print queue: CUPS on Linux and macOS. `lp -d NAME -o raw` takes the label
// on stdin (a PDF for an office printer goes without `-o raw`, so CUPS prints it as a document), run with execFile (never a shell). "Sent" means CUPS accepted the job into its queue;
// status comes from `lpstat -p NAME` (queue enabled or stopped), not from the printer itself.
import { execFile } from 'node:child_process';
import { PrinterError } from './errors';
import { said } from '../../i18n/translator';
import { offlineStatus, type PrinterStatus } from './host-status';
import { DEFAULT_STATUS_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, invalidUri, type PrinterTransport, type SendOptions, type SendResult, type TransportOptions } from './transport';

/** CUPS queue names: printable, no space, slash, hash or backslash; we also refuse a leading dash. */
const QUEUE_NAME = /^[^-\s/#\\][^\s/#\\]{0,126}$/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Spawn failure code such as ENOENT, or 'TIMEOUT'. */
  failure: string | null;
}

function run(command: string, args: string[], input: Buffer | null, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
      const failure = !e ? null : typeof e.code === 'string' ? e.code : e.killed ? 'TIMEOUT' : null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr, failure });
    });
    // lp may exit before reading everything (a bad queue name); its exit code tells, not EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? undefined);
  });
}

export class CupsTransport implements PrinterTransport {
  readonly kind = 'cups';
  readonly where: string;
  private readonly queue: string;
  private readonly timeoutMs: number;
  private readonly statusTimeoutMs: number;

  constructor(
    readonly uri: string,
    opts: TransportOptions = {},
  ) {
    const platform = opts.platform ?? process.platform;
    if (platform === 'win32') {
      throw new PrinterError(
        'unreachable',
        said('printer.cups.none'),
        `CUPS is not available on ${platform}: ${uri}`,
      );
    }
    this.queue = decodeURIComponent(uri.slice('cups:'.length).replace(/^\/\//, ''));
    if (!QUEUE_NAME.test(this.queue)) throw invalidUri(uri, 'Bad CUPS queue name');
    this.where = `print queue "${this.queue}"`;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.statusTimeoutMs = opts.statusTimeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS;
  }

  async send(bytes: Buffer, opts: SendOptions = {}): Promise<SendResult> {
    const args = ['-d', this.queue, ...(opts.raw === false ? [] : ['-o', 'raw'])];
    if (opts.title) args.push('-t', opts.title);
    // No status query: a queue is not a printer, and the label bytes must stay raw.
    opts.beforeWrite?.();
    const r = await run('lp', args, bytes, this.timeoutMs);
    if (r.failure === 'ENOENT') {
      throw new PrinterError(
        'unreachable',
        said('printer.cups.noLp'),
        'lp not found on PATH',
        { delivery: 'none' },
      );
    }
    if (r.failure === 'TIMEOUT') {
      throw new PrinterError(
        'timeout',
        said('printer.cups.timeout', { queue: this.queue }),
        `lp timed out after ${this.timeoutMs} ms`,
        { delivery: 'partial' },
      );
    }
    if (r.code !== 0) {
      // lp refused the job: CUPS queued nothing.
      throw new PrinterError(
        'unreachable',
        said('printer.cups.refused', { queue: this.queue }),
        `lp exited ${r.code ?? r.failure ?? '?'}: ${r.stderr.trim()}`,
        { delivery: 'none' },
      );
    }
    const requestId = /request id is (\S+)/.exec(r.stdout)?.[1];
    return { bytesSent: bytes.length, before: null, after: null, detail: requestId ? `CUPS job ${requestId}` : r.stdout.trim() };
  }

  /** `lpstat -p NAME`: "printer NAME is idle.  enabled since …", "… disabled since …", or an error. */
  async status(): Promise<PrinterStatus | null> {
    const r = await run('lpstat', ['-p', this.queue], null, this.statusTimeoutMs);
    if (r.failure === 'ENOENT') return null;
    const line = r.stdout.split('\n').find((l) => l.startsWith(`printer ${this.queue} `));
    if (r.code !== 0 || !line) return offlineStatus(this.where, said('printer.cups.missing', { queue: this.queue }));
    if (/\bdisabled\b/.test(line)) {
      return { status: 'paused', message: said('printer.cups.stopped', { queue: this.queue }), host: null };
    }
    return { status: 'ready', message: null, host: null };
  }
}

// A fake raw-TCP (9100-style) ZPL printer for tests and the sandbox. Each connection's label
// bytes, up to the client's end, are recorded as one job. It answers the ~HS host-status query
// like a Zebra (the query is not part of the job), and can be scripted to misbehave: report
// paper out / head open / paused, stay silent, or reset a connection before reading any byte or
// after reading the whole job.
import net from 'node:net';
import { formatHostStatus, HOST_STATUS_QUERY, type HostStatus } from '../core/devices/printer/host-status';

/** What the printer answers to ~HS. 'silent' never answers, as some Zebras do when in trouble. */
export type SinkStatus = 'ok' | 'paper_out' | 'head_open' | 'paused' | 'ribbon_out' | 'silent';

/**
 * A fault for one connection:
 *   reset_before_read  reset the connection as soon as it is accepted, reading nothing
 *   reset_after_read   take the whole job (up to the client's end, or the ~HS that follows it), then reset
 *   silent             never answer ~HS on this connection
 */
export type SinkFault = 'reset_before_read' | 'reset_after_read' | 'silent';

export interface PrinterSinkOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The ~HS answer to start with. Default 'ok'. */
  status?: SinkStatus;
  /** Faults for the next connections, one each, in order. */
  faults?: SinkFault[];
  /** Called with each chunk as it arrives; `reply` writes back on the same connection. */
  onData?: (chunk: Buffer, reply: (bytes: Buffer | string) => void) => void;
}

export interface PrinterSink {
  port: number;
  /** `tcp://HOST:PORT`, ready for transportFor() and sendRaw. */
  uri: string;
  /** Every job received so far, in arrival order: label bytes only; connections that carried none are not jobs. */
  jobs: Buffer[];
  /** The next job not yet returned by nextJob(), waiting for it if needed. */
  nextJob(): Promise<Buffer>;
  /** Change the ~HS answer from now on. */
  setStatus(status: SinkStatus): void;
  /** The ~HS answer changes to `status` once the next job's label bytes have arrived (e.g. it runs out of labels). */
  setStatusAfterNextJob(status: SinkStatus): void;
  /** Script the next connections: each takes one fault, in order. */
  failNext(...faults: SinkFault[]): void;
  /** Connections accepted so far: jobs, status queries and dropped attempts alike. */
  readonly connections: number;
  /** ~HS queries answered so far. */
  readonly statusAnswers: number;
  /**
   * Switched off (true): the port stops listening, so a connection is refused (ECONNREFUSED) as by a
   * printer that is off or unplugged; switched on again, it listens on the same port.
   */
  setOff(off: boolean): Promise<void>;
  close(): Promise<void>;
}

const FLAGS: Record<Exclude<SinkStatus, 'silent'>, Partial<HostStatus>> = {
  ok: {},
  paper_out: { paperOut: true, paused: true },
  head_open: { headOpen: true },
  paused: { paused: true },
  ribbon_out: { ribbonOut: true, thermalTransfer: true },
};

const QUERY = Buffer.from(HOST_STATUS_QUERY, 'latin1');

export async function startPrinterSink(opts: PrinterSinkOptions = {}): Promise<PrinterSink> {
  const host = opts.host ?? '127.0.0.1';
  const jobs: Buffer[] = [];
  const waiters: ((job: Buffer) => void)[] = [];
  const sockets = new Set<net.Socket>();
  const faults: SinkFault[] = [...(opts.faults ?? [])];
  let status: SinkStatus = opts.status ?? 'ok';
  let statusAfterJob: SinkStatus | null = null;
  let taken = 0;
  let connections = 0;
  let statusAnswers = 0;

  const record = (job: Buffer) => {
    jobs.push(job);
    const waiter = waiters.shift();
    if (waiter) {
      taken++;
      waiter(job);
    }
  };

  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    const fault = faults.shift() ?? null;
    if (fault === 'reset_before_read') {
      socket.resetAndDestroy();
      sockets.delete(socket);
      return;
    }
    const label: Buffer[] = [];
    let labelBytes = 0;
    let pending = Buffer.alloc(0); // not yet scanned for ~HS (at most a partial query)
    let done = false;

    const keepLabel = (bytes: Buffer) => {
      if (bytes.length === 0) return;
      label.push(bytes);
      labelBytes += bytes.length;
    };
    const finish = () => {
      if (done) return;
      done = true;
      keepLabel(pending);
      pending = Buffer.alloc(0);
      if (labelBytes > 0) record(Buffer.concat(label));
    };
    const reset = () => {
      finish();
      socket.resetAndDestroy();
    };
    const answer = () => {
      if (fault === 'reset_after_read' && labelBytes > 0) return reset();
      if (labelBytes > 0 && statusAfterJob) {
        status = statusAfterJob;
        statusAfterJob = null;
      }
      if (fault === 'silent' || status === 'silent') return;
      statusAnswers++;
      socket.write(formatHostStatus(FLAGS[status]));
    };

    socket.on('data', (chunk: Buffer) => {
      opts.onData?.(chunk, (bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      });
      pending = Buffer.concat([pending, chunk]);
      for (let at = pending.indexOf(QUERY); at !== -1 && !done; at = pending.indexOf(QUERY)) {
        keepLabel(pending.subarray(0, at));
        pending = pending.subarray(at + QUERY.length);
        answer();
      }
      if (done) return;
      // Keep a possible partial query ("~" or "~H") for the next chunk; the rest is label.
      let keep = 0;
      if (pending.length >= 2 && pending.subarray(-2).equals(QUERY.subarray(0, 2))) keep = 2;
      else if (pending.length >= 1 && pending[pending.length - 1] === QUERY[0]) keep = 1;
      keepLabel(pending.subarray(0, pending.length - keep));
      pending = pending.subarray(pending.length - keep);
    });
    // A job ends when the client half-closes; we then close our side, as a printer does.
    socket.on('end', () => {
      if (fault === 'reset_after_read') return reset();
      finish();
      socket.end();
    });
    // A client that resets mid-job still leaves what arrived.
    socket.on('close', () => {
      finish();
      sockets.delete(socket);
    });
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve, reject) => {
      for (const s of sockets) s.destroy();
      server.close((err) => (err ? reject(err) : resolve()));
    });
  await listen(opts.port ?? 0);
  const address = server.address() as net.AddressInfo;
  const uriHost = host.includes(':') ? `[${host}]` : host;

  return {
    port: address.port,
    uri: `tcp://${uriHost}:${address.port}`,
    jobs,
    nextJob() {
      if (taken < jobs.length) return Promise.resolve(jobs[taken++] as Buffer);
      return new Promise((resolve) => waiters.push(resolve));
    },
    setStatus(next) {
      status = next;
      statusAfterJob = null;
    },
    setStatusAfterNextJob(next) {
      statusAfterJob = next;
    },
    failNext(...next) {
      faults.push(...next);
    },
    get connections() {
      return connections;
    },
    get statusAnswers() {
      return statusAnswers;
    },
    async setOff(off) {
      if (off === !server.listening) return;
      await (off ? stopListening() : listen(address.port));
    },
    async close() {
      if (server.listening) await stopListening();
    },
  };
}

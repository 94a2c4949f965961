// A fake raw-TCP (9100-style) printer for tests and the sandbox: every connection's bytes,
// up to the client's end, are recorded as one job. Nothing is dropped, not even empty jobs.
import net from 'node:net';

export interface PrinterSinkOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /**
   * Hook for printer replies, called with each chunk as it arrives. `reply` writes back on
   * the same connection. This is where ~HS status answers will go.
   */
  onData?: (chunk: Buffer, reply: (bytes: Buffer | string) => void) => void;
}

export interface PrinterSink {
  port: number;
  /** `tcp://HOST:PORT`, ready for sendRaw. */
  uri: string;
  /** Every job received so far, in arrival order. */
  jobs: Buffer[];
  /** The next job not yet returned by nextJob(), waiting for it if needed. */
  nextJob(): Promise<Buffer>;
  close(): Promise<void>;
}

export async function startPrinterSink(opts: PrinterSinkOptions = {}): Promise<PrinterSink> {
  const host = opts.host ?? '127.0.0.1';
  const jobs: Buffer[] = [];
  const waiters: ((job: Buffer) => void)[] = [];
  const sockets = new Set<net.Socket>();
  let taken = 0;

  const record = (job: Buffer) => {
    jobs.push(job);
    const waiter = waiters.shift();
    if (waiter) {
      taken++;
      waiter(job);
    }
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      record(Buffer.concat(chunks));
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      opts.onData?.(chunk, (bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      });
    });
    // A job ends when the client half-closes; we then close our side, as a printer does.
    socket.on('end', () => {
      finish();
      socket.end();
    });
    // A client that resets mid-job still leaves what arrived.
    socket.on('close', () => {
      finish();
      sockets.delete(socket);
    });
    socket.on('error', () => undefined);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
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
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

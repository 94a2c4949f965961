// A TCP proxy in front of a sandbox (Odoo, a carrier fake) that takes it down and back up in each
// shape an outage has in the field:
//   up       every byte passed through both ways;
//   refused  the listener closed: a connect gets ECONNREFUSED;
//   hung     the sandbox's process frozen with SIGSTOP (the kernel still accepts; nothing answers);
//   502      an nginx-like "502 Bad Gateway" HTML page for every request;
//   slow     each request held 2 s before it is passed on;
//   reset    the request passed on (it takes effect upstream), part of the reply passed back, then
//            the connection reset (RST), as a proxy without TLS dropping mid-reply.
// The bench is pointed at `url`; `setShape` switches. A switch drops connections opened under
// another shape (as a network change does), except plain pass-through ones between up and hung:
// those are exactly what a frozen process leaves hanging, and what it answers when it thaws.
import { createServer, connect, type Server, type Socket } from 'node:net';

export type OutageShape = 'up' | 'refused' | 'hung' | '502' | 'slow' | 'reset';
export const OUTAGE_SHAPES: readonly Exclude<OutageShape, 'up'>[] = ['refused', 'hung', '502', 'slow', 'reset'];

export interface OutageProxyOptions {
  /** The sandbox's address, http://127.0.0.1:PORT. */
  target: string;
  /** The sandbox's process, frozen (SIGSTOP) for `hung` and thawed (SIGCONT) on leaving it. */
  pid?: number;
  /** Added before each request in `slow` (default 2000 ms). */
  slowMs?: number;
}

export interface OutageProxy {
  /** http://127.0.0.1:PORT, stable across shapes (the port is listened on again after `refused`). */
  url: string;
  readonly shape: OutageShape;
  setShape(shape: OutageShape): Promise<void>;
  /** Connections accepted per shape, and how many replies were cut by `reset`. */
  stats: { accepted: Record<OutageShape, number>; resets: number; badGateways: number };
  close(): Promise<void>;
}

const BAD_GATEWAY_BODY =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n';

/** The shape a connection is handled in: up and hung are both a plain pipe. */
type Handling = 'pipe' | '502' | 'slow' | 'reset';
const handlingOf = (shape: OutageShape): Handling | null =>
  shape === 'up' || shape === 'hung' ? 'pipe' : shape === 'refused' ? null : shape;

/**
 * Complete HTTP/1.1 requests at the front of `buffer` (Content-Length or chunked bodies): how many
 * bytes they take. Used by `502` to answer each request once it is wholly in.
 */
function completeRequestsLength(buffer: Buffer): { bytes: number; count: number } {
  let at = 0;
  let count = 0;
  for (;;) {
    const headEnd = buffer.indexOf('\r\n\r\n', at);
    if (headEnd < 0) return { bytes: at, count };
    const head = buffer.subarray(at, headEnd).toString('latin1');
    let end = headEnd + 4;
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (length) end += Number(length[1]);
    else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const last = buffer.indexOf('\r\n0\r\n\r\n', headEnd);
      if (last < 0) return { bytes: at, count };
      end = last + 7;
    }
    if (end > buffer.length) return { bytes: at, count };
    at = end;
    count++;
  }
}

export async function startOutageProxy(options: OutageProxyOptions): Promise<OutageProxy> {
  const upstream = new URL(options.target);
  const upstreamPort = Number(upstream.port);
  const slowMs = options.slowMs ?? 2000;
  let shape: OutageShape = 'up';
  const open = new Map<Socket, { handling: Handling; peer: Socket | null; timers: Set<NodeJS.Timeout> }>();
  const stats: OutageProxy['stats'] = { accepted: { up: 0, refused: 0, hung: 0, '502': 0, slow: 0, reset: 0 }, resets: 0, badGateways: 0 };

  const drop = (client: Socket) => {
    const c = open.get(client);
    if (!c) return;
    open.delete(client);
    for (const t of c.timers) clearTimeout(t);
    c.peer?.destroy();
    client.destroy();
  };

  const onConnection = (client: Socket) => {
    const handling = handlingOf(shape);
    stats.accepted[shape]++;
    if (handling === null) {
      client.destroy();
      return;
    }
    const c = { handling, peer: null as Socket | null, timers: new Set<NodeJS.Timeout>() };
    open.set(client, c);
    client.on('error', () => drop(client));
    client.on('close', () => drop(client));
    if (handling === '502') {
      let pending = Buffer.alloc(0);
      client.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        const { bytes, count } = completeRequestsLength(pending);
        pending = pending.subarray(bytes);
        for (let i = 0; i < count; i++) {
          stats.badGateways++;
          client.write(
            `HTTP/1.1 502 Bad Gateway\r\nServer: nginx/1.24.0\r\nDate: ${new Date().toUTCString()}\r\nContent-Type: text/html\r\n` +
              `Content-Length: ${Buffer.byteLength(BAD_GATEWAY_BODY)}\r\nConnection: keep-alive\r\n\r\n${BAD_GATEWAY_BODY}`,
          );
        }
      });
      return;
    }
    const peer = connect(upstreamPort, upstream.hostname);
    c.peer = peer;
    peer.on('error', () => drop(client));
    peer.on('close', () => drop(client));
    if (handling === 'slow') {
      // Each chunk goes on slowMs after it came, in order: every request arrives 2 s late.
      client.on('data', (chunk: Buffer) => {
        const t = setTimeout(() => {
          c.timers.delete(t);
          peer.write(chunk);
        }, slowMs);
        c.timers.add(t);
      });
    } else {
      client.pipe(peer);
    }
    if (handling === 'reset') {
      // Part of the reply (never all of it), then RST.
      peer.once('data', (chunk: Buffer) => {
        const part = chunk.subarray(0, Math.max(1, Math.min(chunk.length - 1, Math.floor(chunk.length / 2))));
        stats.resets++;
        client.write(part, () => {
          open.delete(client);
          peer.destroy();
          client.resetAndDestroy();
        });
      });
    } else {
      peer.pipe(client);
    }
  };

  let server: Server = createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  const listen = async () => {
    server = createServer(onConnection);
    // The port was ours a moment ago; another listener taking it in between would be a harness bug worth failing on.
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  };
  const unlisten = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    if (options.pid === undefined) return;
    try {
      process.kill(options.pid, sig);
    } catch {
      // Gone already: nothing to freeze or thaw.
    }
  };

  return {
    url: `http://127.0.0.1:${port}`,
    get shape() {
      return shape;
    },
    stats,
    async setShape(next) {
      if (next === shape) return;
      const before = shape;
      shape = next;
      if (before === 'hung') signal('SIGCONT');
      const keep = handlingOf(next);
      for (const [client, c] of [...open]) if (c.handling !== keep) drop(client);
      if (next === 'refused') await unlisten();
      if (before === 'refused') await listen();
      if (next === 'hung') signal('SIGSTOP');
    },
    async close() {
      if (shape === 'hung') signal('SIGCONT');
      for (const client of [...open.keys()]) drop(client);
      if (shape !== 'refused') await unlisten();
      shape = 'up';
    },
  };
}

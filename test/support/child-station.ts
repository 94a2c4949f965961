// Drive a station running in a child process (test/support/crash-child.ts), and kill it for real.
// Also a pass-through HTTP proxy in front of the sandbox Odoo that can swallow the reply to one
// RPC: the call takes effect in Odoo, but the bench never hears back, as when it dies mid-call.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CallResult, EventName, EventPayload } from '../../shared/api';
import type { ChildConfig } from './crash-child';

type ChildMessage =
  | { type: 'ready' }
  | { type: 'reply'; id: number; result: CallResult<unknown> }
  | { type: 'event'; event: EventName; payload: unknown };

export interface ChildStation {
  readonly pid: number;
  call<T = unknown>(name: string, request?: unknown): Promise<T>;
  waitFor<E extends EventName>(event: E, predicate: (payload: EventPayload<E>) => boolean, timeoutMs?: number, what?: string): Promise<EventPayload<E>>;
  /** SIGKILL: no exit handler, no close, no flush. Resolves once the process is gone. */
  kill9(): Promise<NodeJS.Signals | null>;
  /** What the child wrote to stderr (for failure messages). */
  stderr(): string;
}

/** `env`: more of the child's environment, e.g. a carrier's PACKBENCH_SECRET_CARRIER_… key. */
export async function startChildStation(config: ChildConfig, apiKey: string, timeoutMs = 30_000, env: Record<string, string> = {}): Promise<ChildStation> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'crash-child.ts')], {
    env: { ...process.env, ...env, CRASH_CHILD_CONFIG: JSON.stringify(config), PACKBENCH_SECRET_ODOO_API_KEY: apiKey },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));

  const latest = new Map<EventName, unknown>();
  const eventWaiters = new Set<(event: EventName, payload: unknown) => void>();
  const replies = new Map<number, (result: CallResult<unknown>) => void>();
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));

  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('@@ ')) return;
    const message = JSON.parse(line.slice(3)) as ChildMessage;
    if (message.type === 'ready') ready();
    else if (message.type === 'reply') replies.get(message.id)?.(message.result);
    else {
      latest.set(message.event, message.payload);
      for (const waiter of [...eventWaiters]) waiter(message.event, message.payload);
    }
  });

  const gone = exited.then((signal) => {
    throw new Error(`the child station exited (${signal ?? 'no signal'}) before it was ready:\n${errors}`);
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the child station was not ready in ${timeoutMs} ms:\n${errors}`)), timeoutMs);
  });
  try {
    await Promise.race([isReady, gone, late]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
    gone.catch(() => {});
  }

  let nextId = 1;
  return {
    pid: child.pid!,
    call<T>(name: string, req: unknown = {}) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        replies.set(id, (result) => {
          replies.delete(id);
          if (result.ok) resolve(result.value as T);
          else reject(new Error(`${name} failed in the child: ${result.error.message}`));
        });
        child.stdin!.write(`${JSON.stringify({ id, name, request: req })}\n`);
      });
    },
    waitFor(event, predicate, waitMs = 15_000, what = `${event} event`) {
      return new Promise((resolve, reject) => {
        const check = (name: EventName, payload: unknown) => {
          if (name !== event || !predicate(payload as never)) return;
          clearTimeout(timer);
          eventWaiters.delete(check);
          resolve(payload as never);
        };
        const timer = setTimeout(() => {
          eventWaiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; last: ${JSON.stringify(latest.get(event))}\n${errors}`));
        }, waitMs);
        eventWaiters.add(check);
        if (latest.has(event)) check(event, latest.get(event));
      });
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
    stderr: () => errors,
  };
}

export interface HoldingProxy {
  url: string;
  /**
   * While set, the reply to the first request whose "<path> <body>" matches is swallowed (the call
   * still runs). The path names the model and method on JSON-2 (Odoo 19), the body on JSON-RPC.
   */
  holdReplyTo(pattern: RegExp | null): void;
  /** Resolves when a reply has been swallowed. */
  held(): Promise<void>;
  close(): Promise<void>;
}

/** An HTTP proxy to `target` (http://host:port) on 127.0.0.1. */
export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const upstream = new URL(target);
  let pattern: RegExp | null = null;
  let swallowed!: () => void;
  let heldReply = new Promise<void>((resolve) => (swallowed = resolve));
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const hold = pattern !== null && pattern.test(`${req.url ?? ''} ${body.toString('utf8')}`);
      if (hold) pattern = null;
      const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
      const out = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (reply) => {
          const answer: Buffer[] = [];
          reply.on('data', (c: Buffer) => answer.push(c));
          reply.on('end', () => {
            if (hold) {
              // Odoo has done it; the bench waits for an answer that never comes.
              swallowed();
              return;
            }
            res.writeHead(reply.statusCode ?? 502, reply.headers);
            res.end(Buffer.concat(answer));
          });
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    holdReplyTo(p) {
      pattern = p;
      heldReply = new Promise<void>((resolve) => (swallowed = resolve));
    },
    held: () => heldReply,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface ChildOdoo {
  readonly pid: number;
  url: string;
  db: string;
  login: string;
  apiKey: string;
  /** SIGSTOP: the kernel still accepts connections, the process never answers them. */
  hang(): void;
  /** SIGCONT: it answers again, queued requests first. */
  resume(): void;
  /** SIGCONT then SIGTERM; resolves once the process is gone. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The sandbox Odoo in a process of its own (`npm run sandbox:odoo`, i.e. electron/sandbox/odoo/cli.ts
 * under tsx), so a test can freeze it with SIGSTOP as a hung Odoo: connected, never answering.
 */
export async function startChildOdoo(options: { apiKey: string; seed: number }, timeoutMs = 30_000): Promise<ChildOdoo> {
  const cli = join(__dirname, '..', '..', 'electron', 'sandbox', 'odoo', 'cli.ts');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cli, '--port', '0', '--api-key', options.apiKey, '--seed', String(options.seed), '--login-cooldown', 'off'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const fields = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the sandbox Odoo did not start in ${timeoutMs} ms:\n${errors}`)), timeoutMs);
      void exited.then(() => reject(new Error(`the sandbox Odoo exited before it was ready:\n${errors}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = /^\s+(URL|database|login):\s+(\S+)/.exec(line);
        if (m) fields.set(m[1]!, m[2]!);
        if (fields.has('URL') && fields.has('database') && fields.has('login')) resolve();
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid!,
    url: fields.get('URL')!,
    db: fields.get('database')!,
    login: fields.get('login')!,
    apiKey: options.apiKey,
    hang: () => process.kill(child.pid!, 'SIGSTOP'),
    resume: () => {
      if (alive()) process.kill(child.pid!, 'SIGCONT');
    },
    async close() {
      if (alive()) {
        process.kill(child.pid!, 'SIGCONT');
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}

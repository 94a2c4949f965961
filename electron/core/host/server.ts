// Browser mode: serves the built renderer and bridges the StationApi over HTTP (commands) and a
// WebSocket (events) on 127.0.0.1 only. The rules it enforces live in ./security.
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import type { EventName } from '../../../shared/api';
import { dispatch, type Handlers } from '../../../shared/bridge';
import type { StationEvents } from '../events';
import { contentTypeOf } from './content-types';
import { isLastResortName, LAST_RESORT_PREFIX } from './files';
import {
  SessionGate,
  hostAllowed,
  isInside,
  isJsonContentType,
  newSecret,
  originAllowed,
  securityHeaders,
  connectSources,
  sessionCookie,
  sessionCookieName,
  staticPath,
} from './security';

export interface HostOptions {
  handlers: Handlers;
  events: StationEvents;
  /** The built renderer (index.html and its assets). */
  staticDir: string;
  /** Where the station saves labels no printer took: their PDFs are served under /files/last-resort/ to the session's page. */
  lastResortDir?: string;
  /** 0 picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  /** One line per request: method, path, status. Never secrets. */
  log?: (line: string) => void;
}

export interface RunningHost {
  /** http://127.0.0.1:PORT/ — safe to log. */
  url: string;
  /** url + '#token=…': for the person (or test browser) only; the token works once. */
  openUrl: string;
  port: number;
  close(): Promise<void>;
}

const BODY_LIMIT = 64 * 1024;
/** A page that stops reading events is dropped rather than buffered without bound. */
const MAX_BUFFERED = 4 * 1024 * 1024;

const UNAUTHORISED = {
  code: 'unauthorized',
  message: 'This page is not connected to Packbench. Open the address Packbench printed when it started.',
};
const BAD_REQUEST = { code: 'bad_request', message: 'That request was not understood, so nothing was changed.' };

type Body = { ok: true; value: unknown } | { ok: false };

/** The path part of a request target, without the query (which is never logged or used). */
function pathOf(url: string | undefined): string {
  const target = url ?? '/';
  const q = target.indexOf('?');
  return (q < 0 ? target : target.slice(0, q)).slice(0, 512);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(text);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(value));
}

function failure(res: ServerResponse, status: number, error: { code: string; message: string }): void {
  json(res, status, { ok: false, error });
}

function empty(res: ServerResponse, status: number): void {
  res.statusCode = status;
  res.end();
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  plain(res, 405, 'Method not allowed');
}

/** Read a JSON body of at most `limit` bytes; on failure the response (413/400) is already sent. */
function readJson(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    let done = false;
    const tooLarge = () => {
      done = true;
      // Keep draining so the client can read the 413 instead of seeing a reset mid-upload.
      req.removeAllListeners('data');
      req.resume();
      failure(res, 413, { code: 'too_large', message: 'That request was too large, so nothing was changed.' });
      resolve({ ok: false });
    };
    if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return tooLarge();
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (done) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({ ok: true, value: undefined });
      try {
        resolve({ ok: true, value: JSON.parse(text) as unknown });
      } catch {
        failure(res, 400, BAD_REQUEST);
        resolve({ ok: false });
      }
    });
  });
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const { handlers, events } = options;
  const log = options.log ?? (() => {});
  const root = await realpath(path.resolve(options.staticDir));
  const indexFile = path.join(root, 'index.html');
  const token = newSecret();
  const gate = new SessionGate(token);
  let port = 0;
  let baseHeaders: Record<string, string> = {};

  async function fileIn(candidate: string): Promise<string | null> {
    try {
      const real = await realpath(candidate);
      // A symlink inside staticDir must not lead outside it.
      if (!isInside(root, real) || !(await stat(real)).isFile()) return null;
      return real;
    } catch {
      return null;
    }
  }

  async function serveStatic(res: ServerResponse, method: string, pathname: string): Promise<void> {
    const target = staticPath(root, pathname);
    if (target === null) return plain(res, 404, 'Not found');
    let file = await fileIn(target);
    // Client-side routes (no extension) get the app shell; a missing asset stays a 404.
    if (file === null && path.extname(target) === '') file = await fileIn(indexFile);
    if (file === null) return plain(res, 404, 'Not found');
    let body = await readFile(file);
    // The page's own CSP (written for the desktop window, which needs no socket) must let this page
    // reach its event socket on this port, and only that: a meta CSP and the header both apply.
    if (file === indexFile) body = Buffer.from(body.toString('utf8').replace(/connect-src [^;"]*/, connectSources(port)), 'utf8');
    res.statusCode = 200;
    res.setHeader('Content-Type', contentTypeOf(path.extname(file)));
    res.setHeader('Content-Length', body.length);
    res.setHeader('Cache-Control', 'no-cache');
    res.end(method === 'HEAD' ? undefined : body);
  }

  /**
   * A label saved as a PDF, for the page holding the session cookie only. Only names the journal
   * writes (no decoding, so no `..` or `%2F` can match), and only a regular file inside the folder.
   */
  async function serveLastResort(req: IncomingMessage, res: ServerResponse, method: string, pathname: string): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    if (!gate.authorised(req.headers.cookie)) return plain(res, 401, UNAUTHORISED.message);
    const name = pathname.slice(LAST_RESORT_PREFIX.length);
    if (!options.lastResortDir || !isLastResortName(name)) return plain(res, 404, 'Not found');
    let file: string;
    try {
      const dir = await realpath(options.lastResortDir);
      file = await realpath(path.join(dir, name));
      if (!isInside(dir, file) || !(await stat(file)).isFile()) return plain(res, 404, 'Not found');
    } catch {
      return plain(res, 404, 'Not found');
    }
    const body = await readFile(file);
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="${name}"`);
    res.setHeader('Content-Length', body.length);
    res.end(method === 'HEAD' ? undefined : body);
  }

  async function serveApi(req: IncomingMessage, res: ServerResponse, method: string, pathname: string): Promise<void> {
    if (pathname === '/api/session') {
      if (method === 'GET' || method === 'HEAD') return empty(res, gate.authorised(req.headers.cookie) ? 204 : 401);
      if (method !== 'POST') return methodNotAllowed(res, 'GET, POST');
      if (!isJsonContentType(req.headers['content-type'])) return failure(res, 415, BAD_REQUEST);
      const body = await readJson(req, res, 1024);
      if (!body.ok) return;
      const id = gate.exchange((body.value as { token?: unknown } | null | undefined)?.token);
      if (id === null) return plain(res, 403, 'Forbidden');
      res.setHeader('Set-Cookie', sessionCookie(port, id));
      return empty(res, 204);
    }
    if (pathname === '/api/events') {
      // Only the WebSocket upgrade (handled on 'upgrade') belongs here.
      res.setHeader('Upgrade', 'websocket');
      return plain(res, 426, 'Upgrade required');
    }
    if (pathname.startsWith('/api/call/')) {
      if (method !== 'POST') return methodNotAllowed(res, 'POST');
      if (!gate.authorised(req.headers.cookie)) return failure(res, 401, UNAUTHORISED);
      if (!isJsonContentType(req.headers['content-type'])) return failure(res, 415, BAD_REQUEST);
      const body = await readJson(req, res, BODY_LIMIT);
      if (!body.ok) return;
      let name: string;
      try {
        name = decodeURIComponent(pathname.slice('/api/call/'.length));
      } catch {
        name = pathname.slice('/api/call/'.length);
      }
      const envelope = await dispatch(handlers, name, body.value, (error, command) =>
        log(`internal error in ${command}: ${describe(error)}`),
      );
      return json(res, 200, envelope);
    }
    return failure(res, 404, { code: 'not_found', message: 'Packbench has no such address.' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const pathname = pathOf(req.url);
    res.once('close', () => log(`${method} ${pathname} ${res.writableFinished ? res.statusCode : 'aborted'}`));
    for (const [name, value] of Object.entries(baseHeaders)) res.setHeader(name, value);
    const api = pathname === '/api' || pathname.startsWith('/api/');
    if (api) res.setHeader('Cache-Control', 'no-store');

    const safe = method === 'GET' || method === 'HEAD';
    if (!hostAllowed(req.headers.host, port)) return plain(res, 403, 'Forbidden');
    if (!originAllowed(req.headers.origin, port, !safe)) return plain(res, 403, 'Forbidden');

    if (api) return serveApi(req, res, method, pathname);
    if (!safe) return methodNotAllowed(res, 'GET, HEAD');
    if (pathname.startsWith(LAST_RESORT_PREFIX)) return serveLastResort(req, res, method, pathname);
    return serveStatic(res, method, pathname);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });

  function streamEvents(ws: WebSocket): void {
    const send = (event: EventName, payload: unknown) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED) return ws.terminate();
      ws.send(JSON.stringify({ event, payload }));
    };
    for (const [event, payload] of events.snapshot()) send(event, payload);
    const unsubscribe = events.subscribe(send);
    ws.on('close', unsubscribe);
    ws.on('error', () => ws.terminate());
    // Client messages are ignored: commands go over POST, where the checks above apply.
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const pathname = pathOf(req.url);
    socket.on('error', () => socket.destroy());
    const refuse = (status: 403 | 404) => {
      log(`GET ${pathname} ${status}`);
      socket.once('finish', () => socket.destroy());
      socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostAllowed(req.headers.host, port)) return refuse(403);
    if (!originAllowed(req.headers.origin, port, true)) return refuse(403);
    if (pathname !== '/api/events') return refuse(404);
    if (!gate.authorised(req.headers.cookie)) return refuse(403);
    wss.handleUpgrade(req, socket, head, (ws) => {
      log(`GET ${pathname} 101`);
      streamEvents(ws);
    });
  }

  // requireHostHeader off: a missing Host gets the same 403 as a wrong one, from our check.
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`internal error serving ${pathOf(req.url)}: ${describe(error)}`);
      if (!res.headersSent) plain(res, 500, 'Internal error');
      else res.destroy();
    });
  });
  server.on('upgrade', upgrade);
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  baseHeaders = securityHeaders(port);
  gate.cookieName = sessionCookieName(port);
  const url = `http://127.0.0.1:${port}/`;

  return {
    url,
    openUrl: `${url}#token=${token}`,
    port,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

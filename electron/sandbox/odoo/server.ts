// Sandbox Odoo, the HTTP layer: a stateful, wire-faithful fake of Odoo 16, 17, 18 or 19
// (../shared/ref/odoo-external-api.md §1, §7). POST /jsonrpc on every version; POST
// /json/2/<model>/<method> and GET /web/version on 19. Knobs for latency, injected failures and
// outage windows; a record of every RPC. Records live in database.ts, the rules in schema.ts,
// stock.ts and services.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SandboxOdooState } from './database';
import { Fault, json2Status, serializationFailure, serializeFault } from './faults';
import { SANDBOX_VERSIONS, type SandboxVersion } from './schema';
import { SANDBOX_UID } from './seed';
import { Services, type RpcLogEntry, type SandboxUser } from './services';
import { seededRandom } from '../seeded-random';

export { SandboxOdooState, type Rec } from './database';
export type { RpcLogEntry, SandboxUser } from './services';
export { SANDBOX_VERSIONS, type SandboxVersion } from './schema';

export interface SandboxChaos {
  /** Added before every answer: a fixed delay or a [min, max] range in ms. */
  latencyMs?: number | [number, number];
  /** Share of RPCs (0–1) answered with a retryable failure instead, before anything changes. */
  errorRate?: number;
  /**
   * Which failures to inject: a serialization failure (Odoo's error shape), a proxy 503 page, and/or
   * a 429 page with Retry-After (a rate limit in front of Odoo: werkzeug's TooManyRequests page, as
   * nginx limit_req or a SaaS front answers; Odoo itself documents none, ref §5).
   */
  errorKinds?: InjectedFailure[];
  /** The Retry-After (seconds) a 'rate_limit' answer carries. Default 30. */
  retryAfterS?: number;
  /** Windows, in ms since the sandbox started, in which every connection is dropped. */
  outages?: { fromMs: number; toMs: number }[];
  /** Seed of the dice, so a run can be repeated. */
  seed?: number;
}

export interface SandboxOdooOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  apiKey: string;
  db?: string;
  login?: string;
  /** Deliveries to seed. */
  seed?: number;
  /** The Odoo to emulate (default 17); "17.0" is accepted too. */
  version?: SandboxVersion | `${SandboxVersion}.0`;
  /** More API keys, e.g. one that may read but not write. */
  users?: { login: string; apiKey: string; access: 'read' | 'write'; companies?: number[] }[];
  chaos?: SandboxChaos;
  /** Clock for write_date and friends. */
  now?: () => Date;
  /**
   * Odoo's login cooldown per remote address (see ServicesConfig.loginCooldown); Odoo's data sets
   * 10 failures / 60 s. Off unless given.
   */
  loginCooldown?: { after: number; seconds: number };
}

export interface SandboxOdoo {
  url: string;
  db: string;
  login: string;
  apiKey: string;
  port: number;
  version: SandboxVersion;
  users: SandboxUser[];
  close(): Promise<void>;
  state: SandboxOdooState;
  rpcLog: RpcLogEntry[];
  /** On: every connection is dropped, as if Odoo were unreachable. */
  setOffline(on: boolean): void;
  /** Replace the latency / failure / outage knobs (outage windows count from the sandbox's start). */
  setChaos(chaos: SandboxChaos): void;
}

const JSON_MIMETYPES = ['application/json', 'application/json-rpc'];
const BODY_LIMIT = 32 * 1024 * 1024;

export function parseSandboxVersion(value: unknown): SandboxVersion {
  const n = typeof value === 'string' ? Number(value.replace(/\.0$/, '')) : value;
  if (!SANDBOX_VERSIONS.includes(n as SandboxVersion)) throw new Error(`The sandbox emulates Odoo 16, 17, 18 or 19, not ${String(value)}`);
  return n as SandboxVersion;
}

export async function startSandboxOdoo(options: SandboxOdooOptions): Promise<SandboxOdoo> {
  const version = parseSandboxVersion(options.version ?? 17);
  const db = options.db ?? 'sandbox';
  const login = options.login ?? 'admin';
  const state = new SandboxOdooState(options.seed ?? 25, options.now ?? (() => new Date()), version);
  const users: SandboxUser[] = [{ uid: SANDBOX_UID, login, apiKey: options.apiKey, access: 'write' }];
  for (const [i, u] of (options.users ?? []).entries()) {
    const uid = 100 + i;
    users.push({ uid, ...u });
    state.insertWithId('res.users', uid, { name: u.login, login: u.login });
  }
  const rpcLog: RpcLogEntry[] = [];
  const services = new Services(state, { db, users, ...(options.loginCooldown ? { loginCooldown: options.loginCooldown } : {}) }, rpcLog);
  const chaos = new Chaos(options.chaos ?? {});
  const sockets = new Set<Socket>();
  let offline = false;
  const down = () => offline || chaos.inOutage();

  const server = createServer((req, res) => {
    if (down()) {
      req.socket.destroy();
      return;
    }
    handle(services, chaos, { db, version }, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(htmlPage(500, 'Internal Server Error', 'The server encountered an internal error.'));
    });
  });
  server.on('connection', (socket) => {
    if (down()) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}`,
    db,
    login,
    apiKey: options.apiKey,
    port,
    version,
    users,
    state,
    rpcLog,
    setOffline(on) {
      offline = on;
      if (on) for (const s of sockets) s.destroy();
    },
    setChaos(next) {
      chaos.set(next);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// ---- Chaos knobs ----

type InjectedFailure = 'serialization' | 'gateway' | 'rate_limit';

/** What the RPC log records for an injected failure. */
const INJECTED_LOG: Record<InjectedFailure, string> = {
  serialization: 'psycopg2.errors.SerializationFailure',
  gateway: 'http 503',
  rate_limit: 'http 429',
};

class Chaos {
  private readonly started = Date.now();
  private options: SandboxChaos = {};
  private rnd: () => number = Math.random;

  constructor(options: SandboxChaos) {
    this.set(options);
  }

  set(options: SandboxChaos): void {
    this.options = options;
    this.rnd = seededRandom(options.seed ?? 1);
  }

  inOutage(): boolean {
    const t = Date.now() - this.started;
    return (this.options.outages ?? []).some((w) => t >= w.fromMs && t < w.toMs);
  }

  async delay(): Promise<void> {
    const l = this.options.latencyMs;
    if (!l) return;
    const ms = Array.isArray(l) ? l[0] + this.rnd() * (l[1] - l[0]) : l;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** The failure to answer instead, if the dice say so. */
  failure(): InjectedFailure | null {
    const rate = this.options.errorRate ?? 0;
    if (rate <= 0 || this.rnd() >= rate) return null;
    const kinds = this.options.errorKinds?.length ? this.options.errorKinds : ['serialization', 'gateway'];
    return kinds[Math.floor(this.rnd() * kinds.length)] as InjectedFailure;
  }

  /** Answer an injected HTTP-level failure (proxy page); false for one answered in Odoo's own shape. */
  sendHttpFailure(res: ServerResponse, kind: InjectedFailure): boolean {
    if (kind === 'gateway') {
      sendHtml(res, 503, 'Service Unavailable', 'The server is temporarily unable to service your request.');
      return true;
    }
    if (kind === 'rate_limit') {
      const retryAfter = String(this.options.retryAfterS ?? 30);
      sendHtml(res, 429, 'Too Many Requests', 'This user has exceeded an allotted request count. Try again later.', { 'Retry-After': retryAfter });
      return true;
    }
    return false;
  }
}

// ---- Routes ----

interface Site {
  db: string;
  version: SandboxVersion;
}

async function handle(services: Services, chaos: Chaos, site: Site, req: IncomingMessage, res: ServerResponse): Promise<void> {
  await chaos.delay();
  const path = (req.url ?? '/').split('?')[0]!;
  if (path === '/jsonrpc') return jsonRpcRoute(services, chaos, req, res);
  if (site.version >= 19 && (path === '/json/2' || path.startsWith('/json/2/'))) return json2Route(services, chaos, site, path, req, res);
  if (site.version >= 19 && path === '/web/version' && req.method === 'GET') {
    await drain(req);
    sendJson(res, 200, { version_info: [site.version, 0, 0, 'final', 0, ''], version: `${site.version}.0` });
    return;
  }
  await drain(req);
  sendHtml(res, 404, 'Not Found', 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.');
}

/** /jsonrpc: JSON content type required, JSON-RPC 2.0 envelope, errors as HTTP 200. */
async function jsonRpcRoute(services: Services, chaos: Chaos, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const mimetype = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!JSON_MIMETYPES.includes(mimetype)) {
    await drain(req);
    sendHtml(
      res,
      400,
      'Bad Request',
      "Request inferred type is compatible with ['http'] but '/jsonrpc' is type='json'.\n\nPlease verify the Content-Type request header and try again.",
    );
    return;
  }
  const raw = await readBody(req);
  if (raw === null) {
    sendText(res, 413, 'Request Entity Too Large');
    return;
  }
  let request: unknown;
  try {
    request = JSON.parse(raw);
  } catch {
    sendText(res, 400, 'Invalid JSON data');
    return;
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    sendText(res, 400, 'Invalid JSON-RPC data');
    return;
  }
  const envelope = request as Record<string, unknown>;
  const id = envelope.id ?? null;
  const params = (typeof envelope.params === 'object' && envelope.params !== null ? envelope.params : {}) as Record<string, unknown>;
  const injected = chaos.failure();
  if (injected) {
    const args = Array.isArray(params.args) ? params.args : [];
    const isKw = params.service === 'object' && params.method === 'execute_kw';
    const fault = serializationFailure();
    services.record({
      transport: 'json-rpc',
      service: String(params.service),
      method: String(isKw ? args[4] : params.method),
      ...(isKw && typeof args[3] === 'string' ? { model: args[3] } : {}),
      error: INJECTED_LOG[injected],
    });
    if (chaos.sendHttpFailure(res, injected)) return;
    return sendJson(res, 200, { jsonrpc: '2.0', id, error: { code: 200, message: 'Odoo Server Error', data: serializeFault(fault) } });
  }
  let body: Record<string, unknown>;
  try {
    const result = await services.jsonRpc(params, req.socket.remoteAddress ?? 'unknown');
    // A method returning None gives neither result nor error.
    body = result === undefined || result === null ? { jsonrpc: '2.0', id } : { jsonrpc: '2.0', id, result };
  } catch (error) {
    body = { jsonrpc: '2.0', id, error: { code: 200, message: 'Odoo Server Error', data: serializeFault(error) } };
  }
  sendJson(res, 200, body);
}

/** /json/2/<model>/<method>: bearer key, database header, named arguments, HTTP status errors. */
async function json2Route(services: Services, chaos: Chaos, site: Site, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const fail = (error: Fault) => {
    const status = json2Status(error);
    sendJson(res, status, serializeFault(error), status === 401 ? { 'WWW-Authenticate': 'bearer' } : {});
  };
  const match = /^\/json\/2\/([^/]+)\/([^/]+)$/.exec(path);
  if (!match) {
    await drain(req);
    return fail(new Fault('werkzeug.exceptions.NotFound', 'Did you mean POST /json/2/<model>/<method>?'));
  }
  if (req.method !== 'POST') {
    await drain(req);
    return sendHtml(res, 405, 'Method Not Allowed', 'The method is not allowed for the requested URL.');
  }
  const database = req.headers['x-odoo-database'];
  if (database !== undefined && database !== site.db) {
    await drain(req);
    return fail(new Fault('werkzeug.exceptions.NotFound', `Database "${String(database)}" not found.`));
  }
  const raw = await readBody(req);
  if (raw === null) return sendText(res, 413, 'Request Entity Too Large');
  let body: unknown;
  try {
    body = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    return fail(new Fault('werkzeug.exceptions.BadRequest', 'The browser (or proxy) sent a request that this server could not understand.'));
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(new Fault('werkzeug.exceptions.BadRequest', 'The request body must be a JSON object of named arguments.'));
  }
  const [, model, method] = match as unknown as [string, string, string];
  const auth = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  const injected = chaos.failure();
  if (injected) {
    services.record({ transport: 'json-2', service: 'json2', method, model, error: INJECTED_LOG[injected] });
    if (chaos.sendHttpFailure(res, injected)) return;
    return fail(serializationFailure());
  }
  try {
    const result = await services.json2(model, method, body as Record<string, unknown>, auth ? auth[1]!.trim() : null);
    sendJson(res, 200, result ?? null);
  } catch (error) {
    fail(error instanceof Fault ? error : new Fault('builtins.Exception', error instanceof Error ? error.message : String(error)));
  }
}

// ---- HTTP helpers ----

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function drain(req: IncomingMessage): Promise<void> {
  await readBody(req);
}

function htmlPage(status: number, title: string, text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');
  return `<!doctype html>\n<html lang=en>\n<title>${status} ${title}</title>\n<h1>${title}</h1>\n<p>${escaped}</p>\n`;
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json), ...headers });
  res.end(json);
}

function sendHtml(res: ServerResponse, status: number, title: string, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
  res.end(htmlPage(status, title, text));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(text);
}

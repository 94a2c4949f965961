// What the two carrier sandboxes share: an HTTP server on 127.0.0.1 that checks the key, injects
// trouble (latency, 429 with Retry-After, 500, a reply dropped after a purchase), validates every
// request and every reply against the provider's OpenAPI document, and serves label files.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { OpenApiChecker, type CheckResult } from './openapi';

/**
 * A provider's OpenAPI document: beside the built sandbox bundle (the build copies test/contracts to
 * dist/core/contracts), or the repo's test/contracts when run from source.
 */
export function contractPath(file: 'shipengine-openapi.yaml' | 'shippo-openapi.yaml'): string {
  const candidates = [`./contracts/${file}`, `../../../test/contracts/${file}`].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((path) => existsSync(path)) ?? candidates[candidates.length - 1]!;
}

const checkers = new Map<string, OpenApiChecker>();
/** One parsed document per file per process: parsing takes about half a second. */
export function loadChecker(path: string): OpenApiChecker {
  let checker = checkers.get(path);
  if (!checker) checkers.set(path, (checker = OpenApiChecker.fromFile(path)));
  return checker;
}

export interface CarrierKnobs {
  /** Added before every answer (ms), label files included unless fileLatencyMs says otherwise. */
  latencyMs?: number;
  /** Added before a label file download instead of latencyMs (a provider's files come from a CDN). */
  fileLatencyMs?: number;
  /** The next N API requests get 429 with `Retry-After: retryAfterS`. */
  tooManyRequests?: number;
  retryAfterS?: number;
  /** The next N API requests get a 500 (the provider's error body). */
  serverErrors?: number;
  /** The next N purchases happen, then the connection is destroyed before the reply. */
  dropAfterPurchase?: number;
  /** The carrier refuses the recipient's address, naming this field (e.g. `postal_code`). */
  rejectAddress?: false | { field: 'postal_code' | 'city' | 'street1' | 'country'; message?: string };
  /** Voids are refused (ShipEngine `approved: false` with this reason code; Shippo a refund in ERROR). */
  refuseVoid?: false | { reasonCode: 'label_already_used' | 'label_not_found_within_void_period' | 'contact_carrier'; message?: string };
  /** The next N voids happen, then the connection is destroyed before the reply. */
  dropAfterVoid?: number;
}

export interface Purchase {
  /** Our idempotency key as the provider stored it (external_shipment_id / metadata). */
  key: string | null;
  /** The provider's id for the label (ShipEngine label_id, Shippo transaction of the first piece). */
  id: string;
  trackingNumbers: string[];
  format: string;
  at: Date;
  /** Whether the purchase was voided (refunded), and how many void requests reached it (a repeat is answered "already voided"). */
  voided: boolean;
  voidRequests: number;
}

export interface ApiRequest {
  method: string;
  operation: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

export interface ApiReply {
  status: number;
  body: unknown;
  /** Destroy the socket instead of answering (the work has been done). */
  drop?: boolean;
}

export interface CarrierServerSpec {
  name: string;
  checker: OpenApiChecker;
  /** Whether the request carries a good key. */
  authorized(req: IncomingMessage): boolean;
  /** The provider's body for a refused key, an invalid request, too many requests, an outage. */
  errorBody(kind: 'auth' | 'invalid' | 'rate_limited' | 'outage' | 'not_found', detail: string[]): unknown;
  /** The named schema each error status is checked against when the operation does not declare it. */
  errorSchema: string;
  route(req: ApiRequest, knobs: CarrierKnobs): Promise<ApiReply>;
}

export interface CarrierServer {
  url: string;
  port: number;
  knobs: CarrierKnobs;
  setKnobs(knobs: CarrierKnobs): void;
  /** Every request the server refused as invalid, and every reply of its own that broke the contract. */
  contractFailures: string[];
  /** Label files served under /labels/NAME. */
  files: Map<string, { type: string; bytes: Buffer }>;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startCarrierServer(
  spec: CarrierServerSpec,
  options: { port?: number; knobs?: CarrierKnobs; files?: Map<string, { type: string; bytes: Buffer }> },
): Promise<CarrierServer> {
  const knobs: CarrierKnobs = { ...options.knobs };
  const contractFailures: string[] = [];
  const files = options.files ?? new Map<string, { type: string; bytes: Buffer }>();
  const sockets = new Set<Socket>();

  /** Replies only what the document allows; a reply of ours that does not is a sandbox bug, made loud. */
  const reply = (res: ServerResponse, operation: string | null, status: number, body: unknown, headers?: Record<string, string>) => {
    let check: CheckResult;
    try {
      check = operation ? spec.checker.checkResponse(operation, status, body) : spec.checker.checkSchema(spec.errorSchema, body);
      // An error status the operation does not list is checked against the provider's error body.
      if (!check.ok && operation && status >= 400 && check.errors[0]?.includes('does not declare')) {
        check = spec.checker.checkSchema(spec.errorSchema, body);
      }
    } catch (error) {
      check = { ok: false, errors: [String(error)] };
    }
    if (!check.ok) {
      contractFailures.push(`${spec.name} replied ${status} to ${operation ?? 'a request'} against its contract: ${check.errors.join('; ')}`);
      return send(res, 500, { sandbox_contract_violation: check.errors });
    }
    send(res, status, body, headers);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const latency = url.pathname.startsWith('/labels/') ? (knobs.fileLatencyMs ?? knobs.latencyMs) : knobs.latencyMs;
    if (latency) await new Promise((r) => setTimeout(r, latency));
    const text = await readBody(req);
    if (req.method === 'GET' && url.pathname.startsWith('/labels/')) {
      const file = files.get(decodeURIComponent(url.pathname.slice('/labels/'.length)));
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file.type, 'content-length': file.bytes.length });
      return void res.end(file.bytes);
    }
    const match = spec.checker.match(req.method ?? 'GET', url.pathname);
    const operation = match ? `${req.method} ${match.template}` : null;
    if (!spec.authorized(req)) return reply(res, operation, 401, spec.errorBody('auth', ['The API key is missing or wrong']));
    if (knobs.tooManyRequests) {
      knobs.tooManyRequests--;
      const after = String(knobs.retryAfterS ?? 1);
      return reply(res, operation, 429, spec.errorBody('rate_limited', ['Too many requests']), { 'retry-after': after });
    }
    if (knobs.serverErrors) {
      knobs.serverErrors--;
      return reply(res, operation, 500, spec.errorBody('outage', ['An error occurred on our side']));
    }
    if (!match || !operation) return reply(res, null, 404, spec.errorBody('not_found', [`No such resource: ${req.method} ${url.pathname}`]));
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        return reply(res, operation, 400, spec.errorBody('invalid', ['$ is not JSON']));
      }
    }
    const check = spec.checker.checkRequest(operation, body);
    if (!check.ok) {
      contractFailures.push(`${spec.name} refused ${operation}: ${check.errors.join('; ')}`);
      return reply(res, operation, 400, spec.errorBody('invalid', check.errors));
    }
    const answer = await spec.route({ method: req.method ?? 'GET', operation, params: match.params, query: url.searchParams, body }, knobs);
    if (answer.drop) return void req.socket.destroy();
    reply(res, operation, answer.status, answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      contractFailures.push(`${spec.name} failed: ${String(error)}`);
      if (!res.headersSent) send(res, 500, spec.errorBody('outage', [String(error)]));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    knobs,
    setKnobs(next) {
      Object.assign(knobs, next);
    },
    contractFailures,
    files,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

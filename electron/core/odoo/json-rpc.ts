// The JSON-RPC transport (POST /jsonrpc, Odoo 16–18; deprecated in 19): one envelope per call,
// every reply checked with zod, every failure an OdooError. Stateless apart from the cached uid
// and server version.
import { z } from 'zod';
import { OdooError, classifyOdooFailure } from './errors';
import { DEFAULT_RETRY, describeBody, withRetry, type OdooParams, type OdooTransport, type RetryPolicy } from './transport';
import { CommonVersionReply, parseServerVersion, type OdooServerVersion } from './versions';

export interface JsonRpcOptions {
  /** Base address of the Odoo server, e.g. https://odoo.example.com */
  url: string;
  db: string;
  login: string;
  /** API key (used as the RPC password). Never logged. */
  apiKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Immediate retries of safe failures (never auth); default 3 tries. */
  retry?: RetryPolicy;
  /** Already detected (connectOdoo): saves the version call. */
  version?: OdooServerVersion;
}

const ErrorData = z.looseObject({
  name: z.string().optional(),
  message: z.string().optional(),
  arguments: z.array(z.unknown()).optional(),
  debug: z.string().optional(),
});

const Envelope = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.number(), z.string(), z.null()]).optional(),
  result: z.unknown().optional(),
  error: z
    .object({
      code: z.number().optional(),
      message: z.string(),
      data: ErrorData.optional(),
    })
    .optional(),
});

const Uid = z.union([z.number().int().positive(), z.literal(false)]);

/** Methods whose first parameter Odoo ≤18 reads positionally (create's `args[0]` decides int vs list). */
const FIRST_POSITIONAL: Record<string, string> = { create: 'vals_list' };

export class JsonRpcTransport implements OdooTransport {
  readonly protocol = 'json-rpc' as const;
  readonly url: string;
  readonly db: string;
  readonly login: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly endpoint: string;
  private readonly retry: RetryPolicy;
  private nextId = 1;
  private uid: Promise<number> | null = null;
  private detected: Promise<OdooServerVersion> | null;

  constructor(options: JsonRpcOptions) {
    this.url = options.url;
    this.db = options.db;
    this.login = options.login;
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.endpoint = `${options.url.replace(/\/+$/, '')}/jsonrpc`;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.detected = options.version ? Promise.resolve(options.version) : null;
  }

  /** `common.version()`, parsed (SaaS strings included); cached once it succeeds. */
  version(): Promise<OdooServerVersion> {
    if (!this.detected) {
      this.detected = withRetry(this.retry, 'version', () => this.rpc('common', 'version', [])).then(parseCommonVersion);
      this.detected.catch(() => {
        this.detected = null;
      });
    }
    return this.detected;
  }

  /** The user id for the API key; cached. Refused credentials throw OdooError kind "auth". */
  authenticate(): Promise<number> {
    if (!this.uid) {
      this.uid = this.fetchUid();
      // A failed login is not cached: the next call asks again (the caller decides whether to).
      this.uid.catch(() => {
        this.uid = null;
      });
    }
    return this.uid;
  }

  /** The common interface: named arguments become execute_kw's kwargs, `ids` its first arg. */
  call(model: string, method: string, params: OdooParams = {}): Promise<unknown> {
    const { ids, ...named } = params;
    const args: unknown[] = ids === undefined ? [] : [ids];
    const first = FIRST_POSITIONAL[method];
    if (first !== undefined && first in named) {
      args.push(named[first]);
      delete named[first];
    }
    return this.executeKw(model, method, args, named);
  }

  /** object.execute_kw as the authenticated user. The result is unchecked: callers parse it. */
  executeKw(model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<unknown> {
    return withRetry(this.retry, method, async () => {
      const uid = await this.authenticate();
      try {
        return await this.rpc('object', 'execute_kw', [this.db, uid, this.apiKey, model, method, args, kwargs]);
      } catch (error) {
        // The key may have been revoked since login: log in again next time.
        if (error instanceof OdooError && error.kind === 'auth') this.uid = null;
        throw error;
      }
    });
  }

  private async fetchUid(): Promise<number> {
    // No retry of its own: executeKw retries the whole call when that is safe.
    const result = await this.rpc('common', 'authenticate', [this.db, this.login, this.apiKey, {}]);
    const parsed = Uid.safeParse(result);
    if (!parsed.success) throw classifyOdooFailure({ type: 'protocol', detail: 'authenticate() answer is not a uid' });
    if (parsed.data === false) {
      throw new OdooError({
        kind: 'auth',
        odooName: 'odoo.exceptions.AccessDenied',
        message: `Odoo refused the login "${this.login}" on database "${this.db}"`,
      });
    }
    return parsed.data;
  }

  /** One JSON-RPC call, no retry: envelope out, envelope in. */
  async rpc(service: string, method: string, args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id });
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await this.fetchFn(this.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      // The body is read under the same timeout signal.
      text = await response.text();
    } catch (error) {
      throw classifyOdooFailure({ type: 'thrown', error });
    }
    if (status !== 200) throw classifyOdooFailure({ type: 'http', status, body: text.slice(0, 500), retryAfter });
    return unwrap(text, id);
  }
}

export function parseCommonVersion(reply: unknown): OdooServerVersion {
  const parsed = CommonVersionReply.safeParse(reply);
  const version = parsed.success ? parseServerVersion(parsed.data.server_version, parsed.data.server_version_info) : null;
  if (!version) throw classifyOdooFailure({ type: 'protocol', detail: 'version() answer has an unknown shape' });
  return version;
}

/** Parse an envelope; result, or the classified error. */
function unwrap(text: string, id: number): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw classifyOdooFailure({ type: 'protocol', detail: `got ${describeBody(text)}` });
  }
  const parsed = Envelope.safeParse(json);
  if (!parsed.success) throw classifyOdooFailure({ type: 'protocol', detail: 'not a JSON-RPC 2.0 envelope' });
  const envelope = parsed.data;
  if (envelope.id !== undefined && envelope.id !== null && envelope.id !== id) {
    throw classifyOdooFailure({ type: 'protocol', detail: `answer id ${String(envelope.id)} for request ${id}` });
  }
  if (envelope.error) {
    const data = envelope.error.data;
    throw classifyOdooFailure({
      type: 'rpc',
      ...(data?.name ? { name: data.name } : {}),
      message: data?.message ?? envelope.error.message,
      ...(envelope.error.code !== undefined ? { code: envelope.error.code } : {}),
      ...(data?.debug ? { debug: data.debug } : {}),
    });
  }
  // A method returning None yields neither result nor error (Odoo ≤18).
  return envelope.result === undefined ? null : envelope.result;
}

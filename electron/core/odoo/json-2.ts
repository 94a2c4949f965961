// The JSON-2 transport (POST /json/2/<model>/<method>, Odoo 19+): bearer API key, database header,
// named arguments, the bare return value on 200 and Odoo's error body with an HTTP status
// otherwise (../shared/ref/odoo-external-api.md §1.3). No login step: the key goes with every call.
import { z } from 'zod';
import { classifyOdooFailure } from './errors';
import { DEFAULT_RETRY, describeBody, withRetry, type OdooParams, type OdooTransport, type RetryPolicy } from './transport';
import { WebVersionReply, parseServerVersion, type OdooServerVersion } from './versions';

export interface Json2Options {
  url: string;
  db: string;
  /** API key, sent as `Authorization: bearer <key>`. Never logged. */
  apiKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  retry?: RetryPolicy;
  /** Already detected (connectOdoo): saves the version call. */
  version?: OdooServerVersion;
}

/** Odoo's serialized exception: the same shape as JSON-RPC's `error.data`. */
const ErrorBody = z.looseObject({
  name: z.string(),
  message: z.string(),
  arguments: z.array(z.unknown()).optional(),
  debug: z.string().optional(),
});

const NAME = /^[A-Za-z_][\w.]*$/;

export class Json2Transport implements OdooTransport {
  readonly protocol = 'json-2' as const;
  readonly url: string;
  readonly db: string;
  private readonly base: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly retry: RetryPolicy;
  private detected: Promise<OdooServerVersion> | null;

  constructor(options: Json2Options) {
    this.url = options.url;
    this.db = options.db;
    this.base = options.url.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.detected = options.version ? Promise.resolve(options.version) : null;
  }

  /** `GET /web/version`, parsed; cached once it succeeds. */
  version(): Promise<OdooServerVersion> {
    if (!this.detected) {
      this.detected = withRetry(this.retry, 'version', async () => {
        const reply = await this.send('GET', '/web/version');
        const parsed = WebVersionReply.safeParse(reply);
        const version = parsed.success ? parseServerVersion(parsed.data.version, parsed.data.version_info) : null;
        if (!version) throw classifyOdooFailure({ type: 'protocol', detail: '/web/version answer has an unknown shape' });
        return version;
      });
      this.detected.catch(() => {
        this.detected = null;
      });
    }
    return this.detected;
  }

  call(model: string, method: string, params: OdooParams = {}): Promise<unknown> {
    // Names go into the path: refuse anything that is not a plain dotted name.
    if (!NAME.test(model) || !NAME.test(method)) {
      return Promise.reject(classifyOdooFailure({ type: 'rpc', name: 'builtins.ValueError', message: `Not an Odoo name: ${model}/${method}` }));
    }
    return withRetry(this.retry, method, () => this.send('POST', `/json/2/${model}/${method}`, params));
  }

  private async send(verb: 'GET' | 'POST', path: string, params?: OdooParams): Promise<unknown> {
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await this.fetchFn(`${this.base}${path}`, {
        method: verb,
        headers: {
          Authorization: `bearer ${this.apiKey}`,
          'X-Odoo-Database': this.db,
          Accept: 'application/json',
          'User-Agent': 'Packbench',
          ...(verb === 'POST' ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(verb === 'POST' ? { body: JSON.stringify(params ?? {}) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      throw classifyOdooFailure({ type: 'thrown', error });
    }
    let json: unknown;
    let isJson = true;
    try {
      json = JSON.parse(text);
    } catch {
      isJson = false;
    }
    if (status === 200) {
      if (!isJson) throw classifyOdooFailure({ type: 'protocol', detail: `got ${describeBody(text)}` });
      return json;
    }
    const error = isJson ? ErrorBody.safeParse(json) : null;
    if (error?.success) {
      throw classifyOdooFailure({
        type: 'rpc',
        name: error.data.name,
        message: error.data.message,
        status,
        ...(error.data.debug ? { debug: error.data.debug } : {}),
      });
    }
    // A proxy page or a body of another shape: the status alone decides.
    throw classifyOdooFailure({ type: 'http', status, body: text.slice(0, 500), retryAfter });
  }
}

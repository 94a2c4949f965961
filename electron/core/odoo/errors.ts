// Odoo failures as one typed error: what kind of failure it is (which decides retry, dead letter or
// stop) and a sentence for the packer. Classification follows ../shared/ref/odoo-external-api.md §5.
import { retryAfterMs } from '../sync/backoff';
import { said, type Said } from '../i18n/translator';
import type { ApplyResult } from '../sync/target';
import { errorMessage } from '../error-message';

export type OdooErrorKind = 'network' | 'timeout' | 'retryable' | 'permanent' | 'access' | 'auth' | 'protocol';

export interface OdooErrorInit {
  kind: OdooErrorKind;
  /** Technical message for logs and the shift lead. */
  message: string;
  /** For the packer or lead, as a key: worded in the bench's language where it is shown. */
  packerSaid?: Said;
  /** Odoo's exception class, e.g. "odoo.exceptions.UserError". */
  odooName?: string;
  /** HTTP status when the failure came from the HTTP layer. */
  status?: number;
  /** How long the server (or the proxy in front of it) asked us to wait, from Retry-After. */
  retryAfterMs?: number;
  cause?: unknown;
}

const PACKER_MESSAGES: Record<OdooErrorKind, Said> = {
  network: said('odoo.error.network'),
  timeout: said('odoo.error.timeout'),
  retryable: said('odoo.error.retryable'),
  permanent: said('odoo.error.permanent'),
  access: said('odoo.error.access'),
  auth: said('odoo.error.auth'),
  protocol: said('odoo.error.protocol'),
};

export class OdooError extends Error {
  readonly kind: OdooErrorKind;
  readonly odooName?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** What the packer or lead reads, as a key (i18n/translator.ts sayIn). */
  readonly packerSaid: Said;

  constructor(init: OdooErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'OdooError';
    this.kind = init.kind;
    if (init.odooName !== undefined) this.odooName = init.odooName;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    this.packerSaid = init.packerSaid ?? PACKER_MESSAGES[init.kind];
  }

  /** Worth trying again later (the sync worker retries anything not permanent). */
  get retryable(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.kind === 'retryable' || this.kind === 'protocol';
  }

  /** Hint read by the sync worker: this will never succeed as is. */
  get permanent(): boolean {
    return this.kind === 'permanent' || this.kind === 'access';
  }
}

/** What went wrong, as seen by the transport. */
export type OdooFailure =
  /** fetch threw (connection refused/reset, DNS, abort). */
  | { type: 'thrown'; error: unknown }
  /** A non-200 HTTP answer (proxy page, gateway error, JSON-2 status), with its Retry-After header if any. */
  | { type: 'http'; status: number; body?: string; retryAfter?: string | null }
  /** An Odoo error: a JSON-RPC error envelope (HTTP 200), or a JSON-2 error body with its HTTP status. */
  | { type: 'rpc'; name?: string; message: string; code?: number; debug?: string; status?: number }
  /** A body that is not an answer of the transport's shape. */
  | { type: 'protocol'; detail: string };

const RETRYABLE_NAMES = [
  'psycopg2.errors.SerializationFailure',
  'psycopg2.errors.LockNotAvailable',
  'psycopg2.errors.DeadlockDetected',
  'psycopg2.extensions.TransactionRollbackError',
  'odoo.exceptions.ConcurrencyError',
  'odoo.exceptions.LockError',
  'odoo.http.SessionExpiredException',
];

/** UserError and its subclasses carry text written for a person. */
const USER_FACING_NAMES = ['odoo.exceptions.UserError', 'odoo.exceptions.ValidationError', 'odoo.exceptions.RedirectWarning'];

export function classifyOdooFailure(failure: OdooFailure): OdooError {
  switch (failure.type) {
    case 'thrown':
      return classifyThrown(failure.error);
    case 'http':
      return classifyStatus(failure.status, failure.body, failure.retryAfter ?? null);
    case 'protocol':
      return new OdooError({ kind: 'protocol', message: `Not an answer Odoo gives: ${failure.detail}` });
    case 'rpc':
      return classifyRpc(failure);
  }
}

function classifyRpc(f: { name?: string; message: string; code?: number; status?: number }): OdooError {
  const name = f.name ?? '';
  const message = f.message || name || 'Odoo Server Error';
  const base = {
    message: name ? `${name}: ${message}` : message,
    ...(name ? { odooName: name } : {}),
    ...(f.status !== undefined ? { status: f.status } : {}),
  };
  // JSON-2: 401 is a refused key whatever the body says.
  if (f.status === 401 || name === 'odoo.exceptions.AccessDenied' || name === 'werkzeug.exceptions.Unauthorized') {
    return new OdooError({ kind: 'auth', ...base });
  }
  if (name === 'odoo.exceptions.AccessError') return new OdooError({ kind: 'access', ...base });
  if (RETRYABLE_NAMES.includes(name) || /SerializationFailure|LockNotAvailable|Deadlock/.test(name)) {
    return new OdooError({ kind: 'retryable', ...base });
  }
  // Error envelopes without a class name: only the code says anything (100 = session expired).
  if (!name && f.code === 100) return new OdooError({ kind: 'retryable', ...base });
  if (USER_FACING_NAMES.includes(name)) {
    return new OdooError({ kind: 'permanent', ...base, packerSaid: said('odoo.error.refused', { why: clip(message) }) });
  }
  if (name === 'odoo.exceptions.MissingError') return new OdooError({ kind: 'permanent', ...base });
  // An Odoo, Python or database class decides; for anything else (werkzeug, none) a JSON-2 status still may.
  const known = /^(odoo\.exceptions|psycopg2|builtins)\./.test(name);
  if (!known && f.status === 403) return new OdooError({ kind: 'access', ...base });
  if (!known && (f.status === 409 || (f.status !== undefined && f.status >= 502 && f.status <= 504))) {
    return new OdooError({ kind: 'retryable', ...base });
  }
  if (!name && f.status !== undefined) return classifyStatus(f.status, message);
  // MissingError, NotFound, ValueError/TypeError/AttributeError (bug or version mismatch), anything else.
  return new OdooError({ kind: 'permanent', ...base });
}

function classifyStatus(status: number, body?: string, retryAfter: string | null = null): OdooError {
  const message = `Odoo answered HTTP ${status}${describeHttpBody(body)}`;
  if (status === 401) return new OdooError({ kind: 'auth', status, message });
  if (status === 403) return new OdooError({ kind: 'access', status, message });
  if (status === 408 || status === 409 || status === 425 || status === 429 || status >= 500) {
    // A 429 (or a 503 saying when to come back) is honoured: the outbox waits that long, not its own backoff.
    const wait = retryAfterMs(retryAfter);
    return new OdooError({ kind: 'retryable', status, message, ...(wait !== null ? { retryAfterMs: wait } : {}) });
  }
  if (status >= 400) return new OdooError({ kind: 'permanent', status, message });
  // A 1xx/3xx that fetch did not follow: not an answer we can use.
  return new OdooError({ kind: 'protocol', status, message });
}

function classifyThrown(error: unknown): OdooError {
  if (error instanceof OdooError) return error;
  const name = error instanceof Error || isDomException(error) ? (error as Error).name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new OdooError({ kind: 'timeout', message: 'Odoo did not answer in time', cause: error });
  }
  const detail = describeThrown(error);
  return new OdooError({ kind: 'network', message: `Odoo cannot be reached: ${detail}`, cause: error });
}

function isDomException(value: unknown): boolean {
  return typeof DOMException !== 'undefined' && value instanceof DOMException;
}

/** fetch wraps the socket error in `cause`; the code (ECONNREFUSED…) is what support needs. */
function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const causeMessage = typeof cause?.message === 'string' ? cause.message : undefined;
  return [error.message, code ?? causeMessage].filter(Boolean).join(' — ');
}

/**
 * A few words on the body of a non-200 answer, for the lead's status line: a proxy or gateway page
 * (nginx, werkzeug) by its title, not its markup; other text clipped.
 */
function describeHttpBody(body?: string): string {
  if (!body) return '';
  const page = /<title[^>]*>([^<]*)<\/title>/i.exec(body);
  if (page) {
    const title = page[1]!.replace(/\s+/g, ' ').trim().replace(/^\d{3}\s+/, '');
    return title ? ` (${clip(title, 80)})` : '';
  }
  if (/^\s*</.test(body)) return ' (an HTML page)';
  return `: ${clip(body.replace(/\s+/g, ' '), 120)}`;
}

function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** What an outbox target reports for a row that failed with this error. */
export function applyResultOf(error: unknown): ApplyResult {
  if (error instanceof OdooError) {
    if (error.kind === 'auth') return { status: 'auth', error: error.message };
    if (error.permanent) return { status: 'permanent', error: error.message, title: error.packerSaid };
    return error.retryAfterMs !== undefined ? { status: 'retry', error: error.message, retryAfterMs: error.retryAfterMs } : { status: 'retry', error: error.message };
  }
  return { status: 'retry', error: errorMessage(error) };
}

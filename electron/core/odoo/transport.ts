// What the rest of the core needs from an Odoo transport, whichever wire it speaks (JSON-RPC for
// 16–18, JSON-2 for 19+): one model-method call with named arguments, and the server version.
// Plus the retry rule both transports share: never an authentication failure (Odoo locks out the
// address, and benches behind one router share it), never an ambiguous write.
import { OdooError } from './errors';
import type { OdooProtocol, OdooServerVersion } from './versions';

/**
 * Arguments by name, as Odoo's Python signatures spell them (`domain`, `fields`, `vals`,
 * `vals_list`, `limit`…), plus `ids` for record methods (omit for `@api.model` methods such as
 * search_read and create) and `context`.
 */
export interface OdooParams {
  ids?: number[];
  context?: Record<string, unknown>;
  [name: string]: unknown;
}

export interface OdooTransport {
  readonly protocol: OdooProtocol;
  /** Base address, e.g. https://odoo.example.com */
  readonly url: string;
  readonly db: string;
  /** One model method. The result is unchecked: callers parse it with zod. */
  call(model: string, method: string, params?: OdooParams): Promise<unknown>;
  /** The server version (asked once, then cached). */
  version(): Promise<OdooServerVersion>;
}

export interface RetryPolicy {
  /** Tries in all, the first included. 1 = no retry. */
  attempts: number;
  /** First pause; doubled each time, with jitter. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 100 };

/** Methods that change nothing: safe to send again whatever happened to the first try. */
const READ_METHODS = new Set(['search', 'search_read', 'search_count', 'read', 'fields_get', 'name_search', 'version', 'authenticate', 'context_get']);

/**
 * May this failure be retried right away? Auth, access and refusals: never. A rolled-back
 * transaction (serialization failure, lock, 409): any method. A dropped connection or a gateway
 * page: only reads, because a write may have committed (the outbox re-reads before re-sending).
 * An answer saying when to come back (Retry-After): never at once.
 * Timeouts are left to the caller: the packer has waited long enough already.
 */
export function shouldRetry(error: OdooError, method: string): boolean {
  if (error.kind === 'network') return READ_METHODS.has(method);
  if (error.kind !== 'retryable') return false;
  // Told when to come back (429, or a 503 with Retry-After): not in 100 ms; the caller waits that long.
  if (error.retryAfterMs !== undefined) return false;
  const rolledBack = error.status === 409 || (error.odooName !== undefined && /Serialization|Lock|Deadlock|Concurrency/.test(error.odooName));
  return rolledBack || READ_METHODS.has(method);
}

export async function withRetry<T>(policy: RetryPolicy, method: string, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof OdooError) || n >= policy.attempts || !shouldRetry(error, method)) throw error;
      const pause = policy.baseDelayMs * 2 ** (n - 1);
      await new Promise((resolve) => setTimeout(resolve, pause / 2 + Math.random() * (pause / 2)));
    }
  }
}

/** A few words on a body that is not JSON, for the log. */
export function describeBody(text: string): string {
  const start = text.trimStart().slice(0, 15).toLowerCase();
  if (start.startsWith('<')) return 'an HTML/XML page';
  if (text.trim() === '') return 'an empty body';
  return 'invalid JSON';
}

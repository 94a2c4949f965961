// Exponential backoff with full jitter: pure, the random source is a parameter so tests can pin it.

/** Returns a number in [0, 1), like Math.random. */
export type RandomSource = () => number;

export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  baseMs: number;
  /** The ceiling never grows past this. */
  maxMs: number;
  random?: RandomSource;
}

/** The upper bound for the delay after `attempt` failures (1 = first failure): base·2^(attempt−1), capped. */
export function backoffCeiling(attempt: number, baseMs: number, maxMs: number): number {
  const n = Math.max(1, Math.floor(attempt));
  // 2 ** large n is Infinity, which Math.min turns back into the cap.
  return Math.min(maxMs, baseMs * 2 ** (n - 1));
}

/**
 * Full jitter (uniform in [0, ceiling]): spreads the retries of many rows that failed together,
 * so a recovering server is not hit by all of them at the same instant.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = backoffCeiling(attempt, options.baseMs, options.maxMs);
  const r = (options.random ?? Math.random)();
  // Clamp a misbehaving source rather than producing a negative or out-of-bound delay.
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.round(unit * ceiling);
}

/** Retry-After (RFC 9110 §10.2.3) as seconds or an HTTP date, in ms; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

// The port every outbox target implements (Odoo dispatch and release, each carrier): what a target
// answers for a row, what a lookup after a lost reply says, and how a thrown error steers the worker.
// Adapters import this, never the worker itself.
import type { z } from 'zod';
import type { ExceptionKind } from '../../../shared/api';
import { isSaid, type Said } from '../i18n/translator';
import type { OutboxRow } from './outbox';
import { errorMessage } from '../error-message';

export type { OutboxRow } from './outbox';

/** What a target reports for one row. */
export type ApplyResult =
  | { status: 'done'; result?: unknown }
  /** Worth trying again later (network, 5xx, 429); `retryAfterMs` from Retry-After. */
  | { status: 'retry'; error: string; retryAfterMs?: number }
  /**
   * Will never succeed as is (validation, access, state conflict); `title` is for a shift lead.
   * `exceptionKind` raises that kind instead of 'dead_letter' (e.g. 'odoo_conflict'), with
   * `context` added to the exception's context.
   */
  | { status: 'permanent'; error: string; title?: string | Said; exceptionKind?: ExceptionKind; context?: Record<string, unknown> }
  /** Credentials refused: the whole target stops until a person resumes it. */
  | { status: 'auth'; error: string };

/**
 * What a lookup found after a lost reply. `steps` (optional) says which steps of a several-step
 * effect already took effect; the row is applied only when all did, and apply then skips those.
 */
export type LookupResult = { applied: true; result?: unknown; steps?: Record<string, boolean> } | { applied: false; steps?: Record<string, boolean> };

export interface SyncTarget<P = unknown> {
  target: string;
  /**
   * The schema of the rows' payload (pack/effects.ts). The worker parses every row with it before
   * apply or lookup: a row that does not parse (written by another build, or damaged) goes dead
   * with the reason and never reaches the target.
   */
  payload: z.ZodType<P>;
  /** Name a shift lead knows ("Odoo", "DHL"); defaults to `target`. */
  label?: string;
  /** How a person names the row's order ("WH/OUT/00012"); defaults to the row's order key. */
  orderName?(row: OutboxRow<P>): string;
  /** Rows per apply call; default 1. */
  maxBatch?: number;
  /** One result per row, in the same order. May throw: see {@link SyncWorker.runOnce}. */
  apply(rows: OutboxRow<P>[]): Promise<ApplyResult[]>;
  /** Did an earlier attempt of this row take effect? (Used when its reply was lost.) */
  lookup(row: OutboxRow<P>): Promise<LookupResult>;
  /**
   * Local consequences of a row taking effect (store the label, enqueue the next effect), run in
   * the same transaction that marks the row done, so the two can never disagree after a crash.
   */
  onApplied?(row: OutboxRow<P>, result: unknown): void;
}

/** A thrown error may carry these to steer the worker (duck-typed so targets need no import). */
export interface ErrorHints {
  permanent?: unknown;
  /** 'auth': the target refused the credentials (lookups that throw this stop the target). */
  kind?: unknown;
  title?: unknown;
  retryAfterMs?: unknown;
}

export function isAuthError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as ErrorHints).kind === 'auth';
}

/** How a person names the target ("Odoo", "ShipEngine"). */
export function labelOf(handler: Pick<SyncTarget, 'target' | 'label'>): string {
  return handler.label ?? handler.target;
}

/** The results for a batch whose apply threw: retry (with the error's Retry-After), or permanent when it says so. */
export function resultsOfThrown(error: unknown, count: number): ApplyResult[] {
  const hints = (typeof error === 'object' && error !== null ? error : {}) as ErrorHints;
  const message = errorMessage(error);
  const one = (): ApplyResult => {
    if (hints.permanent === true) {
      return typeof hints.title === 'string' || isSaid(hints.title) ? { status: 'permanent', error: message, title: hints.title } : { status: 'permanent', error: message };
    }
    return typeof hints.retryAfterMs === 'number' ? { status: 'retry', error: message, retryAfterMs: hints.retryAfterMs } : { status: 'retry', error: message };
  };
  return Array.from({ length: count }, one);
}

/** Whether a thrown error asks for its batch to be split and tried row by row. */
export function isPermanentError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as ErrorHints).permanent === true;
}


/** Rows whose payload the target's schema reads (parsed), and the others with the reason in words. */
export function parsePayloads(handler: Pick<SyncTarget, 'payload'>, rows: OutboxRow[]): { good: OutboxRow[]; bad: { row: OutboxRow; reason: string }[] } {
  const good: OutboxRow[] = [];
  const bad: { row: OutboxRow; reason: string }[] = [];
  for (const row of rows) {
    const result = handler.payload.safeParse(row.payload);
    if (result.success) good.push({ ...row, payload: result.data });
    else bad.push({ row, reason: payloadProblem(result.error) });
  }
  return { good, bad };
}

/** A zod error in words: the first few problems with where they are. */
function payloadProblem(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

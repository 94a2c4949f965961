// The sync worker, generic over targets: applies outbox rows in order per order key, retries with
// backoff, turns permanent failures into dead letters, stops a target on an auth failure, and after
// a crash looks a row up before it is ever sent again. Each target has a lane of its own: a target
// that hangs (Odoo accepting connections and never answering) never holds back another's rows
// (the local carrier's label). A target's first success ends the backoff of all its waiting rows.
import type { z } from 'zod';
import type { Connectivity, ExceptionKind, ExceptionView } from '../../../shared/api';
import type { Clock } from '../clock';
import { SerialQueue } from '../serial-queue';
import { appendAudit } from '../store/audit';
import { inTransaction, type Db } from '../store/db';
import type { ExceptionQueue } from '../store/exceptions';
import { backoffDelay, type RandomSource } from './backoff';
import {
  discardDead,
  dueHeads,
  inFlightRows,
  markDead,
  markDone,
  markInFlight,
  markPending,
  pendingHeadTimes,
  reviveTarget,
  requeueDead,
  retryingSummary,
  type OutboxRow,
} from './outbox';

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
  | { status: 'permanent'; error: string; title?: string; exceptionKind?: ExceptionKind; context?: Record<string, unknown> }
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

export interface SyncWorkerOptions {
  db: Db;
  clock: Clock;
  exceptions: ExceptionQueue;
  random?: RandomSource;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest the loop sleeps without a due row or a kick. */
  maxIdleMs?: number;
  /** Called after every committed change of rows or targets (e.g. to publish queue counts). */
  onChange?: () => void;
  /** After a person resumed a target stopped by an auth failure (to let its other users try again). */
  onResumed?: (target: string) => void;
  /** Where the loop reports errors it survives; default console.error. */
  onError?: (error: unknown) => void;
}

export interface RunSummary {
  applied: number;
  retried: number;
  dead: number;
  /** Targets stopped by an auth failure during this run. */
  authStopped: string[];
}

export interface RecoverSummary {
  done: number;
  requeued: number;
  /** Lookup failed; the row stays in flight and is looked up again on the next run. */
  unresolved: number;
}

export type TargetStatus = Connectivity['targets'][number];

/** A thrown error may carry these to steer the worker (duck-typed so targets need no import). */
interface ErrorHints {
  permanent?: unknown;
  /** 'auth': the target refused the credentials (lookups that throw this stop the target). */
  kind?: unknown;
  title?: unknown;
  retryAfterMs?: unknown;
}

const MINUTE = 60_000;

interface Lane {
  /** Passes of this target, one after another. */
  queue: SerialQueue;
  loop: Promise<void> | null;
  wake: (() => void) | null;
  kicked: boolean;
}

function isAuthError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as ErrorHints).kind === 'auth';
}

/** Exception kinds raised for a dead outbox row (see ApplyResult `exceptionKind`). */
const DEAD_ROW_KINDS: readonly ExceptionKind[] = ['dead_letter', 'odoo_conflict', 'carrier_rejection'];

export class SyncWorker {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly exceptions: ExceptionQueue;
  private readonly random: RandomSource | undefined;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxIdleMs: number;
  private readonly onChange: (() => void) | undefined;
  private readonly onResumed: ((target: string) => void) | undefined;
  private readonly onError: (error: unknown) => void;

  /** Handlers by (kind, target): one kind may go to several targets (each carrier its own). */
  private readonly handlers = new Map<string, SyncTarget>();
  /** Stopped targets and the reason shown in status(). */
  private readonly stopped = new Map<string, string>();
  /**
   * Targets whose last attempts all failed to go through (Odoo down or hung). The first success
   * after that ends the backoff of every waiting row of the target. A row that fails while others
   * of its target go through keeps its own backoff.
   */
  private readonly down = new Set<string>();

  /**
   * One lane per target: passes of one target never overlap (a row must not be looked up while it
   * is being applied); passes of different targets do.
   */
  private readonly lanes = new Map<string, Lane>();
  private running = false;

  constructor(options: SyncWorkerOptions) {
    this.db = options.db;
    this.clock = options.clock;
    this.exceptions = options.exceptions;
    this.random = options.random;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 5 * MINUTE;
    this.maxIdleMs = options.maxIdleMs ?? 30_000;
    this.onChange = options.onChange;
    this.onResumed = options.onResumed;
    this.onError = options.onError ?? ((error) => console.error('sync worker:', error));

    // An open auth alert survives a restart, and so does the stop: retrying refused credentials
    // after every restart would get the bench's address locked out.
    for (const ex of this.exceptions.list('open')) {
      if (ex.kind === 'sync_auth' && typeof ex.context.target === 'string') {
        this.stopped.set(ex.context.target, ex.title);
      }
    }

    // Rows still waiting out a backoff from before a restart: the target was failing then.
    for (const row of this.db.prepare(`SELECT DISTINCT target FROM outbox WHERE state = 'pending' AND attempts > 0`).all() as { target: string }[]) {
      this.down.add(row.target);
    }

    // A row a target refused for good, whatever kind of exception it raised, is sent again once the
    // cause is fixed (the target checks again: a conflict still there comes back) or dropped.
    for (const kind of DEAD_ROW_KINDS) {
      this.exceptions.onResolve(kind, ['retry', 'discard'], (ex, resolution) => this.resolveDeadLetter(ex, resolution));
    }
    this.exceptions.onResolve('sync_auth', ['resume'], (ex) => {
      if (typeof ex.context.target === 'string') this.resumeTarget(ex.context.target);
    });
  }

  /**
   * Register the handler for one kind of row at its target. A (kind, target) pair belongs to
   * exactly one handler; the same kind at several targets (create-label at each carrier) gives each
   * target its own lane, backoff and stop.
   */
  register<P>(kind: string, handler: SyncTarget<P>): void {
    const key = handlerKey(kind, handler.target);
    if (this.handlers.has(key)) throw new Error(`Sync kind "${kind}" is already registered for ${handler.target}`);
    this.handlers.set(key, handler as SyncTarget);
    if (this.running) this.startLane(handler.target);
  }

  // ---- One pass ----

  /**
   * One pass of every target, side by side: look up rows left in flight, then apply every due head.
   * A thrown apply counts as "retry" for each row of the batch, except an error with
   * `permanent: true`: a batch of several rows is then split and applied row by row, and a single
   * row goes dead.
   */
  async runOnce(): Promise<RunSummary> {
    const passes = await Promise.all([...this.targets()].map((target) => this.exclusive(target, () => this.pass(target))));
    return passes.reduce(
      (all, one) => ({
        applied: all.applied + one.applied,
        retried: all.retried + one.retried,
        dead: all.dead + one.dead,
        authStopped: [...all.authStopped, ...one.authStopped],
      }),
      { applied: 0, retried: 0, dead: 0, authStopped: [] },
    );
  }

  /** One target's pass (in its lane). */
  private async pass(target: string): Promise<RunSummary> {
    await this.recoverNow(target);
    const summary: RunSummary = { applied: 0, retried: 0, dead: 0, authStopped: [] };
    const due = dueHeads(this.db, this.clock.now()).filter((r) => r.target === target);
    for (const [kind, rows] of this.groupByKind(due)) {
      const handler = this.handlerOf(kind, target)!;
      const size = Math.max(1, Math.floor(handler.maxBatch ?? 1));
      for (let i = 0; i < rows.length; i += size) {
        const batch = rows.slice(i, i + size).filter((r) => !this.stopped.has(r.target));
        if (batch.length === 0) continue;
        const moved = inTransaction(this.db, () => markInFlight(this.db, this.clock, batch.map((r) => r.id)));
        this.notify();
        const parsed = this.parsed(handler, batch.filter((r) => moved.has(r.id)), summary);
        await this.applyInFlight(handler, parsed, summary);
      }
    }
    // What was applied may have queued rows for other targets (a label → its Odoo dispatch).
    if (summary.applied > 0) this.kick();
    return summary;
  }

  /** Look up every row left in flight (after a crash) and settle it: done, or due again. */
  async recover(): Promise<RecoverSummary> {
    const all = await Promise.all([...this.targets()].map((target) => this.exclusive(target, () => this.recoverNow(target))));
    return all.reduce(
      (sum, one) => ({ done: sum.done + one.done, requeued: sum.requeued + one.requeued, unresolved: sum.unresolved + one.unresolved }),
      { done: 0, requeued: 0, unresolved: 0 },
    );
  }

  private async recoverNow(target: string): Promise<RecoverSummary> {
    const summary: RecoverSummary = { done: 0, requeued: 0, unresolved: 0 };
    for (const row of inFlightRows(this.db).filter((r) => r.target === target)) {
      const handler = this.handlerOf(row.kind, row.target);
      // A stopped target is not even asked: its credentials are known to be refused.
      if (!handler || this.stopped.has(row.target)) continue;
      const [parsedRow] = this.parsed(handler, [row], { applied: 0, retried: 0, dead: 0, authStopped: [] });
      if (!parsedRow) continue;
      let found: LookupResult;
      try {
        found = await handler.lookup(parsedRow);
      } catch (error) {
        summary.unresolved++;
        this.down.add(row.target);
        if (isAuthError(error)) {
          // Refused credentials: asking again on every pass would get the bench's address locked out.
          const title = inTransaction(this.db, () => this.raiseAuth(handler, row, errorMessage(error)));
          this.stopped.set(row.target, title);
          this.notify();
        }
        continue;
      }
      if (found.applied !== true && found.applied !== false) {
        // Not a clear answer: never risk sending it twice.
        summary.unresolved++;
        continue;
      }
      inTransaction(this.db, () => {
        if (found.applied) {
          markDone(this.db, this.clock, row.id, found.result);
          handler.onApplied?.(parsedRow, found.result);
          this.backUp(row.target);
        } else markPending(this.db, this.clock, row.id, this.clock.now());
        appendAudit(this.db, this.clock, {
          actor: `sync:${row.target}`,
          action: 'outbox.recovered',
          subject: row.orderKey,
          data: { outboxId: row.id, kind: row.kind, alreadyApplied: found.applied, ...(found.steps ? { steps: found.steps } : {}) },
        });
      });
      if (found.applied) summary.done++;
      else summary.requeued++;
      this.notify();
    }
    return summary;
  }

  /**
   * Rows in flight with their payload parsed by the target's schema. A row that does not parse is
   * a dead letter at once (it would fail the same way every time), with the reason for the lead;
   * the others go on.
   */
  private parsed(handler: SyncTarget, rows: OutboxRow[], summary: RunSummary): OutboxRow[] {
    const good: OutboxRow[] = [];
    const bad: { row: OutboxRow; reason: string }[] = [];
    for (const row of rows) {
      const result = handler.payload.safeParse(row.payload);
      if (result.success) good.push({ ...row, payload: result.data });
      else bad.push({ row, reason: payloadProblem(result.error) });
    }
    if (bad.length === 0) return good;
    inTransaction(this.db, () => {
      for (const { row, reason } of bad) {
        const error = `unreadable ${row.kind} row: ${reason}`;
        // orderName reads the payload: an unreadable one is named by its order key.
        const title = `An update for ${labelOf(handler)} about ${row.orderKey} cannot be read, so it was not sent (${reason}).`;
        this.deadLetter({ ...handler, orderName: undefined }, row, error, title);
      }
    });
    summary.dead += bad.length;
    this.notify();
    return good;
  }

  /** Rows already marked in flight: apply them and commit what the target said. */
  private async applyInFlight(handler: SyncTarget, rows: OutboxRow[], summary: RunSummary): Promise<void> {
    if (rows.length === 0) return;
    let results: ApplyResult[];
    try {
      results = await handler.apply(rows);
      if (!Array.isArray(results) || results.length !== rows.length) {
        throw new Error(
          `${labelOf(handler)} returned ${Array.isArray(results) ? results.length : 'no'} results for ${rows.length} rows`,
        );
      }
    } catch (error) {
      const hints = (typeof error === 'object' && error !== null ? error : {}) as ErrorHints;
      const message = errorMessage(error);
      if (hints.permanent === true && rows.length > 1) {
        // One bad row must not hold back the others: try each on its own.
        for (const row of rows) {
          if (this.stopped.has(row.target)) {
            // An auth failure earlier in the split: put the rest back untouched.
            inTransaction(this.db, () => markPending(this.db, this.clock, row.id, this.clock.now()));
            continue;
          }
          await this.applyInFlight(handler, [row], summary);
        }
        return;
      }
      results = rows.map((): ApplyResult => {
        if (hints.permanent === true) {
          return typeof hints.title === 'string'
            ? { status: 'permanent', error: message, title: hints.title }
            : { status: 'permanent', error: message };
        }
        return typeof hints.retryAfterMs === 'number'
          ? { status: 'retry', error: message, retryAfterMs: hints.retryAfterMs }
          : { status: 'retry', error: message };
      });
    }
    this.commit(handler, rows, results, summary);
  }

  private commit(handler: SyncTarget, rows: OutboxRow[], results: ApplyResult[], summary: RunSummary): void {
    const newlyStopped = new Map<string, string>();
    const counts = { applied: 0, retried: 0, dead: 0 };
    inTransaction(this.db, () => {
      const now = this.clock.now();
      rows.forEach((row, i) => {
        const result = results[i]!;
        switch (result?.status) {
          case 'done':
            markDone(this.db, this.clock, row.id, result.result);
            handler.onApplied?.(row, result.result);
            // The target answers again after failing: its other rows stop waiting out their backoff.
            this.backUp(row.target);
            counts.applied++;
            break;
          case 'permanent':
            this.deadLetter(handler, row, result.error, result.title, result.exceptionKind, result.context);
            counts.dead++;
            break;
          case 'auth': {
            // Not a failed attempt of this row: it goes back as it was, due as soon as resumed.
            markPending(this.db, this.clock, row.id, now);
            if (!this.stopped.has(row.target) && !newlyStopped.has(row.target)) {
              newlyStopped.set(row.target, this.raiseAuth(handler, row, result.error));
            }
            break;
          }
          case 'retry':
          default: {
            const error = result?.status === 'retry' ? result.error : `unknown result from ${labelOf(handler)}`;
            const retryAfter = result?.status === 'retry' ? finiteOrZero(result.retryAfterMs) : 0;
            const delay = backoffDelay(row.attempts + 1, {
              baseMs: this.baseDelayMs,
              maxMs: this.maxDelayMs,
              random: this.random,
            });
            markPending(this.db, this.clock, row.id, now + Math.max(retryAfter, delay), { error });
            counts.retried++;
          }
        }
      });
    });
    if (counts.applied === 0 && counts.retried > 0) for (const row of rows) this.down.add(row.target);
    // Only after the commit: a rolled-back transaction must not leave a target stopped.
    for (const [target, message] of newlyStopped) {
      this.stopped.set(target, message);
      summary.authStopped.push(target);
    }
    summary.applied += counts.applied;
    summary.retried += counts.retried;
    summary.dead += counts.dead;
    this.notify();
  }

  private deadLetter(
    handler: SyncTarget,
    row: OutboxRow,
    error: string,
    title: string | undefined,
    kind: ExceptionKind = 'dead_letter',
    extra: Record<string, unknown> = {},
  ): void {
    const actor = `sync:${row.target}`;
    markDead(this.db, this.clock, row, error, actor);
    this.exceptions.raise({
      kind,
      orderRef: handler.orderName?.(row) ?? row.orderKey,
      title: title ?? `${labelOf(handler)} refused "${row.kind}" for ${handler.orderName?.(row) ?? row.orderKey}: ${error}`,
      context: { ...extra, outboxId: row.id, target: row.target, kind: row.kind, error, payload: row.payload },
      raisedBy: actor,
    });
  }

  /** Raise (or find the open) auth alert; returns the message for status(). */
  private raiseAuth(handler: Pick<SyncTarget, 'target' | 'label'>, row: Pick<OutboxRow, 'target' | 'kind' | 'id'> | { target: string; kind: null; id: null }, error: string): string {
    const label = labelOf(handler);
    const title =
      `${label} refused the bench's credentials, so nothing is being sent to ${label}. ` +
      `Fix the ${label} login in Settings, then resolve this with "resume".`;
    this.exceptions.raise({
      kind: 'sync_auth',
      title,
      context: { target: row.target, kind: row.kind, outboxId: row.id, error },
      dedupeKey: `sync_auth:${row.target}`,
      raisedBy: `sync:${row.target}`,
    });
    appendAudit(this.db, this.clock, {
      actor: `sync:${row.target}`,
      action: 'sync.stopped',
      subject: row.target,
      data: { kind: row.kind, error },
    });
    return title;
  }

  private resolveDeadLetter(ex: ExceptionView, resolution: string): void {
    const id = ex.context.outboxId;
    if (typeof id !== 'number') return;
    const actor = typeof ex.context.target === 'string' ? `sync:${ex.context.target}` : 'system';
    // Runs inside the resolve transaction; a row that is no longer dead is left as it is.
    const changed =
      resolution === 'retry'
        ? requeueDead(this.db, this.clock, id, actor, { exceptionId: ex.id })
        : resolution === 'discard'
          ? discardDead(this.db, this.clock, id, actor, { exceptionId: ex.id })
          : false;
    if (changed) this.afterResolve();
  }

  // ---- Targets ----

  /**
   * Stop a target because something outside the outbox (an order lookup, the prefetch) had its
   * credentials refused: one alert, and no row is sent until a person resumes it.
   */
  stopTarget(target: string, error: string): void {
    if (this.stopped.has(target)) return;
    const handler = [...this.handlers.values()].find((h) => h.target === target) ?? { target };
    const title = inTransaction(this.db, () => this.raiseAuth(handler, { target, kind: null, id: null }, error));
    this.stopped.set(target, title);
    this.notify();
  }

  /**
   * The target answered a request made outside the outbox (a scan, the prefetch): its rows waiting
   * out a backoff are due now, and go at once.
   */
  reachable(target: string): void {
    if (this.stopped.has(target)) return;
    this.down.add(target);
    const revived = inTransaction(this.db, () => this.backUp(target));
    if (revived > 0) {
      this.notify();
      this.kick();
    }
  }

  /** Inside a transaction: a success of a target that was down makes its waiting rows due now. */
  private backUp(target: string): number {
    if (!this.down.delete(target)) return 0;
    return reviveTarget(this.db, target, this.clock.now());
  }

  /** Lift an auth stop (the 'resume' resolution of a sync_auth alert calls this). */
  resumeTarget(target: string): void {
    if (!this.stopped.delete(target)) return;
    this.onResumed?.(target);
    inTransaction(this.db, () =>
      appendAudit(this.db, this.clock, { actor: `sync:${target}`, action: 'sync.resumed', subject: target }),
    );
    this.afterResolve();
  }

  status(): TargetStatus[] {
    const targets = new Map<string, string>();
    for (const h of this.handlers.values()) targets.set(h.target, labelOf(h));
    for (const t of this.stopped.keys()) if (!targets.has(t)) targets.set(t, t);
    return [...targets].map(([target, label]): TargetStatus => {
      const stop = this.stopped.get(target);
      if (stop !== undefined) return { target, label, status: 'stopped', message: stop };
      const retrying = retryingSummary(this.db, target);
      if (retrying.count > 0) {
        const what = retrying.count === 1 ? '1 update' : `${retrying.count} updates`;
        return {
          target,
          label,
          status: 'retrying',
          message: `${what} for ${label} will be retried. Last error: ${retrying.lastError ?? 'unknown'}`,
        };
      }
      return { target, label, status: 'ok', message: null };
    });
  }

  // ---- Loop ----

  /** Run in the background, a loop per target: a pass (which first settles rows left in flight), then sleep until due. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const target of this.targets()) this.startLane(target);
  }

  /** Stop the loops; resolves once the passes under way have finished. */
  async stop(): Promise<void> {
    this.running = false;
    for (const lane of this.lanes.values()) lane.wake?.();
    await Promise.all([...this.lanes.values()].map((lane) => lane.loop));
  }

  /** Something new may be due: every target runs now instead of at the end of its current sleep. */
  kick(): void {
    for (const lane of this.lanes.values()) {
      if (lane.wake) lane.wake();
      else lane.kicked = true;
    }
  }

  private startLane(target: string): void {
    const lane = this.lane(target);
    if (lane.loop) return;
    lane.loop = this.runLoop(target, lane).finally(() => {
      lane.loop = null;
    });
  }

  private async runLoop(target: string, lane: Lane): Promise<void> {
    while (this.running) {
      let delay: number;
      try {
        await this.exclusive(target, () => this.pass(target));
        delay = this.nextDelay(target);
      } catch (error) {
        this.onError(error);
        delay = this.baseDelayMs;
      }
      if (!this.running) break;
      await this.sleep(lane, delay);
    }
  }

  /** Time until the target's earliest head the worker could apply (registered kind, target not stopped). */
  private nextDelay(target: string): number {
    let earliest = Infinity;
    for (const h of pendingHeadTimes(this.db)) {
      if (h.target === target && this.handlerOf(h.kind, h.target) && !this.stopped.has(h.target)) earliest = Math.min(earliest, h.nextAttemptAt);
    }
    return Math.max(0, Math.min(this.maxIdleMs, earliest - this.clock.now()));
  }

  private sleep(lane: Lane, ms: number): Promise<void> {
    if (lane.kicked) {
      lane.kicked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        lane.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      lane.wake = done;
    });
  }

  // ---- Helpers ----

  /** The targets of the registered handlers. */
  private targets(): Set<string> {
    return new Set([...this.handlers.values()].map((h) => h.target));
  }

  private handlerOf(kind: string, target: string): SyncTarget | undefined {
    return this.handlers.get(handlerKey(kind, target));
  }

  private lane(target: string): Lane {
    let lane = this.lanes.get(target);
    if (!lane) {
      lane = { queue: new SerialQueue(), loop: null, wake: null, kicked: false };
      this.lanes.set(target, lane);
    }
    return lane;
  }

  private exclusive<T>(target: string, fn: () => Promise<T>): Promise<T> {
    const lane = this.lane(target);
    return lane.queue.run(fn);
  }

  /** Due heads the worker may apply now, grouped by kind (first-due order kept). */
  private groupByKind(rows: OutboxRow[]): Map<string, OutboxRow[]> {
    const groups = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      if (!this.handlerOf(row.kind, row.target) || this.stopped.has(row.target)) continue;
      const group = groups.get(row.kind);
      if (group) group.push(row);
      else groups.set(row.kind, [row]);
    }
    return groups;
  }

  private notify(): void {
    if (!this.onChange) return;
    try {
      this.onChange();
    } catch (error) {
      this.onError(error);
    }
  }

  /** After a resolution: notify and wake once the surrounding transaction has committed. */
  private afterResolve(): void {
    queueMicrotask(() => {
      this.notify();
      this.kick();
    });
  }
}

/** A zod error in words: the first few problems with where they are. */
function payloadProblem(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

function handlerKey(kind: string, target: string): string {
  return `${kind}\u0000${target}`;
}

function labelOf(handler: Pick<SyncTarget, 'target' | 'label'>): string {
  return handler.label ?? handler.target;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : String(error);
}

function finiteOrZero(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

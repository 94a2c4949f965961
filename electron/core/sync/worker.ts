// The sync worker, generic over targets: applies outbox rows in order per order key, retries with
// backoff, turns permanent failures into dead letters, stops a target on an auth failure, and after
// a crash looks a row up before it is ever sent again (recovery.ts). Each target has a lane of its own: a target
// that hangs (Odoo accepting connections and never answering) never holds back another's rows
// (the local carrier's label). A target's first success ends the backoff of all its waiting rows.
import type { Connectivity } from '../../../shared/api';
import type { Translate } from '../../../shared/i18n';
import type { Clock } from '../clock';
import { appendAudit } from '../store/audit';
import { inTransaction, type Db } from '../store/db';
import type { ExceptionQueue } from '../store/exceptions';
import { backoffDelay, type RandomSource } from './backoff';
import { Lanes } from './lanes';
import { recoverInFlight, stateAtStart, type RecoverSummary, type RecoveryHost } from './recovery';
import { SyncAlerts } from './sync-alerts';
import { dueHeads, markDone, markInFlight, markPending, pendingHeadTimes, reviveTarget, retryingSummary, type OutboxRow } from './outbox';
import { isPermanentError, labelOf, parsePayloads, resultsOfThrown, type ApplyResult, type SyncTarget } from './target';
import { crashPoint } from '../crash-points';

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
  /** What became of each applied row, once committed (the station logs it under the row's order key). */
  onOutcome?: (row: OutboxRow, outcome: RowOutcome, error: string | null) => void;
  /** The station's translator: the lead's exception titles in the bench's language. */
  t: Translate;
}

export type RowOutcome = 'applied' | 'retry' | 'dead' | 'auth';

export interface RunSummary {
  applied: number;
  retried: number;
  dead: number;
  /** Targets stopped by an auth failure during this run. */
  authStopped: string[];
}

export type { RecoverSummary } from './recovery';

export type TargetStatus = Connectivity['targets'][number];

const MINUTE = 60_000;


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
  private readonly onOutcome: SyncWorkerOptions['onOutcome'];
  private readonly t: Translate;
  private readonly alerts: SyncAlerts;

  /** Handlers by (kind, target): one kind may go to several targets (each carrier its own). */
  private readonly handlers = new Map<string, SyncTarget>();
  /** Stopped targets and the reason shown in status(). */
  private readonly stopped: Map<string, string>;
  /**
   * Targets whose last attempts all failed to go through (Odoo down or hung). The first success
   * after that ends the backoff of every waiting row of the target. A row that fails while others
   * of its target go through keeps its own backoff.
   */
  private readonly down: Set<string>;
  /** What recovery.ts needs of the worker to settle the rows left in flight. */
  private readonly recovery: RecoveryHost;

  /** One lane per target (lanes.ts): passes of one target never overlap; different targets' do. */
  private readonly lanes = new Lanes(async (target) => {
    try {
      await this.pass(target);
      return this.nextDelay(target);
    } catch (error) {
      this.onError(error);
      return this.baseDelayMs;
    }
  });

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
    this.onOutcome = options.onOutcome;
    this.t = options.t;

    // An open auth alert survives a restart, and so does the stop; a target that was failing is still down.
    ({ stopped: this.stopped, down: this.down } = stateAtStart(this.db, this.exceptions));

    this.alerts = new SyncAlerts(this.db, this.clock, this.exceptions, options.t);
    this.recovery = {
      db: this.db,
      clock: this.clock,
      alerts: this.alerts,
      stopped: this.stopped,
      down: this.down,
      handlerOf: (kind, target) => this.handlerOf(kind, target),
      parsed: (handler, rows) => this.parsed(handler, rows, { applied: 0, retried: 0, dead: 0, authStopped: [] }),
      backUp: (target) => this.backUp(target),
      notify: () => this.notify(),
    };
    this.alerts.offerResolutions(() => this.afterResolve());
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
    this.lanes.add(handler.target);
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
    const recovered = await this.recoverNow(target);
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
    // What was applied (or found applied after a crash) may have queued rows for other targets (a label → its Odoo dispatch).
    // On the next turn of the event loop: the label just recorded goes to the printer first, and the
    // dispatch's work (its transaction, its requests) does not share that tick.
    if (summary.applied > 0 || recovered.done > 0) setImmediate(() => this.kick());
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

  private recoverNow(target: string): Promise<RecoverSummary> {
    return recoverInFlight(this.recovery, target);
  }

  /**
   * Rows in flight with their payload parsed by the target's schema. A row that does not parse is
   * a dead letter at once (it would fail the same way every time), with the reason for the lead;
   * the others go on.
   */
  private parsed(handler: SyncTarget, rows: OutboxRow[], summary: RunSummary): OutboxRow[] {
    const { good, bad } = parsePayloads(handler, rows);
    if (bad.length === 0) return good;
    inTransaction(this.db, () => {
      for (const { row, reason } of bad) {
        const error = `unreadable ${row.kind} row: ${reason}`;
        // orderName reads the payload: an unreadable one is named by its order key.
        const title = this.t('sync.unreadable', { target: labelOf(handler), order: row.orderKey, reason });
        this.alerts.deadLetter({ ...handler, orderName: undefined }, row, error, title);
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
      if (isPermanentError(error) && rows.length > 1) {
        // One bad row must not hold back the others: try each on its own. Each went out once in
        // this batch already (and may have done part of its work): its hand-out count says so.
        for (const row of rows.map((r) => ({ ...r, handOuts: r.handOuts + 1 }))) {
          if (this.stopped.has(row.target)) {
            // An auth failure earlier in the split: put the rest back untouched.
            inTransaction(this.db, () => markPending(this.db, this.clock, row.id, this.clock.now()));
            continue;
          }
          await this.applyInFlight(handler, [row], summary);
        }
        return;
      }
      results = resultsOfThrown(error, rows.length);
    }
    this.commit(handler, rows, results, summary);
  }

  private commit(handler: SyncTarget, rows: OutboxRow[], results: ApplyResult[], summary: RunSummary): void {
    const newlyStopped = new Map<string, string>();
    const counts = { applied: 0, retried: 0, dead: 0 };
    const outcomes: [OutboxRow, RowOutcome, string | null][] = [];
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
            outcomes.push([row, 'applied', null]);
            break;
          case 'permanent':
            this.alerts.deadLetter(handler, row, result.error, result.title, result.exceptionKind, result.context);
            counts.dead++;
            outcomes.push([row, 'dead', result.error]);
            break;
          case 'auth': {
            // Not a failed attempt of this row: it goes back as it was, due as soon as resumed.
            markPending(this.db, this.clock, row.id, now);
            outcomes.push([row, 'auth', result.error]);
            if (!this.stopped.has(row.target) && !newlyStopped.has(row.target)) {
              newlyStopped.set(row.target, this.alerts.raiseAuth(handler, row, result.error));
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
            outcomes.push([row, 'retry', error]);
          }
        }
        crashPoint('outbox.mid_batch');
      });
      // A label recorded here goes to the printer before the audit head file is written.
    }, { auditHead: 'next-turn' });
    if (counts.applied === 0 && counts.retried > 0) for (const row of rows) this.down.add(row.target);
    // Only after the commit: a rolled-back transaction must not leave a target stopped.
    for (const [target, message] of newlyStopped) {
      this.stopped.set(target, message);
      summary.authStopped.push(target);
    }
    summary.applied += counts.applied;
    summary.retried += counts.retried;
    summary.dead += counts.dead;
    for (const [row, outcome, error] of outcomes) {
      try {
        this.onOutcome?.(row, outcome, error);
      } catch (failure) {
        this.onError(failure);
      }
    }
    this.notify();
  }

  // ---- Targets ----

  /**
   * Stop a target because something outside the outbox (an order lookup, the prefetch) had its
   * credentials refused: one alert, and no row is sent until a person resumes it.
   */
  stopTarget(target: string, error: string): void {
    if (this.stopped.has(target)) return;
    const handler = [...this.handlers.values()].find((h) => h.target === target) ?? { target };
    const title = inTransaction(this.db, () => this.alerts.raiseAuth(handler, { target, kind: null, id: null }, error));
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
    this.lanes.start(this.targets());
  }

  /** Stop the loops; resolves once the passes under way have finished. */
  stop(): Promise<void> {
    return this.lanes.stop();
  }

  /** Something new may be due: every target runs now instead of at the end of its current sleep. */
  kick(): void {
    this.lanes.kick();
  }

  /** Time until the target's earliest head the worker could apply (registered kind, target not stopped). */
  private nextDelay(target: string): number {
    let earliest = Infinity;
    for (const h of pendingHeadTimes(this.db)) {
      if (h.target === target && this.handlerOf(h.kind, h.target) && !this.stopped.has(h.target)) earliest = Math.min(earliest, h.nextAttemptAt);
    }
    return Math.max(0, Math.min(this.maxIdleMs, earliest - this.clock.now()));
  }

  // ---- Helpers ----

  /** The targets of the registered handlers. */
  private targets(): Set<string> {
    return new Set([...this.handlers.values()].map((h) => h.target));
  }

  private handlerOf(kind: string, target: string): SyncTarget | undefined {
    return this.handlers.get(handlerKey(kind, target));
  }

  private exclusive<T>(target: string, fn: () => Promise<T>): Promise<T> {
    return this.lanes.run(target, fn);
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

function handlerKey(kind: string, target: string): string {
  return `${kind}\u0000${target}`;
}


function finiteOrZero(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

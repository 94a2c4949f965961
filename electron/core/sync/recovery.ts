// What the sync worker recovers after a restart. Its state that must survive one: a target stopped
// by refused credentials stays stopped while its alert is open (retrying refused credentials after
// every restart would get the bench's address locked out), and a target whose rows were waiting
// out a backoff was failing. And the rows left in flight: each is looked up at its target before it
// is ever sent again, then settled as done (with what the target did) or due again. A row whose
// lookup gives no clear answer stays in flight and is looked up again on the next pass.
import type { Clock } from '../clock';
import { appendAudit } from '../store/audit';
import { inTransaction, type Db } from '../store/db';
import type { ExceptionQueue } from '../store/exceptions';
import { backingOffTargets, inFlightRows, markDone, markPending, type OutboxRow } from './outbox';
import type { SyncAlerts } from './sync-alerts';
import { errorMessage } from '../error-message';
import { isAuthError, type LookupResult, type SyncTarget } from './target';

export interface RecoverSummary {
  done: number;
  requeued: number;
  /** Lookup failed; the row stays in flight and is looked up again on the next run. */
  unresolved: number;
}

/** What recovery needs of the worker: its handlers, its stopped and down targets, and how it settles rows. */
export interface RecoveryHost {
  readonly db: Db;
  readonly clock: Clock;
  readonly alerts: SyncAlerts;
  /** Targets stopped by an auth failure, with the alert's title. */
  readonly stopped: Map<string, string>;
  /** Targets whose last attempts all failed to go through. */
  readonly down: Set<string>;
  handlerOf(kind: string, target: string): SyncTarget | undefined;
  /** The rows whose payload its target's schema reads; the others become dead letters. */
  parsed(handler: SyncTarget, rows: OutboxRow[]): OutboxRow[];
  /** Inside a transaction: the target answered, so its rows waiting out a backoff are due now. */
  backUp(target: string): void;
  notify(): void;
}

/** The worker's state from before a restart: its stopped targets (open auth alerts) and the targets that were failing. */
export function stateAtStart(db: Db, exceptions: ExceptionQueue): { stopped: Map<string, string>; down: Set<string> } {
  const stopped = new Map<string, string>();
  for (const ex of exceptions.list('open')) {
    if (ex.kind === 'sync_auth' && typeof ex.context.target === 'string') stopped.set(ex.context.target, ex.title);
  }
  // Rows still waiting out a backoff from before a restart: the target was failing then.
  return { stopped, down: new Set(backingOffTargets(db)) };
}

/** Look up every row of `target` left in flight and settle it: done, or due again. Run in the target's lane. */
export async function recoverInFlight(host: RecoveryHost, target: string): Promise<RecoverSummary> {
  const { db, clock } = host;
  const summary: RecoverSummary = { done: 0, requeued: 0, unresolved: 0 };
  for (const row of inFlightRows(db).filter((r) => r.target === target)) {
    const handler = host.handlerOf(row.kind, row.target);
    // A stopped target is not even asked: its credentials are known to be refused.
    if (!handler || host.stopped.has(row.target)) continue;
    const [parsedRow] = host.parsed(handler, [row]);
    if (!parsedRow) continue;
    let found: LookupResult;
    try {
      found = await handler.lookup(parsedRow);
    } catch (error) {
      summary.unresolved++;
      host.down.add(row.target);
      if (isAuthError(error)) {
        // Refused credentials: asking again on every pass would get the bench's address locked out.
        const title = inTransaction(db, () => host.alerts.raiseAuth(handler, row, errorMessage(error)));
        host.stopped.set(row.target, title);
        host.notify();
      }
      continue;
    }
    if (found.applied !== true && found.applied !== false) {
      // Not a clear answer: never risk sending it twice.
      summary.unresolved++;
      continue;
    }
    inTransaction(db, () => {
      if (found.applied) {
        markDone(db, clock, row.id, found.result);
        handler.onApplied?.(parsedRow, found.result);
        host.backUp(row.target);
      } else markPending(db, clock, row.id, clock.now());
      appendAudit(db, clock, {
        actor: `sync:${row.target}`,
        action: 'outbox.recovered',
        subject: row.orderKey,
        data: { outboxId: row.id, kind: row.kind, alreadyApplied: found.applied, ...(found.steps ? { steps: found.steps } : {}) },
      });
    });
    if (found.applied) summary.done++;
    else summary.requeued++;
    host.notify();
  }
  return summary;
}

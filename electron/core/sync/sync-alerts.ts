// What the outbox tells people: a row a target refused for good becomes an exception for the shift
// lead (with what to do: retry once fixed, or discard), refused credentials become one alert per
// target. Runs inside the worker's transactions.
import type { ExceptionKind, ExceptionView } from '../../../shared/api';
import type { Translate } from '../../../shared/i18n';
import { sayIn, type Said } from '../i18n/translator';
import type { Clock } from '../clock';
import { appendAudit } from '../store/audit';
import type { Db } from '../store/db';
import type { ExceptionQueue } from '../store/exceptions';
import { discardDead, markDead, requeueDead, type OutboxRow } from './outbox';
import { labelOf, type SyncTarget } from './target';

/** Exception kinds raised for a dead outbox row (see ApplyResult `exceptionKind`). */
export const DEAD_ROW_KINDS: readonly ExceptionKind[] = ['dead_letter', 'odoo_conflict', 'carrier_rejection'];

export class SyncAlerts {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly exceptions: ExceptionQueue,
    /** Titles for the lead's console in the bench's language; audit records and row errors stay English. */
    private readonly t: Translate,
  ) {}

  /**
   * A row a target refused for good, whatever kind of exception it raised, is sent again once the
   * cause is fixed (the target checks again: a conflict still there comes back) or dropped.
   * `changed` runs after a row was requeued or discarded.
   */
  offerResolutions(changed: () => void): void {
    for (const kind of DEAD_ROW_KINDS) {
      // A refused label is dropped by the pack session (pack/rejections.ts): dropping it must end
      // its order too, or the order would wait on the shelf for a label nobody asks for.
      const choices = kind === 'carrier_rejection' ? ['retry'] : ['retry', 'discard'];
      this.exceptions.onResolve(kind, choices, (ex, resolution) => {
        if (this.resolveDeadLetter(ex, resolution)) changed();
      });
    }
  }

  /** In a transaction: the row goes dead and the lead gets an exception with its context. */
  deadLetter(
    handler: SyncTarget,
    row: OutboxRow,
    error: string,
    title: string | Said | undefined,
    kind: ExceptionKind = 'dead_letter',
    extra: Record<string, unknown> = {},
  ): void {
    const actor = `sync:${row.target}`;
    markDead(this.db, this.clock, row, error, actor);
    this.exceptions.raise({
      kind,
      orderRef: handler.orderName?.(row) ?? row.orderKey,
      title:
        title === undefined
          ? this.t('sync.refused', { target: labelOf(handler), kind: row.kind, order: handler.orderName?.(row) ?? row.orderKey, error })
          : typeof title === 'string'
            ? title
            : sayIn(this.t, title),
      context: { ...extra, outboxId: row.id, target: row.target, kind: row.kind, error, payload: row.payload },
      raisedBy: actor,
    });
  }

  /** In a transaction: raise (or find the open) auth alert; returns the message for status(). */
  raiseAuth(handler: Pick<SyncTarget, 'target' | 'label'>, row: Pick<OutboxRow, 'target' | 'kind' | 'id'> | { target: string; kind: null; id: null }, error: string): string {
    const label = labelOf(handler);
    const title = this.t('sync.authRefused', { target: label });
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

  /** Runs inside the resolve transaction; a row that is no longer dead is left as it is. */
  private resolveDeadLetter(ex: ExceptionView, resolution: string): boolean {
    const id = ex.context.outboxId;
    if (typeof id !== 'number') return false;
    const actor = typeof ex.context.target === 'string' ? `sync:${ex.context.target}` : 'system';
    return resolution === 'retry'
      ? requeueDead(this.db, this.clock, id, actor, { exceptionId: ex.id })
      : resolution === 'discard'
        ? discardDead(this.db, this.clock, id, actor, { exceptionId: ex.id })
        : false;
  }
}

// One queue for everything that needs a person: raise, list, resolve.
import type { ExceptionKind, ExceptionView } from '../../../shared/api';
import { StationFault } from '../../../shared/errors';
import type { Translate } from '../../../shared/i18n';
import type { Clock } from '../clock';
import { appendAudit } from './audit';
import type { Db } from './db';

export interface RaiseInput {
  kind: ExceptionKind;
  orderRef?: string | null;
  /** One sentence a shift lead understands. */
  title: string;
  context?: Record<string, unknown>;
  /** At most one open exception per key (e.g. one auth alert per target). */
  dedupeKey?: string | null;
  raisedBy?: string | null;
}

interface ExceptionRow {
  id: number;
  kind: ExceptionKind;
  order_ref: string | null;
  title: string;
  context: string;
  dedupe_key: string | null;
  raised_at: number;
  raised_by: string | null;
  state: 'open' | 'resolved';
  resolution: string | null;
  note: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
}

/**
 * What a resolution does, per kind: for example a dead letter's "retry" puts its outbox row back
 * in the queue. Registered by the area that owns the kind; called inside the resolve transaction.
 */
export type ResolutionHandler = (
  exception: ExceptionView,
  resolution: string,
  /** `input`: what a resolution needs beyond its name (e.g. the corrected address), checked by its handler. */
  by: { actor: string; note: string | null; input?: unknown },
) => void;

/** Runs as an exception is raised (ExceptionQueue.onRaised); returns words to add to its title, if any. */
export type RaisedHandler = (exception: ExceptionView) => string | null | void;

const DEFAULT_CHOICES = ['done'];

/** The lead's list of open (or resolved) exceptions, oldest first; through the index exceptions_open. */
export const EXCEPTIONS_IN_STATE_SQL = 'SELECT * FROM exceptions WHERE state = ? ORDER BY raised_at, id';

/** The newest open exceptions, their order and title only (the support bundle). */
export function newestOpenExceptions(db: Db, limit: number): { id: number; kind: string; orderRef: string | null; title: string; raisedAt: number }[] {
  return db
    .prepare(`SELECT id, kind, order_ref AS orderRef, title, raised_at AS raisedAt FROM exceptions WHERE state = 'open' ORDER BY id DESC LIMIT ?`)
    .all(limit) as ReturnType<typeof newestOpenExceptions>;
}

export class ExceptionQueue {
  /** Per kind, the modules that offer resolutions (e.g. the sync worker's retry/discard, the pack session's repack). */
  private readonly handlers = new Map<ExceptionKind, { choices: string[]; handle: ResolutionHandler }[]>();
  private readonly listeners = new Set<() => void>();
  /** Per kind, what other areas do the moment one is raised (see onRaised). */
  private readonly raisedHandlers = new Map<ExceptionKind, RaisedHandler[]>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** The station's translator: a refused resolution is told to the lead in the bench's language. */
    private readonly t: Translate,
  ) {}

  /** Called (after the current transaction) whenever an exception is raised or resolved. */
  onChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    // Deferred so listeners read the committed state, not the middle of a transaction.
    if (this.listeners.size > 0) setImmediate(() => this.listeners.forEach((l) => l()));
  }

  /**
   * Declare resolutions a kind offers and what they do. Several modules may each add their own
   * choices to one kind; a choice belongs to the first module that declared it.
   */
  onResolve(kind: ExceptionKind, choices: string[], handle: ResolutionHandler): void {
    this.handlers.set(kind, [...(this.handlers.get(kind) ?? []), { choices, handle }]);
  }

  /**
   * What another area does the moment an exception of `kind` is raised, inside the raising
   * transaction (not for a dedupe hit): the pack session parks the order of a refused label; a
   * cancelled order's label is voided when Odoo refuses its dispatch. Words a handler returns are
   * added to the title the lead reads.
   */
  onRaised(kind: ExceptionKind, handle: RaisedHandler): void {
    this.raisedHandlers.set(kind, [...(this.raisedHandlers.get(kind) ?? []), handle]);
  }

  private choicesOf(kind: ExceptionKind): string[] {
    const offered = this.handlers.get(kind)?.flatMap((h) => h.choices) ?? [];
    return offered.length > 0 ? [...new Set(offered)] : DEFAULT_CHOICES;
  }

  /**
   * Raise an exception. Call inside the transaction of the change that caused it. With a dedupe
   * key that is already open, the open one is returned instead of a second row.
   */
  raise(input: RaiseInput): number {
    // Its own transaction (a savepoint inside the caller's): the row and its audit entry are one.
    return this.db.transaction(() => this.raiseNow(input))();
  }

  private raiseNow(input: RaiseInput): number {
    if (input.dedupeKey) {
      const open = this.db
        .prepare(`SELECT id FROM exceptions WHERE dedupe_key = ? AND state = 'open'`)
        .get(input.dedupeKey) as { id: number } | undefined;
      if (open) return open.id;
    }
    const info = this.db
      .prepare(
        `INSERT INTO exceptions (kind, order_ref, title, context, dedupe_key, raised_at, raised_by)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.kind,
        input.orderRef ?? null,
        input.title,
        JSON.stringify(input.context ?? {}),
        input.dedupeKey ?? null,
        this.clock.now(),
        input.raisedBy ?? null,
      );
    const id = Number(info.lastInsertRowid);
    let title = input.title;
    for (const handle of this.raisedHandlers.get(input.kind) ?? []) {
      const more = handle(this.get(id)!);
      if (more) title = `${title} ${more}`;
    }
    if (title !== input.title) this.db.prepare('UPDATE exceptions SET title = ? WHERE id = ?').run(title, id);
    appendAudit(this.db, this.clock, {
      actor: input.raisedBy ?? 'system',
      action: 'exception.raised',
      subject: input.orderRef ?? null,
      data: { id, kind: input.kind, title },
    });
    this.notify();
    return id;
  }

  get(id: number): ExceptionView | null {
    const row = this.db.prepare('SELECT * FROM exceptions WHERE id = ?').get(id) as ExceptionRow | undefined;
    return row ? this.toView(row) : null;
  }

  list(state: 'open' | 'resolved' | 'all' = 'open'): ExceptionView[] {
    const rows = (
      state === 'all'
        ? this.db.prepare('SELECT * FROM exceptions ORDER BY raised_at, id').all()
        : this.db.prepare(EXCEPTIONS_IN_STATE_SQL).all(state)
    ) as ExceptionRow[];
    return rows.map((r) => this.toView(r));
  }

  countOpen(): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM exceptions WHERE state = 'open'`).get() as { n: number }).n;
  }

  /** Resolve with one of the kind's choices; runs its handler and audits, all in one transaction. */
  resolve(id: number, resolution: string, actor: string, note?: string, input?: unknown): ExceptionView {
    return this.resolveWith(id, resolution, actor, note, true, input);
  }

  /**
   * The problem went away by itself (e.g. the label printed after all): resolve the open exception
   * with `resolution`, which is not one a person chooses, and audit it. Call inside the transaction
   * of the change that settled it.
   */
  settle(id: number, resolution: string, actor: string, note?: string): ExceptionView {
    return this.resolveWith(id, resolution, actor, note, false);
  }

  private resolveWith(id: number, resolution: string, actor: string, note: string | undefined, chosen: boolean, input?: unknown): ExceptionView {
    return this.db
      .transaction(() => {
        const current = this.get(id);
        if (!current) throw new StationFault('not_found', this.t('exception.notFound', { id }));
        if (current.state !== 'open') {
          throw new StationFault('already_resolved', this.t('exception.alreadyResolved', { id, by: current.resolvedBy }));
        }
        if (!chosen) return this.close(current, resolution, actor, note);
        if (!current.choices.includes(resolution)) {
          throw new StationFault(
            'bad_resolution',
            this.t('exception.badResolution', { resolution, choices: current.choices.join(', ') }),
          );
        }
        this.handlers
          .get(current.kind)
          ?.find((h) => h.choices.includes(resolution))
          ?.handle(current, resolution, { actor, note: note ?? null, ...(input === undefined ? {} : { input }) });
        return this.close(current, resolution, actor, note);
      })
      .immediate();
  }

  private close(current: ExceptionView, resolution: string, actor: string, note: string | undefined): ExceptionView {
    const id = current.id;
    this.db
      .prepare(
        `UPDATE exceptions SET state = 'resolved', resolution = ?, note = ?, resolved_at = ?, resolved_by = ?
         WHERE id = ?`,
      )
      .run(resolution, note ?? null, this.clock.now(), actor, id);
    appendAudit(this.db, this.clock, {
      actor,
      action: 'exception.resolved',
      subject: current.orderRef,
      data: { id, kind: current.kind, resolution, note: note ?? null },
    });
    this.notify();
    return this.get(id)!;
  }

  private toView(row: ExceptionRow): ExceptionView {
    return {
      id: row.id,
      kind: row.kind,
      orderRef: row.order_ref,
      title: row.title,
      context: JSON.parse(row.context) as Record<string, unknown>,
      raisedAt: row.raised_at,
      raisedBy: row.raised_by,
      state: row.state,
      resolution: row.resolution,
      resolvedAt: row.resolved_at,
      resolvedBy: row.resolved_by,
      note: row.note,
      choices: this.choicesOf(row.kind),
    };
  }
}

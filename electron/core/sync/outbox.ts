// The outbox table: enqueue effects inside the caller's transaction, and the row moves the sync
// worker and the exceptions queue make (every update is guarded by the state it expects).
import type { Clock } from '../clock';
import { appendAudit } from '../store/audit';
import { inTransaction, type Db } from '../store/db';

export type OutboxState = 'pending' | 'in_flight' | 'done' | 'dead' | 'discarded';

export interface EnqueueInput {
  /** Who applies it: 'odoo', a carrier id, … */
  target: string;
  /** What it does; the worker picks the registered handler by kind. */
  kind: string;
  /** Rows with the same order key apply strictly one after another, in enqueue order. */
  orderKey: string;
  /** Anything JSON can carry. */
  payload: unknown;
  /** Defaults to `${orderKey}:${kind}:${seq}`. A key already in the outbox makes enqueue a no-op. */
  idempotencyKey?: string;
  /** Opaque to the worker: what the effect was computed against (e.g. the picking's write_date). */
  binding?: string | null;
}

export interface Enqueued {
  id: number;
  seq: number;
  /** False when the idempotency key was already there and that row was returned instead. */
  created: boolean;
}

/** A row as handed to a target's apply/lookup. */
export interface OutboxRow<P = unknown> {
  id: number;
  target: string;
  kind: string;
  orderKey: string;
  seq: number;
  idempotencyKey: string;
  payload: P;
  binding: string | null;
  /** Failed attempts so far (0 on the first try). */
  attempts: number;
  /**
   * Times the row went to its target before this time, counted as it goes out, so an attempt a
   * stop cut short counts too: 0 means nothing the row does can have happened yet.
   */
  handOuts: number;
}

/** A row with its bookkeeping, for status screens and tests. */
export interface OutboxRecord extends OutboxRow {
  state: OutboxState;
  nextAttemptAt: number;
  lastError: string | null;
  result: unknown;
  createdAt: number;
  updatedAt: number;
}

interface DbRow {
  id: number;
  target: string;
  kind: string;
  order_key: string;
  seq: number;
  idempotency_key: string;
  payload: string;
  binding: string | null;
  state: OutboxState;
  attempts: number;
  hand_outs: number;
  next_attempt_at: number;
  last_error: string | null;
  result: string | null;
  created_at: number;
  updated_at: number;
}

function toRow(r: DbRow): OutboxRow {
  return {
    id: r.id,
    target: r.target,
    kind: r.kind,
    orderKey: r.order_key,
    seq: r.seq,
    idempotencyKey: r.idempotency_key,
    payload: JSON.parse(r.payload) as unknown,
    binding: r.binding,
    attempts: r.attempts,
    handOuts: r.hand_outs,
  };
}

function toRecord(r: DbRow): OutboxRecord {
  return {
    ...toRow(r),
    state: r.state,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    result: r.result === null ? null : (JSON.parse(r.result) as unknown),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * Add an effect to the outbox. Call it INSIDE the transaction of the local state change it
 * reports, so both commit or neither does (it refuses to run outside a transaction).
 */
export function enqueue(db: Db, clock: Clock, input: EnqueueInput): Enqueued {
  if (!db.inTransaction) {
    throw new Error('enqueue() must run inside the transaction of the state change it belongs to');
  }
  for (const field of ['target', 'kind', 'orderKey'] as const) {
    if (!input[field]) throw new Error(`enqueue(): ${field} is required`);
  }
  const payload = JSON.stringify(input.payload);
  if (payload === undefined) throw new Error('enqueue(): payload must be JSON-serialisable');

  const existing = (key: string) =>
    db.prepare('SELECT id, seq FROM outbox WHERE idempotency_key = ?').get(key) as
      | { id: number; seq: number }
      | undefined;

  if (input.idempotencyKey !== undefined) {
    const found = existing(input.idempotencyKey);
    if (found) return { ...found, created: false };
  }
  const { last } = db.prepare('SELECT max(seq) AS last FROM outbox WHERE order_key = ?').get(input.orderKey) as {
    last: number | null;
  };
  const seq = (last ?? 0) + 1;
  const key = input.idempotencyKey ?? `${input.orderKey}:${input.kind}:${seq}`;
  if (input.idempotencyKey === undefined) {
    const found = existing(key);
    if (found) return { ...found, created: false };
  }
  const now = clock.now();
  const info = db
    .prepare(
      `INSERT INTO outbox (target, kind, order_key, seq, idempotency_key, payload, binding,
                           next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(input.target, input.kind, input.orderKey, seq, key, payload, input.binding ?? null, now, now, now);
  return { id: Number(info.lastInsertRowid), seq, created: true };
}

export function queueCounts(db: Db): { pending: number; inFlight: number; dead: number } {
  const rows = db
    .prepare(
      `SELECT state, count(*) AS n FROM outbox WHERE state IN ('pending', 'in_flight', 'dead') GROUP BY state`,
    )
    .all() as { state: OutboxState; n: number }[];
  const count = (state: OutboxState) => rows.find((r) => r.state === state)?.n ?? 0;
  return { pending: count('pending'), inFlight: count('in_flight'), dead: count('dead') };
}

/**
 * When the oldest row still to send (pending or in flight) was queued; null when none waits.
 * Through the partial index outbox_open: the open rows only, never the done ones of a long shift.
 */
export function oldestWaiting(db: Db): number | null {
  const row = db
    .prepare(`SELECT min(created_at) AS at FROM outbox INDEXED BY outbox_open WHERE state IN ('pending', 'in_flight', 'dead') AND state != 'dead'`)
    .get() as { at: number | null };
  return row.at;
}

export function getOutboxRow(db: Db, id: number): OutboxRecord | null {
  const row = db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as DbRow | undefined;
  return row ? toRecord(row) : null;
}

/** Put a dead row back in the queue, due now; its attempt count is kept. False if it was not dead. */
export function requeueDead(
  db: Db,
  clock: Clock,
  id: number,
  actor: string,
  data: Record<string, unknown> = {},
): boolean {
  return moveDead(db, clock, id, actor, 'pending', 'outbox.requeued', data);
}

/**
 * A dead row whose effect a person changed (the shift lead's corrected address, another carrier):
 * its payload, and its target when the effect now goes elsewhere. Run before requeueDead, in the
 * same transaction. False if it was not dead.
 */
export function reviseDead(db: Db, clock: Clock, id: number, change: { payload: unknown; target?: string }): boolean {
  const payload = JSON.stringify(change.payload);
  const info = change.target
    ? db.prepare(`UPDATE outbox SET payload = ?, target = ?, updated_at = ? WHERE id = ? AND state = 'dead'`).run(payload, change.target, clock.now(), id)
    : db.prepare(`UPDATE outbox SET payload = ?, updated_at = ? WHERE id = ? AND state = 'dead'`).run(payload, clock.now(), id);
  return info.changes === 1;
}

/** Give up on a dead row for good; it stops blocking its order. False if it was not dead. */
export function discardDead(
  db: Db,
  clock: Clock,
  id: number,
  actor: string,
  data: Record<string, unknown> = {},
): boolean {
  return moveDead(db, clock, id, actor, 'discarded', 'outbox.discarded', data);
}

function moveDead(
  db: Db,
  clock: Clock,
  id: number,
  actor: string,
  to: 'pending' | 'discarded',
  action: string,
  data: Record<string, unknown>,
): boolean {
  return inTransaction(db, () => {
    const row = getOutboxRow(db, id);
    if (!row || row.state !== 'dead') return false;
    const now = clock.now();
    if (to === 'pending') {
      db.prepare(
        `UPDATE outbox SET state = 'pending', next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'dead'`,
      ).run(now, now, id);
    } else {
      db.prepare(`UPDATE outbox SET state = 'discarded', updated_at = ? WHERE id = ? AND state = 'dead'`).run(now, id);
    }
    appendAudit(db, clock, {
      actor,
      action,
      subject: row.orderKey,
      data: { ...data, outboxId: id, target: row.target, kind: row.kind, attempts: row.attempts },
    });
    return true;
  });
}

// ---- Moves made by the sync worker ----

/**
 * Pending rows that are due and at the head of their order: the lowest seq that is not done or
 * discarded. A head that is in flight or dead holds back the rest of its order.
 */
export function dueHeads(db: Db, now: number): OutboxRow[] {
  return (db.prepare(DUE_HEADS_SQL).all(now) as DbRow[]).map(toRow);
}

/** The head of each open order: only rows not yet settled, through the partial index outbox_open. */
const OPEN_HEADS = `SELECT order_key, min(seq) AS seq FROM outbox
             WHERE state IN ('pending', 'in_flight', 'dead') GROUP BY order_key`;

/** dueHeads' query (exported for the query-plan test): parameter 1 is now. */
export const DUE_HEADS_SQL = `SELECT o.* FROM outbox o
       JOIN (${OPEN_HEADS}) h
         ON o.order_key = h.order_key AND o.seq = h.seq
       WHERE o.state = 'pending' AND o.next_attempt_at <= ?
       ORDER BY o.next_attempt_at, o.id`;

/** pendingHeadTimes' query (exported for the query-plan test). */
export const PENDING_HEAD_TIMES_SQL = `SELECT o.target, o.kind, min(o.next_attempt_at) AS nextAttemptAt FROM outbox o
       JOIN (${OPEN_HEADS}) h
         ON o.order_key = h.order_key AND o.seq = h.seq
       WHERE o.state = 'pending'
       GROUP BY o.target, o.kind`;

/** The earliest next attempt among pending heads, per target and kind (for the worker's sleep). */
export function pendingHeadTimes(db: Db): { target: string; kind: string; nextAttemptAt: number }[] {
  return db.prepare(PENDING_HEAD_TIMES_SQL).all() as { target: string; kind: string; nextAttemptAt: number }[];
}

/** The rows being sent (a restart finds them; status reads them): through outbox_in_flight, never the done history. */
export const IN_FLIGHT_ROWS_SQL = `SELECT * FROM outbox WHERE state = 'in_flight' ORDER BY order_key, seq`;

export function inFlightRows(db: Db): OutboxRow[] {
  return (db.prepare(IN_FLIGHT_ROWS_SQL).all() as DbRow[]).map(toRow);
}

/** Targets with a pending row that failed before (waiting out its backoff): the target was failing. */
export function backingOffTargets(db: Db): string[] {
  return db.prepare(`SELECT DISTINCT target FROM outbox WHERE state = 'pending' AND attempts > 0`).pluck().all() as string[];
}

/**
 * The target answered: its pending rows waiting out a backoff are due now (their attempts are
 * kept). Returns how many were brought forward.
 */
export function reviveTarget(db: Db, target: string, now: number): number {
  return db
    .prepare(`UPDATE outbox SET next_attempt_at = ?, updated_at = ? WHERE target = ? AND state = 'pending' AND next_attempt_at > ?`)
    .run(now, now, target, now).changes;
}

/** Pending → in_flight, each row's hand-out counted; returns the ids actually moved (a row changed meanwhile is left out). */
export function markInFlight(db: Db, clock: Clock, ids: readonly number[]): Set<number> {
  const update = db.prepare(
    `UPDATE outbox SET state = 'in_flight', hand_outs = hand_outs + 1, updated_at = ? WHERE id = ? AND state = 'pending'`,
  );
  const now = clock.now();
  const moved = new Set<number>();
  for (const id of ids) if (update.run(now, id).changes === 1) moved.add(id);
  return moved;
}

export function markDone(db: Db, clock: Clock, id: number, result: unknown): void {
  db.prepare(
    `UPDATE outbox SET state = 'done', result = ?, updated_at = ? WHERE id = ? AND state = 'in_flight'`,
  ).run(JSON.stringify(result ?? null), clock.now(), id);
}

/** In flight → pending at `nextAttemptAt`; counts a failed attempt when `error` is given. */
export function markPending(
  db: Db,
  clock: Clock,
  id: number,
  nextAttemptAt: number,
  failure?: { error: string },
): void {
  db.prepare(
    `UPDATE outbox SET state = 'pending', next_attempt_at = ?, updated_at = ?,
                       attempts = attempts + ?, last_error = coalesce(?, last_error)
     WHERE id = ? AND state = 'in_flight'`,
  ).run(nextAttemptAt, clock.now(), failure ? 1 : 0, failure?.error ?? null, id);
}

/** In flight → dead, audited. The caller raises the exception in the same transaction. */
export function markDead(db: Db, clock: Clock, row: OutboxRow, error: string, actor: string): void {
  db.prepare(
    `UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ?, updated_at = ?
     WHERE id = ? AND state = 'in_flight'`,
  ).run(error, clock.now(), row.id);
  appendAudit(db, clock, {
    actor,
    action: 'outbox.dead',
    subject: row.orderKey,
    data: { outboxId: row.id, target: row.target, kind: row.kind, error },
  });
}

/**
 * Rows of a target that have failed at least once and are waiting or being tried again, and the
 * latest error among them. A row in flight on its retry still counts, so the status does not
 * flicker back to "ok" during each attempt.
 */
/**
 * A target's rows being retried and the newest error: read on every change for the status bar, so
 * through outbox_retrying (open rows with attempts), never the whole history of done rows (a long
 * shift made it most of the core's time).
 */
export const RETRYING_SUMMARY_SQL = `SELECT count(*) AS count,
              (SELECT last_error FROM outbox WHERE target = @target AND state IN ('pending', 'in_flight') AND attempts > 0
               ORDER BY updated_at DESC, id DESC LIMIT 1) AS lastError
       FROM outbox WHERE target = @target AND state IN ('pending', 'in_flight') AND attempts > 0`;

export function retryingSummary(db: Db, target: string): { count: number; lastError: string | null } {
  return db.prepare(RETRYING_SUMMARY_SQL).get({ target }) as { count: number; lastError: string | null };
}

/** What waits (queued, being sent, stuck), oldest first, with the order's name where the local copy knows it. */
export function openOutboxItems(db: Db): {
  id: number;
  target: string;
  kind: string;
  orderRef: string | null;
  state: 'pending' | 'in_flight' | 'dead';
  since: number;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
}[] {
  // Order keys are "odoo:<db>:picking:<id>" (pack/effects.ts orderKey); the name comes from the order cache.
  return db
    .prepare(
      `SELECT x.id, x.target, x.kind, x.state, x.created_at AS since, x.attempts, x.last_error AS lastError,
              x.next_attempt_at AS nextAttemptAt,
              (SELECT o.name FROM orders o WHERE x.order_key = 'odoo:' || o.source_db || ':picking:' || o.picking_id LIMIT 1) AS orderRef
         FROM outbox x
        WHERE x.state IN ('pending', 'in_flight', 'dead')
        ORDER BY x.created_at, x.id`,
    )
    .all() as ReturnType<typeof openOutboxItems>;
}

/**
 * For the support bundle: rows per target and state, and the newest 50 rows that are stuck or
 * failing (what, for which order, how often, and why), never a payload.
 */
export function outboxHealth(db: Db): { byTargetAndState: unknown[]; problems: unknown[] } {
  return {
    byTargetAndState: db.prepare('SELECT target, state, count(*) AS rows FROM outbox GROUP BY target, state ORDER BY target, state').all(),
    problems: db
      .prepare(
        `SELECT id, target, kind, order_key AS orderKey, state, attempts, last_error AS lastError, updated_at AS updatedAt
           FROM outbox WHERE state IN ('dead', 'in_flight') OR (state = 'pending' AND attempts > 0)
          ORDER BY updated_at DESC LIMIT 50`,
      )
      .all(),
  };
}

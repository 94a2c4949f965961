// Pack sessions (table pack_sessions) and their packed item counts (packed_lines): one active
// session per bench. The pack session decides the transitions; this is where they are written.
// Callers run the writes inside the transaction of the transition and its audit entry.
import type { PackStep } from '../../../shared/api';
import type { Clock } from '../clock';
import type { Db } from './db';

export type SessionStep = PackStep | 'cancelled';

export interface SessionRow {
  id: number;
  order_id: number;
  packer: string;
  step: SessionStep;
}

export class PackSessions {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** The session on screen, if any. */
  active(): SessionRow | null {
    return (this.db.prepare('SELECT id, order_id, packer, step FROM pack_sessions WHERE active = 1').get() as SessionRow | undefined) ?? null;
  }

  byId(id: number): SessionRow | null {
    return (this.db.prepare('SELECT id, order_id, packer, step FROM pack_sessions WHERE id = ?').get(id) as SessionRow | undefined) ?? null;
  }

  openedAt(id: number): number {
    return (this.db.prepare('SELECT opened_at FROM pack_sessions WHERE id = ?').get(id) as { opened_at: number }).opened_at;
  }

  /** A new session for the order, on screen in place of the one before (which stays as it is). */
  open(orderId: number, packer: string, step: PackStep): number {
    const now = this.clock.now();
    this.db.prepare(`UPDATE pack_sessions SET active = 0, updated_at = ? WHERE active = 1`).run(now);
    const info = this.db
      .prepare(`INSERT INTO pack_sessions (order_id, packer, step, opened_at, updated_at) VALUES (?, ?, ?, ?, ?)`)
      .run(orderId, packer, step, now, now);
    return Number(info.lastInsertRowid);
  }

  /** An earlier session back on screen. */
  show(id: number): void {
    const now = this.clock.now();
    this.db.prepare(`UPDATE pack_sessions SET active = 0, updated_at = ? WHERE active = 1`).run(now);
    this.db.prepare(`UPDATE pack_sessions SET active = 1, updated_at = ? WHERE id = ?`).run(now, id);
  }

  setStep(id: number, step: PackStep): void {
    this.db.prepare('UPDATE pack_sessions SET step = ?, updated_at = ? WHERE id = ?').run(step, this.clock.now(), id);
  }

  /** Move on only from `from` (the label printed and Odoo's answer may come in either order). */
  advance(id: number, from: PackStep, to: PackStep): void {
    this.db.prepare(`UPDATE pack_sessions SET step = ?, updated_at = ? WHERE id = ? AND step = ?`).run(to, this.clock.now(), id, from);
  }

  /** Put aside (or dropped for a repack): off screen for good. */
  cancel(id: number): void {
    this.db.prepare(`UPDATE pack_sessions SET step = 'cancelled', active = 0, updated_at = ? WHERE id = ?`).run(this.clock.now(), id);
  }

  setPackageType(id: number, typeId: number | null): void {
    this.db.prepare('UPDATE pack_sessions SET package_type_id = ?, updated_at = ? WHERE id = ?').run(typeId, this.clock.now(), id);
  }

  /** The package type chosen for the session's parcel (kept across restarts), or null. */
  packageTypeId(id: number): number | null {
    const row = this.db.prepare('SELECT package_type_id FROM pack_sessions WHERE id = ?').get(id) as { package_type_id: number | null } | undefined;
    return row?.package_type_id ?? null;
  }

  /** Units packed per move of the session. */
  packed(id: number): Map<number, number> {
    const rows = this.db.prepare('SELECT move_id, packed FROM packed_lines WHERE session_id = ?').all(id) as { move_id: number; packed: number }[];
    return new Map(rows.map((r) => [r.move_id, r.packed]));
  }

  /** One more unit of the move packed. */
  countItem(id: number, moveId: number): void {
    this.db
      .prepare(
        `INSERT INTO packed_lines (session_id, move_id, packed) VALUES (?, ?, 1)
         ON CONFLICT (session_id, move_id) DO UPDATE SET packed = packed + 1`,
      )
      .run(id, moveId);
  }

  /** One unit of the move taken back out (the packer's "undo last scan"). */
  uncountItem(id: number, moveId: number): void {
    this.db.prepare('UPDATE packed_lines SET packed = packed - 1 WHERE session_id = ? AND move_id = ? AND packed >= 1').run(id, moveId);
  }

  /**
   * The session's last item scan not yet undone (its audit entry id and move), newest first:
   * each "undo last scan" takes one more step back.
   */
  lastUndoableItem(id: number): { auditId: number; moveId: number; tracked: boolean } | null {
    const row = this.db
      .prepare(
        `SELECT a.id AS auditId, a.data ->> '$.moveId' AS moveId, (a.data ->> '$.tracking') IS NOT NULL AS tracked FROM audit_log a
         WHERE a.action = 'pack.item' AND a.data ->> '$.session' = ?
           AND NOT EXISTS (SELECT 1 FROM audit_log u WHERE u.action = 'pack.undo' AND u.data ->> '$.undid' = a.id)
         ORDER BY a.id DESC LIMIT 1`,
      )
      .get(id) as { auditId: number; moveId: number; tracked: number } | undefined;
    return row ? { auditId: row.auditId, moveId: row.moveId, tracked: row.tracked === 1 } : null;
  }

  /**
   * Was the order of this session opened again at this bench after it was put aside? Then a
   * release of its claim is stale: the bench holds the order again (or a later release covers it).
   */
  reopenedSince(id: number): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM pack_sessions later JOIN pack_sessions aside ON aside.order_id = later.order_id
           WHERE aside.id = ? AND later.id > aside.id LIMIT 1`,
        )
        .get(id) !== undefined
    );
  }

  /** Whether the bench has opened this order before (index pack_sessions_order). */
  openedBefore(orderId: number): boolean {
    return this.db.prepare(OPENED_BEFORE_SQL).get(orderId) !== undefined;
  }

  /**
   * The open awaiting_label exception of the session, if any: the session is parked (its parcel on
   * the shelf until the carrier gives its label), so the bench may open the next order.
   */
  parked(id: number): { id: number } | null {
    return this.openException('awaiting_label', id);
  }

  /**
   * The carrier's refusals of the session's shipment, newest first (open ones wait for the shift
   * lead): a session refused once stays on the shelf until its label prints.
   */
  rejections(id: number): { id: number; state: 'open' | 'resolved' }[] {
    return this.db
      .prepare(
        `SELECT e.id, e.state FROM exceptions e JOIN shipments sh ON sh.id = json_extract(e.context, '$.payload.shipmentId')
         WHERE e.kind = 'carrier_rejection' AND sh.session_id = ? ORDER BY e.id DESC`,
      )
      .all(id) as { id: number; state: 'open' | 'resolved' }[];
  }

  /** The open weight hold (a weight_variance exception) of the session, if any. */
  weightHold(id: number): { id: number } | null {
    return this.openException('weight_variance', id);
  }

  /** The newest open exception of a kind raised for the session (through the index of open exceptions). */
  private openException(kind: 'awaiting_label' | 'weight_variance', sessionId: number): { id: number } | null {
    return (this.db
      .prepare(
        `SELECT id FROM exceptions WHERE kind = ? AND state = 'open'
         AND json_extract(context, '$.sessionId') = ? ORDER BY id DESC LIMIT 1`,
      )
      .get(kind, sessionId) as { id: number } | undefined) ?? null;
  }
}

export const OPENED_BEFORE_SQL = 'SELECT 1 FROM pack_sessions WHERE order_id = ? LIMIT 1';

// Lot and serial numbers captured at the bench (table packed_lots, one row per packed unit of a
// tracked line). The caller runs these inside the transaction that counts the item and appends its
// audit entry, so a crash keeps the item, its lot and the open question together or not at all.
import type { Db } from './db';

export type Tracking = 'lot' | 'serial';

/** The question the bench is asking for a session: the lot or serial of the unit just packed. */
export interface OpenLotQuestion {
  id: number;
  moveId: number;
  productId: number;
  tracking: Tracking;
}

export interface CapturedLot {
  name: string;
  quantity: number;
}

/** The open question of a session: index packed_lots_open. */
export const OPEN_LOT_QUESTION_SQL = `SELECT id, move_id, product_id, tracking FROM packed_lots
  WHERE session_id = ? AND lot_name IS NULL`;

/** Was this serial packed already in the session: index packed_lots_serial. */
export const SERIAL_TAKEN_SQL = `SELECT 1 FROM packed_lots
  WHERE session_id = ? AND product_id = ? AND lot_name = ? AND tracking = 'serial' AND lot_name IS NOT NULL`;

/** Lots per line, in the order they were first scanned: index packed_lots_session. */
export const LOTS_OF_SESSION_SQL = `SELECT move_id, lot_name, count(*) AS quantity, min(id) AS first FROM packed_lots
  WHERE session_id = ? AND lot_name IS NOT NULL GROUP BY move_id, lot_name ORDER BY move_id, first`;

/** Lots per line of one parcel: the session's rows after `after` up to `upTo` (packed_lots ids). */
export const LOTS_OF_PARCEL_SQL = `SELECT move_id, lot_name, count(*) AS quantity, min(id) AS first FROM packed_lots
  WHERE session_id = ? AND lot_name IS NOT NULL AND id > ? AND id <= ? GROUP BY move_id, lot_name ORDER BY move_id, first`;

export class PackedLots {
  constructor(private readonly db: Db) {}

  open(sessionId: number): OpenLotQuestion | null {
    const row = this.db.prepare(OPEN_LOT_QUESTION_SQL).get(sessionId) as
      | { id: number; move_id: number; product_id: number; tracking: Tracking }
      | undefined;
    return row ? { id: row.id, moveId: row.move_id, productId: row.product_id, tracking: row.tracking } : null;
  }

  serialTaken(sessionId: number, productId: number, serial: string): boolean {
    return this.db.prepare(SERIAL_TAKEN_SQL).get(sessionId, productId, serial) !== undefined;
  }

  /** One unit packed: with its lot when the scan carried it (GS1), else the question for it. */
  add(unit: { sessionId: number; moveId: number; productId: number; tracking: Tracking; lot: string | null }, now: number): void {
    this.db
      .prepare(
        `INSERT INTO packed_lots (session_id, move_id, product_id, tracking, lot_name, asked_at, scanned_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(unit.sessionId, unit.moveId, unit.productId, unit.tracking, unit.lot, now, unit.lot === null ? null : now);
  }

  /** The answer to the open question. */
  answer(questionId: number, lot: string, now: number): void {
    const changed = this.db
      .prepare('UPDATE packed_lots SET lot_name = ?, scanned_at = ? WHERE id = ? AND lot_name IS NULL')
      .run(lot, now, questionId).changes;
    if (changed !== 1) throw new Error(`packed_lots ${questionId} is not an open question`);
  }

  /** Captured lots per move (stock.move id), each with the units packed from it. */
  ofSession(sessionId: number): Map<number, CapturedLot[]> {
    return byMove(this.db.prepare(LOTS_OF_SESSION_SQL).all(sessionId) as LotCount[]);
  }

  /** Captured lots per move of one parcel: packed_lots ids after `after`, up to `upTo`. */
  ofParcel(sessionId: number, after: number, upTo: number): Map<number, CapturedLot[]> {
    return byMove(this.db.prepare(LOTS_OF_PARCEL_SQL).all(sessionId, after, upTo) as LotCount[]);
  }
}

type LotCount = { move_id: number; lot_name: string; quantity: number };

function byMove(rows: LotCount[]): Map<number, CapturedLot[]> {
  const out = new Map<number, CapturedLot[]>();
  for (const r of rows) {
    const list = out.get(r.move_id) ?? [];
    list.push({ name: r.lot_name, quantity: r.quantity });
    out.set(r.move_id, list);
  }
  return out;
}

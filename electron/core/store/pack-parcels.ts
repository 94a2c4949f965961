// The parcels of a multi-parcel pack session (tables pack_parcels, pack_parcel_lines): each parcel
// closed with NEW-PARCEL keeps its weight, box and units; the open parcel is what was packed since.
// Callers run the writes inside the transaction of the transition and its audit entry.
import type { Db } from './db';

export interface ClosedParcel {
  seq: number;
  weightG: number;
  packageTypeId: number | null;
  /** Units per move (stock.move id). */
  units: Map<number, number>;
  /** The last packed_lots row of this parcel (its lots follow the previous parcel's). */
  lastLotId: number;
}

export class PackParcels {
  constructor(private readonly db: Db) {}

  /** The closed parcels of a session, in order. */
  closed(sessionId: number): ClosedParcel[] {
    const parcels = this.db
      .prepare('SELECT seq, weight_g, package_type_id, last_lot_id FROM pack_parcels WHERE session_id = ? ORDER BY seq')
      .all(sessionId) as { seq: number; weight_g: number; package_type_id: number | null; last_lot_id: number }[];
    const lines = this.db.prepare('SELECT seq, move_id, units FROM pack_parcel_lines WHERE session_id = ?').all(sessionId) as {
      seq: number;
      move_id: number;
      units: number;
    }[];
    return parcels.map((p) => ({
      seq: p.seq,
      weightG: p.weight_g,
      packageTypeId: p.package_type_id,
      lastLotId: p.last_lot_id,
      units: new Map(lines.filter((l) => l.seq === p.seq).map((l) => [l.move_id, l.units])),
    }));
  }

  /** Units in the open parcel: packed in the session less those of its closed parcels. */
  openUnits(packed: ReadonlyMap<number, number>, closed: readonly ClosedParcel[]): Map<number, number> {
    const open = new Map<number, number>();
    for (const [moveId, n] of packed) {
      const left = n - closed.reduce((sum, p) => sum + (p.units.get(moveId) ?? 0), 0);
      if (left > 0) open.set(moveId, left);
    }
    return open;
  }

  /** Close the open parcel as number `seq` with its weight, box and units. */
  close(sessionId: number, parcel: Omit<ClosedParcel, 'units'> & { units: ReadonlyMap<number, number> }, now: number): void {
    this.db
      .prepare('INSERT INTO pack_parcels (session_id, seq, weight_g, package_type_id, last_lot_id, closed_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sessionId, parcel.seq, parcel.weightG, parcel.packageTypeId, parcel.lastLotId, now);
    const line = this.db.prepare('INSERT INTO pack_parcel_lines (session_id, seq, move_id, units) VALUES (?, ?, ?, ?)');
    for (const [moveId, units] of parcel.units) if (units > 0) line.run(sessionId, parcel.seq, moveId, units);
  }

  /** The newest packed_lots row of the session (0: none), where the open parcel's lots begin after. */
  lastLotId(sessionId: number): number {
    return (this.db.prepare('SELECT coalesce(max(id), 0) AS id FROM packed_lots WHERE session_id = ?').get(sessionId) as { id: number }).id;
  }
}

// Stored labels (table labels): the bytes a carrier gave for a parcel, with their format and
// sha256. Stored before they are printed; the print journal prints them by id.
import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db } from './db';

/** How a label is stored: the bench's own and most carriers' labels are ZPL; some carriers send PNG or PDF. */
export type LabelFormat = 'ZPL' | 'PNG' | 'PDF';

export class Labels {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Keep a parcel's label; returns its id and sha256. */
  store(parcelId: number, format: string, bytes: Buffer): { id: number; sha256: string } {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const info = this.db
      .prepare(`INSERT INTO labels (parcel_id, format, bytes, sha256, created_at) VALUES (?, ?, ?, ?, ?)`)
      .run(parcelId, format, bytes, sha256, this.clock.now());
    return { id: Number(info.lastInsertRowid), sha256 };
  }

  /** A label with its bytes, or null when there is none with this id. */
  byId(labelId: number): { bytes: Buffer; format: LabelFormat; sha256: string } | null {
    return (this.db.prepare('SELECT bytes, format, sha256 FROM labels WHERE id = ?').get(labelId) as
      | { bytes: Buffer; format: LabelFormat; sha256: string }
      | undefined) ?? null;
  }

  /** The newest label of a shipment's parcels. */
  latestOfShipment(shipmentId: number): { id: number } | null {
    return (this.db
      .prepare('SELECT l.id FROM labels l JOIN parcels p ON p.id = l.parcel_id WHERE p.shipment_id = ? ORDER BY l.id DESC LIMIT 1')
      .get(shipmentId) as { id: number } | undefined) ?? null;
  }

  /** The newest label of a pack session, with its bytes. */
  latestOfSession(sessionId: number): { bytes: Buffer; sha256: string; format: string } | null {
    return (this.db
      .prepare(
        `SELECT l.bytes, l.sha256, l.format FROM labels l JOIN parcels p ON p.id = l.parcel_id
         JOIN shipments s ON s.id = p.shipment_id WHERE s.session_id = ? ORDER BY l.id DESC LIMIT 1`,
      )
      .get(sessionId) as { bytes: Buffer; sha256: string; format: string } | undefined) ?? null;
  }

  /** Whose label it is: its shipment, pack session and order name. */
  owner(labelId: number): { shipment_id: number; session_id: number; name: string } {
    return this.db
      .prepare(
        `SELECT s.id AS shipment_id, s.session_id, o.name FROM labels l
         JOIN parcels p ON p.id = l.parcel_id JOIN shipments s ON s.id = p.shipment_id
         JOIN pack_sessions ps ON ps.id = s.session_id JOIN orders o ON o.id = ps.order_id
         WHERE l.id = ?`,
      )
      .get(labelId) as { shipment_id: number; session_id: number; name: string };
  }

  /** Open print-failure exceptions raised for any print job of this label. */
  openPrintFailures(labelId: number): { id: number }[] {
    return this.db
      .prepare(
        `SELECT id FROM exceptions WHERE kind = 'print_failure' AND state = 'open'
           AND json_extract(context, '$.job') IN (SELECT id FROM print_jobs WHERE label_id = ?)`,
      )
      .all(labelId) as { id: number }[];
  }

  /**
   * A voided shipment's labels must not come out: its print jobs still queued are withdrawn (failed,
   * with why). Returns how many were.
   */
  withdrawQueuedPrints(shipmentId: number, why: string): number {
    return this.db
      .prepare(
        `UPDATE print_jobs SET state = 'failed', error = ?, updated_at = ?
         WHERE state = 'queued' AND label_id IN (SELECT l.id FROM labels l JOIN parcels p ON p.id = l.parcel_id WHERE p.shipment_id = ?)`,
      )
      .run(why, this.clock.now(), shipmentId).changes;
  }
}

// Shipments and their parcels (tables shipments, parcels): one shipment per pack session, made
// when the weight is accepted, labelled when the carrier answers, dispatched when Odoo has it.
// Callers run the writes inside the transaction of the transition and its audit entry.
import type { Clock } from '../clock';
import type { Db } from './db';

export type ShipmentStatus = 'awaiting_label' | 'labelled' | 'printed' | 'cancelled';

export interface ShipmentRow {
  id: number;
  session_id: number;
  carrier: string;
  service: string;
  /** The ShipmentRequest as JSON. */
  request: string;
  status: ShipmentStatus;
  tracking_number: string | null;
  dispatched_at: number | null;
  /** The provider's id of the purchase (ShipEngine label_id, Shippo transaction): what a void needs. */
  provider_ref: string | null;
  /** The label was given up: void asked for ('requested'), or confirmed ('voided'). */
  void_state: 'requested' | 'voided' | null;
}

const COLUMNS = 'id, session_id, carrier, service, request, status, tracking_number, dispatched_at, provider_ref, void_state';

export class Shipments {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  byId(id: number): ShipmentRow | null {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM shipments WHERE id = ?`).get(id) as ShipmentRow | undefined) ?? null;
  }

  ofSession(sessionId: number): ShipmentRow | null {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM shipments WHERE session_id = ?`).get(sessionId) as ShipmentRow | undefined) ?? null;
  }

  /** The shipment of a weighed session with its parcels (their weights, in order), waiting for its labels. Returns its id. */
  create(sessionId: number, names: { carrier: string; service: string }, request: unknown, weightsG: readonly number[]): number {
    const now = this.clock.now();
    const info = this.db
      .prepare(
        `INSERT INTO shipments (session_id, carrier, service, request, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'awaiting_label', ?, ?)`,
      )
      .run(sessionId, names.carrier, names.service, JSON.stringify(request), now, now);
    const shipmentId = Number(info.lastInsertRowid);
    const parcel = this.db.prepare('INSERT INTO parcels (shipment_id, seq, weight_g) VALUES (?, ?, ?)');
    weightsG.forEach((weightG, i) => parcel.run(shipmentId, i + 1, weightG));
    return shipmentId;
  }

  /** The carrier's tracking number on the shipment and its parcel number `seq`; returns the parcel's id. */
  labelled(id: number, seq: number, trackingNumber: string): number {
    const now = this.clock.now();
    if (seq === 1) {
      this.db.prepare(`UPDATE shipments SET status = 'labelled', tracking_number = ?, updated_at = ? WHERE id = ?`).run(trackingNumber, now, id);
    }
    const parcel = this.db.prepare('SELECT id FROM parcels WHERE shipment_id = ? AND seq = ?').get(id, seq) as { id: number };
    this.db.prepare('UPDATE parcels SET tracking_number = ? WHERE id = ?').run(trackingNumber, parcel.id);
    return parcel.id;
  }

  /** The label is out; returns whether Odoo has it already (then the order is done). */
  printed(id: number): boolean {
    // A shipment given up meanwhile (repacked, sent back) stays given up: a late print confirmation does not revive it.
    this.db.prepare(`UPDATE shipments SET status = 'printed', updated_at = ? WHERE id = ? AND status != 'cancelled'`).run(this.clock.now(), id);
    return this.byId(id)?.dispatched_at !== null;
  }

  dispatched(sessionId: number): void {
    const now = this.clock.now();
    this.db.prepare('UPDATE shipments SET dispatched_at = ?, updated_at = ? WHERE session_id = ?').run(now, now, sessionId);
  }

  /** The shift lead changed a refused shipment (address, service): its request and names before the label is asked again. */
  revise(id: number, names: { carrier: string; service: string }, request: unknown): void {
    this.db
      .prepare(`UPDATE shipments SET carrier = ?, service = ?, request = ?, updated_at = ? WHERE id = ? AND status = 'awaiting_label'`)
      .run(names.carrier, names.service, JSON.stringify(request), this.clock.now(), id);
  }

  cancelOfSession(sessionId: number): void {
    this.db.prepare(`UPDATE shipments SET status = 'cancelled', updated_at = ? WHERE session_id = ?`).run(this.clock.now(), sessionId);
  }

  /** The latest session of the order that was packed here and whose dispatch has not reached Odoo yet (its label not given up). */
  undispatchedOf(orderId: number): { session_id: number; active: number; status: string; tracking_number: string | null } | null {
    return (this.db
      .prepare(
        `SELECT s.id AS session_id, s.active, sh.status, sh.tracking_number FROM pack_sessions s
         JOIN shipments sh ON sh.session_id = s.id
         WHERE s.order_id = ? AND s.step != 'cancelled' AND sh.status != 'cancelled' AND sh.void_state IS NULL AND sh.dispatched_at IS NULL
         ORDER BY s.id DESC LIMIT 1`,
      )
      .get(orderId) as { session_id: number; active: number; status: string; tracking_number: string | null } | undefined) ?? null;
  }

  /** The order's last shipment this bench dispatched to Odoo: when, and its tracking number. */
  dispatchedOf(orderId: number): { session_id: number; dispatched_at: number; tracking_number: string | null } | null {
    return (this.db
      .prepare(
        `SELECT s.id AS session_id, sh.dispatched_at, sh.tracking_number FROM pack_sessions s
         JOIN shipments sh ON sh.session_id = s.id
         WHERE s.order_id = ? AND sh.dispatched_at IS NOT NULL AND sh.void_state IS NULL
         ORDER BY sh.dispatched_at DESC LIMIT 1`,
      )
      .get(orderId) as { session_id: number; dispatched_at: number; tracking_number: string | null } | undefined) ?? null;
  }

  /** The provider's id of the purchase, kept with the labels it made (for a void later). */
  setProviderRef(id: number, providerRef: string): void {
    this.db.prepare('UPDATE shipments SET provider_ref = ?, updated_at = ? WHERE id = ?').run(providerRef, this.clock.now(), id);
  }

  /** Mark the shipment's label given up; false when it already was (a void is asked for once). */
  voidRequested(id: number): boolean {
    return this.db.prepare(`UPDATE shipments SET void_state = 'requested', updated_at = ? WHERE id = ? AND void_state IS NULL`).run(this.clock.now(), id).changes === 1;
  }

  /** The provider confirmed the void (or there was nothing to ask). */
  voided(id: number): void {
    const now = this.clock.now();
    this.db.prepare(`UPDATE shipments SET void_state = 'voided', voided_at = coalesce(voided_at, ?), updated_at = ? WHERE id = ?`).run(now, now, id);
  }

  /** The tracking numbers its parcels were labelled with, in parcel order. */
  trackingNumbers(id: number): string[] {
    return this.db.prepare('SELECT tracking_number FROM parcels WHERE shipment_id = ? AND tracking_number IS NOT NULL ORDER BY seq').pluck().all(id) as string[];
  }
}

// What the pack session's parts share: the ports it is given (PackSessionDeps), the repositories
// over its tables, and a few reads every part needs. Built once by PackSession.
import { hostname } from 'node:os';
import type { BenchLink, ScaleEvent } from '../../../shared/api';
import type { Translate } from '../../../shared/i18n';
import type { Order } from '../../../shared/order';
import type { PackageType } from '../../../shared/package-type';
import type { ShipmentProblem } from '../../../shared/shipment-rules';
import type { ShipmentRequest } from '../../../shared/shipment';
import type { Clock } from '../clock';
import type { PrintJournal } from '../devices/printer/print-journal';
import type { CarrierService } from '../carriers/registry';
import type { OrderSource } from '../odoo/order-source';
import type { Db } from '../store/db';
import type { ExceptionQueue } from '../store/exceptions';
import { Labels } from '../store/labels';
import { OrderCache } from '../store/order-cache';
import { PackageTypeStore } from '../store/package-types';
import { PackParcels, type ClosedParcel } from '../store/pack-parcels';
import { PackSessions, type SessionRow } from '../store/pack-sessions';
import { PackedLots } from '../store/packed-lots';
import { Shipments } from '../store/shipments';
import type { VarianceRule } from './weight-variance';

/** The part of the scale the pack session needs. */
export interface WeighingScale {
  latest(): ScaleEvent;
  /** Capture the next stable weight (after the scale went back to zero since the last one). */
  arm(): void;
  /** Stop waiting for a weight (the order was put aside or is not at the scale yet). */
  disarm(): void;
}

export type ScanOutcome = {
  kind: 'order' | 'product' | 'package_type' | 'command' | 'unknown';
  tone: 'info' | 'success' | 'warning' | 'error';
  text: string;
  /** Something the page can open, e.g. the label saved as a PDF when no printer took it. */
  link?: BenchLink;
};

export interface PackSessionDeps {
  db: Db;
  clock: Clock;
  exceptions: ExceptionQueue;
  orders: OrderSource;
  scale: () => WeighingScale | null;
  printerUri: () => string | null;
  journal: PrintJournal;
  /** Wake the sync worker after new outbox rows commit. */
  kickSync: () => void;
  /** The state changed (publish it). */
  changed: () => void;
  minWeightG?: number;
  /** Packing settings in force (item verification, weight-variance rule). */
  packing: () => { verifyItems: boolean } & VarianceRule;
  /** The carriers (carriers/registry.ts): which service a shipment goes with. Labels come through the outbox. */
  carriers: {
    serviceFor(order: Order): CarrierService;
    serviceOf?(choice: { provider: string; service: string }): CarrierService | null;
    /** What the shipment's service would refuse (the lead's fix is checked before it is sent again). */
    problemsOf?(shipment: ShipmentRequest, t?: Translate): ShipmentProblem[];
    /** Whether the provider (by its code) can void a label it sold; absent or false: nothing to ask it. */
    canVoid?(carrier: string): boolean;
  };
  /** The bench's name (settings `bench.name`), for claims; defaults to the host name. */
  benchName?: () => string;
  /** Why an order is outside the bench's scope (company, warehouse, operation type), or null. */
  outOfScope?: (order: Order) => string | null;
  /** Words for the bench's message line that no scan asked for (a label voided with its provider). */
  tell?: (told: { tone: ScanOutcome['tone']; text: string }) => void;
  /** How the outbox target of a carrier (by its code) is doing: a failing one parks a label's order at once. */
  carrierStatus?: (carrier: string) => 'ok' | 'retrying' | 'stopped';
  /** The station's translator (i18n/translator.ts): every message for the packer or lead in the bench's language. */
  t: Translate;
}

export class PackContext {
  readonly sessions: PackSessions;
  readonly shipments: Shipments;
  readonly labels: Labels;
  readonly cache: OrderCache;
  readonly lots: PackedLots;
  readonly packageTypes: PackageTypeStore;
  readonly parcels: PackParcels;
  /** A message for the packer or lead, in the bench's language. Audit records stay English. */
  readonly t: Translate;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(readonly deps: PackSessionDeps) {
    this.t = deps.t;
    this.sessions = new PackSessions(deps.db, deps.clock);
    this.shipments = new Shipments(deps.db, deps.clock);
    this.labels = new Labels(deps.db, deps.clock);
    this.cache = new OrderCache(deps.db, deps.clock);
    this.lots = new PackedLots(deps.db);
    this.packageTypes = new PackageTypeStore(deps.db, deps.clock);
    this.parcels = new PackParcels(deps.db);
  }

  /** The order of a session, as cached when it was opened. */
  orderOf(row: Pick<SessionRow, 'order_id'>): Order {
    return this.cache.get(row.order_id)!.order;
  }

  /** The package type chosen for a session's parcel (kept across restarts), or null. */
  packageTypeOf(sessionId: number, order: Order): PackageType | null {
    const typeId = this.sessions.packageTypeId(sessionId);
    return typeId ? this.packageTypes.byId(typeId, order.source) : null;
  }

  /**
   * The session's parcels: those closed with NEW-PARCEL, and the open one (its number, the units
   * packed in it so far, its box). An order packed in one parcel has no closed parcel.
   */
  parcelsOf(sessionId: number): { closed: ClosedParcel[]; open: { seq: number; units: Map<number, number>; packageTypeId: number | null } } {
    const closed = this.parcels.closed(sessionId);
    const units = this.parcels.openUnits(this.sessions.packed(sessionId), closed);
    return { closed, open: { seq: closed.length + 1, units, packageTypeId: this.sessions.packageTypeId(sessionId) } };
  }

  /** Run `fn` after `ms` unless the session stops first (the station closing its database). */
  after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  stopTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  benchName(): string {
    return this.deps.benchName?.() ?? hostname();
  }

  /** The newest label of a session's shipment, if any. */
  labelOfSession(sessionId: number): { id: number } | null {
    const shipment = this.shipments.ofSession(sessionId);
    // A voided label is never printed again.
    return shipment && shipment.void_state === null ? this.labels.latestOfShipment(shipment.id) : null;
  }
}

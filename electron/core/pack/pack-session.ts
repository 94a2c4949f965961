// The pack session: one open order per bench, persisted so a restart resumes it at the same step.
//   idle ─order─► packing ─all items─► weighing ─stable weight─► labelling ─label─► printed/done
// Every transition, its audit entry and its outbox rows commit in one transaction; the renderer
// only shows the result.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import type { BenchLink, ExceptionView, LabelView, OrderView, PackStep, Person, ScaleEvent } from '../../../shared/api';
import { StationFault } from '../../../shared/errors';
import type { Order } from '../../../shared/order';
import type { PackageType } from '../../../shared/package-type';
import { ShipmentRequest } from '../../../shared/shipment';
import type { Clock } from '../clock';
import type { PrintJournal, PrintOutcome } from '../devices/printer/print-journal';
import { lastResortHref } from '../host/files';
import { renderShippingLabelZpl, type ShippingLabelOptions } from '../labels/zpl-shipping-label';
import { appendAudit } from '../store/audit';
import { inTransaction, type Db } from '../store/db';
import type { ExceptionQueue } from '../store/exceptions';
import { actorOf } from '../store/identities';
import { OrderCache, type LookupResult } from '../store/order-cache';
import { PackageTypeStore } from '../store/package-types';
import { PackedLots } from '../store/packed-lots';
import { discardDead, enqueue } from '../sync/outbox';
import { createLabelRow, dispatchRow, releaseRow, type CreateLabelPayload, type DispatchPayload } from './effects';
import { parseGs1 } from './gs1';
import { askForLot, duplicateSerialText, lineOfGs1, lotFromScan, lotOfGs1, lotWord } from './lot-capture';
import { REPRINT_REASONS, type BenchCommand } from './scan-code';
import { checkWeightVariance, heldFigures, heldMessage, heldTitle, kg, ruleForPackageType, type VarianceRule } from './weight-variance';

/** Where orders come from when the network is up (Odoo); throws when it cannot be reached. */
export interface OrderSource {
  readonly binding: { url: string; db: string };
  findByName(name: string): Promise<Order | null>;
  /**
   * Claim the order for this bench in Odoo, or say who holds it. `offline`: Odoo could not be
   * reached, the claim is only local and is checked again before dispatch.
   */
  claim?(order: Order, bench: { name: string; packer: string }): Promise<{ ok: true; offline?: boolean } | { ok: false; message: string }>;
  /** Whether Odoo has a lot or serial of this name for the product, in the order's company; null: cannot tell now. */
  lotExists?(order: Order, productId: number, name: string): Promise<boolean | null>;
}

export class OrderSourceUnavailable extends Error {
  constructor(readonly packerMessage: string) {
    super(packerMessage);
  }
}

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

interface SessionRow {
  id: number;
  order_id: number;
  packer: string;
  step: PackStep | 'cancelled';
}

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
  /** The printer's resolution (settings `printer.dpi`); default 203. */
  /** How labels are drawn for the bench's printer (resolution, Unicode text); default 203 dpi, auto. */
  labelOptions?: () => ShippingLabelOptions;
  /** The bench's name (settings `bench.name`), for claims; defaults to the host name. */
  benchName?: () => string;
  /** Why an order is outside the bench's scope (company, warehouse, operation type), or null. */
  outOfScope?: (order: Order) => string | null;
}

const MIN_WEIGHT_G = 20;

function addressLines(order: Order): string[] {
  const p = order.shipTo;
  return [p.name, p.company, p.street1, p.street2, `${p.postalCode} ${p.city}`, p.country].filter(
    (line): line is string => Boolean(line),
  );
}

/** A code that matches several orders: the packer scans the one they hold instead. */
function chooseOrder(code: string, found: Extract<LookupResult, { kind: 'choose' }>): ScanOutcome {
  const shown = found.orders.slice(0, 5).map((o) => (o.partner ? `${o.name} (${o.partner})` : o.name));
  const more = found.total > shown.length ? `, and ${found.total - shown.length} more` : '';
  const list = `${shown.join(', ')}${more}`;
  const text =
    found.via === 'barcode'
      ? `This item is in ${found.total} orders: ${list}. Scan the order's barcode.`
      : found.via === 'origin'
        ? `${code} has ${found.total} deliveries: ${list}. Scan the delivery's barcode.`
        : `"${code}" matches ${found.total} orders: ${list}. Scan the order's barcode.`;
  return { kind: 'order', tone: 'warning', text };
}

export class PackSession {
  private readonly cache: OrderCache;
  private readonly packageTypes: PackageTypeStore;
  private readonly lots: PackedLots;
  private readonly minWeightG: number;

  constructor(private readonly deps: PackSessionDeps) {
    this.cache = new OrderCache(deps.db, deps.clock);
    this.packageTypes = new PackageTypeStore(deps.db, deps.clock);
    this.lots = new PackedLots(deps.db);
    this.minWeightG = deps.minWeightG ?? MIN_WEIGHT_G;
    deps.exceptions.onResolve('weight_variance', ['override', 'reweigh'], (exception, resolution, by) =>
      this.resolveHeldWeight(exception, resolution, by),
    );
    // Beside the sync worker's retry / drop: the delivery changed in Odoo (new address, other
    // quantities), so the parcel is packed again from what Odoo says now, with a new label.
    deps.exceptions.onResolve('odoo_conflict', ['repack'], (exception, _resolution, by) => this.repack(exception, by));
  }

  /** Runs inside the resolve transaction: drop the refused dispatch and free the order to be scanned again. */
  private repack(exception: ExceptionView, by: { actor: string; note: string | null }): void {
    const { db, clock } = this.deps;
    const outboxId = exception.context.outboxId;
    if (typeof outboxId === 'number') discardDead(db, clock, outboxId, by.actor, { exceptionId: exception.id, repack: true });
    const payload = exception.context.payload;
    const sessionId =
      typeof payload === 'object' && payload !== null && typeof (payload as { sessionId?: unknown }).sessionId === 'number'
        ? (payload as { sessionId: number }).sessionId
        : null;
    if (sessionId !== null) {
      const now = clock.now();
      db.prepare(`UPDATE pack_sessions SET step = 'cancelled', active = 0, updated_at = ? WHERE id = ?`).run(now, sessionId);
      db.prepare(`UPDATE shipments SET status = 'cancelled', updated_at = ? WHERE session_id = ?`).run(now, sessionId);
    }
    appendAudit(db, clock, {
      actor: by.actor,
      action: 'pack.repack',
      subject: exception.orderRef,
      data: { exceptionId: exception.id, session: sessionId, outboxId: typeof outboxId === 'number' ? outboxId : null, note: by.note },
    });
    setImmediate(() => this.deps.changed()); // after the resolve commits
  }

  // ---- reading -------------------------------------------------------------------------------

  private activeRow(): SessionRow | null {
    return (this.deps.db.prepare('SELECT id, order_id, packer, step FROM pack_sessions WHERE active = 1').get() as
      | SessionRow
      | undefined) ?? null;
  }

  step(): PackStep {
    const row = this.activeRow();
    return row && row.step !== 'cancelled' ? row.step : 'idle';
  }

  private packed(sessionId: number): Map<number, number> {
    const rows = this.deps.db.prepare('SELECT move_id, packed FROM packed_lines WHERE session_id = ?').all(sessionId) as {
      move_id: number;
      packed: number;
    }[];
    return new Map(rows.map((r) => [r.move_id, r.packed]));
  }

  orderView(): OrderView | null {
    const row = this.activeRow();
    if (!row) return null;
    const cached = this.cache.get(row.order_id)!;
    const packed = this.packed(row.id);
    const lots = this.lots.ofSession(row.id);
    const sessionOpened = this.deps.db.prepare('SELECT opened_at FROM pack_sessions WHERE id = ?').get(row.id) as {
      opened_at: number;
    };
    return {
      name: cached.order.name,
      origin: cached.order.origin,
      shipTo: { name: cached.order.shipTo.name, city: cached.order.shipTo.city, country: cached.order.shipTo.country },
      lines: cached.order.lines.map((l) => ({
        moveId: l.moveId,
        name: l.name,
        sku: l.sku,
        barcode: l.barcode,
        packed: packed.get(l.moveId) ?? 0,
        quantity: l.quantity,
        tracking: l.tracking,
        lots: lots.get(l.moveId) ?? [],
      })),
      // Came from the local copy if it was fetched before this session opened.
      cachedAt: cached.fetchedAt < sessionOpened.opened_at - 1000 ? cached.fetchedAt : null,
      box: ((box) => (box ? { name: box.name, dimsMm: box.dimsMm, maxWeightG: box.maxWeightG } : null))(
        this.packageTypeOf(row.id, cached.order),
      ),
    };
  }

  labelView(): LabelView | null {
    const row = this.activeRow();
    if (!row) return null;
    const shipment = this.deps.db
      .prepare('SELECT id, carrier, service, request, status, tracking_number FROM shipments WHERE session_id = ?')
      .get(row.id) as
      | { id: number; carrier: string; service: string; request: string; status: LabelView['status']; tracking_number: string | null }
      | undefined;
    if (!shipment) return null;
    const request = ShipmentRequest.parse(JSON.parse(shipment.request));
    const label = this.labelOf(shipment.id);
    const job = label ? this.deps.journal.latestForLabel(label.id) : null;
    const order = this.cache.get(row.order_id)!.order;
    return {
      trackingNumber: shipment.tracking_number,
      carrier: shipment.carrier,
      service: shipment.service,
      weightG: request.parcels[0]!.weightG,
      shipTo: addressLines(order),
      reference: order.name,
      status: shipment.status,
      printState: job?.state ?? null,
    };
  }

  nextAction(): string {
    const row = this.activeRow();
    switch (row?.step) {
      case undefined:
      case 'cancelled':
        return 'Scan an order barcode';
      case 'packing': {
        const asking = this.lotQuestion(row);
        if (asking) return askForLot(asking.line.name, asking.tracking);
        const view = this.orderView()!;
        const left = view.lines.reduce((n, l) => n + (l.quantity - l.packed), 0);
        return `Scan each item: ${left} left`;
      }
      case 'weighing':
        return this.heldException(row.id)
          ? 'Weight is off: check the box and weigh again, or call the shift lead'
          : 'Put the parcel on the scale';
      case 'labelling':
        return this.labelView()?.printState === 'failed' || this.labelView()?.printState === 'uncertain'
          ? 'Check the printer, then scan PRINT'
          : 'Waiting for the label';
      case 'printed':
      case 'done':
        return 'Stick the label on the parcel and scan the next order';
    }
    return 'Scan an order barcode';
  }

  // ---- scanning ------------------------------------------------------------------------------

  /** A code that is not a badge or a command: an item of the open order, or an order. */
  async scanCode(code: string, packer: Person): Promise<ScanOutcome> {
    const row = this.activeRow();
    if (row?.step === 'packing') {
      const product = await this.tryProduct(row, code, packer);
      if (product) return product;
    }
    if (row?.step === 'packing' || row?.step === 'weighing') {
      const box = this.tryPackageType(row, code, packer);
      if (box) return box;
    }
    if (row?.step === 'packing') {
      const lot = await this.tryLot(row, code, packer);
      if (lot) return lot;
    }
    if (row && row.step !== 'done' && row.step !== 'printed') {
      const name = this.cache.get(row.order_id)!.order.name;
      if (row.step === 'packing') {
        return { kind: 'unknown', tone: 'error', text: `"${code}" is not an item of ${name}. Check the item and scan again.` };
      }
      return {
        kind: 'unknown',
        tone: 'warning',
        text: `${name} is not finished yet. ${this.nextAction()}, or scan CANCEL.`,
      };
    }
    return this.openOrder(code, packer);
  }

  private async openOrder(code: string, packer: Person): Promise<ScanOutcome> {
    const binding = this.deps.orders.binding;
    // Before asking Odoo: until its dispatch gets there, Odoo (and the cache) still say "ready".
    const packedHere = this.packedHere(code, packer);
    if (packedHere) return packedHere;
    let order: Order | null = null;
    let offlineNote: string | null = null;
    try {
      order = await this.deps.orders.findByName(code);
      if (!order) {
        // Not a delivery name: its sale order, tracking ref, package or a product, from the local copy.
        const found = this.cache.lookup(code, binding);
        if (found.kind === 'choose') return chooseOrder(code, found);
        if (found.kind === 'order') order = await this.deps.orders.findByName(found.order.name);
      }
      // Out of the bench's scope: refused below, and not cached as if it were this bench's.
      if (order && !this.deps.outOfScope?.(order)) this.cache.save(order);
    } catch (error) {
      if (!(error instanceof OrderSourceUnavailable)) throw error;
      const found = this.cache.lookup(code, binding);
      if (found.kind === 'choose') return chooseOrder(code, found);
      order = found.kind === 'order' ? found.order : null;
      if (!order) {
        return {
          kind: 'unknown',
          tone: 'error',
          text: `${error.packerMessage} "${code}" is not in the local copy either, so it cannot be packed now.`,
        };
      }
      offlineNote = 'Odoo is offline: using the local copy.';
    }
    if (!order) {
      return { kind: 'unknown', tone: 'error', text: `Nothing matches "${code}". Check the barcode and scan it again.` };
    }
    const refused = this.deps.outOfScope?.(order);
    if (refused) return { kind: 'order', tone: 'error', text: refused };
    if (order.state === 'done') {
      return { kind: 'order', tone: 'error', text: `${order.name} has already been shipped. Put it aside for the shift lead.` };
    }
    if (order.state === 'cancel') {
      return { kind: 'order', tone: 'error', text: `${order.name} was cancelled in Odoo. Do not ship it; tell the shift lead.` };
    }
    if (order.state !== 'assigned') {
      return { kind: 'order', tone: 'error', text: `${order.name} is not ready to pack yet (Odoo says "${order.state}").` };
    }
    // Offline: the claim is local only (audited below) and checked again before dispatch.
    const claim = offlineNote
      ? { ok: true as const, offline: true }
      : ((await this.deps.orders.claim?.(order, { name: this.benchName(), packer: packer.name })) ?? { ok: true as const });
    if (!claim.ok) return { kind: 'order', tone: 'error', text: claim.message };
    const orderId = this.cache.findByName(order.name, binding)!.id;
    const verify = this.deps.packing().verifyItems;
    inTransaction(this.deps.db, () => {
      const now = this.deps.clock.now();
      // A finished session stays on screen until the next order replaces it.
      this.deps.db.prepare(`UPDATE pack_sessions SET active = 0, updated_at = ? WHERE active = 1`).run(now);
      const info = this.deps.db
        .prepare(`INSERT INTO pack_sessions (order_id, packer, step, opened_at, updated_at) VALUES (?, ?, ?, ?, ?)`)
        .run(orderId, actorOf(packer), verify ? 'packing' : 'weighing', now, now);
      appendAudit(this.deps.db, this.deps.clock, {
        actor: actorOf(packer),
        action: 'pack.opened',
        subject: order!.name,
        data: {
          session: Number(info.lastInsertRowid),
          pickingId: order!.pickingId,
          offline: offlineNote !== null,
          claim: 'offline' in claim && claim.offline ? 'offline' : 'odoo',
        },
      });
    });
    // A weight waited for by an order put aside must not be taken for this one's.
    if (!verify) this.deps.scale()?.arm();
    else this.deps.scale()?.disarm();
    this.deps.changed();
    const lines = order.lines.length;
    if (!verify) {
      return {
        kind: 'order',
        tone: offlineNote ? 'warning' : 'success',
        text: `${offlineNote ? `${offlineNote} ` : ''}${order.name} for ${order.shipTo.name}: pack it and put the parcel on the scale.`,
      };
    }
    return {
      kind: 'order',
      tone: offlineNote ? 'warning' : 'success',
      text: `${offlineNote ? `${offlineNote} ` : ''}${order.name} for ${order.shipTo.name}: scan the ${lines === 1 ? 'item' : `${lines} kinds of items`}.`,
    };
  }

  /**
   * An order this bench has labelled whose dispatch has not reached Odoo yet (Odoo offline or the
   * outbox still busy): shown again as packed, with its label to reprint, never opened a second
   * time (a second session would wait for a label behind the first one's dispatch, and CANCEL
   * would refuse it).
   */
  private packedHere(code: string, packer: Person): ScanOutcome | null {
    const binding = this.deps.orders.binding;
    const found = this.cache.lookup(code, binding);
    if (found.kind !== 'order') return null;
    const cached = this.cache.findByName(found.order.name, binding);
    if (!cached) return null;
    const db = this.deps.db;
    const packed = db
      .prepare(
        `SELECT s.id AS session_id, s.active, sh.status, sh.tracking_number FROM pack_sessions s
         JOIN shipments sh ON sh.session_id = s.id
         WHERE s.order_id = ? AND s.step != 'cancelled' AND sh.status != 'cancelled' AND sh.dispatched_at IS NULL
         ORDER BY s.id DESC LIMIT 1`,
      )
      .get(cached.id) as { session_id: number; active: number; status: string; tracking_number: string | null } | undefined;
    if (!packed) return null;
    const name = found.order.name;
    if (!packed.active) {
      // Back on screen, so that a reprint asked for now is this order's label.
      inTransaction(db, () => {
        const now = this.deps.clock.now();
        db.prepare(`UPDATE pack_sessions SET active = 0, updated_at = ? WHERE active = 1`).run(now);
        db.prepare(`UPDATE pack_sessions SET active = 1, updated_at = ? WHERE id = ?`).run(now, packed.session_id);
        appendAudit(db, this.deps.clock, {
          actor: actorOf(packer),
          action: 'pack.reshown',
          subject: name,
          data: { session: packed.session_id, trackingNumber: packed.tracking_number },
        });
      });
      this.deps.scale()?.disarm();
      this.deps.changed();
    }
    if (packed.status === 'awaiting_label' || !packed.tracking_number) {
      return { kind: 'order', tone: 'warning', text: `${name} is already packed here; its label is on its way. Do not pack it again.` };
    }
    const reprint = REPRINT_REASONS.map((r) => r.command).join(', ');
    return {
      kind: 'order',
      tone: 'warning',
      text: `${name} is already packed here (tracking ${packed.tracking_number}). Do not pack it again. For another copy of its label, scan ${reprint}.`,
    };
  }

  /**
   * An item of the open order: its barcode or SKU, or a GS1 code whose GTIN is its barcode (which
   * may carry its lot or serial too). A lot- or serial-tracked item without one asks for it next.
   */
  private async tryProduct(row: SessionRow, code: string, packer: Person): Promise<ScanOutcome | null> {
    const order = this.cache.get(row.order_id)!.order;
    const gs1 = parseGs1(code);
    const line = order.lines.find((l) => l.barcode === code || l.sku === code) ?? (gs1 ? lineOfGs1(order.lines, gs1) : null);
    if (!line) return null;
    const asking = this.lotQuestion(row);
    if (asking) {
      return {
        kind: 'product',
        tone: 'warning',
        text: `First the ${lotWord(asking.tracking)} of the ${asking.line.name} you just packed. ${askForLot(asking.line.name, asking.tracking)}.`,
      };
    }
    const packed = this.packed(row.id).get(line.moveId) ?? 0;
    if (packed >= line.quantity) {
      return {
        kind: 'product',
        tone: 'error',
        text: `All ${line.quantity} of ${line.name} are already packed. Take this one out.`,
      };
    }
    const tracking = line.tracking === 'none' ? null : line.tracking;
    const scannedLot = tracking && gs1 ? lotOfGs1(gs1, tracking) : null;
    if (tracking === 'serial' && scannedLot && this.lots.serialTaken(row.id, line.productId, scannedLot)) {
      return { kind: 'product', tone: 'error', text: duplicateSerialText(scannedLot, line.name, order.name) };
    }
    const lotCheck = tracking && scannedLot ? await this.lotCheck(order, line, tracking, scannedLot) : null;
    if (lotCheck && 'refusal' in lotCheck) return { kind: 'product', tone: 'error', text: lotCheck.refusal };
    let allDone = false;
    inTransaction(this.deps.db, () => {
      const now = this.deps.clock.now();
      this.deps.db
        .prepare(
          `INSERT INTO packed_lines (session_id, move_id, packed) VALUES (?, ?, 1)
           ON CONFLICT (session_id, move_id) DO UPDATE SET packed = packed + 1`,
        )
        .run(row.id, line.moveId);
      // The unit's lot, or the question for it, commits with the count and its audit entry.
      if (tracking) this.lots.add({ sessionId: row.id, moveId: line.moveId, productId: line.productId, tracking, lot: scannedLot }, now);
      allDone = this.allPacked(row, order);
      if (allDone) this.setStep(row.id, 'weighing');
      appendAudit(this.deps.db, this.deps.clock, {
        actor: actorOf(packer),
        action: 'pack.item',
        subject: order.name,
        data: { moveId: line.moveId, code, packed: packed + 1, of: line.quantity, ...(tracking ? { tracking, lot: scannedLot } : {}) },
      });
    });
    if (allDone) this.deps.scale()?.arm();
    this.deps.changed();
    const count = `${packed + 1} of ${line.quantity}`;
    const lotNote = tracking && scannedLot ? ` (${tracking === 'serial' ? 'serial' : 'lot'} ${scannedLot})` : '';
    let text: string;
    if (tracking && !scannedLot) text = `${line.name}: ${count}. ${askForLot(line.name, tracking)}.`;
    else if (allDone) text = `${line.name}${lotNote}: all items packed. Put the parcel on the scale.`;
    else text = `${line.name}${lotNote}: ${count}.`;
    if (lotCheck && 'unchecked' in lotCheck) return { kind: 'product', tone: 'warning', text: `${text} ${lotCheck.unchecked}` };
    return { kind: 'product', tone: 'success', text };
  }

  /**
   * The answer to "scan the lot/serial number of …": any scan that is not an item, a box (both
   * handled before) or an order. A serial already packed in this order is refused.
   */
  private async tryLot(row: SessionRow, code: string, packer: Person): Promise<ScanOutcome | null> {
    const asking = this.lotQuestion(row);
    if (!asking) return null;
    const order = this.cache.get(row.order_id)!.order;
    const ask = askForLot(asking.line.name, asking.tracking);
    const lookup = this.cache.lookup(code, this.deps.orders.binding);
    if (lookup.kind !== 'none') {
      return { kind: 'unknown', tone: 'warning', text: `"${code}" is an order or item barcode, not a ${lotWord(asking.tracking)}. ${ask}.` };
    }
    const scanned = lotFromScan(code, asking.tracking);
    if (!scanned) return null; // a GS1 item of another order: not a lot
    if (!scanned.ok) return { kind: 'unknown', tone: 'error', text: `${scanned.text} ${ask}.` };
    const lot = scanned.lot;
    if (asking.tracking === 'serial' && this.lots.serialTaken(row.id, asking.line.productId, lot)) {
      return { kind: 'product', tone: 'error', text: duplicateSerialText(lot, asking.line.name, order.name) };
    }
    const lotCheck = await this.lotCheck(order, asking.line, asking.tracking, lot);
    if (lotCheck && 'refusal' in lotCheck) return { kind: 'product', tone: 'error', text: `${lotCheck.refusal} ${ask}.` };
    let allDone = false;
    inTransaction(this.deps.db, () => {
      this.lots.answer(asking.id, lot, this.deps.clock.now());
      allDone = this.allPacked(row, order);
      if (allDone) this.setStep(row.id, 'weighing');
      appendAudit(this.deps.db, this.deps.clock, {
        actor: actorOf(packer),
        action: 'pack.lot',
        subject: order.name,
        data: { moveId: asking.line.moveId, tracking: asking.tracking, lot },
      });
    });
    if (allDone) this.deps.scale()?.arm();
    this.deps.changed();
    const what = `${asking.tracking === 'serial' ? 'Serial number' : 'Lot'} ${lot} for ${asking.line.name}`;
    const text = allDone ? `${what}: all items packed. Put the parcel on the scale.` : `${what}. ${this.nextAction()}.`;
    if (lotCheck && 'unchecked' in lotCheck) return { kind: 'product', tone: 'warning', text: `${text} ${lotCheck.unchecked}` };
    return { kind: 'product', tone: 'success', text };
  }

  /**
   * Where the order's operation type ships only lots Odoo has (Odoo's default for deliveries), why
   * this one cannot go; null when it can, or when Odoo cannot be asked now (then the dispatch checks).
   */
  private async lotCheck(
    order: Order,
    line: Order['lines'][number],
    tracking: 'lot' | 'serial',
    lot: string,
  ): Promise<{ refusal: string } | { unchecked: string } | null> {
    if (order.operation?.lots !== 'existing') return null;
    const known = await this.deps.orders.lotExists?.(order, line.productId, lot);
    const word = lotWord(tracking);
    // undefined: a source that cannot look lots up at all (no Odoo set up).
    if (known === true || known === undefined) return null;
    if (known === false) {
      return {
        refusal: `${tracking === 'serial' ? 'Serial number' : 'Lot'} ${lot} of ${line.name} is not in Odoo, and ${order.name} can only ship ${word}s Odoo has. Check the ${word} on the item and scan it again, or ask the shift lead.`,
      };
    }
    return { unchecked: `Odoo could not be asked whether it has ${word} ${lot}: it is checked when the order is sent.` };
  }

  /** The lot or serial the bench is waiting for in this session, with its line. */
  private lotQuestion(row: SessionRow): { id: number; tracking: 'lot' | 'serial'; line: Order['lines'][number] } | null {
    const open = this.lots.open(row.id);
    if (!open) return null;
    const line = this.cache.get(row.order_id)!.order.lines.find((l) => l.moveId === open.moveId);
    return line ? { id: open.id, tracking: open.tracking, line } : null;
  }

  /** Every unit counted and no lot or serial still to scan. */
  private allPacked(row: SessionRow, order: Order): boolean {
    const counts = this.packed(row.id);
    return order.lines.every((l) => (counts.get(l.moveId) ?? 0) >= l.quantity) && this.lots.open(row.id) === null;
  }

  // ---- package types -----------------------------------------------------------------------

  /**
   * A package type's barcode while an order is open: the parcel goes in that box. Its empty weight
   * replaces the bench's box tare at the weight gate, its limit holds a heavier parcel, its size
   * goes on the shipment, and Odoo's package gets the type. From the local copy (works offline).
   */
  private tryPackageType(row: SessionRow, code: string, packer: Person): ScanOutcome | null {
    const order = this.cache.get(row.order_id)!.order;
    const box = this.packageTypes.byBarcode(code, order.source);
    if (!box) return null;
    inTransaction(this.deps.db, () => {
      this.deps.db
        .prepare('UPDATE pack_sessions SET package_type_id = ?, updated_at = ? WHERE id = ?')
        .run(box.typeId, this.deps.clock.now(), row.id);
      appendAudit(this.deps.db, this.deps.clock, {
        actor: actorOf(packer),
        action: 'pack.package_type',
        subject: order.name,
        data: { session: row.id, packageTypeId: box.typeId, name: box.name, baseWeightG: box.baseWeightG, maxWeightG: box.maxWeightG },
      });
    });
    // While weighing, the parcel goes (back) on the scale in this box: the next stable weight counts.
    if (row.step === 'weighing') this.deps.scale()?.arm();
    this.deps.changed();
    const facts = [
      box.dimsMm ? `${box.dimsMm.l}×${box.dimsMm.w}×${box.dimsMm.h} mm` : null,
      `${kg(box.baseWeightG)} empty`,
      box.maxWeightG === null ? null : `up to ${kg(box.maxWeightG)}`,
    ].filter((f): f is string => f !== null);
    const next = row.step === 'weighing' ? 'Put the parcel on the scale.' : `${this.nextAction()}.`;
    return { kind: 'package_type', tone: 'success', text: `${box.name} (${facts.join(', ')}) for ${order.name}. ${next}` };
  }

  /** The package type chosen for a session's parcel (kept across restarts), or null. */
  private packageTypeOf(sessionId: number, order: Order): PackageType | null {
    const row = this.deps.db.prepare('SELECT package_type_id FROM pack_sessions WHERE id = ?').get(sessionId) as
      | { package_type_id: number | null }
      | undefined;
    return row?.package_type_id ? this.packageTypes.byId(row.package_type_id, order.source) : null;
  }

  // ---- weighing and shipping ---------------------------------------------------------------

  /**
   * A weight for the open parcel: captured by the scale while armed, or typed in with a shift
   * lead's approval (`manual`). It passes the variance gate or the parcel is held.
   */
  weighed(grams: number, actor = 'system', manual?: { reason: string }): ScanOutcome | null {
    const row = this.activeRow();
    if (row?.step !== 'weighing') return null;
    if (!Number.isFinite(grams) || grams < this.minWeightG) {
      return { kind: 'command', tone: 'error', text: `${Math.round(grams)} g is too light for a parcel. Check the scale.` };
    }
    const order = this.cache.get(row.order_id)!.order;
    const weightG = Math.round(grams);
    // A scanned package type brings its own tare and weight limit.
    const box = this.packageTypeOf(row.id, order);
    const verdict = checkWeightVariance(order.lines, weightG, ruleForPackageType(this.deps.packing(), box));
    if (verdict.kind === 'outside' || verdict.kind === 'over_max') {
      inTransaction(this.deps.db, () => {
        const previous = this.heldException(row.id);
        if (previous) this.deps.exceptions.resolve(previous.id, 'reweigh', actor, 'weighed again');
        this.deps.exceptions.raise({
          kind: 'weight_variance',
          orderRef: order.name,
          title: heldTitle(order.name, verdict, weightG),
          context: { sessionId: row.id, actualG: weightG, ...heldFigures(verdict), packageTypeId: box?.typeId ?? null, manual: manual ?? null },
          raisedBy: actor,
        });
        appendAudit(this.deps.db, this.deps.clock, {
          actor,
          action: 'pack.weight_held',
          subject: order.name,
          data: { actualG: weightG, ...heldFigures(verdict), packageTypeId: box?.typeId ?? null },
        });
      });
      this.deps.changed();
      return { kind: 'command', tone: 'error', text: heldMessage(verdict, weightG) };
    }
    return inTransaction(this.deps.db, () => {
      // A parcel reweighed within tolerance clears its earlier hold.
      const previous = this.heldException(row.id);
      if (previous) this.deps.exceptions.resolve(previous.id, 'reweigh', actor, `reweighed at ${kg(weightG)}`);
      return this.ship(row, weightG, actor, { manual: manual ?? null, variance: verdict });
    });
  }

  /** The open weight hold of a session, if any. */
  private heldException(sessionId: number): { id: number } | null {
    return (this.deps.db
      .prepare(
        `SELECT id FROM exceptions WHERE kind = 'weight_variance' AND state = 'open'
         AND json_extract(context, '$.sessionId') = ? ORDER BY id DESC LIMIT 1`,
      )
      .get(sessionId) as { id: number } | undefined) ?? null;
  }

  /** A shift lead's decision on a held parcel; runs inside the resolve transaction. */
  private resolveHeldWeight(exception: ExceptionView, resolution: string, by: { actor: string; note: string | null }): void {
    const sessionId = Number(exception.context.sessionId);
    const row = this.deps.db.prepare('SELECT id, order_id, packer, step FROM pack_sessions WHERE id = ?').get(sessionId) as
      | SessionRow
      | undefined;
    if (resolution === 'reweigh') {
      if (row?.step === 'weighing' && row.id === this.activeRow()?.id) this.deps.scale()?.arm();
      return;
    }
    if (!by.note || by.note.trim().length < 3) {
      throw new StationFault('reason_required', 'Give a reason for shipping a parcel outside its expected weight.');
    }
    if (!row || row.step !== 'weighing') {
      throw new StationFault('not_weighing', 'This parcel is no longer waiting for its weight.');
    }
    this.ship(row, Number(exception.context.actualG), by.actor, { override: { reason: by.note, exception: exception.id } });
    queueMicrotask(() => {
      this.deps.changed();
      this.deps.kickSync();
    });
  }

  /** Weight accepted: shipment, parcel and the carrier's outbox row commit together. */
  private ship(row: SessionRow, weightG: number, actor: string, audit: Record<string, unknown>): ScanOutcome {
    const order = this.cache.get(row.order_id)!.order;
    const idempotencyKey = `${order.source.url}|${order.source.db}|${order.pickingId}|session:${row.id}`;
    const request = ShipmentRequest.parse({
      idempotencyKey,
      source: {
        system: 'odoo',
        url: order.source.url,
        db: order.source.db,
        pickingId: order.pickingId,
        pickingName: order.name,
        saleOrder: order.origin,
      },
      service: { carrier: 'local', serviceCode: 'standard' },
      shipper: order.shipFrom,
      recipient: order.shipTo,
      parcels: [
        {
          reference: order.name,
          weightG,
          // The scanned package type's outer size, when Odoo has all three dimensions.
          dimsMm: this.packageTypeOf(row.id, order)?.dimsMm ?? null,
          items: order.lines.map((l) => ({ sku: l.sku, description: l.name, qty: l.quantity })),
        },
      ],
    });
    inTransaction(this.deps.db, () => {
      const now = this.deps.clock.now();
      const shipment = this.deps.db
        .prepare(
          `INSERT INTO shipments (session_id, carrier, service, request, status, created_at, updated_at)
           VALUES (?, 'Local delivery', 'Standard', ?, 'awaiting_label', ?, ?)`,
        )
        .run(row.id, JSON.stringify(request), now, now);
      const shipmentId = Number(shipment.lastInsertRowid);
      this.deps.db.prepare('INSERT INTO parcels (shipment_id, seq, weight_g) VALUES (?, 1, ?)').run(shipmentId, weightG);
      this.setStep(row.id, 'labelling');
      enqueue(this.deps.db, this.deps.clock, createLabelRow(order, { shipmentId, request }));
      appendAudit(this.deps.db, this.deps.clock, {
        actor,
        action: 'pack.weighed',
        subject: order.name,
        data: { weightG, shipmentId, ...audit },
      });
    });
    this.deps.changed();
    this.deps.kickSync();
    return { kind: 'command', tone: 'success', text: `${kg(weightG)} captured. Getting the label…` };
  }

  /**
   * The carrier issued a tracking number: store the label, queue its print and the Odoo dispatch.
   * Runs inside the sync worker's transaction that marks the carrier row done.
   */
  labelIssued(payload: CreateLabelPayload, trackingNumber: string): void {
    const db = this.deps.db;
    const shipment = db.prepare('SELECT id, session_id, status FROM shipments WHERE id = ?').get(payload.shipmentId) as
      | { id: number; session_id: number; status: string }
      | undefined;
    if (!shipment || shipment.status !== 'awaiting_label') return;
    const session = db.prepare('SELECT order_id FROM pack_sessions WHERE id = ?').get(shipment.session_id) as {
      order_id: number;
    };
    const order = this.cache.get(session.order_id)!.order;
    const parcel = payload.request.parcels[0]!;
    const zpl = renderShippingLabelZpl({
      shipFrom: payload.request.shipper,
      shipTo: payload.request.recipient,
      carrier: 'Local delivery',
      service: 'Standard',
      trackingNumber,
      reference: order.name,
      weightG: parcel.weightG,
      parcelIndex: 1,
      parcelCount: 1,
    }, this.deps.labelOptions?.() ?? {});
    const bytes = Buffer.from(zpl, 'utf8');
    const now = this.deps.clock.now();
    db.prepare(`UPDATE shipments SET status = 'labelled', tracking_number = ?, updated_at = ? WHERE id = ?`).run(
      trackingNumber,
      now,
      shipment.id,
    );
    const parcelRow = db.prepare('SELECT id FROM parcels WHERE shipment_id = ? AND seq = 1').get(shipment.id) as { id: number };
    db.prepare('UPDATE parcels SET tracking_number = ? WHERE id = ?').run(trackingNumber, parcelRow.id);
    const label = db
      .prepare(`INSERT INTO labels (parcel_id, format, bytes, sha256, created_at) VALUES (?, 'ZPL', ?, ?, ?)`)
      .run(parcelRow.id, bytes, createHash('sha256').update(bytes).digest('hex'), now);
    const printerUri = this.deps.printerUri();
    if (printerUri) this.deps.journal.queue(Number(label.lastInsertRowid), printerUri, 'first print', 'system');
    const packed = this.packed(shipment.session_id);
    const lots = this.lots.ofSession(shipment.session_id);
    const opened = db.prepare('SELECT opened_at FROM pack_sessions WHERE id = ?').get(shipment.session_id) as { opened_at: number };
    enqueue(
      db,
      this.deps.clock,
      dispatchRow(order, {
        sessionId: shipment.session_id,
        shipmentKey: payload.request.idempotencyKey,
        trackingRef: trackingNumber,
        weightG: parcel.weightG,
        packed,
        lots,
        bench: this.benchName(),
        openedAt: opened.opened_at,
        carrier: payload.request.service.carrier,
        label: { labelId: Number(label.lastInsertRowid), format: 'ZPL', bytes },
        packageTypeId: this.packageTypeOf(shipment.session_id, order)?.typeId,
      }),
    );
    appendAudit(db, this.deps.clock, {
      actor: 'system',
      action: 'label.stored',
      subject: order.name,
      data: { trackingNumber, shipmentId: shipment.id, sha256: createHash('sha256').update(bytes).digest('hex') },
    });
    if (!printerUri) {
      this.deps.exceptions.raise({
        kind: 'print_failure',
        orderRef: order.name,
        title: `The label for ${order.name} is ready but no printer is set up for this bench.`,
        context: { trackingNumber },
      });
    }
  }

  private async printJob(jobId: number): Promise<ScanOutcome> {
    return this.afterPrint(await this.deps.journal.print(jobId));
  }

  /**
   * Move the session on after a print attempt, or raise the failure for the packer and the lead.
   * The print scheduler calls it for the labels it prints; PRINT and REPRINT for theirs.
   */
  afterPrint(outcome: PrintOutcome): ScanOutcome {
    const jobId = outcome.job.id;
    const info = this.deps.db
      .prepare(
        `SELECT s.id AS shipment_id, s.session_id, o.name FROM labels l
         JOIN parcels p ON p.id = l.parcel_id JOIN shipments s ON s.id = p.shipment_id
         JOIN pack_sessions ps ON ps.id = s.session_id JOIN orders o ON o.id = ps.order_id
         WHERE l.id = ?`,
      )
      .get(outcome.job.labelId) as { shipment_id: number; session_id: number; name: string };
    if (outcome.ok) {
      inTransaction(this.deps.db, () => {
        const now = this.deps.clock.now();
        this.deps.db.prepare(`UPDATE shipments SET status = 'printed', updated_at = ? WHERE id = ?`).run(now, info.shipment_id);
        // Done needs both the printed label and Odoo's answer; either may come first.
        const dispatched = this.deps.db
          .prepare('SELECT dispatched_at FROM shipments WHERE id = ?')
          .get(info.shipment_id) as { dispatched_at: number | null };
        this.deps.db
          .prepare(`UPDATE pack_sessions SET step = ?, updated_at = ? WHERE id = ? AND step = 'labelling'`)
          .run(dispatched.dispatched_at === null ? 'printed' : 'done', now, info.session_id);
        appendAudit(this.deps.db, this.deps.clock, {
          actor: 'system',
          action: 'label.printed',
          subject: info.name,
          data: { job: jobId, reason: outcome.job.reason },
        });
        // The label is out: its print failures (any job of it, e.g. before a fallback took over) are settled.
        for (const open of this.openPrintFailures(outcome.job.labelId)) {
          this.deps.exceptions.settle(open.id, 'printed', 'system', `The label printed (print job ${jobId}).`);
        }
      });
      this.deps.changed();
      const notice = 'notice' in outcome && outcome.notice ? ` ${outcome.notice}` : '';
      return { kind: 'command', tone: notice ? 'warning' : 'success', text: `Label printed for ${info.name}.${notice} Stick it on and scan the next order.` };
    }
    inTransaction(this.deps.db, () => {
      this.deps.exceptions.raise({
        kind: 'print_failure',
        orderRef: info.name,
        title: `The label for ${info.name} did not print: ${outcome.message}`,
        context: { job: jobId, labelId: outcome.job.labelId, state: outcome.job.state, error: outcome.job.error },
        dedupeKey: `print:${jobId}`,
      });
    });
    this.deps.changed();
    if (outcome.job.state === 'uncertain') {
      return {
        kind: 'command',
        tone: 'error',
        text: `The printer stopped mid-label for ${info.name}. Did a whole label come out? Scan PRINTED if yes, PRINT if not.`,
      };
    }
    // The printer's own words often end "…, then scan PRINT." already: say it once.
    const fix = /scan PRINT\b/.test(outcome.message) ? '' : ' Fix it, then scan PRINT.';
    const href = outcome.savedPath ? lastResortHref(basename(outcome.savedPath)) : null;
    return {
      kind: 'command',
      tone: 'error',
      text: `The label for ${info.name} did not print: ${outcome.message}${fix}`,
      ...(href ? { link: { href, text: 'Open the label as a PDF' } } : {}),
    };
  }

  /** Open print-failure exceptions raised for any print job of this label. */
  private openPrintFailures(labelId: number): { id: number }[] {
    return this.deps.db
      .prepare(
        `SELECT id FROM exceptions WHERE kind = 'print_failure' AND state = 'open'
           AND json_extract(context, '$.job') IN (SELECT id FROM print_jobs WHERE label_id = ?)`,
      )
      .all(labelId) as { id: number }[];
  }

  /** Odoo has the tracking ref, quantities and weight; with the label printed, the order is done. Runs in the worker's transaction. */
  dispatched(payload: DispatchPayload): void {
    const now = this.deps.clock.now();
    this.deps.db
      .prepare('UPDATE shipments SET dispatched_at = ?, updated_at = ? WHERE session_id = ?')
      .run(now, now, payload.sessionId);
    this.deps.db
      .prepare(`UPDATE pack_sessions SET step = 'done', updated_at = ? WHERE id = ? AND step = 'printed'`)
      .run(now, payload.sessionId);
    appendAudit(this.deps.db, this.deps.clock, {
      actor: 'sync:odoo',
      action: 'pack.dispatched',
      subject: payload.pickingName,
      data: { trackingRef: payload.trackingRef },
    });
  }

  // ---- commands ----------------------------------------------------------------------------

  async command(command: BenchCommand, packer: Person): Promise<ScanOutcome> {
    const row = this.activeRow();
    const say = (tone: ScanOutcome['tone'], text: string): ScanOutcome => ({ kind: 'command', tone, text });
    if (!row) return say('warning', 'No order is open. Scan an order barcode first.');
    switch (command) {
      case 'CLOSE-ORDER':
      case 'NEW-PARCEL': {
        if (row.step !== 'weighing') return say('warning', `Not yet: ${this.nextAction()}.`);
        const reading = this.deps.scale()?.latest();
        if (!reading || reading.status === 'absent' || reading.status === 'disconnected') {
          return say('error', 'No scale reading. Check the scale cable, or ask the shift lead to enter the weight.');
        }
        if (!reading.stable || reading.status === 'motion') {
          return say('warning', 'The scale is still moving. Let the parcel settle, then scan again.');
        }
        return this.weighed(reading.grams ?? 0, actorOf(packer)) ?? say('warning', this.nextAction());
      }
      case 'PRINT': {
        const label = this.labelOf(this.shipmentIdOf(row.id));
        const job = label ? this.deps.journal.latestForLabel(label.id) : null;
        if (!job) return say('warning', row.step === 'labelling' ? 'The label is not ready yet.' : 'There is no label to print.');
        if (job.state === 'confirmed') return say('info', 'This label was printed already. Scan REPRINT for another copy.');
        // After an uncertain print, scanning PRINT is the packer's answer: no label came out.
        if (job.state === 'uncertain') this.deps.journal.answerUncertain(job.id, 'not_printed', actorOf(packer));
        return this.printJob(job.id);
      }
      case 'PRINTED': {
        const label = this.labelOf(this.shipmentIdOf(row.id));
        const job = label ? this.deps.journal.latestForLabel(label.id) : null;
        if (job?.state !== 'uncertain') return say('info', 'There is no label waiting for your answer.');
        const answered = this.deps.journal.answerUncertain(job.id, 'printed', actorOf(packer));
        return this.afterPrint({ ok: true, job: answered });
      }
      case 'REPRINT':
        return say('warning', `Why reprint? Scan ${REPRINT_REASONS.map((r) => r.command).join(', ')} from the command sheet.`);
      case 'REPRINT-DAMAGED':
      case 'REPRINT-JAMMED':
      case 'REPRINT-LOST': {
        const label = this.labelOf(this.shipmentIdOf(row.id));
        const uri = this.deps.printerUri();
        if (!label || !uri) return say('warning', 'There is no label to reprint.');
        const reason = REPRINT_REASONS.find((r) => r.command === command)!.reason;
        return this.afterPrint(await this.deps.journal.reprint(label.id, { reason, actor: actorOf(packer), printerUri: uri }));
      }
      case 'CANCEL': {
        if (row.step !== 'packing' && row.step !== 'weighing') {
          return say('warning', 'A label exists for this order: ask the shift lead to cancel it.');
        }
        const order = this.cache.get(row.order_id)!.order;
        inTransaction(this.deps.db, () => {
          const now = this.deps.clock.now();
          this.deps.db
            .prepare(`UPDATE pack_sessions SET step = 'cancelled', active = 0, updated_at = ? WHERE id = ?`)
            .run(now, row.id);
          appendAudit(this.deps.db, this.deps.clock, { actor: actorOf(packer), action: 'pack.cancelled', subject: String(row.id) });
          // Another bench may pack it now: the claim in Odoo is released when Odoo answers.
          enqueue(
            this.deps.db,
            this.deps.clock,
            releaseRow(order, { sessionId: row.id, bench: this.benchName(), packer: packer.name, at: now }),
          );
        });
        this.deps.scale()?.disarm();
        this.deps.kickSync();
        this.deps.changed();
        return say('info', 'Order put aside. Scan the next order.');
      }
      case 'LOGOUT':
        return say('info', '');
    }
  }

  /** The stored label of the open session, for the preview. */
  currentLabel(): { zpl: string; sha256: string } | null {
    const row = this.activeRow();
    if (!row) return null;
    const label = this.deps.db
      .prepare(
        `SELECT l.bytes, l.sha256, l.format FROM labels l JOIN parcels p ON p.id = l.parcel_id
         JOIN shipments s ON s.id = p.shipment_id WHERE s.session_id = ? ORDER BY l.id DESC LIMIT 1`,
      )
      .get(row.id) as { bytes: Buffer; sha256: string; format: string } | undefined;
    return label?.format === 'ZPL' ? { zpl: label.bytes.toString('utf8'), sha256: label.sha256 } : null;
  }

  // ---- helpers -----------------------------------------------------------------------------

  private benchName(): string {
    return this.deps.benchName?.() ?? hostname();
  }

  private shipmentIdOf(sessionId: number): number {
    const row = this.deps.db.prepare('SELECT id FROM shipments WHERE session_id = ?').get(sessionId) as { id: number } | undefined;
    return row?.id ?? -1;
  }

  private labelOf(shipmentId: number): { id: number } | null {
    return (this.deps.db
      .prepare('SELECT l.id FROM labels l JOIN parcels p ON p.id = l.parcel_id WHERE p.shipment_id = ? ORDER BY l.id DESC LIMIT 1')
      .get(shipmentId) as { id: number } | undefined) ?? null;
  }

  private setStep(sessionId: number, step: PackStep): void {
    this.deps.db.prepare('UPDATE pack_sessions SET step = ?, updated_at = ? WHERE id = ?').run(step, this.deps.clock.now(), sessionId);
  }

  /** After a restart: re-arm the scale if weighing; a print interrupted mid-send is uncertain. */
  resume(): void {
    const interrupted = this.deps.journal.markInterruptedUncertain();
    if (interrupted > 0) this.deps.changed();
    this.scaleReplaced();
  }

  /** Another scale took over (settings changed): it waits for the parcel if the order is being weighed. */
  scaleReplaced(): void {
    if (this.activeRow()?.step === 'weighing') this.deps.scale()?.arm();
  }
}

// What the pack screen shows, built from the stored session once per publish: the order with its
// packed counts and lots, the label, and the one next action. Reads only; no transition here.
import type { LabelView, OrderView, PackStep } from '../../../shared/api';
import type { Order } from '../../../shared/order';
import { ShipmentRequest } from '../../../shared/shipment';
import type { SessionRow } from '../store/pack-sessions';
import type { PackContext } from './context';
import { askForLot } from './lot-capture';
import { isParked, parkedText } from './parking';

export interface PackScreen {
  step: PackStep;
  nextAction: string;
  order: OrderView | null;
  label: LabelView | null;
}

function addressLines(order: Order): string[] {
  const p = order.shipTo;
  return [p.name, p.company, p.street1, p.street2, `${p.postalCode} ${p.city}`, p.country].filter(
    (line): line is string => Boolean(line),
  );
}

/** Step, next action, order and label of the session on screen, from one read of it. */
export function packScreen(ctx: PackContext): PackScreen {
  const row = ctx.sessions.active();
  const order = row ? orderView(ctx, row) : null;
  const label = row ? labelView(ctx, row) : null;
  return { step: stepOf(row), nextAction: nextAction(ctx, row, { order, label }), order, label };
}

export function stepOf(row: SessionRow | null): PackStep {
  return row && row.step !== 'cancelled' ? row.step : 'idle';
}

export function orderView(ctx: PackContext, row: SessionRow): OrderView {
  const cached = ctx.cache.get(row.order_id)!;
  const packed = ctx.sessions.packed(row.id);
  const lots = ctx.lots.ofSession(row.id);
  const box = ctx.packageTypeOf(row.id, cached.order);
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
      reserved: l.reservedLots ?? [],
    })),
    // Came from the local copy if it was fetched before this session opened.
    cachedAt: cached.fetchedAt < ctx.sessions.openedAt(row.id) - 1000 ? cached.fetchedAt : null,
    box: box ? { name: box.name, dimsMm: box.dimsMm, maxWeightG: box.maxWeightG } : null,
    parcels: parcelViews(ctx, row, cached.order),
  };
}

/** The parcels of an order packed in several: closed ones with weight and box, then the open one. */
function parcelViews(ctx: PackContext, row: SessionRow, order: Order): OrderView['parcels'] {
  const { closed, open } = ctx.parcelsOf(row.id);
  if (closed.length === 0) return [];
  const boxName = (typeId: number | null) => (typeId ? (ctx.packageTypes.byId(typeId, order.source)?.name ?? null) : null);
  const count = (units: ReadonlyMap<number, number>) => [...units.values()].reduce((n, u) => n + u, 0);
  const shipment = ctx.shipments.ofSession(row.id);
  const lastWeight = shipment ? (ShipmentRequest.parse(JSON.parse(shipment.request)).parcels.at(-1)?.weightG ?? null) : null;
  return [
    ...closed.map((p) => ({ seq: p.seq, weightG: p.weightG, box: boxName(p.packageTypeId), items: count(p.units), open: false })),
    // Once the order is weighed, the last parcel's weight is the shipment's.
    { seq: open.seq, weightG: lastWeight, box: boxName(open.packageTypeId), items: count(open.units), open: lastWeight === null },
  ];
}

export function labelView(ctx: PackContext, row: SessionRow): LabelView | null {
  const shipment = ctx.shipments.ofSession(row.id);
  if (!shipment) return null;
  const request = ShipmentRequest.parse(JSON.parse(shipment.request));
  const label = ctx.labels.latestOfShipment(shipment.id);
  const job = label ? ctx.deps.journal.latestForLabel(label.id) : null;
  const order = ctx.orderOf(row);
  return {
    trackingNumber: shipment.tracking_number,
    carrier: shipment.carrier,
    service: shipment.service,
    weightG: request.parcels.reduce((g, p) => g + p.weightG, 0),
    parcelCount: request.parcels.length,
    shipTo: addressLines(order),
    reference: order.name,
    status: shipment.status as LabelView['status'],
    printState: job?.state ?? null,
  };
}

/** The lot or serial the bench is waiting for in this session, with its line. */
export function lotQuestion(ctx: PackContext, row: SessionRow): { id: number; tracking: 'lot' | 'serial'; line: Order['lines'][number] } | null {
  const open = ctx.lots.open(row.id);
  if (!open) return null;
  const line = ctx.orderOf(row).lines.find((l) => l.moveId === open.moveId);
  return line ? { id: open.id, tracking: open.tracking, line } : null;
}

/** The one thing the packer does next. `built`: views already made for this publish. */
export function nextAction(
  ctx: PackContext,
  row: SessionRow | null = ctx.sessions.active(),
  built: { order?: OrderView | null; label?: LabelView | null } = {},
): string {
  switch (row?.step) {
    case undefined:
    case 'cancelled':
      return ctx.t('pack.next.scanOrder');
    case 'packing': {
      const asking = lotQuestion(ctx, row);
      if (asking) return askForLot(ctx.t, asking.line.name, asking.tracking);
      const view = built.order ?? orderView(ctx, row);
      const left = view.lines.reduce((n, l) => n + (l.quantity - l.packed), 0);
      return ctx.t('pack.next.scanItems', { left });
    }
    case 'weighing':
      return ctx.sessions.weightHold(row.id) ? ctx.t('pack.next.weightOff') : ctx.t('pack.next.putOnScale');
    case 'labelling': {
      if (isParked(ctx, row)) return parkedText(ctx, row);
      const printState = (built.label === undefined ? labelView(ctx, row) : built.label)?.printState;
      return printState === 'failed' || printState === 'uncertain' ? ctx.t('pack.next.checkPrinter') : ctx.t('pack.next.waitingForLabel');
    }
    case 'printed':
    case 'done':
      return ctx.t('pack.next.stickLabel');
  }
  return ctx.t('pack.next.scanOrder');
}

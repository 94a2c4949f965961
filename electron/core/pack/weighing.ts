// Weighing: a weight for the open parcel passes the variance gate (or is held for the shift lead),
// then the shipment, its parcel and the carrier's create-label row commit together.
import type { ExceptionView } from '../../../shared/api';
import { StationFault } from '../../../shared/errors';
import { ShipmentRequest } from '../../../shared/shipment';
import { appendAudit } from '../store/audit';
import { inTransaction } from '../store/db';
import type { SessionRow } from '../store/pack-sessions';
import { enqueue } from '../sync/outbox';
import type { PackContext, ScanOutcome } from './context';
import { createLabelRow } from './effects';
import { checkWeightVariance, heldFigures, heldMessage, heldTitle, kg, ruleForPackageType } from './weight-variance';

const MIN_WEIGHT_G = 20;

/**
 * A weight for the open parcel: captured by the scale while armed, or typed in with a shift
 * lead's approval (`manual`). It passes the variance gate or the parcel is held.
 */
export function weighed(ctx: PackContext, grams: number, actor = 'system', manual?: { reason: string }): ScanOutcome | null {
  const { deps } = ctx;
  const row = ctx.sessions.active();
  if (row?.step !== 'weighing') return null;
  if (!Number.isFinite(grams) || grams < (deps.minWeightG ?? MIN_WEIGHT_G)) {
    return { kind: 'command', tone: 'error', text: `${Math.round(grams)} g is too light for a parcel. Check the scale.` };
  }
  const order = ctx.orderOf(row);
  const weightG = Math.round(grams);
  // A scanned package type brings its own tare and weight limit.
  const box = ctx.packageTypeOf(row.id, order);
  const verdict = checkWeightVariance(order.lines, weightG, ruleForPackageType(deps.packing(), box));
  if (verdict.kind === 'outside' || verdict.kind === 'over_max') {
    inTransaction(deps.db, () => {
      const previous = ctx.sessions.weightHold(row.id);
      if (previous) deps.exceptions.resolve(previous.id, 'reweigh', actor, 'weighed again');
      deps.exceptions.raise({
        kind: 'weight_variance',
        orderRef: order.name,
        title: heldTitle(order.name, verdict, weightG),
        context: { sessionId: row.id, actualG: weightG, ...heldFigures(verdict), packageTypeId: box?.typeId ?? null, manual: manual ?? null },
        raisedBy: actor,
      });
      appendAudit(deps.db, deps.clock, {
        actor,
        action: 'pack.weight_held',
        subject: order.name,
        data: { actualG: weightG, ...heldFigures(verdict), packageTypeId: box?.typeId ?? null },
      });
    });
    deps.changed();
    return { kind: 'command', tone: 'error', text: heldMessage(verdict, weightG) };
  }
  return inTransaction(deps.db, () => {
    // A parcel reweighed within tolerance clears its earlier hold.
    const previous = ctx.sessions.weightHold(row.id);
    if (previous) deps.exceptions.resolve(previous.id, 'reweigh', actor, `reweighed at ${kg(weightG)}`);
    return ship(ctx, row, weightG, actor, { manual: manual ?? null, variance: verdict });
  });
}

/** A shift lead's decision on a held parcel; runs inside the resolve transaction. */
export function resolveHeldWeight(ctx: PackContext, exception: ExceptionView, resolution: string, by: { actor: string; note: string | null }): void {
  const { deps } = ctx;
  const row = ctx.sessions.byId(Number(exception.context.sessionId));
  if (resolution === 'reweigh') {
    if (row?.step === 'weighing' && row.id === ctx.sessions.active()?.id) deps.scale()?.arm();
    return;
  }
  if (!by.note || by.note.trim().length < 3) {
    throw new StationFault('reason_required', 'Give a reason for shipping a parcel outside its expected weight.');
  }
  if (!row || row.step !== 'weighing') {
    throw new StationFault('not_weighing', 'This parcel is no longer waiting for its weight.');
  }
  ship(ctx, row, Number(exception.context.actualG), by.actor, { override: { reason: by.note, exception: exception.id } });
  queueMicrotask(() => {
    deps.changed();
    deps.kickSync();
  });
}

/** Weight accepted: shipment, parcel and the carrier's outbox row commit together. */
function ship(ctx: PackContext, row: SessionRow, weightG: number, actor: string, audit: Record<string, unknown>): ScanOutcome {
  const { deps } = ctx;
  const order = ctx.orderOf(row);
  const idempotencyKey = `${order.source.url}|${order.source.db}|${order.pickingId}|session:${row.id}`;
  const service = deps.carriers.serviceFor(order);
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
    service: { carrier: service.carrier, serviceCode: service.serviceCode },
    shipper: order.shipFrom,
    recipient: order.shipTo,
    parcels: [
      {
        reference: order.name,
        weightG,
        // The scanned package type's outer size, when Odoo has all three dimensions.
        dimsMm: ctx.packageTypeOf(row.id, order)?.dimsMm ?? null,
        items: order.lines.map((l) => ({ sku: l.sku, description: l.name, qty: l.quantity })),
      },
    ],
  });
  inTransaction(deps.db, () => {
    const shipmentId = ctx.shipments.create(row.id, { carrier: service.carrierName, service: service.serviceName }, request, weightG);
    ctx.sessions.setStep(row.id, 'labelling');
    enqueue(deps.db, deps.clock, createLabelRow(order, { shipmentId, request }));
    appendAudit(deps.db, deps.clock, {
      actor,
      action: 'pack.weighed',
      subject: order.name,
      data: { weightG, shipmentId, ...audit },
    });
  });
  deps.changed();
  deps.kickSync();
  return { kind: 'command', tone: 'success', text: `${kg(weightG)} captured. Getting the label…` };
}

// Weighing: a weight for the open parcel passes the variance gate (or is held for the shift lead).
// With items still to pack (NEW-PARCEL), the parcel is closed with its weight and box and packing
// goes on; otherwise the shipment with every parcel and the carrier's create-label row commit together.
import type { ExceptionView } from '../../../shared/api';
import type { Order } from '../../../shared/order';
import { StationFault } from '../../../shared/errors';
import { customsDeclaration, needsCustoms, ShipmentRequest, type ParcelRequest } from '../../../shared/shipment';
import { appendAudit } from '../store/audit';
import { inTransaction } from '../store/db';
import type { SessionRow } from '../store/pack-sessions';
import { enqueue } from '../sync/outbox';
import type { PackContext, ScanOutcome } from './context';
import { createLabelRow } from './effects';
import { awaitLabel } from './parking';
import { nextAction } from './views';
import { checkWeightVariance, heldFigures, heldMessage, heldTitle, kg, ruleForPackageType } from './weight-variance';
import { crashPoint } from '../crash-points';

const MIN_WEIGHT_G = 20;

/**
 * A weight for the open parcel: captured by the scale while armed, or typed in with a shift
 * lead's approval (`manual`). It passes the variance gate or the parcel is held.
 */
export function weighed(ctx: PackContext, grams: number, actor = 'system', manual?: { reason: string }): ScanOutcome | null {
  const { deps, t } = ctx;
  const row = ctx.sessions.active();
  if (row?.step !== 'weighing') return null;
  if (!Number.isFinite(grams) || grams < (deps.minWeightG ?? MIN_WEIGHT_G)) {
    return { kind: 'command', tone: 'error', text: t('pack.weight.tooLight', { grams: Math.round(grams) }) };
  }
  const order = ctx.orderOf(row);
  const weightG = Math.round(grams);
  // A scanned package type brings its own tare and weight limit.
  const box = ctx.packageTypeOf(row.id, order);
  const verdict = checkWeightVariance(linesOfOpenParcel(ctx, row), weightG, ruleForPackageType(deps.packing(), box));
  if (verdict.kind === 'outside' || verdict.kind === 'over_max') {
    inTransaction(deps.db, () => {
      const previous = ctx.sessions.weightHold(row.id);
      if (previous) deps.exceptions.resolve(previous.id, 'reweigh', actor, 'weighed again');
      deps.exceptions.raise({
        kind: 'weight_variance',
        orderRef: order.name,
        title: heldTitle(t, order.name, verdict, weightG),
        context: {
          sessionId: row.id,
          parcel: ctx.parcelsOf(row.id).open.seq,
          actualG: weightG,
          ...heldFigures(verdict),
          packageTypeId: box?.typeId ?? null,
          manual: manual ?? null,
        },
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
    return { kind: 'command', tone: 'error', text: heldMessage(t, verdict, weightG) };
  }
  return inTransaction(deps.db, () => {
    // A parcel reweighed within tolerance clears its earlier hold (the resolution note stays English, as records do).
    const previous = ctx.sessions.weightHold(row.id);
    if (previous) deps.exceptions.resolve(previous.id, 'reweigh', actor, `reweighed at ${kg(weightG)}`);
    return accept(ctx, row, weightG, actor, { manual: manual ?? null, variance: verdict });
  });
}

/**
 * The order lines as far as the open parcel goes: for an order in one parcel the whole order (as
 * it always was), else the units packed in this parcel, so each parcel is checked on its own.
 */
function linesOfOpenParcel(ctx: PackContext, row: SessionRow): Order['lines'] {
  const order = ctx.orderOf(row);
  const { closed, open } = ctx.parcelsOf(row.id);
  if (closed.length === 0 && !itemsLeft(ctx, row)) return order.lines;
  return order.lines.flatMap((l) => {
    const units = open.units.get(l.moveId) ?? 0;
    return units > 0 ? [{ ...l, quantity: units }] : [];
  });
}

/** Units of the order still to pack (with item verification on; off, the order ships as it is). */
function itemsLeft(ctx: PackContext, row: SessionRow): boolean {
  if (!ctx.deps.packing().verifyItems) return false;
  const packed = ctx.sessions.packed(row.id);
  return ctx.orderOf(row).lines.some((l) => (packed.get(l.moveId) ?? 0) < l.quantity);
}

/** A weight passed (or was overridden): close this parcel if items are left, else ship every parcel. */
function accept(ctx: PackContext, row: SessionRow, weightG: number, actor: string, audit: Record<string, unknown>): ScanOutcome {
  return itemsLeft(ctx, row) ? closeParcel(ctx, row, weightG, actor, audit) : ship(ctx, row, weightG, actor, audit);
}

/** NEW-PARCEL's weight: the open parcel is closed with its weight, box and units; packing goes on. */
function closeParcel(ctx: PackContext, row: SessionRow, weightG: number, actor: string, audit: Record<string, unknown>): ScanOutcome {
  const { deps } = ctx;
  const order = ctx.orderOf(row);
  const { open } = ctx.parcelsOf(row.id);
  inTransaction(deps.db, () => {
    ctx.parcels.close(row.id, { seq: open.seq, weightG, packageTypeId: open.packageTypeId, units: open.units, lastLotId: ctx.parcels.lastLotId(row.id) }, deps.clock.now());
    // The next parcel's box is scanned for it (or the bench's tare applies).
    ctx.sessions.setPackageType(row.id, null);
    ctx.sessions.setStep(row.id, 'packing');
    appendAudit(deps.db, deps.clock, {
      actor,
      action: 'pack.parcel_closed',
      subject: order.name,
      data: { parcel: open.seq, weightG, packageTypeId: open.packageTypeId, units: Object.fromEntries(open.units), ...audit },
    });
  });
  deps.scale()?.disarm();
  deps.changed();
  return { kind: 'command', tone: 'success', text: ctx.t('pack.parcel.closed', { seq: open.seq, g: weightG, nextSeq: open.seq + 1, next: nextAction(ctx) }) };
}

/** A shift lead's decision on a held parcel; runs inside the resolve transaction. */
export function resolveHeldWeight(ctx: PackContext, exception: ExceptionView, resolution: string, by: { actor: string; note: string | null }): void {
  const { deps } = ctx;
  const row = ctx.sessions.byId(Number(exception.context.sessionId));
  if (resolution === 'reweigh') {
    if (row?.step === 'weighing' && row.id === ctx.sessions.active()?.id) {
      deps.scale()?.arm();
      // The old "weight is off" text leaves the message line: the packer is told what to do now.
      queueMicrotask(() =>
        deps.tell?.({ tone: 'info', text: ctx.t('pack.weight.weighAgain') }),
      );
    }
    return;
  }
  if (!by.note || by.note.trim().length < 3) {
    throw new StationFault('reason_required', ctx.t('pack.weight.reasonRequired'));
  }
  if (!row || row.step !== 'weighing') {
    throw new StationFault('not_weighing', ctx.t('pack.weight.notWaiting'));
  }
  accept(ctx, row, Number(exception.context.actualG), by.actor, { override: { reason: by.note, exception: exception.id } });
  queueMicrotask(() => {
    deps.changed();
    deps.kickSync();
  });
}

/**
 * The shipment as it will be asked for once the weight comes, with every field but the weight: for
 * the local carrier to draw while the parcel settles. Null when not weighing.
 */
export function labelDraft(ctx: PackContext): {
  idempotencyKey: string;
  shipper: Order['shipFrom'];
  recipient: Order['shipTo'];
  service: { carrier: string; serviceCode: string };
  parcels: { reference: string; weightG: number }[];
} | null {
  const row = ctx.sessions.active();
  if (row?.step !== 'weighing' || itemsLeft(ctx, row)) return null;
  const order = ctx.orderOf(row);
  const { closed } = ctx.parcelsOf(row.id);
  const count = closed.length + 1;
  const service = ctx.deps.carriers.serviceFor(order);
  // As ship() names them; the open parcel's weight is what is still to come (drawn as plain text).
  const parcels =
    closed.length === 0
      ? [{ reference: order.name, weightG: 0 }]
      : [...closed.map((p) => ({ reference: `${order.name} ${p.seq}/${count}`, weightG: p.weightG })), { reference: `${order.name} ${count}/${count}`, weightG: 0 }];
  return {
    idempotencyKey: idempotencyKeyOf(order, row.id),
    shipper: order.shipFrom,
    recipient: order.shipTo,
    service: { carrier: service.carrier, serviceCode: service.serviceCode },
    parcels,
  };
}

const idempotencyKeyOf = (order: Order, sessionId: number) => `${order.source.url}|${order.source.db}|${order.pickingId}|session:${sessionId}`;

/** Weight accepted: shipment, parcels and the carrier's outbox row commit together. */
function ship(ctx: PackContext, row: SessionRow, weightG: number, actor: string, audit: Record<string, unknown>): ScanOutcome {
  const { deps } = ctx;
  const order = ctx.orderOf(row);
  const { closed, open } = ctx.parcelsOf(row.id);
  // An order line as a parcel's item, with what customs needs of it (from the product in Odoo).
  const item = (l: Order['lines'][number], qty: number): ParcelRequest['items'][number] => ({
    sku: l.sku,
    description: l.name,
    qty,
    unitValue: l.unitValue ?? null,
    unitWeightG: l.unitWeightG,
    hsCode: l.hsCode ?? null,
    originCountry: l.originCountry ?? null,
  });
  const itemsOf = (units: ReadonlyMap<number, number>) =>
    order.lines.flatMap((l) => {
      const qty = units.get(l.moveId) ?? 0;
      return qty > 0 ? [item(l, qty)] : [];
    });
  // The box's outer size (when Odoo has all three dimensions) and its name.
  const boxOf = (typeId: number | null) => {
    const box = typeId ? ctx.packageTypes.byId(typeId, order.source) : null;
    return { dimsMm: box?.dimsMm ?? null, packageType: box ? { name: box.name, code: null } : null };
  };
  const count = closed.length + 1;
  // One parcel: the whole order, as always. Several: each closed parcel, then the one just weighed.
  const parcels =
    closed.length === 0
      ? [
          {
            reference: order.name,
            weightG,
            ...boxOf(ctx.packageTypeOf(row.id, order)?.typeId ?? null),
            items: order.lines.map((l) => item(l, l.quantity)),
          },
        ]
      : [
          ...closed.map((p) => ({ reference: `${order.name} ${p.seq}/${count}`, weightG: p.weightG, ...boxOf(p.packageTypeId), items: itemsOf(p.units) })),
          { reference: `${order.name} ${count}/${count}`, weightG, ...boxOf(open.packageTypeId), items: itemsOf(open.units) },
        ];
  const idempotencyKey = idempotencyKeyOf(order, row.id);
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
    parcels,
    // Across a customs border (the EU customs union counts as one), the parcels' items are declared.
    customs: needsCustoms(order.shipFrom.country, order.shipTo.country) ? customsDeclaration(parcels) : null,
    references: { picking: order.name, saleOrder: order.origin },
  });
  inTransaction(deps.db, () => {
    const shipmentId = ctx.shipments.create(
      row.id,
      { carrier: service.carrierName, service: service.serviceName },
      request,
      request.parcels.map((p) => p.weightG),
    );
    ctx.sessions.setStep(row.id, 'labelling');
    enqueue(deps.db, deps.clock, createLabelRow(order, { shipmentId, request }));
    appendAudit(deps.db, deps.clock, {
      actor,
      action: 'pack.weighed',
      subject: order.name,
      data: { weightG, shipmentId, ...(count > 1 ? { parcels: count } : {}), ...audit },
    });
    // The label is asked for first; the audit head file follows on the next turn.
  }, { auditHead: 'next-turn' });
  crashPoint('pack.weighed');
  // The label first: every caller publishes the screen after this (the scale's capture, a typed weight,
  // a lead's override), so it is not built twice while the label waits.
  deps.kickSync();
  awaitLabel(ctx, row.id);
  const what = count > 1 ? ctx.t('pack.weight.capturedParcels', { parcels: count, g: weightG }) : ctx.t('pack.weight.captured', { g: weightG });
  return { kind: 'command', tone: 'success', text: what };
}

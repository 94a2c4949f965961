// Giving up a bought label: the order was repacked (a new label is bought), cancelled in Odoo before
// it was dispatched, or sent back to the packer by the shift lead. The shipment is marked, its
// queued prints are withdrawn, and a void row goes to the provider's lane in the same transaction;
// the provider's answer comes back through labelVoided (or a refusal, as a dead row for the lead).
import type { ExceptionView } from '../../../shared/api';
import { z } from 'zod';
import type { VoidDone } from '../carriers/registry';
import { appendAudit } from '../store/audit';
import { inTransaction } from '../store/db';
import type { ShipmentRow } from '../store/shipments';
import { enqueue } from '../sync/outbox';
import type { PackContext } from './context';
import { voidLabelRow, type CreateLabelPayload, type VoidLabelPayload } from './effects';
import type { CreatedLabels } from '../carriers/registry';

/** What voidShipment did, with the words for the packer or the lead. */
export type VoidStarted =
  /** A void row went to the provider. */
  | { kind: 'requested'; text: string }
  /** Nothing to ask a provider (the local carrier's label): voided here and now. */
  | { kind: 'voided'; text: string }
  /** No label bought yet: one bought later is voided as it arrives. */
  | { kind: 'nothing_bought'; text: string }
  /** Asked before: nothing more to do. */
  | { kind: 'already'; text: string };

/**
 * Give up the labels of a shipment. `why` in plain words ("the order was repacked"); `actor` who
 * asked. Safe to call twice (the second says 'already'), and inside the caller's transaction (the
 * change that makes the label useless), which it joins. Returns null when there is no such shipment.
 */
export function voidShipment(ctx: PackContext, shipmentId: number, why: string, actor: string): VoidStarted | null {
  const { db, clock } = ctx.deps;
  const { t } = ctx;
  let started: VoidStarted | null = null;
  inTransaction(db, () => {
    const shipment = ctx.shipments.byId(shipmentId);
    if (!shipment) return;
    const order = ctx.orderOf(ctx.sessions.byId(shipment.session_id)!);
    const carrier = carrierCode(shipment);
    if (shipment.void_state !== null) {
      started = { kind: 'already', text: t('pack.void.already', { order: order.name }) };
      return;
    }
    ctx.shipments.voidRequested(shipment.id);
    // `why` is in plain English: it goes into the print journal, the audit record and the outbox row.
    const withdrawn = ctx.labels.withdrawQueuedPrints(shipment.id, `The label was voided: ${why}`);
    const trackingNumbers = ctx.shipments.trackingNumbers(shipment.id);
    const audit = (action: string, data: Record<string, unknown> = {}) =>
      appendAudit(db, clock, { actor, action, subject: order.name, data: { shipmentId: shipment.id, why, withdrawnPrints: withdrawn, ...data } });
    if (trackingNumbers.length === 0) {
      audit('label.void_requested', { bought: false });
      started = { kind: 'nothing_bought', text: t('pack.void.nothingBought', { order: order.name }) };
      return;
    }
    if (!ctx.deps.carriers.canVoid?.(carrier)) {
      // The local carrier's numbers are the bench's own: nothing to tell anyone.
      ctx.shipments.voided(shipment.id);
      audit('label.voided', { trackingNumbers });
      started = { kind: 'voided', text: t('pack.void.voided', { order: order.name }) };
      return;
    }
    if (!shipment.provider_ref) {
      // Bought before the bench kept the purchase's id: a person voids it.
      audit('label.void_requested', { trackingNumbers, providerRef: null });
      ctx.deps.exceptions.raise({
        kind: 'dead_letter',
        orderRef: order.name,
        title: t('pack.void.byHandTitle', { tracking: trackingNumbers.join(', '), order: order.name, carrier: shipment.carrier, why }),
        context: { shipmentId: shipment.id, trackingNumbers, void: true },
        raisedBy: actor,
      });
      started = { kind: 'requested', text: t('pack.void.byHand', { order: order.name, carrier: shipment.carrier }) };
      return;
    }
    enqueue(
      db,
      clock,
      voidLabelRow(order, { shipmentId: shipment.id, carrier, providerRef: shipment.provider_ref, pickingName: order.name, trackingNumbers, why }),
    );
    audit('label.void_requested', { trackingNumbers, providerRef: shipment.provider_ref });
    started = { kind: 'requested', text: t('pack.void.requested', { order: order.name, carrier: shipment.carrier }) };
  });
  if (started && (started as VoidStarted).kind === 'requested') ctx.deps.kickSync();
  return started;
}

/** The shipment of a pack session, voided (see voidShipment); null when the session has none. */
export function voidSession(ctx: PackContext, sessionId: number, why: string, actor: string): VoidStarted | null {
  const shipment = ctx.shipments.ofSession(sessionId);
  return shipment ? voidShipment(ctx, shipment.id, why, actor) : null;
}

/**
 * The provider voided it (runs in the sync worker's transaction). Returns what the packer and the
 * lead are told: "The label for X was voided with ShipEngine."
 */
export function labelVoided(ctx: PackContext, payload: VoidLabelPayload, done: VoidDone): string {
  const { db, clock } = ctx.deps;
  const shipment = ctx.shipments.byId(payload.shipmentId);
  if (shipment) ctx.shipments.voided(shipment.id);
  const provider = shipment?.carrier ?? payload.carrier;
  appendAudit(db, clock, {
    actor: `sync:carrier:${payload.carrier}`,
    action: 'label.voided',
    subject: payload.pickingName,
    data: { shipmentId: payload.shipmentId, providerRef: payload.providerRef, trackingNumbers: payload.trackingNumbers, pending: done.pending },
  });
  // done.message is the provider's own words, quoted as they came.
  return done.pending
    ? ctx.t('pack.void.pending', { order: payload.pickingName, provider, message: done.message })
    : ctx.t('pack.void.voidedWith', { order: payload.pickingName, provider });
}

/**
 * A label arrived for a shipment already given up (sent back or cancelled while the purchase was
 * on its way): keep what the provider needs, and void it at once instead of printing it.
 */
export function voidLateLabel(ctx: PackContext, shipment: ShipmentRow, payload: CreateLabelPayload, created: CreatedLabels): void {
  if (created.providerRef) ctx.shipments.setProviderRef(shipment.id, created.providerRef);
  created.parcels.forEach((parcel, i) => ctx.shipments.labelled(shipment.id, i + 1, parcel.trackingNumber));
  const order = ctx.orderOf(ctx.sessions.byId(shipment.session_id)!);
  const trackingNumbers = created.parcels.map((p) => p.trackingNumber);
  const why = 'the label came after its order was given up';
  if (created.providerRef && ctx.deps.carriers.canVoid?.(payload.request.service.carrier)) {
    enqueue(
      ctx.deps.db,
      ctx.deps.clock,
      voidLabelRow(order, { shipmentId: shipment.id, carrier: payload.request.service.carrier, providerRef: created.providerRef, pickingName: order.name, trackingNumbers, why }),
    );
    ctx.deps.kickSync();
  } else ctx.shipments.voided(shipment.id);
  appendAudit(ctx.deps.db, ctx.deps.clock, {
    actor: 'system',
    action: 'label.void_requested',
    subject: order.name,
    data: { shipmentId: shipment.id, why, trackingNumbers, providerRef: created.providerRef ?? null },
  });
}

/**
 * Odoo refused a dispatch because the picking was cancelled (or deleted) there after its label was
 * bought: the label is voided in the same transaction as the conflict is raised, and the lead reads
 * so in it. Returns the words added to the exception's title, or null.
 */
export function voidOnCancelled(ctx: PackContext, input: ExceptionView): string | null {
  if (input.context.change !== 'cancelled' && input.context.change !== 'deleted') return null;
  const sessionId = sessionOf(input.context.payload);
  if (sessionId === null) return null;
  const started = voidSession(ctx, sessionId, `the order was ${input.context.change} in Odoo`, 'system');
  return started && started.kind !== 'already' ? started.text : null;
}

/** The lead's repack of a refused dispatch: the label bought for the old packing is voided (runs in the resolve transaction). */
export function voidOnRepack(ctx: PackContext, exception: ExceptionView, actor: string): VoidStarted | null {
  const sessionId = sessionOf(exception.context.payload);
  return sessionId === null ? null : voidSession(ctx, sessionId, 'the order was repacked', actor);
}

/** What PRINT or REPRINT says for a session whose label was given up, or null when it was not. */
export function voidedLabelNotice(ctx: PackContext, sessionId: number): string | null {
  const shipment = ctx.shipments.ofSession(sessionId);
  if (!shipment?.void_state) return null;
  const name = ctx.orderOf(ctx.sessions.byId(sessionId)!).name;
  return ctx.t('pack.void.notice', { order: name });
}

function sessionOf(payload: unknown): number | null {
  const id = typeof payload === 'object' && payload !== null ? (payload as { sessionId?: unknown }).sessionId : undefined;
  return typeof id === 'number' ? id : null;
}

/** The provider's code (its outbox target), from the request the shipment was bought with. */
function carrierCode(shipment: ShipmentRow): string {
  return RequestCarrier.parse(JSON.parse(shipment.request)).service.carrier;
}

const RequestCarrier = z.object({ service: z.object({ carrier: z.string().min(1) }) });

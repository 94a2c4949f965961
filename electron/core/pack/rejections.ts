// A shipment the carrier refused (a carrier_rejection raised by the sync worker for the dead
// create-label row): its order is parked at once, parcel on the shelf, and the shift lead fixes it
// while the packer packs the next orders. The lead's choices, beside the worker's retry / discard:
//   fix_address     the recipient corrected (checked as the screen checks it), noted in Odoo's chatter
//   change_service  another provider or service of the bench
//   send_back       the order is packed again from the start
// A fix changes the shipment's request and the dead row's payload, and requeues the row, in the
// resolve transaction; the label then prints with "put it on the parcel on the shelf" (parking.ts).
import { z } from 'zod';
import type { ExceptionView } from '../../../shared/api';
import { checkAddress, labelOf, PARTY_FIELDS, type PartyField } from '../../../shared/address-check';
import { StationFault } from '../../../shared/errors';
import type { Party } from '../../../shared/order';
import { ShipmentRequest } from '../../../shared/shipment';
import { appendAudit } from '../store/audit';
import type { ShipmentRow } from '../store/shipments';
import { discardDead, enqueue, requeueDead, reviseDead } from '../sync/outbox';
import { voidShipment } from './voiding';
import type { PackContext } from './context';
import { addressNoteRow, carrierTarget, CreateLabelPayload } from './effects';

export const FIX_ADDRESS = 'fix_address';
export const CHANGE_SERVICE = 'change_service';
export const SEND_BACK = 'send_back';
/** Drop the refused label request: the order ends here (sent back to be packed again if it still has to go). */
export const DROP = 'discard';

/** What a fix carries beyond its name (the fixRejectedShipment command fills it in). */
const FixInput = z.object({
  recipient: z.record(z.string(), z.string().nullable()).optional(),
  service: z.object({ provider: z.string().min(1), service: z.string().min(1) }).optional(),
  /** The approving lead's name, for the note in Odoo. */
  lead: z.string().min(1).optional(),
});

/** Register the lead's choices for a refusal, and the parking of its order the moment it is refused. */
export function offerRejectionFixes(ctx: PackContext): void {
  const { exceptions } = ctx.deps;
  exceptions.onRaised('carrier_rejection', (exception) => refused(ctx, exception));
  exceptions.onResolve('carrier_rejection', [FIX_ADDRESS, CHANGE_SERVICE, SEND_BACK, DROP], (exception, resolution, by) =>
    resolveRejection(ctx, exception, resolution, by),
  );
  // An order waiting on the shelf for a label that does not come (a provider down for hours): the
  // lead may give up waiting and send it back; a label bought later is voided, never printed.
  // There is no "done": the exception settles itself when the label prints.
  exceptions.onResolve('awaiting_label', [SEND_BACK], (exception, _resolution, by) => giveUpWaiting(ctx, exception, by));
}

function giveUpWaiting(ctx: PackContext, exception: ExceptionView, by: { actor: string; note: string | null }): void {
  const id = exception.context.shipmentId;
  const shipment = typeof id === 'number' ? ctx.shipments.byId(id) : null;
  if (shipment?.status !== 'awaiting_label') {
    throw new StationFault('not_fixable', exception.orderRef ? ctx.t('pack.fix.notWaiting', { order: exception.orderRef }) : ctx.t('pack.fix.thisNotWaiting'));
  }
  sendBack(ctx, exception, shipment, by);
  setImmediate(() => {
    ctx.deps.kickSync();
    ctx.deps.changed();
  });
}

/** The refused shipment's row, if it is a create-label row of a shipment the bench still has. */
function refusedShipment(ctx: PackContext, exception: ExceptionView): { payload: CreateLabelPayload; shipment: ShipmentRow } | null {
  const parsed = CreateLabelPayload.safeParse(exception.context.payload);
  if (!parsed.success) return null;
  const shipment = ctx.shipments.byId(parsed.data.shipmentId);
  return shipment ? { payload: parsed.data, shipment } : null;
}

/**
 * Inside the worker's transaction that raised the refusal: the order is on the shelf now (parking
 * reads its refusals), so an earlier "waiting for its label" is settled; the refusal says the rest.
 */
function refused(ctx: PackContext, exception: ExceptionView): void {
  const found = refusedShipment(ctx, exception);
  if (!found) return;
  const sessionId = found.shipment.session_id;
  const parked = ctx.sessions.parked(sessionId);
  // A settle note is a record: it stays English.
  if (parked) ctx.deps.exceptions.settle(parked.id, 'refused', 'system', 'The carrier refused the label; the shift lead fixes it.');
  appendAudit(ctx.deps.db, ctx.deps.clock, {
    actor: 'system',
    action: 'pack.parked',
    subject: exception.orderRef,
    data: { session: sessionId, shipmentId: found.shipment.id, carrier: found.shipment.carrier, why: 'refused', exceptionId: exception.id },
  });
}

/** Runs inside the resolve transaction (with the lead's approval spent in it). */
function resolveRejection(ctx: PackContext, exception: ExceptionView, resolution: string, by: { actor: string; note: string | null; input?: unknown }): void {
  const found = refusedShipment(ctx, exception);
  const waiting = found?.shipment.status === 'awaiting_label';
  if (resolution === DROP) {
    // With its order still on the shelf, dropping the request ends the order as sending it back does.
    if (waiting) sendBack(ctx, exception, found.shipment, by);
    else if (typeof exception.context.outboxId === 'number') discardDead(ctx.deps.db, ctx.deps.clock, exception.context.outboxId, by.actor, { exceptionId: exception.id });
    setImmediate(() => ctx.deps.changed());
    return;
  }
  if (!found || !waiting) {
    throw new StationFault('not_fixable', exception.orderRef ? ctx.t('pack.fix.noShipment', { order: exception.orderRef }) : ctx.t('pack.fix.thisNoShipment'));
  }
  if (resolution === SEND_BACK) sendBack(ctx, exception, found.shipment, by);
  else fix(ctx, exception, resolution, found.shipment, by);
  // After the resolve commits: the worker picks the row up, the screens show the change.
  setImmediate(() => {
    ctx.deps.kickSync();
    ctx.deps.changed();
  });
}

function fix(ctx: PackContext, exception: ExceptionView, resolution: string, shipment: ShipmentRow, by: { actor: string; note: string | null; input?: unknown }): void {
  const { db, clock } = ctx.deps;
  const { t } = ctx;
  const input = FixInput.safeParse(by.input ?? {});
  if (!input.success) throw new StationFault('bad_request', t('pack.fix.unreadable'));
  const { recipient, service: choice, lead } = input.data;
  if (resolution === FIX_ADDRESS && !recipient) throw new StationFault('bad_request', t('pack.fix.addressFirst'));
  if (resolution === CHANGE_SERVICE && !choice) throw new StationFault('bad_request', t('pack.fix.chooseService'));
  const outboxId = exception.context.outboxId;
  if (typeof outboxId !== 'number') throw new StationFault('not_fixable', t('pack.fix.noRequest'));

  let request = ShipmentRequest.parse(JSON.parse(shipment.request));
  const order = ctx.orderOf(ctx.sessions.byId(shipment.session_id)!);
  let changes: { field: string; before: string | null; after: string | null }[] = [];
  if (recipient) {
    const checked = checkAddress(recipient, t);
    if (!checked.ok) {
      const first = Object.entries(checked.errors)[0]!;
      // The field's name and fault come from shared/address-check, which the screen words too.
      throw new StationFault('invalid_address', t('pack.fix.addressNotRight', { field: labelOf(first[0] as PartyField, t), fault: first[1] }), { fields: checked.errors });
    }
    changes = changedFields(request.recipient, checked.party);
    if (changes.length === 0 && !choice) {
      throw new StationFault('unchanged', t('pack.fix.unchanged'));
    }
    request = { ...request, recipient: checked.party };
  }
  let names = { carrier: shipment.carrier, service: shipment.service };
  let target: string | undefined;
  if (choice) {
    const service = ctx.deps.carriers.serviceOf?.(choice);
    if (!service) throw new StationFault('unknown_service', t('pack.fix.unknownCarrier', { provider: choice.provider }));
    request = { ...request, service: { carrier: service.carrier, serviceCode: service.serviceCode } };
    names = { carrier: service.carrierName, service: service.serviceName };
    target = carrierTarget(service.carrier);
  }
  request = ShipmentRequest.parse(request);
  // What the (new) service would refuse is said now, at the form, not after another round trip.
  const problems = ctx.deps.carriers.problemsOf?.(request, t) ?? [];
  if (problems.length > 0) {
    const fields = Object.fromEntries(
      problems.flatMap((p) => {
        const field = /^recipient\.(\w+)$/.exec(p.field)?.[1];
        return field ? [[field, p.message]] : [];
      }),
    );
    throw new StationFault('invalid_address', t('pack.fix.wouldBeRefused', { carrier: names.carrier, problems: problems.map((p) => p.message).join('. ') }), { fields });
  }

  ctx.shipments.revise(shipment.id, names, request);
  const payload = CreateLabelPayload.parse({ shipmentId: shipment.id, request });
  if (!reviseDead(db, clock, outboxId, { payload, ...(target ? { target } : {}) })) {
    throw new StationFault('not_fixable', t('pack.fix.notWaitingForFix', { order: order.name }));
  }
  requeueDead(db, clock, outboxId, by.actor, { exceptionId: exception.id, resolution });
  if (changes.length > 0) {
    enqueue(
      db,
      clock,
      addressNoteRow(order, {
        lead: lead ?? by.actor,
        bench: ctx.benchName(),
        changes,
        marker: `bench ref ${shipment.id}-${exception.id}`,
        at: clock.now(),
      }),
    );
  }
  appendAudit(db, clock, {
    actor: by.actor,
    action: 'shipment.fixed',
    subject: order.name,
    data: {
      exceptionId: exception.id,
      shipmentId: shipment.id,
      resolution,
      changes,
      ...(choice ? { service: choice, before: { carrier: shipment.carrier, service: shipment.service } } : {}),
      note: by.note,
    },
  });
}

/** The recipient's fields the lead changed, named as people name them, before → after. */
function changedFields(before: Party, after: Party): { field: string; before: string | null; after: string | null }[] {
  return PARTY_FIELDS.filter(({ field }) => (before[field] ?? null) !== (after[field] ?? null)).map(({ field }) => ({
    field: labelOf(field).toLowerCase().replace(' (2 letters)', ''),
    before: before[field] ?? null,
    after: after[field] ?? null,
  }));
}

/** The order goes back to the packer: no label (one bought is voided), no shipment, its session ended; scanned again, it is packed from the start. */
function sendBack(ctx: PackContext, exception: ExceptionView, shipment: ShipmentRow, by: { actor: string; note: string | null }): void {
  const { db, clock } = ctx.deps;
  const outboxId = exception.context.outboxId;
  if (typeof outboxId === 'number') discardDead(db, clock, outboxId, by.actor, { exceptionId: exception.id, sentBack: true });
  // A refusal means no label was bought; were one bought for this shipment (or on its way), it is
  // voided through its provider in this transaction, never printed.
  voidShipment(ctx, shipment.id, 'the order was sent back to the packer', by.actor);
  const sessionId = shipment.session_id;
  // Its "waiting for its label" item, unless that is the one being resolved.
  const parked = ctx.sessions.parked(sessionId);
  if (parked && parked.id !== exception.id) ctx.deps.exceptions.settle(parked.id, 'sent_back', by.actor, 'Sent back to the packer with the refusal.');
  ctx.sessions.cancel(sessionId);
  ctx.shipments.cancelOfSession(sessionId);
  appendAudit(db, clock, {
    actor: by.actor,
    action: 'pack.sent_back',
    subject: exception.orderRef,
    data: { exceptionId: exception.id, session: sessionId, shipmentId: shipment.id, outboxId: typeof outboxId === 'number' ? outboxId : null, note: by.note },
  });
}

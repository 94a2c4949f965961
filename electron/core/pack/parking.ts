// A label the carrier has not given yet never stops packing. When it does not come within a short
// wait, or at once when the carrier's outbox target is already failing, the order is parked: its
// parcel goes on the shelf, the lead's queue gets an awaiting_label exception, and the bench may
// open the next order. The label still comes through the outbox (labelling.ts stores and queues it);
// its print settles the exception and tells the packer which parcel on the shelf it is for.
import { ShipmentRequest } from '../../../shared/shipment';
import { appendAudit } from '../store/audit';
import { inTransaction } from '../store/db';
import type { SessionRow } from '../store/pack-sessions';
import type { PackContext } from './context';

/**
 * How long the packer waits for a label before the order is parked. The local carrier and a
 * provider that answers give it well within this; longer and the packer stands idle at the bench.
 * Deliberately not a setting: nobody should have to tune how long a bench may be stuck.
 */
export const PARK_AFTER_MS = 3000;

/** A session waiting for its label with its parcel on the shelf. */
export function isParked(ctx: PackContext, row: SessionRow): boolean {
  return row.step === 'labelling' && ctx.sessions.parked(row.id) !== null;
}

/** What the packer is told about a parked order: which carrier it waits for. */
export function parkedText(ctx: PackContext, row: SessionRow): string {
  const carrier = ctx.shipments.ofSession(row.id)?.carrier ?? 'the carrier';
  return `${ctx.orderOf(row).name} is waiting for its label from ${carrier}: put the parcel on the shelf and scan the next order`;
}

/**
 * The shipment of the session was just committed with its create-label row: park it now if its
 * carrier is known to be failing, else if the label has not come after {@link PARK_AFTER_MS}.
 */
export function awaitLabel(ctx: PackContext, sessionId: number): void {
  const shipment = ctx.shipments.ofSession(sessionId);
  if (!shipment) return;
  const carrier = ShipmentRequest.parse(JSON.parse(shipment.request)).service.carrier;
  const status = ctx.deps.carrierStatus?.(carrier) ?? 'ok';
  if (status !== 'ok') park(ctx, sessionId, status);
  else ctx.after(PARK_AFTER_MS, () => park(ctx, sessionId, 'slow'));
}

/** Park the session if it is still waiting for its label (one transaction: exception + audit). */
export function park(ctx: PackContext, sessionId: number, why: 'slow' | 'retrying' | 'stopped'): void {
  const { deps } = ctx;
  const row = ctx.sessions.byId(sessionId);
  const shipment = ctx.shipments.ofSession(sessionId);
  if (row?.step !== 'labelling' || shipment?.status !== 'awaiting_label' || ctx.sessions.parked(sessionId)) return;
  const name = ctx.orderOf(row).name;
  inTransaction(deps.db, () => {
    deps.exceptions.raise({
      kind: 'awaiting_label',
      orderRef: name,
      title: `${name} is waiting for its label from ${shipment.carrier}; its parcel is on the shelf. The label prints by itself when ${shipment.carrier} answers.`,
      context: { sessionId, shipmentId: shipment.id, carrier: shipment.carrier, why },
      dedupeKey: `awaiting_label:${sessionId}`,
    });
    appendAudit(deps.db, deps.clock, {
      actor: 'system',
      action: 'pack.parked',
      subject: name,
      data: { session: sessionId, shipmentId: shipment.id, carrier: shipment.carrier, why },
    });
  });
  deps.changed();
}

/** The parked session's label printed (inside afterPrint's transaction): its exception is settled. Returns whether it was parked. */
export function unparkPrinted(ctx: PackContext, sessionId: number, jobId: number): boolean {
  const parked = ctx.sessions.parked(sessionId);
  if (!parked) return false;
  ctx.deps.exceptions.settle(parked.id, 'printed', 'system', `The label printed (print job ${jobId}).`);
  return true;
}

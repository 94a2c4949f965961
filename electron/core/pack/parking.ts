// A label the carrier has not given yet never stops packing. When it does not come within a short
// wait, or at once when the carrier's outbox target is already failing, the order is parked: its
// parcel goes on the shelf, the lead's queue gets an awaiting_label exception, and the bench may
// open the next order. The label still comes through the outbox (labelling.ts stores and queues it);
// its print settles the exception and tells the packer which parcel on the shelf it is for.
// A label the carrier refused parks its order at once too, until the shift lead's fix gets the
// label (rejections.ts): such a session stays on the shelf until its label prints.
import { faultInWords, recipientFieldOf } from '../../../shared/address-check';
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
  return row.step === 'labelling' && (ctx.sessions.parked(row.id) !== null || ctx.sessions.rejections(row.id).length > 0);
}

/** What the packer is told about a parked order: which carrier it waits for, or that the lead fixes a refusal. */
export function parkedText(ctx: PackContext, row: SessionRow): string {
  const { t } = ctx;
  const carrier = ctx.shipments.ofSession(row.id)?.carrier ?? t('pack.parked.theCarrier');
  const name = ctx.orderOf(row).name;
  const open = ctx.sessions.rejections(row.id).find((r) => r.state === 'open');
  const refusal = open ? ctx.deps.exceptions.get(open.id) : null;
  if (refusal) {
    const { field, reason, checkedBy } = refusal.context;
    const fault = faultInWords(t, recipientFieldOf(typeof field === 'string' ? field : null), typeof reason === 'string' ? reason : 'unknown');
    // Found by the bench's own checks, the carrier was never asked: say so, it is not the carrier's word.
    const params = { carrier, order: name, fault };
    return checkedBy === 'bench' ? t('pack.parked.wouldRefuse', params) : t('pack.parked.refused', params);
  }
  return t('pack.parked.waiting', { order: name, carrier });
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
  // A refused one is on the shelf already, waiting for the lead's fix rather than the carrier.
  if (row?.step !== 'labelling' || shipment?.status !== 'awaiting_label' || isParked(ctx, row)) return;
  const name = ctx.orderOf(row).name;
  inTransaction(deps.db, () => {
    deps.exceptions.raise({
      kind: 'awaiting_label',
      orderRef: name,
      title: ctx.t('pack.parked.title', { order: name, carrier: shipment.carrier }),
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
  if (parked) ctx.deps.exceptions.settle(parked.id, 'printed', 'system', `The label printed (print job ${jobId}).`);
  return parked !== null || (ctx.sessions.rejections(sessionId).length > 0 && firstPrintOfLabel(ctx, jobId));
}

/** Whether print job `jobId` is the first of its label to come out (a reprint later is not news of the shelf). */
function firstPrintOfLabel(ctx: PackContext, jobId: number): boolean {
  const job = ctx.deps.journal.get(jobId);
  if (!job) return false;
  return !ctx.deps.journal.historyForLabel(job.labelId).some((j) => j.id !== jobId && j.state === 'confirmed');
}

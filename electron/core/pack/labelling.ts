// After the weight: the carrier's label is stored and queued for print with the Odoo dispatch (in
// the sync worker's transaction), a print outcome moves the session on, and Odoo's answer ends it.
import { basename } from 'node:path';
import type { ExceptionView } from '../../../shared/api';
import type { Order } from '../../../shared/order';
import type { ShipmentRequest } from '../../../shared/shipment';
import type { CreatedLabels } from '../carriers/registry';
import type { PrintOutcome } from '../devices/printer/print-journal';
import { lastResortHref } from '../host/files';
import { appendAudit } from '../store/audit';
import { inTransaction } from '../store/db';
import { discardDead, enqueue } from '../sync/outbox';
import type { PackContext, ScanOutcome } from './context';
import { unparkPrinted } from './parking';
import { dispatchPayload, dispatchRow, type CreateLabelPayload, type DispatchFacts, type DispatchParcel, type DispatchPayload } from './effects';
import { voidLateLabel } from './voiding';

/**
 * The carrier made the shipment's labels: store them (one per parcel), queue their print and the
 * Odoo dispatch. Runs inside the sync worker's transaction that marks the carrier row done.
 */
export function labelIssued(ctx: PackContext, payload: CreateLabelPayload, created: CreatedLabels): void {
  const { deps } = ctx;
  const shipment = ctx.shipments.byId(payload.shipmentId);
  if (!shipment) return;
  // Given up while the purchase was on its way (sent back, cancelled): voided, never printed.
  if (shipment.void_state !== null) return voidLateLabel(ctx, shipment, payload, created);
  if (shipment.status !== 'awaiting_label') return;
  const order = ctx.orderOf(ctx.sessions.byId(shipment.session_id)!);
  const printerUri = deps.printerUri();
  // What a void of this purchase needs later.
  if (created.providerRef) ctx.shipments.setProviderRef(shipment.id, created.providerRef);
  const stored = created.parcels.map((parcel, i) => {
    const parcelId = ctx.shipments.labelled(shipment.id, i + 1, parcel.trackingNumber);
    const label = ctx.labels.store(parcelId, parcel.label.format, parcel.label.bytes);
    if (printerUri) deps.journal.queue(label.id, printerUri, 'first print', 'system');
    return { ...parcel, labelId: label.id, sha256: label.sha256 };
  });
  const first = stored[0]!;
  const trackingNumber = first.trackingNumber;
  // Every parcel's label is attached in Odoo, unless Odoo's carrier connector made them there.
  const labels = created.validatedInOdoo
    ? []
    : stored.map((p) => ({ labelId: p.labelId, trackingRef: p.trackingNumber, format: p.label.format, bytes: p.label.bytes }));
  const facts = dispatchFacts(ctx, shipment.session_id, order, payload.request, stored.map((p) => p.trackingNumber), labels);
  enqueue(deps.db, deps.clock, dispatchRow(order, created.validatedInOdoo ? { ...facts, labelledBy: 'odoo_connector' } : facts));
  appendAudit(deps.db, deps.clock, {
    actor: 'system',
    action: 'label.stored',
    subject: order.name,
    data: { trackingNumber, shipmentId: shipment.id, sha256: first.sha256 },
  });
  if (!printerUri) {
    deps.exceptions.raise({
      kind: 'print_failure',
      orderRef: order.name,
      title: ctx.t('pack.label.noPrinter', { order: order.name }),
      context: { trackingNumber },
    });
  }
}

/** What Odoo is told of a session's shipment: `refs` per parcel (tracking numbers, or package names before there are any). */
function dispatchFacts(ctx: PackContext, sessionId: number, order: Order, request: ShipmentRequest, refs: string[], labels: DispatchFacts['labels']): DispatchFacts {
  const weights = request.parcels.map((p) => p.weightG);
  return {
    sessionId,
    shipmentKey: request.idempotencyKey,
    trackingRef: refs[0]!,
    weightG: weights.reduce((sum, g) => sum + g, 0),
    packed: ctx.sessions.packed(sessionId),
    lots: ctx.lots.ofSession(sessionId),
    bench: ctx.benchName(),
    openedAt: ctx.sessions.openedAt(sessionId),
    carrier: request.service.carrier,
    labels,
    packageTypeId: ctx.packageTypeOf(sessionId, order)?.typeId,
    parcels: refs.length > 1 ? dispatchParcels(ctx, sessionId, refs.map((ref, i) => ({ trackingRef: ref, weightG: weights[i]! }))) : undefined,
  };
}

/**
 * For a label Odoo's carrier connector makes on validation (carriers/odoo): what the picking is
 * written with before it is validated, each parcel's package named `packageNames[i]`. Null when
 * the shipment is no longer waiting for its label (repacked, cancelled).
 */
export function connectorDraft(ctx: PackContext, shipmentId: number, request: ShipmentRequest, packageNames: string[]): DispatchPayload | null {
  const shipment = ctx.shipments.byId(shipmentId);
  if (!shipment || shipment.status !== 'awaiting_label') return null;
  const order = ctx.orderOf(ctx.sessions.byId(shipment.session_id)!);
  return dispatchPayload(order, dispatchFacts(ctx, shipment.session_id, order, request, packageNames, []));
}

/** Each parcel of a multi-parcel session for the dispatch: its tracking ref, weight, box, units and lots. */
function dispatchParcels(ctx: PackContext, sessionId: number, labelled: { trackingRef: string; weightG: number }[]): DispatchParcel[] {
  const { closed, open } = ctx.parcelsOf(sessionId);
  const all = [...closed, { ...open, lastLotId: Number.MAX_SAFE_INTEGER }];
  return all.map((p, i) => {
    const lots = ctx.lots.ofParcel(sessionId, i === 0 ? 0 : all[i - 1]!.lastLotId, p.lastLotId);
    return {
      trackingRef: labelled[i]!.trackingRef,
      weightG: labelled[i]!.weightG,
      ...(p.packageTypeId ? { packageTypeId: p.packageTypeId } : {}),
      lines: [...p.units].map(([moveId, quantity]) => {
        const scanned = lots.get(moveId);
        return { moveId, quantity, ...(scanned && scanned.length > 0 ? { lots: scanned } : {}) };
      }),
    };
  });
}

/**
 * Move the session on after a print attempt, or raise the failure for the packer and the lead.
 * The print scheduler calls it for the labels it prints; PRINT and REPRINT for theirs.
 */
export function afterPrint(ctx: PackContext, outcome: PrintOutcome): ScanOutcome {
  const { deps, t } = ctx;
  const jobId = outcome.job.id;
  const info = ctx.labels.owner(outcome.job.labelId);
  if (outcome.ok) {
    let wasParked = false;
    inTransaction(deps.db, () => {
      // Done needs both the printed label and Odoo's answer; either may come first.
      const dispatched = ctx.shipments.printed(info.shipment_id);
      ctx.sessions.advance(info.session_id, 'labelling', dispatched ? 'done' : 'printed');
      appendAudit(deps.db, deps.clock, {
        actor: 'system',
        action: 'label.printed',
        subject: info.name,
        data: { job: jobId, reason: outcome.job.reason },
      });
      // The label is out: its print failures (any job of it, e.g. before a fallback took over) are settled.
      for (const open of ctx.labels.openPrintFailures(outcome.job.labelId)) {
        deps.exceptions.settle(open.id, 'printed', 'system', `The label printed (print job ${jobId}).`);
      }
      wasParked = unparkPrinted(ctx, info.session_id, jobId);
    });
    deps.changed();
    // Its parcel waits on the shelf, maybe while another order is packed: say which parcel it is for.
    if (wasParked) return { kind: 'command', tone: 'success', text: t('pack.label.forShelf', { order: info.name }) };
    const notice = 'notice' in outcome && outcome.notice ? ` ${outcome.notice}` : '';
    return { kind: 'command', tone: notice ? 'warning' : 'success', text: t('pack.label.printed', { order: info.name, notice }) };
  }
  inTransaction(deps.db, () => {
    deps.exceptions.raise({
      kind: 'print_failure',
      orderRef: info.name,
      title: t('pack.label.failedTitle', { order: info.name, why: outcome.message }),
      context: { job: jobId, labelId: outcome.job.labelId, state: outcome.job.state, error: outcome.job.error },
      dedupeKey: `print:${jobId}`,
    });
  });
  deps.changed();
  if (outcome.job.state === 'uncertain') {
    return {
      kind: 'command',
      tone: 'error',
      text: t('pack.label.uncertain', { order: info.name }),
    };
  }
  // The printer's own words often end "…, then scan PRINT." ("…, dann PRINT scannen.") already: say it once.
  const fix = /scan PRINT\b|PRINT scannen/.test(outcome.message) ? '' : t('pack.label.fixThenPrint');
  const href = outcome.savedPath ? lastResortHref(basename(outcome.savedPath)) : null;
  return {
    kind: 'command',
    tone: 'error',
    text: t('pack.label.failed', { order: info.name, why: outcome.message, fix }),
    ...(href ? { link: { href, text: t('pack.label.openPdf') } } : {}),
  };
}

/** Odoo has the tracking ref, quantities and weight; with the label printed, the order is done. Runs in the worker's transaction. */
export function dispatched(ctx: PackContext, payload: DispatchPayload): void {
  const { deps } = ctx;
  ctx.shipments.dispatched(payload.sessionId);
  ctx.sessions.advance(payload.sessionId, 'printed', 'done');
  appendAudit(deps.db, deps.clock, {
    actor: 'sync:odoo',
    action: 'pack.dispatched',
    subject: payload.pickingName,
    data: { trackingRef: payload.trackingRef },
  });
}

/** Runs inside the resolve transaction: drop the refused dispatch and free the order to be scanned again. */
export function repack(ctx: PackContext, exception: ExceptionView, by: { actor: string; note: string | null }): void {
  const { db, clock } = ctx.deps;
  const outboxId = exception.context.outboxId;
  if (typeof outboxId === 'number') discardDead(db, clock, outboxId, by.actor, { exceptionId: exception.id, repack: true });
  const payload = exception.context.payload;
  const sessionId =
    typeof payload === 'object' && payload !== null && typeof (payload as { sessionId?: unknown }).sessionId === 'number'
      ? (payload as { sessionId: number }).sessionId
      : null;
  if (sessionId !== null) {
    ctx.sessions.cancel(sessionId);
    ctx.shipments.cancelOfSession(sessionId);
  }
  appendAudit(db, clock, {
    actor: by.actor,
    action: 'pack.repack',
    subject: exception.orderRef,
    data: { exceptionId: exception.id, session: sessionId, outboxId: typeof outboxId === 'number' ? outboxId : null, note: by.note },
  });
  setImmediate(() => ctx.deps.changed()); // after the resolve commits
}

// The pack session: one open order per bench, persisted so a restart resumes it at the same step.
//   idle ─order─► packing ─all items─► weighing ─stable weight─► labelling ─label─► printed/done
//   (labelling with no label after a short wait: parked, and the next order may be opened; parking.ts)
// Every transition, its audit entry and its outbox rows commit in one transaction; the renderer
// only shows the result. This class is the session's face; each job lives in its own module:
// open-order, item-scans, weighing, labelling, parking, commands; views builds what the screen shows.
import type { LabelView, OrderView, PackStep, Person } from '../../../shared/api';
import type { ShipmentRequest } from '../../../shared/shipment';
import type { CreatedLabels, VoidDone } from '../carriers/registry';
import type { PrintOutcome } from '../devices/printer/print-journal';
import { command } from './commands';
import { PackContext, type PackSessionDeps, type ScanOutcome } from './context';
import type { CreateLabelPayload, DispatchPayload, VoidLabelPayload } from './effects';
import { tryLot, tryPackageType, tryProduct } from './item-scans';
import { afterPrint, connectorDraft, dispatched, labelIssued, repack } from './labelling';
import { openOrder } from './open-order';
import type { SessionRow } from '../store/pack-sessions';
import { awaitLabel, isParked } from './parking';
import { offerRejectionFixes } from './rejections';
import type { BenchCommand } from './scan-code';
import { labelView, nextAction, orderView, packScreen, stepOf, type PackScreen } from './views';
import { labelVoided, voidOnCancelled, voidOnRepack, voidShipment, type VoidStarted } from './voiding';
import { labelDraft, resolveHeldWeight, weighed } from './weighing';

export { OrderSourceUnavailable, type OrderSource } from '../odoo/order-source';
export type { PackSessionDeps, ScanOutcome, WeighingScale } from './context';
export type { VoidStarted } from './voiding';

export class PackSession {
  private readonly ctx: PackContext;

  constructor(deps: PackSessionDeps) {
    const ctx = new PackContext(deps);
    this.ctx = ctx;
    deps.exceptions.onResolve('weight_variance', ['override', 'reweigh'], (exception, resolution, by) =>
      resolveHeldWeight(ctx, exception, resolution, by),
    );
    // Beside the sync worker's retry / drop: the delivery changed in Odoo (new address, other
    // quantities), so the parcel is packed again from what Odoo says now, with a new label; the
    // label bought for the old packing is voided in the same transaction.
    deps.exceptions.onResolve('odoo_conflict', ['repack'], (exception, _resolution, by) => {
      const voiding = voidOnRepack(ctx, exception, by.actor);
      repack(ctx, exception, by);
      if (voiding?.kind === 'requested' || voiding?.kind === 'voided') this.tellLater('info', voiding.text);
    });
    // Odoo refused the dispatch because the order was cancelled there: its label is voided as the lead is told.
    deps.exceptions.onRaised('odoo_conflict', (exception) => voidOnCancelled(ctx, exception));
    // A label the carrier refused: its order parked at once; the lead fixes the address or service, or sends it back.
    offerRejectionFixes(ctx);
  }

  // ---- reading -------------------------------------------------------------------------------

  /** Everything the pack screen shows, built once (one publish). */
  screen(): PackScreen {
    return packScreen(this.ctx);
  }

  step(): PackStep {
    return stepOf(this.ctx.sessions.active());
  }

  orderView(): OrderView | null {
    const row = this.ctx.sessions.active();
    return row ? orderView(this.ctx, row) : null;
  }

  labelView(): LabelView | null {
    const row = this.ctx.sessions.active();
    return row ? labelView(this.ctx, row) : null;
  }

  nextAction(): string {
    return nextAction(this.ctx);
  }

  /** The stored label of the open session, for the preview. */
  currentLabel(): { zpl: string; sha256: string } | null {
    const row = this.ctx.sessions.active();
    const label = row ? this.ctx.labels.latestOfSession(row.id) : null;
    return label?.format === 'ZPL' ? { zpl: label.bytes.toString('utf8'), sha256: label.sha256 } : null;
  }

  // ---- scanning ------------------------------------------------------------------------------

  /** A code that is not a badge or a command: an item of the open order, or an order. */
  async scanCode(code: string, packer: Person): Promise<ScanOutcome> {
    const ctx = this.ctx;
    const row = ctx.sessions.active();
    if (row?.step === 'packing') {
      const product = await tryProduct(ctx, row, code, packer);
      if (product) return product;
    }
    if (row?.step === 'packing' || row?.step === 'weighing') {
      const box = tryPackageType(ctx, row, code, packer);
      if (box) return box;
    }
    if (row?.step === 'packing') {
      const lot = await tryLot(ctx, row, code, packer);
      if (lot) return lot;
    }
    // A parked order (waiting for its label, its parcel on the shelf) does not hold up the next one.
    if (row && row.step !== 'done' && row.step !== 'printed' && !isParked(ctx, row)) {
      return notThisOrder(ctx, row, code);
    }
    return openOrder(ctx, code, packer);
  }

  async command(which: BenchCommand, packer: Person): Promise<ScanOutcome> {
    return command(this.ctx, which, packer);
  }

  // ---- weighing, labels, dispatch ------------------------------------------------------------

  /** The shipment still waiting for its weight, for the local carrier to draw while the parcel settles. */
  labelDraft(): ReturnType<typeof labelDraft> {
    return labelDraft(this.ctx);
  }

  /** A weight for the open parcel (the scale's, or typed in with a lead's approval). */
  weighed(grams: number, actor = 'system', manual?: { reason: string }): ScanOutcome | null {
    return weighed(this.ctx, grams, actor, manual);
  }

  /** The carrier made the shipment's labels (runs in the sync worker's transaction). */
  labelIssued(payload: CreateLabelPayload, created: CreatedLabels): void {
    labelIssued(this.ctx, payload, created);
  }

  /** What Odoo's carrier connector is given before it validates (carriers/odoo); null once the shipment no longer waits. */
  connectorDraft(shipmentId: number, request: ShipmentRequest, packageNames: string[]): DispatchPayload | null {
    return connectorDraft(this.ctx, shipmentId, request, packageNames);
  }

  /** The provider voided a label (runs in the sync worker's transaction); the bench is told once it commits. */
  labelVoided(payload: VoidLabelPayload, done: VoidDone): void {
    this.tellLater('info', labelVoided(this.ctx, payload, done));
  }

  /**
   * Give up a shipment's labels (the lead sent the order back to the packer, …): marked, prints
   * withdrawn, the void queued for the provider, in one transaction (the caller's, if any).
   */
  voidShipment(shipmentId: number, why: string, actor: string): VoidStarted | null {
    const started = voidShipment(this.ctx, shipmentId, why, actor);
    this.ctx.deps.changed();
    return started;
  }

  private tellLater(tone: ScanOutcome['tone'], text: string): void {
    // After the surrounding transaction commits.
    setImmediate(() => this.ctx.deps.tell?.({ tone, text }));
  }

  /** Move the session on after a print attempt (the print scheduler's, PRINT's, REPRINT's). */
  afterPrint(outcome: PrintOutcome): ScanOutcome {
    return afterPrint(this.ctx, outcome);
  }

  /** Odoo has the dispatch (runs in the sync worker's transaction). */
  dispatched(payload: DispatchPayload): void {
    dispatched(this.ctx, payload);
  }

  /** Was the order of this (put aside) session opened again here since? Then its release is stale. */
  reopenedSince(sessionId: number): boolean {
    return this.ctx.sessions.reopenedSince(sessionId);
  }

  // ---- restarts ------------------------------------------------------------------------------

  /** After a restart: re-arm the scale if weighing; a print interrupted mid-send is uncertain. */
  resume(): void {
    const interrupted = this.ctx.deps.journal.markInterruptedUncertain();
    if (interrupted > 0) this.ctx.deps.changed();
    this.scaleReplaced();
    const row = this.ctx.sessions.active();
    if (row?.step !== 'labelling') return;
    // Killed between the journal's confirmed print and the session moving on: the label is out, so
    // the order moves on as that print would have moved it (no second copy needed). The newest
    // label is enough: the scheduler prints a shipment's labels in order.
    const label = this.ctx.labelOfSession(row.id);
    const job = label ? this.ctx.deps.journal.latestForLabel(label.id) : null;
    if (job?.state === 'confirmed') {
      const outcome = afterPrint(this.ctx, { ok: true, job });
      this.tellLater(outcome.tone, outcome.text);
      return;
    }
    // Parked orders stay parked (their exception is stored); one still waiting for its label is given the short wait again.
    if (!isParked(this.ctx, row)) awaitLabel(this.ctx, row.id);
  }

  /** The station is closing: no parking check may run after its database closes. */
  stop(): void {
    this.ctx.stopTimers();
  }

  /** Another scale took over (settings changed): it waits for the parcel if the order is being weighed. */
  scaleReplaced(): void {
    if (this.ctx.sessions.active()?.step === 'weighing') this.ctx.deps.scale()?.arm();
  }
}

/**
 * A scan that is neither an item nor a box of the open order: another order (finish this one
 * first), a product the bench knows from other orders (named), or nothing it knows.
 */
function notThisOrder(ctx: PackContext, row: SessionRow, code: string): ScanOutcome {
  const { t } = ctx;
  const name = ctx.orderOf(row).name;
  const found = ctx.cache.lookup(code, ctx.deps.orders.binding);
  const aside = t('pack.putAsideHow');
  if (found.kind !== 'none' && found.via !== 'barcode') {
    const other = found.kind === 'order' ? found.order.name : t('pack.notThisOrder.someOrder');
    if (other !== name) return { kind: 'order', tone: 'warning', text: t('pack.notThisOrder.otherOrder', { other, order: name, aside }) };
  }
  if (row.step === 'packing') {
    const productName = ctx.cache.productName(code);
    if (productName) {
      return { kind: 'product', tone: 'error', text: t('pack.notThisOrder.productNotInOrder', { product: productName, order: name }) };
    }
    return { kind: 'unknown', tone: 'error', text: t('pack.notThisOrder.notAnItem', { code, order: name }) };
  }
  return { kind: 'unknown', tone: 'warning', text: t('pack.notThisOrder.notFinished', { order: name, next: nextAction(ctx, row), aside }) };
}

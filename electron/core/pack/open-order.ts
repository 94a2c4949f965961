// Opening an order: a scanned name, reference or item found in Odoo (or the local copy when Odoo
// cannot be reached, or when the copy is fresh: prefetched within its interval and never opened
// here before), checked for scope and state, claimed for the bench, and a new session opened.
import { sayIn } from '../i18n/translator';
import type { Person } from '../../../shared/api';
import type { Order } from '../../../shared/order';
import { OrderSourceUnavailable } from '../odoo/order-source';
import { appendAudit } from '../store/audit';
import { inTransaction } from '../store/db';
import { actorOf } from '../store/identities';
import type { LookupResult } from '../store/order-cache';
import type { PackContext, ScanOutcome } from './context';
import { REPRINT_REASONS } from './scan-code';

/** A code that matches several orders: the packer scans the one they hold instead. */
function chooseOrder(ctx: PackContext, code: string, found: Extract<LookupResult, { kind: 'choose' }>): ScanOutcome {
  const { t } = ctx;
  const shown = found.orders.slice(0, 5).map((o) => (o.partner ? `${o.name} (${o.partner})` : o.name));
  const more = found.total > shown.length ? t('pack.open.choose.more', { count: found.total - shown.length }) : '';
  const list = `${shown.join(', ')}${more}`;
  const params = { code, total: found.total, list };
  const text =
    found.via === 'barcode'
      ? t('pack.open.choose.item', params)
      : found.via === 'origin'
        ? t('pack.open.choose.origin', params)
        : t('pack.open.choose.code', params);
  return { kind: 'order', tone: 'warning', text };
}

export async function openOrder(ctx: PackContext, code: string, packer: Person): Promise<ScanOutcome> {
  const { deps, cache, t } = ctx;
  const binding = deps.orders.binding;
  // Before asking Odoo: until its dispatch gets there, Odoo (and the cache) still say "ready".
  const packedHere = showPackedHere(ctx, code, packer);
  if (packedHere) return packedHere;
  let order: Order | null = null;
  let offlineNote: string | null = null;
  // A fresh local copy (prefetched recently, not changed since) is what Odoo would answer now.
  const local = cache.lookup(code, binding);
  // Only the first time: an order opened here before (put aside, repacked after a conflict) is read again.
  const fresh =
    local.kind === 'order' &&
    deps.orders.isFresh?.(local) === true &&
    !ctx.sessions.openedBefore(cache.findByName(local.order.name, binding)?.id ?? -1);
  try {
    if (fresh) order = local.order;
    else order = await deps.orders.findByName(code);
    if (!order) {
      // Not a delivery name: its sale order, tracking ref, package or a product, from the local copy.
      const found = cache.lookup(code, binding);
      if (found.kind === 'choose') return chooseOrder(ctx, code, found);
      if (found.kind === 'order') order = await deps.orders.findByName(found.order.name);
    }
    // Out of the bench's scope: refused below, and not cached as if it were this bench's.
    if (order && !fresh && !deps.outOfScope?.(order)) cache.save(order);
  } catch (error) {
    if (!(error instanceof OrderSourceUnavailable)) throw error;
    const found = cache.lookup(code, binding);
    if (found.kind === 'choose') return chooseOrder(ctx, code, found);
    order = found.kind === 'order' ? found.order : null;
    if (!order) {
      return {
        kind: 'unknown',
        tone: 'error',
        text: t('pack.open.notInLocalCopy', { why: sayIn(t, error.why), code }),
      };
    }
    offlineNote = t('pack.open.offline');
  }
  if (!order) {
    return { kind: 'unknown', tone: 'error', text: t('pack.open.noMatch', { code }) };
  }
  const refused = deps.outOfScope?.(order);
  if (refused) return { kind: 'order', tone: 'error', text: refused };
  if (order.state === 'done') return alreadyShipped(ctx, order, packer);
  if (order.state === 'cancel') {
    return { kind: 'order', tone: 'error', text: t('pack.open.cancelled', { order: order.name }) };
  }
  if (order.state !== 'assigned') {
    return { kind: 'order', tone: 'error', text: t('pack.open.notReady', { order: order.name, state: order.state }) };
  }
  // Offline: the claim is local only (audited below) and checked again before dispatch.
  const claim = offlineNote
    ? { ok: true as const, offline: true }
    : ((await deps.orders.claim?.(order, { name: ctx.benchName(), packer: packer.name })) ?? { ok: true as const });
  if (!claim.ok) return { kind: 'order', tone: 'error', text: sayIn(t, claim.message) };
  // Opened from the local copy and the claim did not reach Odoo either: the packer is told, as offline.
  if (fresh && 'offline' in claim && claim.offline) offlineNote = t('pack.open.offline');
  const orderId = cache.findByName(order.name, binding)!.id;
  const verify = deps.packing().verifyItems;
  const opened = order;
  inTransaction(deps.db, () => {
    // A finished session stays on screen until the next order replaces it.
    const session = ctx.sessions.open(orderId, actorOf(packer), verify ? 'packing' : 'weighing');
    appendAudit(deps.db, deps.clock, {
      actor: actorOf(packer),
      action: 'pack.opened',
      subject: opened.name,
      data: {
        session,
        pickingId: opened.pickingId,
        offline: offlineNote !== null,
        ...(fresh ? { localCopy: 'fresh' } : {}),
        claim: 'offline' in claim && claim.offline ? 'offline' : 'odoo',
      },
    });
  });
  // A weight waited for by an order put aside must not be taken for this one's.
  if (!verify) deps.scale()?.arm();
  else deps.scale()?.disarm();
  deps.changed();
  const note = offlineNote ? `${offlineNote} ` : '';
  const tone = offlineNote ? 'warning' : 'success';
  const opened_ = { note, order: order.name, customer: order.shipTo.name };
  if (!verify) return { kind: 'order', tone, text: t('pack.open.openedNoVerify', opened_) };
  return { kind: 'order', tone, text: t('pack.open.opened', { ...opened_, count: order.lines.length }) };
}

/**
 * An order this bench has labelled whose dispatch has not reached Odoo yet (Odoo offline or the
 * outbox still busy): shown again as packed, with its label to reprint, never opened a second
 * time (a second session would wait for a label behind the first one's dispatch, and CANCEL
 * would refuse it).
 */
function showPackedHere(ctx: PackContext, code: string, packer: Person): ScanOutcome | null {
  const { deps, t } = ctx;
  const binding = deps.orders.binding;
  const found = ctx.cache.lookup(code, binding);
  if (found.kind !== 'order') return null;
  const cached = ctx.cache.findByName(found.order.name, binding);
  if (!cached) return null;
  const packed = ctx.shipments.undispatchedOf(cached.id);
  if (!packed) return null;
  const name = found.order.name;
  if (!packed.active) {
    // Back on screen, so that a reprint asked for now is this order's label.
    inTransaction(deps.db, () => {
      ctx.sessions.show(packed.session_id);
      appendAudit(deps.db, deps.clock, {
        actor: actorOf(packer),
        action: 'pack.reshown',
        subject: name,
        data: { session: packed.session_id, trackingNumber: packed.tracking_number },
      });
    });
    deps.scale()?.disarm();
    deps.changed();
  }
  if (packed.status === 'awaiting_label' && ctx.sessions.parked(packed.session_id)) {
    const carrier = ctx.shipments.ofSession(packed.session_id)?.carrier ?? t('pack.parked.theCarrier');
    return { kind: 'order', tone: 'warning', text: t('pack.open.packedHere.onShelf', { order: name, carrier }) };
  }
  if (packed.status === 'awaiting_label' || !packed.tracking_number) {
    return { kind: 'order', tone: 'warning', text: t('pack.open.packedHere.labelOnItsWay', { order: name }) };
  }
  return {
    kind: 'order',
    tone: 'warning',
    text: t('pack.open.packedHere.tracked', { order: name, tracking: packed.tracking_number, reprint: reprintOffer(ctx) }),
  };
}

const reprintOffer = (ctx: PackContext) => ctx.t('pack.open.reprintOffer', { commands: REPRINT_REASONS.map((r) => r.command).join(', ') });

/**
 * An order Odoo says is shipped. Shipped from this bench: when and with which tracking number,
 * and its session back on screen so a reprint is its label. Shipped elsewhere: the shift lead.
 */
function alreadyShipped(ctx: PackContext, order: Order, packer: Person): ScanOutcome {
  const { deps, t } = ctx;
  const cached = ctx.cache.findByName(order.name, deps.orders.binding);
  const shipped = cached ? ctx.shipments.dispatchedOf(cached.id) : null;
  if (!shipped) {
    return { kind: 'order', tone: 'error', text: t('pack.open.shippedElsewhere', { order: order.name }) };
  }
  inTransaction(deps.db, () => {
    ctx.sessions.show(shipped.session_id);
    appendAudit(deps.db, deps.clock, {
      actor: actorOf(packer),
      action: 'pack.reshown',
      subject: order.name,
      data: { session: shipped.session_id, trackingNumber: shipped.tracking_number, shipped: true },
    });
  });
  deps.scale()?.disarm();
  deps.changed();
  // The date as the bench's language writes it ("6 Dec 2026, 14:05" / "06.12.2026, 14:05").
  const params = { order: order.name, when: shipped.dispatched_at, tracking: shipped.tracking_number, reprint: reprintOffer(ctx) };
  return {
    kind: 'order',
    tone: 'error',
    text: shipped.tracking_number ? t('pack.open.shipped.tracked', params) : t('pack.open.shipped.untracked', params),
  };
}

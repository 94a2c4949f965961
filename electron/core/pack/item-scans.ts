// Scans while an order is open: its items (barcode, SKU or GS1 code, maybe with the lot), the lot
// or serial the bench asked for, and a package type's barcode (the box the parcel goes in).
import type { Person } from '../../../shared/api';
import type { Order } from '../../../shared/order';
import { appendAudit } from '../store/audit';
import { inTransaction } from '../store/db';
import { actorOf } from '../store/identities';
import type { SessionRow } from '../store/pack-sessions';
import type { PackContext, ScanOutcome } from './context';
import { parseGs1 } from './gs1';
import { askForLot, duplicateSerialText, lineOfGs1, lotFromScan, lotOfGs1, lotWord } from './lot-capture';
import { lotQuestion, nextAction } from './views';
import { weighed } from './weighing';

/**
 * An item of the open order: its barcode or SKU, or a GS1 code whose GTIN is its barcode (which
 * may carry its lot or serial too). A lot- or serial-tracked item without one asks for it next.
 */
export async function tryProduct(ctx: PackContext, row: SessionRow, code: string, packer: Person): Promise<ScanOutcome | null> {
  const { deps, t } = ctx;
  const order = ctx.orderOf(row);
  const gs1 = parseGs1(code);
  const line = order.lines.find((l) => l.barcode === code || l.sku === code) ?? (gs1 ? lineOfGs1(order.lines, gs1) : null);
  if (!line) return null;
  const asking = lotQuestion(ctx, row);
  if (asking) {
    return {
      kind: 'product',
      tone: 'warning',
      text: t('pack.item.lotFirst', { what: lotWord(t, asking.tracking), product: asking.line.name, ask: askForLot(t, asking.line.name, asking.tracking) }),
    };
  }
  const packed = ctx.sessions.packed(row.id).get(line.moveId) ?? 0;
  if (packed >= line.quantity) {
    return { kind: 'product', tone: 'error', text: t('pack.item.extraUnit', { order: order.name, quantity: line.quantity, product: line.name }) };
  }
  const tracking = line.tracking === 'none' ? null : line.tracking;
  const scannedLot = tracking && gs1 ? lotOfGs1(gs1, tracking) : null;
  if (tracking === 'serial' && scannedLot && ctx.lots.serialTaken(row.id, line.productId, scannedLot)) {
    return { kind: 'product', tone: 'error', text: duplicateSerialText(t, scannedLot, line.name, order.name) };
  }
  const lotCheck = tracking && scannedLot ? await checkLot(ctx, order, line, tracking, scannedLot) : null;
  if (lotCheck && 'refusal' in lotCheck) return { kind: 'product', tone: 'error', text: lotCheck.refusal };
  let allDone = false;
  inTransaction(deps.db, () => {
    ctx.sessions.countItem(row.id, line.moveId);
    // The unit's lot, or the question for it, commits with the count and its audit entry.
    if (tracking) ctx.lots.add({ sessionId: row.id, moveId: line.moveId, productId: line.productId, tracking, lot: scannedLot }, deps.clock.now());
    allDone = allPacked(ctx, row, order);
    if (allDone) ctx.sessions.setStep(row.id, 'weighing');
    appendAudit(deps.db, deps.clock, {
      actor: actorOf(packer),
      action: 'pack.item',
      subject: order.name,
      data: { session: row.id, moveId: line.moveId, code, packed: packed + 1, of: line.quantity, ...(tracking ? { tracking, lot: scannedLot } : {}) },
    });
  });
  if (allDone) deps.scale()?.arm();
  deps.changed();
  const counted = { product: line.name, packed: packed + 1, quantity: line.quantity };
  const lotNote = tracking && scannedLot ? (tracking === 'serial' ? t('pack.item.serialNote', { lot: scannedLot }) : t('pack.item.lotNote', { lot: scannedLot })) : '';
  let text: string;
  if (tracking && !scannedLot) text = t('pack.item.countedAskLot', { ...counted, ask: askForLot(t, line.name, tracking) });
  else if (allDone) text = t('pack.item.allPacked', { product: line.name, lotNote });
  else text = t('pack.item.counted', { ...counted, lotNote });
  if (lotCheck && 'unchecked' in lotCheck) return { kind: 'product', tone: 'warning', text: t('pack.lot.unchecked', { text, note: lotCheck.unchecked }) };
  return { kind: 'product', tone: 'success', text };
}

/**
 * The answer to "scan the lot/serial number of …": any scan that is not an item, a box (both
 * handled before) or an order. A serial already packed in this order is refused.
 */
export async function tryLot(ctx: PackContext, row: SessionRow, code: string, packer: Person): Promise<ScanOutcome | null> {
  const { deps, t } = ctx;
  const asking = lotQuestion(ctx, row);
  if (!asking) return null;
  const order = ctx.orderOf(row);
  const ask = askForLot(t, asking.line.name, asking.tracking);
  const what = lotWord(t, asking.tracking);
  const lookup = ctx.cache.lookup(code, deps.orders.binding);
  if (lookup.kind !== 'none') {
    return { kind: 'unknown', tone: 'warning', text: t('pack.lot.orderOrItem', { code, what, ask }) };
  }
  // A valid EAN-13 is a product's barcode, never a lot or serial the packer meant to scan.
  if (isEan13(code)) {
    const product = ctx.cache.productName(code);
    const text = product ? t('pack.lot.productBarcode', { code, product, what, ask }) : t('pack.lot.ean13', { code, what, ask });
    return { kind: 'unknown', tone: 'error', text };
  }
  const scanned = lotFromScan(t, code, asking.tracking);
  if (!scanned) return null; // a GS1 item of another order: not a lot
  if (!scanned.ok) return { kind: 'unknown', tone: 'error', text: t('pack.lot.thenAsk', { text: scanned.text, ask }) };
  const lot = scanned.lot;
  if (asking.tracking === 'serial' && ctx.lots.serialTaken(row.id, asking.line.productId, lot)) {
    return { kind: 'product', tone: 'error', text: duplicateSerialText(t, lot, asking.line.name, order.name) };
  }
  const lotCheck = await checkLot(ctx, order, asking.line, asking.tracking, lot);
  if (lotCheck && 'refusal' in lotCheck) return { kind: 'product', tone: 'error', text: t('pack.lot.thenAsk', { text: lotCheck.refusal, ask }) };
  let allDone = false;
  inTransaction(deps.db, () => {
    ctx.lots.answer(asking.id, lot, deps.clock.now());
    allDone = allPacked(ctx, row, order);
    if (allDone) ctx.sessions.setStep(row.id, 'weighing');
    appendAudit(deps.db, deps.clock, {
      actor: actorOf(packer),
      action: 'pack.lot',
      subject: order.name,
      data: { moveId: asking.line.moveId, tracking: asking.tracking, lot },
    });
  });
  if (allDone) deps.scale()?.arm();
  deps.changed();
  const taken = asking.tracking === 'serial' ? t('pack.lot.serialFor', { lot, product: asking.line.name }) : t('pack.lot.lotFor', { lot, product: asking.line.name });
  const text = allDone ? t('pack.lot.allPacked', { taken }) : t('pack.lot.next', { taken, next: nextAction(ctx) });
  if (lotCheck && 'unchecked' in lotCheck) return { kind: 'product', tone: 'warning', text: t('pack.lot.unchecked', { text, note: lotCheck.unchecked }) };
  return { kind: 'product', tone: 'success', text };
}

/**
 * Where the order's operation type ships only lots Odoo has (Odoo's default for deliveries), why
 * this one cannot go; null when it can, or when Odoo cannot be asked now (then the dispatch checks).
 */
async function checkLot(
  ctx: PackContext,
  order: Order,
  line: Order['lines'][number],
  tracking: 'lot' | 'serial',
  lot: string,
): Promise<{ refusal: string } | { unchecked: string } | null> {
  if (order.operation?.lots !== 'existing') return null;
  const known = await ctx.deps.orders.lotExists?.(order, line.productId, lot);
  const { t } = ctx;
  // undefined: a source that cannot look lots up at all (no Odoo set up).
  if (known === true || known === undefined) return null;
  const params = { lot, product: line.name, order: order.name };
  if (known === false) {
    return { refusal: tracking === 'serial' ? t('pack.lot.serialNotInOdoo', params) : t('pack.lot.lotNotInOdoo', params) };
  }
  return { unchecked: tracking === 'serial' ? t('pack.lot.serialUnchecked', params) : t('pack.lot.lotUnchecked', params) };
}

/** Every unit counted and no lot or serial still to scan. */
function allPacked(ctx: PackContext, row: SessionRow, order: Order): boolean {
  const counts = ctx.sessions.packed(row.id);
  return order.lines.every((l) => (counts.get(l.moveId) ?? 0) >= l.quantity) && ctx.lots.open(row.id) === null;
}

/**
 * A package type's barcode while an order is open: the parcel goes in that box. Its empty weight
 * replaces the bench's box tare at the weight gate, its limit holds a heavier parcel, its size
 * goes on the shipment, and Odoo's package gets the type. From the local copy (works offline).
 */
export function tryPackageType(ctx: PackContext, row: SessionRow, code: string, packer: Person): ScanOutcome | null {
  const { deps, t } = ctx;
  const order = ctx.orderOf(row);
  const box = ctx.packageTypes.byBarcode(code, order.source);
  if (!box) return null;
  inTransaction(deps.db, () => {
    ctx.sessions.setPackageType(row.id, box.typeId);
    appendAudit(deps.db, deps.clock, {
      actor: actorOf(packer),
      action: 'pack.package_type',
      subject: order.name,
      data: { session: row.id, packageTypeId: box.typeId, name: box.name, baseWeightG: box.baseWeightG, maxWeightG: box.maxWeightG },
    });
  });
  // While weighing, the parcel goes (back) on the scale in this box: the next stable weight counts.
  if (row.step === 'weighing') deps.scale()?.arm();
  deps.changed();
  // A parcel already resting on the scale is weighed again at once, against this box's tare and limit.
  const reading = row.step === 'weighing' ? deps.scale()?.latest() : null;
  if (reading && reading.stable && reading.status === 'ok' && (reading.grams ?? 0) > 0) {
    deps.scale()?.disarm();
    const again = weighed(ctx, reading.grams!, actorOf(packer));
    // Held again: the next weighing (parcel lifted off and put back) counts.
    if (ctx.sessions.active()?.step === 'weighing') deps.scale()?.arm();
    if (again) return { kind: 'package_type', tone: again.tone, text: t('pack.box.weighedAgain', { box: box.name, order: order.name, text: again.text }) };
  }
  const facts = [
    box.dimsMm ? t('pack.box.dims', { l: box.dimsMm.l, w: box.dimsMm.w, h: box.dimsMm.h }) : null,
    t('pack.box.empty', { g: box.baseWeightG }),
    box.maxWeightG === null ? null : t('pack.box.upTo', { g: box.maxWeightG }),
  ].filter((f): f is string => f !== null);
  const next = row.step === 'weighing' ? t('pack.box.putOnScale') : t('pack.box.next', { next: nextAction(ctx) });
  return { kind: 'package_type', tone: 'success', text: t('pack.box.chosen', { box: box.name, facts: facts.join(', '), order: order.name, next }) };
}

/** 13 digits whose last is the GS1 check digit of the first 12. */
export function isEan13(code: string): boolean {
  if (!/^\d{13}$/.test(code)) return false;
  const digits = [...code].map(Number);
  const sum = digits.slice(0, 12).reduce((n, d, i) => n + d * (i % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10 === digits[12];
}

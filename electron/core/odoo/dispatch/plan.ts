// From Odoo as it is now (the snapshot) and what the bench packed (the rows) to, per row, either
// why nothing is written (a conflict, a refusal, or wait for another update) or exactly what is
// written: the move-line and move commands of one stock.picking write. Pure: no I/O, so every
// version's commands are golden-tested (test/unit/odoo-dispatch-plan.test.ts).
import { said } from '../../i18n/translator';
import type { DispatchPayload } from '../../pack/effects';
import type { ApplyResult } from '../../sync/target';
import { applyResultOf, OdooError } from '../errors';
import { lotKey, lotLineCommands, type LineCommand } from '../lot-lines';
import { idOf } from '../read-rows';
import type { OdooDialect } from '../versions';
import { conflictOf, conflictResult, deletedConflict, hasRef } from './conflicts';
import type { LotRow, Snapshot } from './snapshot';

/** A row that passed the checks: what will be written for it. */
export interface Plan {
  /** The row's position in the planned list. */
  index: number;
  payload: DispatchPayload;
  name: string;
  /** Done already with our tracking ref (an earlier attempt): only attachment/message may be missing. */
  finishOnly: boolean;
  /** Nobody holds the picking in Odoo (opened offline): the write sets the bench's user as Responsible. */
  claimNow: boolean;
  lineCommands: LineCommand[];
  /** Per line command, the parcel (index in `parcels`) whose package the line goes into. */
  linePackages: number[];
  moveCommands: LineCommand[];
  /** One Odoo package each, named by its tracking ref: the payload's parcels, or its one parcel. */
  parcels: { trackingRef: string; weightG: number; packageTypeId?: number | undefined }[];
  /** carrier_tracking_ref to write: Odoo's own with ours appended, or ours; null: none (the carrier connector sets it on validation). */
  trackingRef: string | null;
  /** Fewer packed than demanded on some line: Odoo keeps or cancels the rest. */
  short: boolean;
}

/** Per row, in order: the plan, or the result it ends with without a write. */
export type Decision = { plan: Plan } | { result: ApplyResult };

/**
 * `uid`: the bench's Odoo user (claims). `mode` 'connector': the writes before Odoo's carrier
 * connector validates for its label (carriers/odoo): no tracking ref is written (the connector
 * ships only a picking without one), and a picking found done was validated by an earlier attempt.
 */
export function planDispatch(dialect: OdooDialect, uid: number, payloads: readonly DispatchPayload[], snap: Snapshot, mode: 'dispatch' | 'connector' = 'dispatch'): Decision[] {
  const seen = new Set<number>();
  return payloads.map((p, index): Decision => {
    const picking = snap.pickings.get(p.pickingId);
    if (!picking) return { result: conflictResult(deletedConflict(p)) };
    if (seen.has(p.pickingId)) {
      // Two rows for one picking in one batch cannot happen (one head per order key); be safe.
      return { result: { status: 'retry', error: 'another update of this delivery goes first' } };
    }
    seen.add(p.pickingId);
    const parcels = parcelsOf(p);
    const base = {
      index,
      payload: p,
      name: picking.name,
      claimNow: false,
      lineCommands: [],
      linePackages: [],
      moveCommands: [],
      parcels,
      trackingRef: p.trackingRef,
      short: false,
    };
    if (picking.state === 'done' && hasRef(picking.carrier_tracking_ref, p.trackingRef)) return { plan: { ...base, finishOnly: true } };
    if (mode === 'connector' && picking.state === 'done') return { plan: { ...base, trackingRef: picking.carrier_tracking_ref, finishOnly: true } };
    // The connector validated it for its labels: never validated again, whatever Odoo says now.
    if (p.labelledBy === 'odoo_connector') return { result: notValidatedByConnector(p, picking.state, picking.carrier_tracking_ref) };
    const conflict = conflictOf(p, snap, uid);
    if (conflict) return { result: conflictResult(conflict) };
    const planned = planQuantities(dialect, p, snap, picking.name);
    if (planned instanceof OdooError) return { result: applyResultOf(planned) };
    const quantities = p.parcels
      ? { ...planned, ...splitByParcel(dialect, p.parcels, snap, planned) }
      : { ...planned, linePackages: planned.lineCommands.map(() => 0) };
    // Odoo's own convention for several packages: their refs joined by ",".
    const ours = parcels.map((x) => x.trackingRef).join(',');
    const ref = picking.carrier_tracking_ref;
    return {
      plan: {
        ...base,
        finishOnly: false,
        claimNow: !snap.claims.has(p.pickingId),
        ...quantities,
        // Odoo appends a second parcel's ref with ","; ours is kept if it is there already.
        trackingRef: mode === 'connector' ? null : ref && !hasRef(ref, p.trackingRef) ? `${ref},${ours}` : ours,
      },
    };
  });
}

/** A connector-labelled dispatch whose picking is not done with the connector's refs: the lead looks, nothing is validated. */
function notValidatedByConnector(p: DispatchPayload, state: string, ref: string | null): ApplyResult {
  return {
    status: 'permanent',
    error: `Delivery ${p.pickingName} was validated by its carrier connector for tracking ${p.trackingRef}, but Odoo has it "${state}" with tracking ${ref ?? 'none'}`,
    title: said('odoo.dispatch.connectorChanged', { order: p.pickingName, tracking: p.trackingRef, state, ref: ref ?? said('odoo.dispatch.noTracking') }),
  };
}

/** The parcels of a payload: several when it has them, else the one parcel with every line (rows of older builds too). */
export function parcelsOf(p: DispatchPayload): Plan['parcels'] {
  if (p.parcels) return p.parcels.map((x) => ({ trackingRef: x.trackingRef, weightG: x.weightG, packageTypeId: x.packageTypeId }));
  return [{ trackingRef: p.trackingRef, weightG: p.weightG, packageTypeId: p.packageTypeId }];
}

/**
 * The stock.picking write of a plan: tracking ref, weight, claim, move lines (quantities, package).
 * `packages`: the package id of each parcel (one number: the one parcel's).
 */
export function pickingWrite(plan: Plan, packages: number | undefined | readonly number[], uid: number): Record<string, unknown> {
  const packageOf = (i: number) => (typeof packages === 'object' ? packages[plan.linePackages[i] ?? 0] : packages);
  const vals: Record<string, unknown> = {
    ...(plan.trackingRef === null ? {} : { carrier_tracking_ref: plan.trackingRef }),
    shipping_weight: shippingWeightKg(plan.payload),
    move_line_ids: plan.lineCommands.map(([c, id, v], i) => [c, id, { ...v, result_package_id: packageOf(i) }]),
  };
  if (plan.moveCommands.length > 0) vals.move_ids = plan.moveCommands;
  if (plan.claimNow) vals.user_id = uid;
  return vals;
}

/** What a line or move command records as packed, in either dialect. */
function packedQuantity(vals: Record<string, unknown>): number {
  return Number(vals.qty_done ?? vals.quantity_done ?? vals.quantity ?? 0);
}

/**
 * Several parcels: each packed line goes into its parcel's package. The commands planned for the
 * whole order are dealt out to the parcels in order, move by move; a line whose units went into
 * two parcels is split (the rest on a new line of the same move, lot and locations: Odoo allows
 * several lines per move), and a move with no line gets one line per parcel it is in.
 * Limitation: a tracked move's lots are dealt out in the order planned, not by the parcel each
 * unit was scanned into.
 */
function splitByParcel(
  dialect: OdooDialect,
  parcels: NonNullable<DispatchPayload['parcels']>,
  snap: Snapshot,
  planned: Pick<Plan, 'lineCommands' | 'moveCommands'>,
): Pick<Plan, 'lineCommands' | 'linePackages' | 'moveCommands'> {
  const left = parcels.map((x) => new Map(x.lines.map((l) => [l.moveId, l.quantity])));
  const lineCommands: LineCommand[] = [];
  const linePackages: number[] = [];
  const push = (command: LineCommand, parcel: number) => {
    lineCommands.push(command);
    linePackages.push(parcel);
  };
  /** `quantity` units of a move, dealt to the parcels holding them, first parcel first. */
  const deal = (moveId: number, quantity: number): [number, number][] => {
    const portions: [number, number][] = [];
    let rest = quantity;
    left.forEach((units, i) => {
      const take = Math.min(rest, units.get(moveId) ?? 0);
      if (take <= 0) return;
      units.set(moveId, (units.get(moveId) ?? 0) - take);
      portions.push([i, take]);
      rest -= take;
    });
    // More than the parcels say (not expected from the bench): the last parcel holding the move takes it.
    if (rest > 0) {
      const last = portions.at(-1);
      if (last) last[1] += rest;
      else portions.push([Math.max(0, parcels.findLastIndex((x) => x.lines.some((l) => l.moveId === moveId))), rest]);
    }
    return portions;
  };
  /** A new line of the move, as the bench adds them: the move's product, locations and unit. */
  const newLine = (moveId: number): Record<string, unknown> => {
    const move = snap.moves.get(moveId);
    return move
      ? {
          move_id: moveId,
          product_id: idOf(move.product_id),
          location_id: idOf(move.location_id),
          location_dest_id: idOf(move.location_dest_id),
          product_uom_id: idOf(move.product_uom),
        }
      : { move_id: moveId };
  };
  const withoutQuantity = ({ qty_done: _a, quantity: _b, picked: _c, ...rest }: Record<string, unknown>) => rest;
  for (const command of planned.lineCommands) {
    const [kind, id, vals] = command;
    const reserved = kind === 0 ? undefined : snap.lines.find((x) => x.id === id);
    const moveId = kind === 0 ? Number(vals.move_id) : idOf(reserved?.move_id ?? false);
    const quantity = packedQuantity(vals);
    if (quantity <= 0 || moveId === null) {
      push(command, 0);
      continue;
    }
    // The same lot on the split-off part: the command's own, else the reserved line's.
    const lot =
      'lot_id' in vals || 'lot_name' in vals
        ? { lot_id: vals.lot_id, ...('lot_name' in vals ? { lot_name: vals.lot_name } : {}) }
        : reserved && reserved.lot_id !== false
          ? { lot_id: idOf(reserved.lot_id) }
          : reserved?.lot_name
            ? { lot_name: reserved.lot_name }
            : {};
    deal(moveId, quantity).forEach(([parcel, n], k) => {
      if (k === 0) push([kind, id, { ...vals, ...dialect.packedLine(n) }], parcel);
      else push([0, 0, { ...(kind === 0 ? withoutQuantity(vals) : newLine(moveId)), ...lot, ...dialect.packedLine(n) }], parcel);
    });
  }
  for (const [, moveId, vals] of planned.moveCommands) {
    for (const [parcel, n] of deal(moveId, packedQuantity(vals))) push([0, 0, { ...newLine(moveId), ...dialect.packedLine(n) }], parcel);
  }
  return { lineCommands, linePackages, moveCommands: [] };
}

/** Odoo weighs in kg; the bench in whole grams. */
export function shippingWeightKg(p: Pick<DispatchPayload, 'weightG'>): number {
  return Math.round(p.weightG) / 1000;
}

/**
 * stock.lot ids by product and name for a picking of `company`. A name is unique per product and
 * company in Odoo: the company's own lot wins over one shared by all companies, another company's
 * lot is never used; the oldest wins among equals.
 */
function lotsOfCompany(lots: readonly LotRow[], company: number | null): Map<string, number> {
  const rank = (l: LotRow) => (l.company_id === false ? 1 : 0);
  const usable = lots.filter((l) => l.product_id !== false && (l.company_id === false || idOf(l.company_id) === company));
  // Worst first, so the best candidate is set last.
  usable.sort((a, b) => rank(b) - rank(a) || b.id - a.id);
  return new Map(usable.map((l) => [lotKey(idOf(l.product_id)!, l.name), l.id]));
}

/** Move-line (and move) commands for the packed quantities; the refusal when Odoo needs a lot we do not have. */
function planQuantities(
  dialect: OdooDialect,
  payload: DispatchPayload,
  snap: Snapshot,
  name: string,
): Pick<Plan, 'lineCommands' | 'moveCommands' | 'short'> | OdooError {
  const lineCommands: LineCommand[] = [];
  const moveCommands: LineCommand[] = [];
  const reserved = dialect.lineReservedField;
  const needLot: string[] = [];
  let short = false;
  const knownLots = lotsOfCompany(snap.lots, idOf(snap.pickings.get(payload.pickingId)!.company_id));
  const lotRule = payload.lotRule;
  const notInOdoo: string[] = [];
  for (const l of payload.lines) {
    const move = snap.moves.get(l.moveId);
    const demand = move?.product_uom_qty ?? l.ordered ?? l.quantity;
    if (l.quantity < demand) short = true;
    const own = snap.lines.filter((x) => idOf(x.move_id) === l.moveId);
    const productId = move ? idOf(move.product_id) : null;
    const product = productId === null ? undefined : snap.products.get(productId);
    if (l.quantity > 0 && product && product.tracking !== 'none' && l.lots && l.lots.length > 0) {
      // The lots or serials scanned at the bench win over what Odoo reserved.
      const onReserve = own.map((x) => ({
        id: x.id,
        lotId: idOf(x.lot_id),
        lotName: x.lot_id === false ? x.lot_name : x.lot_id[1],
        reserved: Number(x[reserved]) || 0,
      }));
      // A line the bench adds needs what Odoo 16 does not fill in itself: the move's locations and unit.
      const newLine = move ? { location_id: idOf(move.location_id), location_dest_id: idOf(move.location_dest_id), product_uom_id: idOf(move.product_uom) } : {};
      // A type that ships only lots Odoo has would refuse the whole validation for one unknown name.
      const unknown = lotRule === 'existing' ? l.lots.filter((lot) => !knownLots.has(lotKey(product.id, lot.name))).map((lot) => lot.name) : [];
      if (unknown.length > 0) {
        notInOdoo.push(`${unknown.join(', ')} (${product.display_name})`);
        continue;
      }
      const planned = lotLineCommands(dialect, { moveId: l.moveId, productId: product.id, quantity: l.quantity, lots: l.lots, newLine }, onReserve, knownLots);
      if (planned === null) needLot.push(product.display_name);
      else lineCommands.push(...planned);
      continue;
    }
    if (l.quantity > 0 && product && product.tracking !== 'none' && lotRule !== 'free') {
      if (own.length === 0 || own.some((x) => x.lot_id === false && x.lot_name === null)) needLot.push(product.display_name);
    }
    if (own.length === 0) {
      moveCommands.push([1, l.moveId, dialect.packedMove(l.quantity)]);
      continue;
    }
    let left = l.quantity;
    own.forEach((x, i) => {
      const take = i === own.length - 1 ? left : Math.min(left, Number(x[reserved]) || 0);
      left -= take;
      lineCommands.push([1, x.id, dialect.packedLine(take)]);
    });
  }
  if (notInOdoo.length > 0) {
    return new OdooError({
      kind: 'permanent',
      message: `Delivery ${name} ships only lots Odoo has; not in Odoo: ${notInOdoo.join('; ')}`,
      packerSaid: said('odoo.dispatch.lotsNotInOdoo', { order: name, lots: notInOdoo.join('; ') }),
    });
  }
  if (needLot.length > 0) {
    return new OdooError({
      kind: 'permanent',
      message: `Delivery ${name} needs a lot/serial number for ${needLot.join(', ')} and the bench recorded none`,
      packerSaid: said('odoo.dispatch.needsLot', { order: name, products: needLot.join(', ') }),
    });
  }
  return { lineCommands, moveCommands, short };
}

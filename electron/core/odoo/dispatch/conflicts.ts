// What changed in Odoo since the bench cached the order: a picking cancelled, done elsewhere,
// claimed by another bench, re-addressed (the address itself, not write_date) or with changed
// quantities is never overwritten; its row becomes an odoo_conflict exception with what changed,
// cached vs current. Pure: decided from the snapshot alone.
import type { ExceptionKind } from '../../../../shared/api';
import type { DispatchPayload } from '../../pack/effects';
import { said, type Said } from '../../i18n/translator';
import type { ApplyResult } from '../../sync/target';
import { claimedElsewhere, clockTime, isMine } from '../claims';
import { idOf, unique } from '../read-rows';
import type { Snapshot } from './snapshot';

export interface Conflict {
  /** For the lead's console, as a key (worded in the bench's language as it is raised); `error` stays English. */
  title: Said;
  error: string;
  context: Record<string, unknown>;
}

/** Does the picking's carrier_tracking_ref (several joined with "," or "+") hold every one of `ref`'s? */
export function hasRef(current: string | null, ref: string): boolean {
  if (!current) return false;
  const refs = current.split(/[,+]/).map((r) => r.trim());
  return ref.split(',').every((r) => refs.includes(r.trim()));
}

const norm = (v: string | null | undefined) => (v ?? '').normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();

export function conflictResult(c: Conflict, kind: ExceptionKind = 'odoo_conflict'): ApplyResult {
  return { status: 'permanent', error: c.error, title: c.title, exceptionKind: kind, context: c.context };
}

/** The picking is gone from Odoo (or out of the transport's sight). */
export function deletedConflict(p: Pick<DispatchPayload, 'pickingId' | 'pickingName'>): Conflict {
  return {
    title: said('odoo.conflict.deleted', { order: p.pickingName }),
    error: `Picking ${p.pickingId} (${p.pickingName}) no longer exists in Odoo`,
    context: { pickingId: p.pickingId, pickingName: p.pickingName, change: 'deleted' },
  };
}

/** What changed in Odoo since the order was cached, if anything; `uid` is the bench's Odoo user. */
export function conflictOf(p: DispatchPayload, snap: Snapshot, uid: number): Conflict | null {
  const picking = snap.pickings.get(p.pickingId)!;
  const name = picking.name;
  const conflict = (change: string, what: string, cached: unknown, current: unknown, said_: Said): Conflict => ({
    title: said('odoo.conflict.title', { order: name, what: said_ }),
    error: `Delivery ${name} ${what}`,
    context: { pickingId: p.pickingId, pickingName: name, change, cached, current, writeDate: picking.write_date },
  });
  if (picking.state === 'cancel') return conflict('cancelled', 'was cancelled in Odoo', 'assigned', picking.state, said('odoo.conflict.cancelled'));
  if (picking.state === 'done') {
    const tracking = picking.carrier_tracking_ref ?? 'none';
    return conflict('done_elsewhere', `was already shipped in Odoo with tracking ${tracking}`, p.trackingRef, picking.carrier_tracking_ref, said('odoo.conflict.doneElsewhere', { tracking }));
  }
  const holder = snap.claims.get(p.pickingId);
  if (holder && (p.bench === undefined ? holder.uid !== uid : !isMine(holder, uid, p.bench))) {
    const what = `was claimed by another bench: ${claimedElsewhere(name, holder).replace(`${name} `, '').replace(/\.$/, '')}`;
    const words = said('odoo.conflict.claimed', { bench: holder.bench, user: holder.userName, since: clockTime(holder.since) });
    return conflict(
      'claimed_elsewhere',
      what,
      { bench: p.bench ?? null, openedAt: p.openedAt ?? null },
      { bench: holder.bench, user: holder.userName, since: new Date(holder.since).toISOString() },
      words,
    );
  }
  if (p.shipTo) {
    const partnerId = idOf(picking.partner_id);
    const partner = partnerId === null ? undefined : snap.partners.get(partnerId);
    const countryId = partner ? idOf(partner.country_id) : null;
    const current = {
      name: partner?.name ?? null,
      street1: partner?.street ?? null,
      street2: partner?.street2 ?? null,
      postalCode: partner?.zip ?? null,
      city: partner?.city ?? null,
      country: countryId === null ? null : (snap.countryCodes.get(countryId) ?? null),
    };
    const changed = (Object.keys(current) as (keyof typeof current)[]).filter((k) => norm(current[k]) !== norm(p.shipTo![k]));
    if (changed.length > 0) {
      const words: Record<string, string> = { name: 'name', street1: 'street', street2: 'street', postalCode: 'postcode', city: 'city', country: 'country' };
      const fields = unique(changed.map((k) => words[k])).join(', ');
      return conflict('readdressed', `was re-addressed in Odoo (${fields} changed)`, p.shipTo, current, said('odoo.conflict.readdressed', { fields }));
    }
  }
  if (p.lines.some((l) => l.ordered !== undefined)) {
    const live = picking.move_ids.map((id) => snap.moves.get(id)).filter((m) => m && m.state !== 'cancel' && m.product_uom_qty > 0);
    const cached = Object.fromEntries(p.lines.map((l) => [l.moveId, l.ordered ?? null]));
    const current = Object.fromEntries(live.map((m) => [m!.id, m!.product_uom_qty]));
    const differs =
      p.lines.some((l) => l.ordered !== undefined && current[l.moveId] !== l.ordered) ||
      live.some((m) => !(m!.id in cached));
    if (differs) return conflict('quantities', 'has different quantities in Odoo than when it was packed', cached, current, said('odoo.conflict.quantities'));
  } else {
    const foreign = p.lines.filter((l) => !picking.move_ids.includes(l.moveId));
    if (foreign.length > 0) return conflict('quantities', 'no longer has all the packed lines in Odoo', p.lines, picking.move_ids, said('odoo.conflict.linesGone'));
  }
  return null;
}

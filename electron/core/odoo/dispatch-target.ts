// Outbox target that tells Odoo a picking was packed: quantities (and lots), a package with the
// shipping weight, the tracking ref, validation with the configured backorder policy, the label as
// an attachment and one chatter message. Rows are bound to the Odoo (URL + database) they were
// written for and never sent elsewhere.
//
// Batched: a batch of rows costs a fixed number of calls (reads of pickings, claims, moves, move
// lines, products, partners; one package create, one validation, one state re-read, one
// attachment create) plus two per picking (its write with the move lines as one2many commands, and
// its chatter message): under 3 calls per picking when draining a backlog.
//
// Before anything is written each picking is compared with what the bench packed against: a
// picking cancelled, done elsewhere, claimed by another bench, re-addressed (the address itself,
// not write_date) or with changed quantities is never overwritten: its row gets a permanent result
// of kind odoo_conflict with what changed, cached vs current.
import { z } from 'zod';
import type { ExceptionKind } from '../../../shared/api';
import { ODOO_DISPATCH, type DispatchPayload } from '../pack/pack-session';
import type { ApplyResult, LookupResult, OutboxRow, SyncTarget } from '../sync/worker';
import { claimedElsewhere, claimsFrom, clockTime, isMine, ownUid, type ClaimHolder } from './claims';
import { applyResultOf, OdooError } from './errors';
import { M2o, Text, fieldsOf, idOf, readRows } from './read-rows';
import { lotKey, lotLineCommands } from './lot-lines';
import type { OdooTransport } from './transport';
import { dialectFor, type OdooDialect } from './versions';

export const ODOO_TARGET = 'odoo';
export type BackorderPolicy = 'create' | 'no_backorder';

export function odooBinding(transport: { url: string; db: string }): string {
  return `${transport.url}|${transport.db}`;
}

export interface OdooDispatchOptions {
  /** Setting `odoo.backorder`, read at each batch; default 'create'. */
  backorder?: () => BackorderPolicy;
  /** Rows per apply call; default 25. */
  maxBatch?: number;
  /** Parallel per-picking calls within a batch; default 4. */
  concurrency?: number;
  /** The bench's audit log head, written into each chatter message as an anchor outside the bench. */
  auditHead?: () => { seq: number; hash: string } | null;
}

type Row = OutboxRow<DispatchPayload>;


// ---- Odoo read shapes ----


const PickingRow = z.object({
  id: z.number().int(),
  name: z.string(),
  state: z.string(),
  partner_id: M2o,
  user_id: M2o,
  company_id: M2o,
  move_ids: z.array(z.number().int()),
  carrier_tracking_ref: Text,
  write_date: z.string(),
});
const MoveRow = z.object({
  id: z.number().int(),
  picking_id: M2o,
  product_id: M2o,
  product_uom_qty: z.number(),
  product_uom: M2o,
  location_id: M2o,
  location_dest_id: M2o,
  state: z.string(),
});
const LineRow = z.looseObject({ id: z.number().int(), move_id: M2o, product_id: M2o, lot_id: M2o, lot_name: Text });
const ProductRow = z.object({ id: z.number().int(), display_name: z.string(), tracking: z.enum(['none', 'lot', 'serial']).catch('none') });
const LotRow = z.object({ id: z.number().int(), name: z.string(), product_id: M2o, company_id: M2o });
const PartnerRow = z.object({ id: z.number().int(), name: Text, street: Text, street2: Text, zip: Text, city: Text, country_id: M2o });
const NoteRow = z.object({ id: z.number().int(), res_id: z.number().int(), body: z.union([z.string(), z.literal(false)]) });
const AttachmentRow = z.object({ id: z.number().int(), name: z.string(), res_id: z.number().int() });
const StateRow = z.object({ id: z.number().int(), state: z.string(), carrier_tracking_ref: Text });
const PackageRow = z.object({ id: z.number().int(), name: z.string() });
const BackorderRow = z.object({ id: z.number().int(), backorder_id: M2o });


/**
 * stock.lot ids by product and name for a picking of `company`. A name is unique per product and
 * company in Odoo: the company's own lot wins over one shared by all companies, another company's
 * lot is never used; the oldest wins among equals.
 */
function lotsOfCompany(lots: readonly z.infer<typeof LotRow>[], company: number | null): Map<string, number> {
  const rank = (l: z.infer<typeof LotRow>) => (l.company_id === false ? 1 : 0);
  const usable = lots.filter((l) => l.product_id !== false && (l.company_id === false || idOf(l.company_id) === company));
  // Worst first, so the best candidate is set last.
  usable.sort((a, b) => rank(b) - rank(a) || b.id - a.id);
  return new Map(usable.map((l) => [lotKey(idOf(l.product_id)!, l.name), l.id]));
}

function unique<T>(values: (T | null | undefined)[]): T[] {
  return [...new Set(values.filter((v): v is T => v !== null && v !== undefined))];
}

/** Run fn over items, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

// ---- Names ----

const EXTENSIONS: Record<string, { ext: string; mimetype: string }> = {
  ZPL: { ext: 'zpl', mimetype: 'application/x-zpl' },
  PDF: { ext: 'pdf', mimetype: 'application/pdf' },
  PNG: { ext: 'png', mimetype: 'image/png' },
  EPL: { ext: 'epl', mimetype: 'application/x-epl' },
};

/** Named like Odoo's own connectors: `LabelShipping-<carrier>-<tracking>.<ext>`. */
export function labelAttachmentName(payload: Pick<DispatchPayload, 'carrier' | 'trackingRef'>, format: string): string {
  const ext = EXTENSIONS[format.toUpperCase()]?.ext ?? format.toLowerCase();
  return `LabelShipping-${payload.carrier ?? 'packbench'}-${payload.trackingRef}.${ext}`;
}

function hasRef(current: string | null, ref: string): boolean {
  if (!current) return false;
  const refs = current.split(/[,+]/).map((r) => r.trim());
  return ref.split(',').every((r) => refs.includes(r.trim()));
}

const norm = (v: string | null | undefined) => (v ?? '').normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
const kg = (g: number) => `${(g / 1000).toFixed(3)} kg`;

/** "Lots and serials scanned: ESP-2503 (2), SN-0001.", or '' when none were scanned. */
function lotsText(p: DispatchPayload): string {
  const lots = p.lines.flatMap((l) => (l.lots ?? []).map((lot) => (lot.quantity === 1 ? lot.name : `${lot.name} (${lot.quantity})`)));
  return lots.length === 0 ? '' : `Lots and serials scanned: ${lots.join(', ')}.`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ---- The batch ----

interface Snapshot {
  pickings: Map<number, z.infer<typeof PickingRow>>;
  claims: Map<number, ClaimHolder>;
  moves: Map<number, z.infer<typeof MoveRow>>;
  lines: z.infer<typeof LineRow>[];
  products: Map<number, z.infer<typeof ProductRow>>;
  /** The stock.lot records Odoo has for the lot names the bench scanned (any of the batch's companies). */
  lots: z.infer<typeof LotRow>[];
  partners: Map<number, z.infer<typeof PartnerRow>>;
  countryCodes: Map<number, string | null>;
}

interface Conflict {
  title: string;
  error: string;
  context: Record<string, unknown>;
}

/** A row that passed the checks: what will be written for it. */
interface Plan {
  index: number;
  row: Row;
  name: string;
  /** Done already with our tracking ref (an earlier attempt): only attachment/message may be missing. */
  finishOnly: boolean;
  claimNow: boolean;
  lineCommands: [number, number, Record<string, unknown>][];
  moveCommands: [number, number, Record<string, unknown>][];
  trackingRef: string;
  short: boolean;
  packageId?: number;
}

export function createOdooDispatchTarget(
  transport: OdooTransport,
  onDispatched: (payload: DispatchPayload) => void,
  options: OdooDispatchOptions = {},
): { kind: string; target: SyncTarget<DispatchPayload> } {
  const binding = odooBinding(transport);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  // Country codes never change under a bench: read each once.
  const countryCodes = new Map<number, string | null>();

  async function snapshot(dialect: OdooDialect, pickingIds: number[], lotNames: string[]): Promise<Snapshot> {
    const [pickings, notes] = await Promise.all([
      readRows(transport, PickingRow, 'stock.picking', 'search_read', { domain: [['id', 'in', pickingIds]], fields: fieldsOf(PickingRow) }),
      readRows(transport, NoteRow, 'mail.message', 'search_read', {
        domain: [
          ['model', '=', 'stock.picking'],
          ['res_id', 'in', pickingIds],
          ['body', 'ilike', 'Packbench claim'],
        ],
        fields: ['res_id', 'body'],
        order: 'id desc',
      }),
    ]);
    const reserved = dialect.major === 16 ? 'reserved_uom_qty' : 'quantity';
    const [moves, lines, partners] = await Promise.all([
      readRows(transport, MoveRow, 'stock.move', 'read', { ids: pickings.flatMap((p) => p.move_ids), fields: fieldsOf(MoveRow) }),
      readRows(transport, LineRow, 'stock.move.line', 'search_read', {
        domain: [['picking_id', 'in', pickings.map((p) => p.id)]],
        fields: ['move_id', 'product_id', 'lot_id', 'lot_name', reserved],
        order: 'id',
      }),
      readRows(transport, PartnerRow, 'res.partner', 'read', {
        ids: unique(pickings.map((p) => idOf(p.partner_id))),
        fields: fieldsOf(PartnerRow),
      }),
    ]);
    const newCountries = unique(partners.map((p) => idOf(p.country_id))).filter((id) => !countryCodes.has(id));
    const productIds = unique([...moves.map((m) => idOf(m.product_id)), ...lines.map((l) => idOf(l.product_id))]);
    const [products, countries, lots] = await Promise.all([
      readRows(transport, ProductRow, 'product.product', 'read', { ids: productIds, fields: ['display_name', 'tracking'] }),
      readRows(transport, z.object({ id: z.number().int(), code: Text }), 'res.country', 'read', { ids: newCountries, fields: ['code'] }),
      // The lots Odoo already knows by the names scanned at the bench (one search for the batch).
      lotNames.length === 0
        ? Promise.resolve([])
        : readRows(transport, LotRow, 'stock.lot', 'search_read', {
            domain: [
              ['name', 'in', lotNames],
              ['product_id', 'in', productIds],
              ['company_id', 'in', [...unique(pickings.map((p) => idOf(p.company_id))), false]],
            ],
            fields: ['name', 'product_id', 'company_id'],
            order: 'id',
          }),
    ]);
    for (const c of countries) countryCodes.set(c.id, c.code);
    return {
      pickings: new Map(pickings.map((p) => [p.id, p])),
      claims: claimsFrom(pickings, notes),
      moves: new Map(moves.map((m) => [m.id, m])),
      lines,
      products: new Map(products.map((p) => [p.id, p])),
      lots,
      partners: new Map(partners.map((p) => [p.id, p])),
      countryCodes,
    };
  }

  /** What changed in Odoo since the order was cached, if anything (never overwritten). */
  function conflictOf(row: Row, snap: Snapshot, uid: number): Conflict | null {
    const p = row.payload;
    const picking = snap.pickings.get(p.pickingId)!;
    const name = picking.name;
    const conflict = (change: string, what: string, cached: unknown, current: unknown): Conflict => ({
      title: `${name} ${what}. It was not changed in Odoo; the shift lead decides what happens to the parcel.`,
      error: `Delivery ${name} ${what}`,
      context: { pickingId: p.pickingId, pickingName: name, change, cached, current, writeDate: picking.write_date },
    });
    if (picking.state === 'cancel') return conflict('cancelled', 'was cancelled in Odoo', 'assigned', picking.state);
    if (picking.state === 'done') {
      return conflict('done_elsewhere', `was already shipped in Odoo with tracking ${picking.carrier_tracking_ref ?? 'none'}`, p.trackingRef, picking.carrier_tracking_ref);
    }
    const holder = snap.claims.get(p.pickingId);
    if (holder && (p.bench === undefined ? holder.uid !== uid : !isMine(holder, uid, p.bench))) {
      const what = `was claimed by another bench: ${claimedElsewhere(name, holder).replace(`${name} `, '').replace(/\.$/, '')}`;
      return conflict('claimed_elsewhere', what, { bench: p.bench ?? null, openedAt: p.openedAt ?? null }, {
        bench: holder.bench,
        user: holder.userName,
        since: new Date(holder.since).toISOString(),
      });
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
        return conflict('readdressed', `was re-addressed in Odoo (${unique(changed.map((k) => words[k])).join(', ')} changed)`, p.shipTo, current);
      }
    }
    if (p.lines.some((l) => l.ordered !== undefined)) {
      const live = picking.move_ids.map((id) => snap.moves.get(id)).filter((m) => m && m.state !== 'cancel' && m.product_uom_qty > 0);
      const cached = Object.fromEntries(p.lines.map((l) => [l.moveId, l.ordered ?? null]));
      const current = Object.fromEntries(live.map((m) => [m!.id, m!.product_uom_qty]));
      const differs =
        p.lines.some((l) => l.ordered !== undefined && current[l.moveId] !== l.ordered) ||
        live.some((m) => !(m!.id in cached));
      if (differs) return conflict('quantities', 'has different quantities in Odoo than when it was packed', cached, current);
    } else {
      const foreign = p.lines.filter((l) => !picking.move_ids.includes(l.moveId));
      if (foreign.length > 0) return conflict('quantities', 'no longer has all the packed lines in Odoo', p.lines, picking.move_ids);
    }
    return null;
  }

  /** Move-line (and move) commands for the packed quantities; throws when Odoo needs a lot we do not have. */
  function planQuantities(dialect: OdooDialect, row: Row, snap: Snapshot, name: string): Pick<Plan, 'lineCommands' | 'moveCommands' | 'short'> {
    const lineCommands: Plan['lineCommands'] = [];
    const moveCommands: Plan['moveCommands'] = [];
    const reserved = dialect.major === 16 ? 'reserved_uom_qty' : 'quantity';
    const needLot: string[] = [];
    let short = false;
    const knownLots = lotsOfCompany(snap.lots, idOf(snap.pickings.get(row.payload.pickingId)!.company_id));
    const lotRule = row.payload.lotRule;
    const notInOdoo: string[] = [];
    for (const l of row.payload.lines) {
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
        const planned = lotLineCommands(
          dialect,
          { moveId: l.moveId, productId: product.id, quantity: l.quantity, lots: l.lots, newLine },
          onReserve,
          knownLots,
        );
        if (planned === null) needLot.push(product.display_name);
        else lineCommands.push(...planned);
        continue;
      }
      if (l.quantity > 0 && product && product.tracking !== 'none' && lotRule !== 'free') {
        if (own.length === 0 || own.some((x) => x.lot_id === false && x.lot_name === null)) needLot.push(product.display_name);
      }
      if (own.length === 0) {
        moveCommands.push([1, l.moveId, dialect.major === 16 ? { quantity_done: l.quantity } : { quantity: l.quantity, picked: true }]);
        continue;
      }
      let left = l.quantity;
      own.forEach((x, i) => {
        const take = i === own.length - 1 ? left : Math.min(left, Number(x[reserved]) || 0);
        left -= take;
        lineCommands.push([1, x.id, dialect.major === 16 ? { qty_done: take } : { quantity: take, picked: true }]);
      });
    }
    if (notInOdoo.length > 0) {
      throw new OdooError({
        kind: 'permanent',
        message: `Delivery ${name} ships only lots Odoo has; not in Odoo: ${notInOdoo.join('; ')}`,
        packerMessage: `${name} can only ship lots and serial numbers Odoo has, and these are not in Odoo: ${notInOdoo.join('; ')}. The shift lead creates them in Odoo (or corrects the order), then retries.`,
      });
    }
    if (needLot.length > 0) {
      throw new OdooError({
        kind: 'permanent',
        message: `Delivery ${name} needs a lot/serial number for ${needLot.join(', ')} and the bench recorded none`,
        packerMessage: `${name} needs a lot or serial number in Odoo for ${needLot.join(', ')}. The shift lead enters it in Odoo, then retries.`,
      });
    }
    return { lineCommands, moveCommands, short };
  }

  /** Read as the message is sent; `audit verify --anchor SEQ:HASH` checks the bench's log against it. */
  function auditAnchor(): string {
    const head = options.auditHead?.();
    return head ? `Audit log entry ${head.seq} (${head.hash.slice(0, 12)}).` : '';
  }

  /** `backorder`: whether Odoo kept the rest as a backorder (read back; the operation type may override the bench). */
  function summary(plan: Plan, backorder: boolean): string {
    const p = plan.row.payload;
    const items = p.lines.reduce((n, l) => n + l.quantity, 0);
    const parts = [
      `Packed at ${p.bench ?? 'Packbench'}: ${items} item${items === 1 ? '' : 's'} in 1 parcel, ${kg(p.weightG)}.`,
      `Tracking ${p.trackingRef}${p.label ? ', label attached' : ''}.`,
      lotsText(p),
      plan.short ? (backorder ? 'Not everything was packed: the rest stays as a backorder.' : 'Not everything was packed: the rest was cancelled (no backorder).') : '',
      p.openedAt ? `Opened at ${clockTime(p.openedAt)}.` : '',
      auditAnchor(),
    ].filter(Boolean);
    return `<p>${parts.map(escapeHtml).join('<br/>')}</p>`;
  }

  async function apply(batch: Row[]): Promise<ApplyResult[]> {
    const results: (ApplyResult | undefined)[] = batch.map(() => undefined);
    const conflictResult = (c: Conflict, kind: ExceptionKind = 'odoo_conflict'): ApplyResult => ({
      status: 'permanent',
      error: c.error,
      title: c.title,
      exceptionKind: kind,
      context: c.context,
    });
    batch.forEach((row, i) => {
      if (row.binding !== binding) {
        results[i] = {
          status: 'permanent',
          error: `row written for ${row.binding}, bench now uses ${binding}`,
          title: `${row.payload.pickingName} was packed for another Odoo (${row.binding?.split('|')[0]}); it was not sent to this one.`,
        };
      }
    });
    const live = batch.map((row, index) => ({ row, index })).filter((x) => !results[x.index]);
    if (live.length === 0) return results as ApplyResult[];
    try {
      const dialect = dialectFor(await transport.version());
      const uid = await ownUid(transport);
      const backorder = options.backorder?.() ?? 'create';
      const lotNames = unique(live.flatMap((x) => x.row.payload.lines.flatMap((l) => (l.lots ?? []).map((lot) => lot.name))));
      const snap = await snapshot(dialect, unique(live.map((x) => x.row.payload.pickingId)), lotNames);

      // 1. Checks: nothing is written for a row that conflicts.
      const plans: Plan[] = [];
      const seen = new Set<number>();
      for (const { row, index } of live) {
        const p = row.payload;
        const picking = snap.pickings.get(p.pickingId);
        if (!picking) {
          results[index] = conflictResult({
            title: `${p.pickingName} was deleted in Odoo. The shift lead decides what happens to the parcel.`,
            error: `Picking ${p.pickingId} (${p.pickingName}) no longer exists in Odoo`,
            context: { pickingId: p.pickingId, pickingName: p.pickingName, change: 'deleted' },
          });
          continue;
        }
        if (seen.has(p.pickingId)) {
          // Two rows for one picking in one batch cannot happen (one head per order key); be safe.
          results[index] = { status: 'retry', error: 'another update of this delivery goes first' };
          continue;
        }
        seen.add(p.pickingId);
        if (picking.state === 'done' && hasRef(picking.carrier_tracking_ref, p.trackingRef)) {
          plans.push({ index, row, name: picking.name, finishOnly: true, claimNow: false, lineCommands: [], moveCommands: [], trackingRef: p.trackingRef, short: false });
          continue;
        }
        const conflict = conflictOf(row, snap, uid);
        if (conflict) {
          results[index] = conflictResult(conflict);
          continue;
        }
        try {
          const quantities = planQuantities(dialect, row, snap, picking.name);
          const ref = picking.carrier_tracking_ref;
          plans.push({
            index,
            row,
            name: picking.name,
            finishOnly: false,
            claimNow: !snap.claims.has(p.pickingId),
            ...quantities,
            // Odoo appends a second parcel's ref with ","; ours is kept if it is there already.
            trackingRef: ref && !hasRef(ref, p.trackingRef) ? `${ref},${p.trackingRef}` : p.trackingRef,
          });
        } catch (error) {
          results[index] = applyResultOf(error);
        }
      }

      // 2. Packages with the shipping weight (and the package type the packer scanned), one call for the batch.
      const toWrite = plans.filter((x) => !x.finishOnly);
      // Any earlier attempt may have had its package made in Odoo with the answer lost, even one
      // the outbox never counted (the bench died mid-call): packages are named by the tracking ref,
      // so the step looks for its own effect first and reuses it instead of making a twin.
      if (toWrite.length > 0) {
        const found = await readRows(transport, PackageRow, dialect.packageModel, 'search_read', {
          domain: [['name', 'in', toWrite.map((x) => x.row.payload.trackingRef)]],
          fields: ['name'],
        });
        const byName = new Map(found.map((p) => [p.name, p.id]));
        for (const x of toWrite) x.packageId = byName.get(x.row.payload.trackingRef);
      }
      const toCreate = toWrite.filter((x) => x.packageId === undefined);
      if (toCreate.length > 0) {
        const reply = await transport.call(dialect.packageModel, 'create', {
          vals_list: toCreate.map((x) => ({
            name: x.row.payload.trackingRef,
            shipping_weight: Math.round(x.row.payload.weightG) / 1000,
            ...(x.row.payload.packageTypeId ? { package_type_id: x.row.payload.packageTypeId } : {}),
          })),
        });
        const ids = z.array(z.number().int()).length(toCreate.length).safeParse(reply);
        if (!ids.success) throw new OdooError({ kind: 'protocol', message: `Unexpected ${dialect.packageModel}.create reply from Odoo` });
        toCreate.forEach((x, i) => (x.packageId = ids.data[i]));
      }

      // 3. One write per picking: tracking ref, weight, claim, move lines (quantities, package).
      const written: Plan[] = [];
      await eachLimited(toWrite, concurrency, async (x) => {
        const vals: Record<string, unknown> = {
          carrier_tracking_ref: x.trackingRef,
          shipping_weight: Math.round(x.row.payload.weightG) / 1000,
          move_line_ids: x.lineCommands.map(([c, id, v]) => [c, id, { ...v, result_package_id: x.packageId }]),
        };
        if (x.moveCommands.length > 0) vals.move_ids = x.moveCommands;
        if (x.claimNow) vals.user_id = uid;
        try {
          await transport.call('stock.picking', 'write', { ids: [x.row.payload.pickingId], vals });
          written.push(x);
        } catch (error) {
          results[x.index] = applyResultOf(error);
        }
      });

      // 4. Validate them together; if Odoo refuses, find which one(s) by validating each.
      const context: Record<string, unknown> = { skip_backorder: true };
      const validate = async (group: Plan[]) => {
        const ids = group.map((x) => x.row.payload.pickingId);
        await transport.call('stock.picking', 'button_validate', {
          ids,
          context: backorder === 'no_backorder' ? { ...context, picking_ids_not_to_backorder: ids } : context,
        });
      };
      if (written.length > 0) {
        try {
          await validate(written);
        } catch (error) {
          if (!(error instanceof OdooError && error.permanent) || written.length === 1) {
            for (const x of written) results[x.index] = applyResultOf(error);
          } else {
            await eachLimited(written, concurrency, async (x) => {
              try {
                await validate([x]);
              } catch (single) {
                results[x.index] = applyResultOf(single);
              }
            });
          }
        }
      }

      // 5. Never infer success from the reply: read the states back.
      const candidates = plans.filter((x) => !results[x.index]);
      const states = await readRows(transport, StateRow, 'stock.picking', 'read', {
        ids: candidates.filter((x) => !x.finishOnly).map((x) => x.row.payload.pickingId),
        fields: ['state', 'carrier_tracking_ref'],
      });
      const stateOf = new Map(states.map((s) => [s.id, s.state]));
      const finishing: Plan[] = [];
      for (const x of candidates) {
        const state = x.finishOnly ? 'done' : stateOf.get(x.row.payload.pickingId);
        if (state === 'done') finishing.push(x);
        else {
          results[x.index] = {
            status: 'permanent',
            error: `Delivery ${x.name} was not validated by Odoo: it is "${state ?? 'missing'}"`,
            title: `${x.name} was not validated in Odoo (it is "${state ?? 'missing'}"). The shift lead checks it in Odoo.`,
          };
        }
      }

      // 6. The label as an attachment and one chatter message, skipping what an earlier attempt left.
      const recovering = finishing.filter((x) => x.finishOnly);
      const existing = new Map<number, number>();
      const posted = new Set<number>();
      if (recovering.length > 0) {
        const names = recovering.flatMap((x) => (x.row.payload.label ? [labelAttachmentName(x.row.payload, x.row.payload.label.format)] : []));
        const found = await readRows(transport, AttachmentRow, 'ir.attachment', 'search_read', {
          domain: [
            ['res_model', '=', 'stock.picking'],
            ['res_id', 'in', recovering.map((x) => x.row.payload.pickingId)],
            ['name', 'in', names],
          ],
          fields: ['name', 'res_id'],
        });
        for (const a of found) existing.set(a.res_id, a.id);
        const messages = await readRows(transport, NoteRow, 'mail.message', 'search_read', {
          domain: [
            ['model', '=', 'stock.picking'],
            ['res_id', 'in', recovering.map((x) => x.row.payload.pickingId)],
            ['body', 'ilike', 'Tracking '],
          ],
          fields: ['res_id', 'body'],
        });
        for (const m of messages) {
          const x = recovering.find((r) => r.row.payload.pickingId === m.res_id);
          if (x && typeof m.body === 'string' && m.body.includes(x.row.payload.trackingRef)) posted.add(m.res_id);
        }
      }
      // What Odoo did with what was not packed: the operation type may override the bench's policy.
      const short = finishing.filter((x) => x.short).map((x) => x.row.payload.pickingId);
      const backordered = new Set(
        (
          await (short.length === 0
            ? Promise.resolve([])
            : readRows(transport, BackorderRow, 'stock.picking', 'search_read', {
                domain: [['backorder_id', 'in', short]],
                fields: ['backorder_id'],
              }))
        ).flatMap((b) => (b.backorder_id === false ? [] : [b.backorder_id[0]])),
      );
      const needAttachment = finishing.filter((x) => x.row.payload.label && !existing.has(x.row.payload.pickingId));
      if (needAttachment.length > 0) {
        const reply = await transport.call('ir.attachment', 'create', {
          vals_list: needAttachment.map((x) => {
            const label = x.row.payload.label!;
            return {
              name: labelAttachmentName(x.row.payload, label.format),
              type: 'binary',
              datas: label.base64,
              mimetype: EXTENSIONS[label.format.toUpperCase()]?.mimetype ?? 'application/octet-stream',
              res_model: 'stock.picking',
              res_id: x.row.payload.pickingId,
            };
          }),
        });
        const ids = z.array(z.number().int()).length(needAttachment.length).safeParse(reply);
        if (!ids.success) throw new OdooError({ kind: 'protocol', message: 'Unexpected ir.attachment.create reply from Odoo' });
        needAttachment.forEach((x, i) => existing.set(x.row.payload.pickingId, ids.data[i]!));
      }
      await eachLimited(finishing, concurrency, async (x) => {
        const pickingId = x.row.payload.pickingId;
        try {
          if (!posted.has(pickingId)) {
            const attachment = existing.get(pickingId);
            await transport.call('stock.picking', 'message_post', {
              ids: [pickingId],
              body: summary(x, backordered.has(pickingId)),
              body_is_html: true,
              message_type: 'comment',
              subtype_xmlid: 'mail.mt_note',
              ...(attachment === undefined ? {} : { attachment_ids: [attachment] }),
            });
          }
          results[x.index] = { status: 'done', result: { trackingRef: x.row.payload.trackingRef } };
        } catch (error) {
          // Validated already: the lookup on the next try sees it and only the message is redone.
          results[x.index] = applyResultOf(error);
        }
      });
      return results.map((r) => r ?? { status: 'retry', error: 'not applied in this batch' });
    } catch (error) {
      // A refusal of a whole-batch call: the worker splits the batch so one bad row cannot block the others.
      if (error instanceof OdooError && error.permanent && live.length > 1) throw error;
      const result = applyResultOf(error);
      return results.map((r) => r ?? result);
    }
  }

  /**
   * The reply was lost: which steps took effect in Odoo. Applied only when every step did (done with
   * our tracking ref, the label attached, the chatter message posted); otherwise apply runs again and
   * each step skips what is already there (package by name, attachment by name, message by its
   * tracking ref, validation by state). A row written for another Odoo is never looked up here.
   */
  async function lookup(row: Row): Promise<LookupResult> {
    if (row.binding !== null && row.binding !== binding) return { applied: false };
    const p = row.payload;
    const [picking] = await readRows(transport, StateRow, 'stock.picking', 'read', {
      ids: [p.pickingId],
      fields: ['state', 'carrier_tracking_ref'],
    });
    if (!picking) return { applied: false };
    const validated = picking.state === 'done' && hasRef(picking.carrier_tracking_ref, p.trackingRef);
    if (!validated) return { applied: false, steps: { validated: false } };
    const [attachments, messages] = await Promise.all([
      p.label
        ? transport.call('ir.attachment', 'search_count', {
            domain: [
              ['res_model', '=', 'stock.picking'],
              ['res_id', '=', p.pickingId],
              ['name', '=', labelAttachmentName(p, p.label.format)],
            ],
          })
        : Promise.resolve(0),
      transport.call('mail.message', 'search_count', {
        domain: [
          ['model', '=', 'stock.picking'],
          ['res_id', '=', p.pickingId],
          ['body', 'ilike', `Tracking ${p.trackingRef}`],
        ],
      }),
    ]);
    const steps = {
      validated: true,
      labelAttached: !p.label || (typeof attachments === 'number' && attachments > 0),
      messagePosted: typeof messages === 'number' && messages > 0,
    };
    return steps.labelAttached && steps.messagePosted
      ? { applied: true, result: { trackingRef: p.trackingRef }, steps }
      : { applied: false, steps };
  }

  return {
    kind: ODOO_DISPATCH,
    target: {
      target: ODOO_TARGET,
      label: 'Odoo',
      maxBatch: Math.max(1, options.maxBatch ?? 25),
      orderName: (row) => row.payload.pickingName,
      apply,
      lookup,
      onApplied(row) {
        onDispatched(row.payload);
      },
    },
  };
}

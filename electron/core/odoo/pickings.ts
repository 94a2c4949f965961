// Delivery orders: an Odoo stock.picking (16–19) read and mapped into the canonical Order, and the
// bench's scope. The packed result goes back through the outbox (dispatch/). Version differences
// come from the dialect of the detected version (versions.ts), never from checks here.
import { said } from '../i18n/translator';
import { z } from 'zod';
import { Order, type Party } from '../../../shared/order';
import { OdooError } from './errors';
import {
  CodeRow,
  CompanyRow,
  FieldsGetReply,
  OrderPartnerRow,
  OrderProductCustomsRow,
  OrderProductRow,
  PRODUCT_CUSTOMS_FIELDS,
  WarehouseRow,
} from './models/partner';
import { OrderPickingRow, PickingTypeRow } from './models/picking';
import { OrderMoveRow, PackageLineRow, ReservedLineRow } from './models/stock';
import { fieldsOf, idOf, readRows, unique, type M2o } from './read-rows';
import type { OdooParams, OdooTransport } from './transport';
import { dialectFor, type OdooDialect } from './versions';

/** What these calls need from a transport: named calls and the server version (JSON-RPC or JSON-2). */
export type OdooCaller = Pick<OdooTransport, 'call' | 'version'>;

/** A reserved line with its version's reserved-quantity field required as a number. */
function reservedLineRow(dialect: OdooDialect): typeof ReservedLineRow {
  return ReservedLineRow.extend({ [dialect.lineReservedField]: z.number() }) as unknown as typeof ReservedLineRow;
}

async function dialectOf(t: OdooCaller): Promise<OdooDialect> {
  return dialectFor(await t.version());
}

// ---- Odoo read shapes: models/ (empty values are `false`, many2one is [id, name]) ----

const nameOf = (m: z.infer<typeof M2o>) => (m === false ? null : m[1]);
type PickingTypeRow = z.infer<typeof PickingTypeRow>;

/**
 * The warehouse and lot rules of each operation type, remembered between batches (types seldom
 * change; the prefetch forgets them on each full pull). Asked with search_read, not read: a type of
 * a company outside `allowed_company_ids` is simply not known (warehouse unknown), never an AccessError.
 */
export class OperationTypes {
  private readonly known = new Map<number, PickingTypeRow>();

  clear(): void {
    this.known.clear();
  }

  async of(transport: OdooCaller, typeIds: number[]): Promise<Map<number, PickingTypeRow>> {
    const missing = typeIds.filter((id) => !this.known.has(id));
    if (missing.length > 0) {
      const found = await readRows(transport, PickingTypeRow, 'stock.picking.type', 'search_read', {
        domain: [['id', 'in', missing]],
        fields: fieldsOf(PickingTypeRow),
        context: { active_test: false },
      });
      for (const t of found) this.known.set(t.id, t);
    }
    return this.known;
  }
}
type PartnerRow = z.infer<typeof OrderPartnerRow>;
/** A product as read: with its customs fields where the database has them. */
type ProductRow = z.infer<typeof OrderProductRow> & Partial<Pick<z.infer<typeof OrderProductCustomsRow>, 'hs_code' | 'country_of_origin'>>;

function read<S extends z.ZodObject>(
  t: Pick<OdooCaller, 'call'>,
  schema: S,
  model: string,
  ids: number[],
  fields: string[] = fieldsOf(schema),
): Promise<z.infer<S>[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return readRows(t, schema, model, 'read', { ids, fields });
}

/**
 * Records that practically never change under a bench (country and state codes, a company's
 * partner, an operation type's warehouse), read once and remembered, so a scan does not ask
 * Odoo for them again.
 */
export class ReferenceData {
  readonly types = new OperationTypes();
  private readonly known = new Map<string, Map<number, unknown>>();
  private customsFields: Promise<boolean> | null = null;

  /** Forget everything (a full pull reads it all again). */
  clear(): void {
    this.types.clear();
    this.known.clear();
    this.customsFields = null;
  }

  /**
   * Whether product.product has the customs fields (hs_code, country_of_origin) in this database:
   * every version 16–19 has them with the delivery module (16) or stock_delivery (17+), but a
   * database without it has neither, and reading a field Odoo lacks fails the whole read. Asked
   * once (fields_get).
   */
  hasProductCustomsFields(t: OdooCaller): Promise<boolean> {
    this.customsFields ??= t.call('product.product', 'fields_get', { attributes: ['type'] }).then(
      (reply) => {
        const fields = FieldsGetReply.safeParse(reply);
        if (!fields.success) throw new OdooError({ kind: 'protocol', message: 'Unexpected product.product.fields_get reply from Odoo' });
        return PRODUCT_CUSTOMS_FIELDS.every((f) => f in fields.data);
      },
    );
    // A failed question is asked again next time.
    this.customsFields.catch(() => {
      this.customsFields = null;
    });
    return this.customsFields;
  }

  async read<S extends z.ZodObject>(t: Pick<OdooCaller, 'call'>, schema: S, model: string, ids: number[]): Promise<z.infer<S>[]> {
    const known = this.known.get(model) ?? new Map<number, unknown>();
    this.known.set(model, known);
    const missing = ids.filter((id) => !known.has(id));
    for (const row of await read(t, schema, model, missing)) known.set((row as { id: number }).id, row);
    return ids.flatMap((id) => (known.has(id) ? [known.get(id) as z.infer<S>] : []));
  }
}

// ---- Find ----

/** The delivery with this name (e.g. "WH/OUT/00012") as a canonical Order, or null. */
export async function findPickingByName(
  transport: OdooCaller,
  name: string,
  source: { url: string; db: string },
  reference?: ReferenceData,
): Promise<Order | null> {
  const [picking] = await readRows(transport, OrderPickingRow, 'stock.picking', 'search_read', {
    domain: [['name', '=', name]],
    fields: fieldsOf(OrderPickingRow),
    limit: 1,
  });
  if (!picking) return null;
  const { orders, skipped } = await pickingsToOrders(transport, [picking], source, reference ? { reference } : {});
  if (skipped[0]) throw skipped[0].error;
  return orders[0]?.order ?? null;
}

export interface FetchedOrder {
  order: Order;
  /** carrier_tracking_ref, when the prefetch read it. */
  trackingRef: string | null;
  /** Names of the packages on the picking's move lines (with `packages`). */
  packages: string[];
}

/**
 * Pickings (as read) to canonical Orders, for any number of them in a fixed number of calls:
 * moves, products and companies, partners, countries and states (plus move lines for package
 * names when asked). A picking that cannot become an order is skipped with the reason.
 */
export async function pickingsToOrders(
  transport: OdooCaller,
  pickings: (z.infer<typeof OrderPickingRow> & { carrier_tracking_ref?: string | null })[],
  source: { url: string; db: string },
  options: { packages?: boolean; types?: OperationTypes; reference?: ReferenceData } = {},
): Promise<{ orders: FetchedOrder[]; skipped: { pickingId: number; name: string; error: OdooError }[] }> {
  if (pickings.length === 0) return { orders: [], skipped: [] };
  const dialect = await dialectOf(transport);
  const reference = options.reference ?? new ReferenceData();
  const [allMoves, withCustoms] = await Promise.all([
    read(transport, OrderMoveRow, 'stock.move', pickings.flatMap((p) => p.move_ids)),
    reference.hasProductCustomsFields(transport),
  ]);
  const moves = allMoves.filter((m) => m.state !== 'cancel' && m.product_uom_qty > 0 && m.product_id !== false);
  const moveById = new Map(moves.map((m) => [m.id, m]));
  const productIds = unique(moves.map((m) => idOf(m.product_id)));
  const companyIds = unique(pickings.map((p) => idOf(p.company_id)));
  const typeIds = unique(pickings.map((p) => idOf(p.picking_type_id)));
  const [products, companies, typesById, packageLines] = await Promise.all([
    withCustoms
      ? read(transport, OrderProductCustomsRow, 'product.product', productIds)
      : read(transport, OrderProductRow, 'product.product', productIds).then((rows): ProductRow[] => rows),
    reference.read(transport, CompanyRow, 'res.company', companyIds),
    (options.types ?? reference.types).of(transport, typeIds),
    options.packages
      ? readRows(transport, PackageLineRow, 'stock.move.line', 'search_read', {
          domain: [
            ['picking_id', 'in', pickings.map((p) => p.id)],
            ['result_package_id', '!=', false],
          ],
          fields: fieldsOf(PackageLineRow),
        })
      : Promise.resolve([]),
  ]);
  const companyPartner = new Map(companies.map((c) => [c.id, idOf(c.partner_id)]));
  const currencyOf = new Map(companies.map((c) => [c.id, nameOf(c.currency_id)]));
  // The ship-from address: the warehouse's own partner (stock.warehouse partner_id), else the company's.
  const warehouseIds = unique([...typesById.values()].map((t) => idOf(t.warehouse_id)));
  const warehouses = await reference.read(transport, WarehouseRow, 'stock.warehouse', warehouseIds);
  const warehousePartner = new Map(warehouses.map((w) => [w.id, idOf(w.partner_id)]));
  const partnerFields = [...fieldsOf(OrderPartnerRow).filter((f) => f !== 'phone' && f !== 'mobile'), ...dialect.partnerPhoneFields];
  const partnerIds = unique([...pickings.map((p) => idOf(p.partner_id)), ...companyPartner.values(), ...warehousePartner.values()]);
  // The lots Odoo reserved for tracked items, read beside the partners (no extra round trip).
  const trackedProducts = new Set(products.filter((p) => p.tracking !== 'none').map((p) => p.id));
  const trackedMoveIds = moves.filter((m) => trackedProducts.has(idOf(m.product_id) ?? 0)).map((m) => m.id);
  const [partners, reservedLines] = await Promise.all([
    read(transport, OrderPartnerRow, 'res.partner', partnerIds, partnerFields),
    trackedMoveIds.length === 0
      ? Promise.resolve([])
      : readRows(transport, reservedLineRow(dialect), 'stock.move.line', 'search_read', {
          domain: [
            ['move_id', 'in', trackedMoveIds],
            ['lot_id', '!=', false],
          ],
          fields: [...fieldsOf(ReservedLineRow), dialect.lineReservedField],
        }),
  ]);
  const reservedOf = new Map<number, Map<string, number>>();
  for (const line of reservedLines) {
    const moveId = idOf(line.move_id);
    const lot = nameOf(line.lot_id) ?? (typeof line.lot_name === 'string' ? line.lot_name : null);
    // Validated as a number by the row's schema (a spoiled quantity is a protocol error, not "no lot").
    const quantity = (line as Record<string, unknown>)[dialect.lineReservedField] as number;
    if (moveId === null || !lot || !(quantity > 0)) continue;
    const lots = reservedOf.get(moveId) ?? new Map<string, number>();
    reservedOf.set(moveId, lots.set(lot, (lots.get(lot) ?? 0) + quantity));
  }
  const [countries, states] = await Promise.all([
    reference.read(
      transport,
      CodeRow,
      'res.country',
      unique([...partners.map((p) => idOf(p.country_id)), ...products.map((p) => (p.country_of_origin ? idOf(p.country_of_origin) : null))]),
    ),
    reference.read(transport, CodeRow, 'res.country.state', unique(partners.map((p) => idOf(p.state_id)))),
  ]);

  const codes = new Map([...countries].map((c) => [c.id, c.code]));
  const regions = new Map([...states].map((s) => [s.id, s.code]));
  const partnerById = new Map(partners.map((p) => [p.id, p]));
  const productById = new Map(products.map((p) => [p.id, p]));
  const packagesOf = new Map<number, Set<string>>();
  for (const line of packageLines) {
    const pickingId = idOf(line.picking_id);
    const name = nameOf(line.result_package_id);
    if (pickingId === null || name === null) continue;
    packagesOf.set(pickingId, (packagesOf.get(pickingId) ?? new Set()).add(name));
  }

  const orders: FetchedOrder[] = [];
  const skipped: { pickingId: number; name: string; error: OdooError }[] = [];
  for (const picking of pickings) {
    const shipToId = idOf(picking.partner_id);
    const companyId = idOf(picking.company_id);
    const typeId = idOf(picking.picking_type_id);
    const warehouseId = typeId === null ? null : idOf(typesById.get(typeId)?.warehouse_id ?? false);
    const shipFromId =
      (warehouseId === null ? null : (warehousePartner.get(warehouseId) ?? null)) ?? (companyId === null ? null : (companyPartner.get(companyId) ?? null));
    const currency = companyId === null ? null : (currencyOf.get(companyId) ?? null);
    const partner = (id: number | null) => (id === null ? undefined : partnerById.get(id));
    const candidate = {
      source: { url: source.url, db: source.db },
      pickingId: picking.id,
      name: picking.name,
      origin: picking.origin,
      state: picking.state,
      carrier: nameOf(picking.carrier_id),
      shipTo: toParty(partner(shipToId), codes, regions),
      shipFrom: toParty(partner(shipFromId), codes, regions),
      lines: picking.move_ids.flatMap((id) => {
        const m = moveById.get(id);
        if (!m) return [];
        const productId = idOf(m.product_id);
        const p = productId === null ? undefined : productById.get(productId);
        return [
          {
            moveId: m.id,
            productId,
            name: p?.name ?? p?.display_name ?? nameOf(m.product_id),
            sku: p?.default_code ?? null,
            barcode: p?.barcode ?? null,
            quantity: m.product_uom_qty,
            unit: nameOf(m.product_uom) ?? 'Units',
            // Odoo weighs in kg (product weight precision: grams or coarser).
            unitWeightG: p && p.weight > 0 ? Math.round(p.weight * 1000) : null,
            tracking: p?.tracking ?? 'none',
            reservedLots: [...(reservedOf.get(m.id) ?? [])].map(([name, quantity]) => ({ name, quantity })),
            unitValue: p && currency && /^[A-Z]{3}$/.test(currency) && p.lst_price >= 0 ? { amount: p.lst_price.toFixed(2), currency } : null,
            hsCode: p?.hs_code ?? null,
            originCountry: p?.country_of_origin ? (codes.get(idOf(p.country_of_origin)!) ?? null) : null,
          },
        ];
      }),
      writeDate: picking.write_date,
      operation: operationOf(picking, typesById),
    };
    const parsed = Order.safeParse(candidate);
    if (!parsed.success) {
      const where = unique(parsed.error.issues.map((i) => i.path.join('.'))).join(', ');
      skipped.push({
        pickingId: picking.id,
        name: picking.name,
        error: new OdooError({
          kind: 'permanent',
          message: `Delivery ${picking.name} in Odoo cannot become an order: ${where}`,
          packerSaid: said('odoo.pickings.incomplete', { order: picking.name, missing: describeMissing(parsed.error.issues) }),
        }),
      });
      continue;
    }
    orders.push({
      order: parsed.data,
      trackingRef: picking.carrier_tracking_ref ?? null,
      packages: [...(packagesOf.get(picking.id) ?? [])],
    });
  }
  return { orders, skipped };
}

/** Company, warehouse and operation type of a picking, as the bench's scope compares them. */
function operationOf(picking: z.infer<typeof OrderPickingRow>, types: Map<number, PickingTypeRow>): Order['operation'] {
  const typeId = idOf(picking.picking_type_id);
  const type = typeId === null ? undefined : types.get(typeId);
  const warehouse = type?.warehouse_id ?? false;
  return {
    ...(type ? { lots: type.use_create_lots ? 'create' : type.use_existing_lots ? 'existing' : 'free' } : {}),
    companyId: idOf(picking.company_id),
    company: nameOf(picking.company_id),
    warehouseId: idOf(warehouse),
    warehouse: nameOf(warehouse),
    pickingTypeId: typeId,
    pickingType: nameOf(picking.picking_type_id),
  };
}

function toParty(
  p: PartnerRow | undefined,
  codes: Map<number, string | null>,
  regions: Map<number, string | null>,
): Partial<Party> | undefined {
  if (!p) return undefined;
  const countryId = idOf(p.country_id);
  const stateId = idOf(p.state_id);
  // A contact of a company: the person is the addressee, the parent the company.
  const company = p.is_company ? p.name : nameOf(p.parent_id);
  return {
    name: p.name ?? company ?? undefined,
    company: company ?? null,
    street1: p.street ?? undefined,
    street2: p.street2,
    city: p.city ?? undefined,
    postalCode: p.zip ?? undefined,
    region: stateId === null ? null : (regions.get(stateId) ?? nameOf(p.state_id)),
    country: countryId === null ? undefined : (codes.get(countryId) ?? undefined),
    phone: p.phone ?? p.mobile ?? null,
    email: p.email,
  };
}

function describeMissing(issues: z.core.$ZodIssue[]): string {
  const words: Record<string, string> = {
    shipTo: 'delivery address',
    shipFrom: 'warehouse address',
    lines: 'products',
    street1: 'street',
    postalCode: 'postcode',
  };
  const parts = issues.map((i) =>
    i.path
      .map(String)
      .filter((k) => Number.isNaN(Number(k)))
      .map((k) => words[k] ?? k)
      .join(' '),
  );
  return unique(parts).slice(0, 3).join('; ');
}

// ---- Scope ----

/** What a bench packs (settings `odoo.scope`): one company, one warehouse, some operation types. */
export interface OdooScope {
  companyId: number | null;
  warehouseId: number | null;
  pickingTypeIds: number[];
}

/** Domain leaves that keep stock.picking searches inside the bench's scope (none when unscoped). */
export function scopeDomain(scope: OdooScope): unknown[] {
  const leaves: unknown[] = [];
  if (scope.companyId !== null) leaves.push(['company_id', '=', scope.companyId]);
  if (scope.warehouseId !== null) leaves.push(['picking_type_id.warehouse_id', '=', scope.warehouseId]);
  if (scope.pickingTypeIds.length > 0) leaves.push(['picking_type_id', 'in', [...scope.pickingTypeIds]]);
  return leaves;
}

/**
 * Why a delivery is not this bench's to pack, as a sentence for the packer naming its company,
 * warehouse or operation type; null when it is in scope. The same rule as scopeDomain (a picking
 * with no company is every company's). An order cached by an older build (no `operation`) cannot
 * be judged and passes.
 */
export function scopeRefusal(order: Pick<Order, 'name' | 'operation'>, scope: OdooScope): string | null {
  const op = order.operation;
  if (!op) return null;
  const aside = 'Put it aside for the shift lead.';
  const type = op.pickingType ?? 'no operation type';
  if (scope.companyId !== null && op.companyId !== null && op.companyId !== scope.companyId) {
    return `${order.name} belongs to ${op.company ?? `company ${op.companyId}`}, a company this bench does not pack for. ${aside}`;
  }
  if (scope.warehouseId !== null && op.warehouseId !== scope.warehouseId) {
    const from = op.warehouse === null ? 'no warehouse' : `the ${op.warehouse} warehouse`;
    return `${order.name} ships from ${from} (${type}); this bench packs for another warehouse. ${aside}`;
  }
  if (scope.pickingTypeIds.length > 0 && (op.pickingTypeId === null || !scope.pickingTypeIds.includes(op.pickingTypeId))) {
    return `${order.name} is ${type}, an operation type this bench does not pack. ${aside}`;
  }
  return null;
}

/**
 * A transport that speaks for one bench's scope: every call carries `allowed_company_ids` when a
 * company is set, and every stock.picking search (search, search_read, search_count) is narrowed
 * to the scope. Reads by id (`read`) are not narrowed: write-back and conflict checks must still
 * see a picking that left the scope. The scope is read on each call, so a settings change applies
 * at once.
 */
export function scopedOdooTransport<T extends OdooCaller>(transport: T, scope: () => OdooScope): T {
  const call: OdooCaller['call'] = (model, method, params = {}) => {
    const current = scope();
    let next: OdooParams = params;
    if (current.companyId !== null) {
      next = { ...next, context: { ...next.context, allowed_company_ids: [current.companyId] } };
    }
    const leaves = scopeDomain(current);
    if (model === 'stock.picking' && SEARCHES.has(method) && leaves.length > 0) {
      const domain = Array.isArray(next.domain) ? (next.domain as unknown[]) : [];
      // Top-level terms are ANDed: the scope's leaves simply go in front.
      next = { ...next, domain: [...leaves, ...domain] };
    }
    return transport.call(model, method, next);
  };
  return new Proxy(transport, {
    get(target, key, receiver) {
      if (key === 'call') return call;
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const SEARCHES = new Set(['search', 'search_read', 'search_count']);

// The sandbox's models and fields per emulated Odoo version (16, 17, 18, 19): the per-version
// rules of ../shared/ref/odoo-external-api.md §0 and §3. A field or model missing here is refused
// the way that Odoo refuses it (ValueError for a field, "Object … doesn't exist" / 404 for a model).
import type { SeedValue } from './seed';

export type SandboxVersion = 16 | 17 | 18 | 19;
export const SANDBOX_VERSIONS: readonly SandboxVersion[] = [16, 17, 18, 19];

export type Rec = { id: number } & Record<string, SeedValue>;

/** What a computed field may look at and change. */
export interface Records {
  get(model: string, id: number): Rec | undefined;
  all(model: string): Rec[];
  update(model: string, id: number, values: Record<string, SeedValue>): void;
}

interface Computed {
  /** Read value from other records (not stored). */
  compute?: (rec: Rec, db: Records) => SeedValue;
  /** Written value spread to other records (Odoo's inverse). */
  assign?: (rec: Rec, value: SeedValue, db: Records) => void;
  /** Value a create without it gets, from the other values (Odoo's precomputed stored fields). */
  precompute?: (vals: Record<string, SeedValue>, db: Records) => SeedValue;
}

export type Field = Computed &
  (
    | { type: 'char' | 'text' | 'html' | 'selection' | 'datetime' | 'binary'; required?: boolean }
    | { type: 'integer' | 'float' | 'boolean'; required?: boolean }
    | { type: 'many2one'; relation: string; required?: boolean }
    | { type: 'one2many'; relation: string; inverse: string }
    | { type: 'many2many'; relation: string }
  );

export interface ModelDef {
  /** Odoo's `_description`, used in access-error messages. */
  description: string;
  fields: Record<string, Field>;
  /** Default order, Odoo's `_order`. */
  order: string;
  displayName?: (rec: Rec, db: Records) => string;
}

const char = { type: 'char' } as const;
const float = { type: 'float' } as const;
const integer = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const selection = { type: 'selection' } as const;
const m2o = (relation: string) => ({ type: 'many2one', relation }) as const;
const o2m = (relation: string, inverse: string) => ({ type: 'one2many', relation, inverse }) as const;

/** The package model: `stock.quant.package` up to 18, `stock.package` in 19. */
export function packageModel(version: SandboxVersion): string {
  return version >= 19 ? 'stock.package' : 'stock.quant.package';
}

const idOf = (value: SeedValue | undefined) => (typeof value === 'number' ? value : null);

/** `picking_type_code`: related to `picking_type_id.code` (readonly), as on every version. */
function pickingTypeCode(picking: Rec, db: Records): SeedValue {
  const typeId = idOf(picking.picking_type_id);
  const type = typeId === null ? undefined : db.get('stock.picking.type', typeId);
  return type?.code ?? false;
}

const linesOf = (move: Rec, db: Records) => db.all('stock.move.line').filter((l) => l.move_id === move.id);
const num = (value: SeedValue | undefined) => (typeof value === 'number' ? value : 0);

/** stock.move.weight (stored in Odoo): product_qty × the product's weight (the sandbox has one unit of measure). */
function moveWeight(move: Rec, db: Records): number {
  const productId = idOf(move.product_id);
  const product = productId === null ? undefined : db.get('product.product', productId);
  return num(move.product_uom_qty) * num(product?.weight);
}

/** stock.move.has_tracking: related to the product's tracking. */
function moveTracking(move: Rec, db: Records): SeedValue {
  const productId = idOf(move.product_id);
  const product = productId === null ? undefined : db.get('product.product', productId);
  return product?.tracking ?? false;
}

/** stock.picking.weight (stored, `_cal_weight`): the sum of its moves' weights, cancelled moves left out. */
function pickingWeight(picking: Rec, db: Records): number {
  return db
    .all('stock.move')
    .filter((m) => m.picking_id === picking.id && m.state !== 'cancel')
    .reduce((total, m) => total + moveWeight(m, db), 0);
}

/** stock.picking.package_ids (17–18, not stored): the packages its move lines go into, in the package model's order (name). */
function pickingPackages(pkg: string) {
  return (picking: Rec, db: Records): number[] => {
    const ids = new Set(db.all('stock.move.line').filter((l) => l.picking_id === picking.id).map((l) => idOf(l.result_package_id)));
    ids.delete(null);
    const packages = [...ids].map((id) => db.get(pkg, id!)).filter((r): r is Rec => r !== undefined);
    return packages.sort((a, b) => String(a.name).localeCompare(String(b.name)) || a.id - b.id).map((r) => r.id);
  };
}

/** ir.attachment.file_size (set from the data in Odoo): the size of the decoded `datas`, in bytes. */
function fileSize(attachment: Rec): number {
  return typeof attachment.datas === 'string' ? Buffer.from(attachment.datas, 'base64').length : 0;
}
const sum = (values: SeedValue[]) => values.reduce<number>((n, v) => n + (typeof v === 'number' ? v : 0), 0);

/** Set a move's quantity through its lines: the first line takes it, the others are emptied. */
function spreadToLines(field: string) {
  return (move: Rec, value: SeedValue, db: Records) => {
    linesOf(move, db).forEach((line, i) => db.update('stock.move.line', line.id, { [field]: i === 0 ? Number(value) || 0 : 0 }));
  };
}

/** Every model the sandbox knows, as the given version has it. */
export function modelsFor(version: SandboxVersion): Record<string, ModelDef> {
  const pkg = packageModel(version);
  const upTo18 = version <= 18;

  // stock.move / stock.move.line quantities: 16 keeps reserved and done apart; 17+ has one
  // `quantity` plus a `picked` flag (the move's values come from its lines).
  const moveQuantities: Record<string, Field> =
    version === 16
      ? {
          quantity_done: { ...float, compute: (m, db) => sum(linesOf(m, db).map((l) => l.qty_done!)), assign: spreadToLines('qty_done') },
          reserved_availability: { ...float, compute: (m, db) => sum(linesOf(m, db).map((l) => l.reserved_uom_qty!)) },
        }
      : {
          quantity: { ...float, compute: (m, db) => sum(linesOf(m, db).map((l) => l.quantity!)), assign: spreadToLines('quantity') },
          picked: {
            ...bool,
            compute: (m, db) => {
              const lines = linesOf(m, db);
              return lines.length > 0 && lines.every((l) => l.picked === true);
            },
            assign: (m, value, db) => {
              for (const l of linesOf(m, db)) db.update('stock.move.line', l.id, { picked: Boolean(value) });
            },
          },
        };
  const lineQuantities: Record<string, Field> =
    version === 16 ? { reserved_uom_qty: float, qty_done: float } : { quantity: float, picked: bool };
  // A move line's locations and unit: required on every version; 16 wants them in the values, 17+
  // precomputes them from the move.
  const fromMove = (field: string) =>
    version === 16
      ? {}
      : { precompute: (vals: Record<string, SeedValue>, db: Records) => db.get('stock.move', idOf(vals.move_id) ?? 0)?.[field] ?? false };
  const lineLocations: Record<string, Field> = {
    location_id: { ...m2o('stock.location'), required: true, ...fromMove('location_id') },
    location_dest_id: { ...m2o('stock.location'), required: true, ...fromMove('location_dest_id') },
    product_uom_id: { ...m2o('uom.uom'), required: true, ...fromMove('product_uom') },
  };

  const models: Record<string, ModelDef> = {
    'uom.uom': { description: 'Product Unit of Measure', order: 'id', fields: { name: char } },
    'stock.location': { description: 'Inventory Locations', order: 'complete_name, id', fields: { name: char, complete_name: char, usage: selection } },
    'res.users': { description: 'User', order: 'id', fields: { name: char, login: char } },
    'res.country': { description: 'Country', order: 'name', fields: { name: char, code: char } },
    'res.country.state': {
      description: 'Country state',
      order: 'name',
      fields: { name: char, code: char, country_id: m2o('res.country') },
    },
    'res.currency': { description: 'Currency', order: 'name', fields: { name: char } },
    'res.company': { description: 'Companies', order: 'id', fields: { name: char, partner_id: m2o('res.partner'), currency_id: m2o('res.currency') } },
    'stock.warehouse': {
      description: 'Warehouse',
      order: 'sequence, id',
      fields: { name: { type: 'char', required: true }, code: char, company_id: m2o('res.company'), partner_id: m2o('res.partner'), sequence: integer },
    },
    'stock.picking.type': {
      description: 'Picking Type',
      order: 'sequence, id',
      fields: {
        name: { type: 'char', required: true },
        code: { type: 'selection', required: true },
        sequence_code: char,
        sequence: integer,
        warehouse_id: m2o('stock.warehouse'),
        company_id: m2o('res.company'),
        // 'ask' (default): a short validation returns the backorder wizard; 'always' / 'never'
        // decide without asking (and 'always' overrides picking_ids_not_to_backorder).
        create_backorder: selection,
        // Lots at validation (stock.move.line._action_done): "create new" turns a lot_name into a
        // lot (an existing one of that name first); without it only lot_id counts; with neither, a
        // tracked product may leave without a lot.
        use_create_lots: bool,
        use_existing_lots: bool,
      },
      // "Hamburg: Delivery Orders": the warehouse first, when the type has one.
      displayName: (rec, db) => {
        const warehouseId = idOf(rec.warehouse_id);
        const warehouse = warehouseId === null ? undefined : db.get('stock.warehouse', warehouseId);
        return warehouse ? `${String(warehouse.name)}: ${String(rec.name)}` : String(rec.name);
      },
    },
    // Box types (stock, all versions): dimensions in the length unit (mm by default), weights in
    // kg. Integers in 16, floats since 17; `package_use` moved here from the package in 19.
    'stock.package.type': {
      description: 'Stock package type',
      order: 'sequence, id',
      fields: {
        name: { type: 'char', required: true },
        sequence: integer,
        barcode: char,
        ...(version === 16
          ? { packaging_length: integer, width: integer, height: integer }
          : { packaging_length: float, width: float, height: float }),
        base_weight: float,
        max_weight: float,
        length_uom_name: { type: 'char', compute: () => 'mm' },
        weight_uom_name: { type: 'char', compute: () => 'kg' },
        company_id: m2o('res.company'),
        shipper_package_code: char,
        package_carrier_type: selection,
        ...(version >= 19 ? { package_use: selection } : {}),
      },
    },
    'res.partner': {
      description: 'Contact',
      order: 'name, id',
      fields: {
        name: char,
        street: char,
        street2: char,
        city: char,
        zip: char,
        state_id: m2o('res.country.state'),
        country_id: m2o('res.country'),
        phone: char,
        // 19 merged mobile into phone.
        ...(upTo18 ? { mobile: char } : {}),
        email: char,
        is_company: bool,
        parent_id: m2o('res.partner'),
        type: selection,
      },
      displayName: (rec, db) => {
        const parent = typeof rec.parent_id === 'number' ? db.get('res.partner', rec.parent_id) : undefined;
        return parent ? `${String(parent.name)}, ${String(rec.name)}` : String(rec.name);
      },
    },
    'product.product': {
      description: 'Product Variant',
      order: 'default_code, name, id',
      fields: {
        name: char,
        default_code: char,
        barcode: char,
        weight: float,
        tracking: selection,
        type: selection,
        // 18: type 'product' became 'consu' + is_storable.
        ...(version >= 18 ? { is_storable: bool } : {}),
        uom_id: m2o('uom.uom'),
        // Sales price of the variant (list price plus attribute extras), every version.
        lst_price: float,
        // Customs data: `delivery` in 16, `stock_delivery` from 17 (ref carriers.md §2).
        hs_code: char,
        country_of_origin: m2o('res.country'),
      },
      displayName: (rec) => (rec.default_code ? `[${String(rec.default_code)}] ${String(rec.name)}` : String(rec.name)),
    },
    'stock.lot': {
      description: 'Lot/Serial',
      order: 'name, id',
      fields: { name: { type: 'char', required: true }, product_id: { ...m2o('product.product'), required: true }, company_id: m2o('res.company') },
    },
    // integration_level 'rate_and_ship': its connector buys the label on validation (connector.ts);
    // label_format stands for each connector's own format field (e.g. dhl_label_image_format).
    'delivery.carrier': { description: 'Shipping Methods', order: 'id', fields: { name: char, delivery_type: selection, integration_level: selection, label_format: selection } },
    [pkg]: {
      description: version >= 19 ? 'Package' : 'Packages',
      order: 'name',
      fields: {
        name: char,
        shipping_weight: float,
        package_type_id: m2o('stock.package.type'),
        ...(version >= 19 ? { parent_package_id: m2o(pkg), complete_name: char } : { package_use: selection }),
      },
    },
    'stock.picking': {
      description: 'Transfer',
      order: 'scheduled_date, id desc',
      fields: {
        name: char,
        origin: char,
        state: selection,
        partner_id: m2o('res.partner'),
        picking_type_id: { ...m2o('stock.picking.type'), required: true },
        picking_type_code: { ...selection, compute: pickingTypeCode },
        carrier_id: m2o('delivery.carrier'),
        carrier_tracking_ref: char,
        shipping_weight: float,
        weight: { ...float, compute: pickingWeight },
        // delivery / stock_delivery on 17 and 18 only (ref §3).
        ...(version === 17 || version === 18 ? { package_ids: { type: 'many2many', relation: pkg, compute: pickingPackages(pkg) } as const } : {}),
        move_ids: o2m('stock.move', 'picking_id'),
        move_line_ids: o2m('stock.move.line', 'picking_id'),
        // Removed in 19 (no package levels; moves are not split by package any more).
        ...(upTo18
          ? { move_ids_without_package: o2m('stock.move', 'picking_id'), package_level_ids: o2m('stock.package_level', 'picking_id') }
          : {}),
        scheduled_date: { type: 'datetime' },
        date_done: { type: 'datetime' },
        backorder_id: m2o('stock.picking'),
        company_id: m2o('res.company'),
        user_id: m2o('res.users'),
      },
    },
    'stock.move': {
      description: 'Stock Move',
      order: 'id',
      fields: {
        name: char,
        picking_id: m2o('stock.picking'),
        product_id: m2o('product.product'),
        product_uom_qty: float,
        ...moveQuantities,
        product_uom: m2o('uom.uom'),
        location_id: { ...m2o('stock.location'), required: true },
        location_dest_id: { ...m2o('stock.location'), required: true },
        move_line_ids: o2m('stock.move.line', 'move_id'),
        weight: { ...float, compute: moveWeight },
        // Related to product_id.tracking (readonly), on every version.
        has_tracking: { ...selection, compute: moveTracking },
        state: selection,
      },
    },
    'stock.move.line': {
      description: 'Product Moves (Stock Move Line)',
      order: 'id',
      fields: {
        move_id: m2o('stock.move'),
        picking_id: m2o('stock.picking'),
        product_id: m2o('product.product'),
        ...lineQuantities,
        ...lineLocations,
        lot_id: m2o('stock.lot'),
        lot_name: char,
        result_package_id: m2o(pkg),
        state: selection,
      },
    },
    'ir.attachment': {
      description: 'Attachment',
      order: 'id desc',
      fields: {
        name: { type: 'char', required: true },
        type: selection,
        datas: { type: 'binary' },
        mimetype: char,
        res_model: char,
        res_id: { type: 'integer' },
        file_size: { ...integer, compute: fileSize },
      },
    },
    'mail.message.subtype': {
      description: 'Message subtypes',
      order: 'sequence, id',
      fields: { name: { type: 'char', required: true }, internal: bool, default: bool, sequence: integer, res_model: char },
    },
    'mail.message': {
      description: 'Message',
      order: 'id desc',
      fields: {
        body: { type: 'html' },
        model: char,
        res_id: { type: 'integer' },
        message_type: selection,
        subtype_id: m2o('mail.message.subtype'),
        attachment_ids: { type: 'many2many', relation: 'ir.attachment' },
        author_id: m2o('res.partner'),
      },
    },
  };
  if (upTo18) {
    models['stock.package_level'] = {
      description: 'Stock Package Level',
      order: 'id',
      fields: { package_id: m2o(pkg), picking_id: m2o('stock.picking') },
    };
  }
  return models;
}

/** `common.version()` as each version answers it. */
export function versionReply(version: SandboxVersion): Record<string, unknown> {
  const serie = `${version}.0`;
  return { server_version: serie, server_version_info: [version, 0, 0, 'final', 0, ''], server_serie: serie, protocol_version: 1 };
}

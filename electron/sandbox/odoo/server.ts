// Sandbox Odoo: a stateful, wire-faithful fake of Odoo 17's POST /jsonrpc (see
// ../shared/ref/odoo-external-api.md §1.1, §2, §4, §7). Enough ORM for the bench: typed fields,
// domains, search/read/write/create, button_validate with the backorder wizard, message_post.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SANDBOX_UID, odooDatetime, seedSandbox, type SeedValue } from './seed';

// ---- Schema ----

type Field =
  | { type: 'char' | 'text' | 'html' | 'selection' | 'datetime' | 'binary'; required?: boolean }
  | { type: 'integer' | 'float' | 'boolean'; required?: boolean }
  | { type: 'many2one'; relation: string; required?: boolean }
  | { type: 'one2many'; relation: string; inverse: string }
  | { type: 'many2many'; relation: string };

interface ModelDef {
  fields: Record<string, Field>;
  /** Default order, Odoo's `_order`. */
  order: string;
  displayName?: (rec: Rec, state: SandboxOdooState) => string;
}

export type Rec = { id: number } & Record<string, SeedValue>;

const char = { type: 'char' } as const;
const m2o = (relation: string) => ({ type: 'many2one', relation }) as const;

const MODELS: Record<string, ModelDef> = {
  'uom.uom': { order: 'id', fields: { name: char } },
  'res.users': { order: 'id', fields: { name: char, login: char } },
  'res.country': { order: 'name', fields: { name: char, code: char } },
  'res.country.state': { order: 'name', fields: { name: char, code: char, country_id: m2o('res.country') } },
  'res.company': { order: 'id', fields: { name: char, partner_id: m2o('res.partner') } },
  'res.partner': {
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
      email: char,
      is_company: { type: 'boolean' },
      parent_id: m2o('res.partner'),
      type: { type: 'selection' },
    },
    displayName: (rec, state) => {
      const parent = typeof rec.parent_id === 'number' ? state.get('res.partner', rec.parent_id) : undefined;
      return parent ? `${String(parent.name)}, ${String(rec.name)}` : String(rec.name);
    },
  },
  'product.product': {
    order: 'default_code, name, id',
    fields: {
      name: char,
      default_code: char,
      barcode: char,
      weight: { type: 'float' },
      tracking: { type: 'selection' },
      type: { type: 'selection' },
      uom_id: m2o('uom.uom'),
    },
    displayName: (rec) => (rec.default_code ? `[${String(rec.default_code)}] ${String(rec.name)}` : String(rec.name)),
  },
  'delivery.carrier': { order: 'id', fields: { name: char, delivery_type: { type: 'selection' } } },
  'stock.picking': {
    order: 'scheduled_date, id desc',
    fields: {
      name: char,
      origin: char,
      state: { type: 'selection' },
      partner_id: m2o('res.partner'),
      picking_type_code: { type: 'selection' },
      carrier_id: m2o('delivery.carrier'),
      carrier_tracking_ref: char,
      shipping_weight: { type: 'float' },
      move_ids: { type: 'one2many', relation: 'stock.move', inverse: 'picking_id' },
      scheduled_date: { type: 'datetime' },
      date_done: { type: 'datetime' },
      backorder_id: m2o('stock.picking'),
      company_id: m2o('res.company'),
      user_id: m2o('res.users'),
    },
  },
  'stock.move': {
    order: 'id',
    fields: {
      name: char,
      picking_id: m2o('stock.picking'),
      product_id: m2o('product.product'),
      product_uom_qty: { type: 'float' },
      quantity: { type: 'float' },
      picked: { type: 'boolean' },
      product_uom: m2o('uom.uom'),
      state: { type: 'selection' },
    },
  },
  'ir.attachment': {
    order: 'id desc',
    fields: {
      name: { type: 'char', required: true },
      type: { type: 'selection' },
      datas: { type: 'binary' },
      mimetype: char,
      res_model: char,
      res_id: { type: 'integer' },
    },
  },
  'mail.message': {
    order: 'id desc',
    fields: {
      body: { type: 'html' },
      model: char,
      res_id: { type: 'integer' },
      message_type: { type: 'selection' },
      subtype_xmlid: char,
      attachment_ids: { type: 'many2many', relation: 'ir.attachment' },
      author_id: m2o('res.partner'),
    },
  },
};

/** Every model has these (Odoo's magic fields). */
const MAGIC: Record<string, Field> = { create_date: { type: 'datetime' }, write_date: { type: 'datetime' } };

function fieldsOf(model: string): Record<string, Field> {
  return { ...MODELS[model]!.fields, ...MAGIC };
}

// ---- Faults (Odoo exceptions) ----

class Fault extends Error {
  constructor(
    readonly odooName: string,
    message: string,
  ) {
    super(message);
  }
}
const userError = (m: string) => new Fault('odoo.exceptions.UserError', m);
const valueError = (m: string) => new Fault('builtins.ValueError', m);
const typeError = (m: string) => new Fault('builtins.TypeError', m);

const NO_QUANTITIES =
  'You cannot validate a transfer if no quantities are reserved nor done. You can use the info button on the ' +
  'top right corner of your screen to take a look at the potential reason for this.';

// ---- State ----

export class SandboxOdooState {
  private readonly tables = new Map<string, Map<number, Rec>>();
  private readonly nextIds = new Map<string, number>();

  constructor(
    seed: number,
    private readonly now: () => Date,
  ) {
    const data = seedSandbox(seed);
    for (const model of Object.keys(MODELS)) {
      const table = new Map<number, Rec>();
      for (const rec of data[model] ?? []) table.set(rec.id, { ...rec });
      this.tables.set(model, table);
      this.nextIds.set(model, Math.max(0, ...table.keys()) + 1);
    }
  }

  /** The current time in Odoo's datetime format. */
  timestamp(): string {
    return odooDatetime(this.now().getTime());
  }

  get(model: string, id: number): Rec | undefined {
    return this.tables.get(model)?.get(id);
  }

  all(model: string): Rec[] {
    return [...(this.tables.get(model)?.values() ?? [])];
  }

  /** Insert stored values as they are (no checks); returns the new id. */
  insert(model: string, values: Record<string, SeedValue>): number {
    const id = this.nextIds.get(model)!;
    this.nextIds.set(model, id + 1);
    const at = this.timestamp();
    this.tables.get(model)!.set(id, { create_date: at, write_date: at, ...values, id });
    return id;
  }

  /** Update stored values as they are and bump write_date. */
  update(model: string, id: number, values: Record<string, SeedValue>): void {
    const rec = this.get(model, id)!;
    Object.assign(rec, values, { write_date: this.timestamp() });
  }

  /** Names of deliveries ready to pack, e.g. for "scan WH/OUT/00001" hints. */
  sampleNames(): string[] {
    return this.all('stock.picking')
      .filter((p) => p.state === 'assigned' && p.picking_type_code === 'outgoing')
      .map((p) => String(p.name));
  }

  remove(model: string, id: number): void {
    this.tables.get(model)?.delete(id);
  }

  displayName(model: string, rec: Rec): string {
    const def = MODELS[model]!;
    if (def.displayName) return def.displayName(rec, this);
    return typeof rec.name === 'string' ? rec.name : `${model},${rec.id}`;
  }
}

// ---- ORM ----

class Orm {
  constructor(private readonly state: SandboxOdooState) {}

  model(name: string): ModelDef {
    const def = MODELS[name];
    if (!def) throw userError(`Object ${name} doesn't exist`);
    return def;
  }

  browse(model: string, ids: number[]): Rec[] {
    return ids.map((id) => {
      const rec = this.state.get(model, id);
      if (!rec) {
        throw new Fault(
          'odoo.exceptions.MissingError',
          `Record does not exist or has been deleted.\n(Record: ${model}(${id},), User: ${SANDBOX_UID})`,
        );
      }
      return rec;
    });
  }

  search(model: string, domain: unknown, offset = 0, limit?: number | null, order?: string | null): number[] {
    const def = this.model(model);
    const leaves = parseDomain(domain);
    const recs = this.state.all(model).filter((r) => this.evaluate(model, r, leaves));
    this.sort(model, recs, order || def.order);
    const end = typeof limit === 'number' && limit > 0 ? offset + limit : undefined;
    return recs.slice(offset, end).map((r) => r.id);
  }

  read(model: string, ids: number[], fields?: string[] | null): Record<string, unknown>[] {
    const all = fieldsOf(model);
    const names = fields && fields.length > 0 ? fields : Object.keys(all);
    for (const f of names) {
      if (f !== 'id' && f !== 'display_name' && !all[f]) throw valueError(`Invalid field '${f}' on model '${model}'`);
    }
    return this.browse(model, ids).map((rec) => {
      const out: Record<string, unknown> = { id: rec.id };
      for (const f of names) if (f !== 'id') out[f] = this.value(model, rec, f);
      return out;
    });
  }

  write(model: string, ids: number[], vals: unknown): true {
    const checked = this.checkVals(model, vals);
    const recs = this.browse(model, ids);
    for (const rec of recs) this.state.update(model, rec.id, checked);
    return true;
  }

  create(model: string, vals: unknown): number {
    const checked = this.checkVals(model, vals);
    for (const [name, field] of Object.entries(fieldsOf(model))) {
      if ('required' in field && field.required && (checked[name] === undefined || checked[name] === false)) {
        throw new Fault(
          'odoo.exceptions.ValidationError',
          `The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Model: ${model}, Field: ${name}`,
        );
      }
    }
    return this.state.insert(model, checked);
  }

  unlink(model: string, ids: number[]): true {
    for (const rec of this.browse(model, ids)) this.state.remove(model, rec.id);
    return true;
  }

  fieldsGet(model: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(fieldsOf(model))) {
      out[name] = { type: f.type, string: name, ...('relation' in f ? { relation: f.relation } : {}) };
    }
    return out;
  }

  /** One field as Odoo reads it: m2o pairs, false for empties, o2m id lists. */
  value(model: string, rec: Rec, name: string): unknown {
    if (name === 'display_name') return this.state.displayName(model, rec);
    const field = fieldsOf(model)[name]!;
    const raw = rec[name];
    switch (field.type) {
      case 'integer':
      case 'float':
        return typeof raw === 'number' ? raw : 0;
      case 'boolean':
        return raw === true;
      case 'many2one': {
        if (typeof raw !== 'number') return false;
        const target = this.state.get(field.relation, raw);
        return target ? [raw, this.state.displayName(field.relation, target)] : false;
      }
      case 'one2many': {
        const children = this.state.all(field.relation).filter((r) => r[field.inverse] === rec.id);
        this.sort(field.relation, children, MODELS[field.relation]!.order);
        return children.map((r) => r.id);
      }
      case 'many2many':
        return Array.isArray(raw) ? [...raw] : [];
      default:
        return typeof raw === 'string' && raw !== '' ? raw : false;
    }
  }

  /** Check and convert written values; unknown fields are refused like Odoo does. */
  private checkVals(model: string, vals: unknown): Record<string, SeedValue> {
    if (typeof vals !== 'object' || vals === null || Array.isArray(vals)) {
      throw typeError(`vals must be a dictionary, got ${JSON.stringify(vals)}`);
    }
    const fields = fieldsOf(model);
    const out: Record<string, SeedValue> = {};
    for (const [name, value] of Object.entries(vals)) {
      const field = fields[name];
      if (!field) throw valueError(`Invalid field '${name}' on model '${model}'`);
      out[name] = this.convert(model, name, field, value);
    }
    return out;
  }

  private convert(model: string, name: string, field: Field, value: unknown): SeedValue {
    const wrong = () => valueError(`Wrong value for ${model}.${name}: ${JSON.stringify(value)}`);
    switch (field.type) {
      case 'integer':
      case 'float':
        if (value === false || value === null) return 0;
        if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong();
        return field.type === 'integer' ? Math.trunc(value) : value;
      case 'boolean':
        return Boolean(value);
      case 'many2one':
        if (value === false || value === null) return false;
        if (typeof value !== 'number' || !this.state.get(field.relation, value)) throw wrong();
        return value;
      case 'one2many':
        throw valueError(`The sandbox does not write ${model}.${name}; write ${field.relation}.${field.inverse}`);
      case 'many2many':
        return applyX2manyCommands(value, wrong);
      default:
        if (value === false || value === null) return false;
        if (typeof value !== 'string') throw wrong();
        return value;
    }
  }

  private sort(model: string, recs: Rec[], order: string): void {
    const keys = order.split(',').map((part) => {
      const [name = 'id', dir = 'asc'] = part.trim().split(/\s+/);
      if (name !== 'id' && !fieldsOf(model)[name]) throw valueError(`Invalid "order" specified (${order}).`);
      return { name, desc: dir.toLowerCase() === 'desc' };
    });
    const key = (r: Rec, name: string) => (name === 'id' ? r.id : sortKey(this.value(model, r, name)));
    recs.sort((a, b) => {
      for (const { name, desc } of keys) {
        const c = compare(key(a, name), key(b, name));
        if (c !== 0) return desc ? -c : c;
      }
      return 0;
    });
  }

  private evaluate(model: string, rec: Rec, node: DomainNode): boolean {
    switch (node.op) {
      case '&':
        return node.args.every((n) => this.evaluate(model, rec, n));
      case '|':
        return node.args.some((n) => this.evaluate(model, rec, n));
      case '!':
        return !this.evaluate(model, rec, node.args[0]!);
      case 'leaf':
        return this.matchLeaf(model, rec, node.path, node.operator, node.value);
    }
  }

  /** A leaf over a (dotted) path: values along many2one hops, then compared. */
  private matchLeaf(model: string, rec: Rec, path: string[], operator: string, value: unknown): boolean {
    const [head, ...rest] = path;
    if (head === undefined) return false;
    if (head === 'id') return compareOp(rec.id, operator, value);
    const field = fieldsOf(model)[head];
    if (!field) throw valueError(`Invalid field ${model}.${head} in leaf ${JSON.stringify([path.join('.'), operator, value])}`);
    if (field.type === 'many2one' || field.type === 'one2many' || field.type === 'many2many') {
      const ids =
        field.type === 'many2one'
          ? typeof rec[head] === 'number'
            ? [rec[head] as number]
            : []
          : (this.value(model, rec, head) as number[]);
      const targets = ids.map((id) => this.state.get(field.relation, id)).filter((r): r is Rec => !!r);
      if (rest.length > 0) return targets.some((t) => this.matchLeaf(field.relation, t, rest, operator, value));
      // Strings on relations match the display name; false matches "not set".
      if (typeof value === 'string' || (Array.isArray(value) && value.some((v) => typeof v === 'string'))) {
        const names = targets.map((t) => this.state.displayName(field.relation, t));
        return names.length === 0 ? compareOp(false, operator, value) : names.some((n) => compareOp(n, operator, value));
      }
      if (ids.length === 0) return compareOp(false, operator, value);
      return ids.some((id) => compareOp(id, operator, value));
    }
    return compareOp(this.value(model, rec, head), operator, value);
  }
}

/** x2many commands, as far as a stored id list goes: (6,0,ids), (4,id), (3,id), (5,). */
function applyX2manyCommands(value: unknown, wrong: () => Fault): number[] {
  if (!Array.isArray(value)) throw wrong();
  let ids: number[] = [];
  for (const cmd of value) {
    if (typeof cmd === 'number') {
      ids.push(cmd);
      continue;
    }
    if (!Array.isArray(cmd)) throw wrong();
    const [code, id, arg] = cmd as [unknown, unknown, unknown];
    if (code === 6 && Array.isArray(arg)) ids = arg.filter((x): x is number => typeof x === 'number');
    else if (code === 4 && typeof id === 'number') ids.push(id);
    else if (code === 3 && typeof id === 'number') ids = ids.filter((x) => x !== id);
    else if (code === 5) ids = [];
    else throw wrong();
  }
  return [...new Set(ids)];
}

// ---- Domains ----

type DomainNode =
  | { op: '&' | '|'; args: DomainNode[] }
  | { op: '!'; args: DomainNode[] }
  | { op: 'leaf'; path: string[]; operator: string; value: unknown };

const OPERATORS = new Set(['=', '!=', '<>', '>', '>=', '<', '<=', '=?', 'like', 'not like', 'ilike', 'not ilike', '=like', '=ilike', 'in', 'not in']);

/** Polish-notation domain → tree; top-level leaves are ANDed. */
function parseDomain(domain: unknown): DomainNode {
  if (domain === undefined || domain === null || domain === false) return { op: '&', args: [] };
  if (!Array.isArray(domain)) throw valueError(`Invalid domain: ${JSON.stringify(domain)}`);
  let i = 0;
  const next = (): DomainNode => {
    const item: unknown = domain[i++];
    if (item === '&' || item === '|') return { op: item, args: [next(), next()] };
    if (item === '!') return { op: '!', args: [next()] };
    if (Array.isArray(item) && item.length === 3 && typeof item[0] === 'string' && typeof item[1] === 'string') {
      const operator = item[1].toLowerCase();
      if (!OPERATORS.has(operator)) throw valueError(`Invalid leaf ${JSON.stringify(item)}`);
      return { op: 'leaf', path: item[0].split('.'), operator, value: item[2] };
    }
    if (item === undefined) throw valueError(`Invalid domain: ${JSON.stringify(domain)} (missing operand)`);
    throw valueError(`Invalid leaf ${JSON.stringify(item)}`);
  };
  const args: DomainNode[] = [];
  while (i < domain.length) args.push(next());
  return { op: '&', args };
}

function compareOp(actual: unknown, operator: string, expected: unknown): boolean {
  const empty = actual === false || actual === null || actual === undefined;
  switch (operator) {
    case '=':
      return expected === false ? empty : actual === expected;
    case '=?':
      return expected === false || expected === null || actual === expected;
    case '!=':
    case '<>':
      return expected === false ? !empty : actual !== expected;
    case 'in':
      return Array.isArray(expected) && (expected.includes(actual) || (empty && expected.includes(false)));
    case 'not in':
      return Array.isArray(expected) && !expected.includes(actual);
    case '>':
    case '>=':
    case '<':
    case '<=': {
      if (empty) return false;
      const c = compare(actual, expected);
      return operator === '>' ? c > 0 : operator === '>=' ? c >= 0 : operator === '<' ? c < 0 : c <= 0;
    }
    default: {
      // like / ilike / =like / =ilike and their negations
      const negate = operator.startsWith('not ');
      const base = negate ? operator.slice(4) : operator;
      const text = empty ? '' : String(actual);
      const pattern = String(expected ?? '');
      const fold = base.endsWith('ilike');
      const regex = base.startsWith('=')
        ? new RegExp(`^${likeToRegex(pattern)}$`, fold ? 'iu' : 'u')
        : new RegExp(likeToRegex(pattern), fold ? 'iu' : 'u');
      const hit = !empty && regex.test(text);
      return negate ? !hit : hit;
    }
  }
}

function likeToRegex(pattern: string): string {
  return pattern
    .split('')
    .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
}

function sortKey(v: unknown): unknown {
  return Array.isArray(v) ? v[1] : v;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === false || a === undefined || a === null) return -1;
  if (b === false || b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

// ---- Method binding (positional + keyword, like Python) ----

/** Bind args/kwargs to parameter names; the same Python TypeErrors for misuse. */
function bind(method: string, names: string[], args: unknown[], kwargs: Record<string, unknown>): Record<string, unknown> {
  if (args.length > names.length) {
    throw typeError(
      `${method}() takes from 1 to ${names.length + 1} positional arguments but ${args.length + 1} were given`,
    );
  }
  const bound: Record<string, unknown> = {};
  args.forEach((a, i) => (bound[names[i]!] = a));
  for (const [k, v] of Object.entries(kwargs)) {
    if (k === 'context') continue;
    if (!names.includes(k)) throw typeError(`${method}() got an unexpected keyword argument '${k}'`);
    if (k in bound) throw typeError(`${method}() got multiple values for argument '${k}'`);
    bound[k] = v;
  }
  return bound;
}

function idList(value: unknown): number[] {
  const list = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(list) || !list.every((x) => Number.isInteger(x))) {
    throw typeError(`Expected a list of record ids, got ${JSON.stringify(value)}`);
  }
  return list as number[];
}

function optionalFields(value: unknown): string[] | null {
  if (value === undefined || value === null || value === false) return null;
  if (!Array.isArray(value) || !value.every((f) => typeof f === 'string')) throw typeError('fields must be a list of names');
  return value as string[];
}

function optionalInt(value: unknown, fallback: number | null): number | null {
  if (value === undefined || value === null || value === false) return fallback;
  if (typeof value !== 'number') throw typeError(`expected an integer, got ${JSON.stringify(value)}`);
  return value;
}

// ---- Stock workflow ----

class Stock {
  constructor(
    private readonly state: SandboxOdooState,
    private readonly orm: Orm,
  ) {}

  private movesOf(pickingId: number): Rec[] {
    return this.state.all('stock.move').filter((m) => m.picking_id === pickingId && m.state !== 'cancel');
  }

  /** Odoo 17 button_validate: sanity check, auto-pick, backorder question, done. */
  buttonValidate(ids: number[], context: Record<string, unknown>): unknown {
    const pickings = this.orm.browse('stock.picking', ids);
    for (const p of pickings) {
      // 17/18 treat done/cancelled pickings as having no quantities.
      if (p.state === 'done' || p.state === 'cancel') throw userError(NO_QUANTITIES);
      if (this.movesOf(p.id).every((m) => !(Number(m.quantity) > 0))) throw userError(NO_QUANTITIES);
    }
    // Nothing picked: validation picks everything (this side effect is committed).
    for (const p of pickings) {
      const moves = this.movesOf(p.id);
      if (!moves.some((m) => m.picked === true)) {
        for (const m of moves) if (Number(m.quantity) > 0) this.state.update('stock.move', m.id, { picked: true });
      }
    }
    const short = pickings.filter((p) =>
      this.movesOf(p.id).some((m) => processed(m) < Number(m.product_uom_qty)),
    );
    if (short.length > 0 && context.skip_backorder !== true) {
      return {
        name: 'Create Backorder?',
        type: 'ir.actions.act_window',
        view_mode: 'form',
        res_model: 'stock.backorder.confirmation',
        views: [[false, 'form']],
        view_id: false,
        target: 'new',
        context: {
          ...context,
          button_validate_picking_ids: ids,
          default_show_transfers: false,
          default_pick_ids: pickings.map((p) => [4, p.id]),
        },
      };
    }
    const noBackorder = Array.isArray(context.picking_ids_not_to_backorder) ? context.picking_ids_not_to_backorder : [];
    for (const p of pickings) this.done(p, !noBackorder.includes(p.id));
    return true;
  }

  private done(picking: Rec, keepBackorder: boolean): void {
    const rest: { move: Rec; qty: number }[] = [];
    for (const m of this.movesOf(picking.id)) {
      const qty = processed(m);
      const remaining = Number(m.product_uom_qty) - qty;
      if (qty > 0) {
        this.state.update('stock.move', m.id, {
          state: 'done',
          quantity: qty,
          ...(remaining > 0 ? { product_uom_qty: qty } : {}),
        });
      }
      if (remaining > 0) rest.push({ move: m, qty: remaining });
    }
    if (rest.length > 0 && keepBackorder) {
      const backorder = this.state.insert('stock.picking', {
        ...withoutId(picking),
        name: this.nextPickingName(),
        backorder_id: picking.id,
        state: 'assigned',
        carrier_tracking_ref: false,
        shipping_weight: 0,
      });
      for (const { move, qty } of rest) {
        if (processed(move) > 0) {
          this.state.insert('stock.move', {
            ...withoutId(move),
            picking_id: backorder,
            product_uom_qty: qty,
            quantity: qty,
            picked: false,
            state: 'assigned',
          });
        } else {
          this.state.update('stock.move', move.id, { picking_id: backorder, quantity: qty, picked: false });
        }
      }
    } else {
      for (const { move } of rest) if (processed(move) === 0) this.state.update('stock.move', move.id, { state: 'cancel' });
    }
    this.state.update('stock.picking', picking.id, { state: 'done', date_done: this.state.timestamp() });
  }

  private nextPickingName(): string {
    const max = Math.max(
      0,
      ...this.state.all('stock.picking').map((p) => Number(/(\d+)$/.exec(String(p.name))?.[1] ?? 0)),
    );
    return `WH/OUT/${String(max + 1).padStart(5, '0')}`;
  }

  /** message_post is keyword-only; returns the mail.message id (an int in ≤18). */
  messagePost(model: string, ids: number[], kwargs: Record<string, unknown>): number {
    const [rec] = this.orm.browse(model, ids);
    if (!rec || ids.length !== 1) throw valueError(`Expected singleton: ${model}(${ids.join(', ')})`);
    const allowed = ['body', 'message_type', 'subtype_xmlid', 'attachment_ids', 'body_is_html', 'subject', 'partner_ids', 'context'];
    for (const k of Object.keys(kwargs)) {
      if (!allowed.includes(k)) throw valueError(`Invalid field '${k}' on model 'mail.message'`);
    }
    const attachments = kwargs.attachment_ids === undefined ? [] : idList(kwargs.attachment_ids);
    this.orm.browse('ir.attachment', attachments);
    const body = typeof kwargs.body === 'string' ? kwargs.body : '';
    return this.state.insert('mail.message', {
      body: kwargs.body_is_html === true ? body : escapeHtml(body),
      model,
      res_id: rec.id,
      message_type: typeof kwargs.message_type === 'string' ? kwargs.message_type : 'notification',
      subtype_xmlid: typeof kwargs.subtype_xmlid === 'string' ? kwargs.subtype_xmlid : 'mail.mt_note',
      attachment_ids: attachments,
      author_id: false,
    });
  }
}

/** What validation processes of a move: its quantity when picked. */
function processed(move: Rec): number {
  return move.picked === true ? Math.max(0, Number(move.quantity) || 0) : 0;
}

function withoutId(rec: Rec): Record<string, SeedValue> {
  const { id: _id, create_date: _c, write_date: _w, ...rest } = rec;
  return rest;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ---- RPC services ----

export interface RpcLogEntry {
  service: string;
  /** For object.execute_kw: the model method (search_read, write…); else the service method. */
  method: string;
  model?: string;
  at: number;
}

interface Config {
  db: string;
  login: string;
  apiKey: string;
  version: '17.0';
}

class Rpc {
  readonly orm: Orm;
  readonly stock: Stock;

  constructor(
    readonly state: SandboxOdooState,
    private readonly config: Config,
    private readonly log: RpcLogEntry[],
  ) {
    this.orm = new Orm(state);
    this.stock = new Stock(state, this.orm);
  }

  dispatch(params: Record<string, unknown>): unknown {
    const { service, method } = params;
    const args = Array.isArray(params.args) ? params.args : [];
    if (typeof service !== 'string' || typeof method !== 'string') {
      throw typeError("jsonrpc() missing required positional arguments: 'service' and 'method'");
    }
    if (service === 'common') return this.common(method, args);
    if (service === 'object') return this.object(method, args);
    throw new Fault('builtins.NameError', `Service ${service} not found`);
  }

  private common(method: string, args: unknown[]): unknown {
    this.log.push({ service: 'common', method, at: Date.now() });
    if (method === 'version') {
      return { server_version: '17.0', server_version_info: [17, 0, 0, 'final', 0, ''], server_serie: '17.0', protocol_version: 1 };
    }
    if (method === 'authenticate' || method === 'login') {
      const [db, login, password] = args;
      this.checkDb(db);
      return login === this.config.login && password === this.config.apiKey ? SANDBOX_UID : false;
    }
    if (method === 'about') return 'See http://openerp.com';
    throw new Fault('builtins.NameError', `Method not available ${method}`);
  }

  private object(method: string, args: unknown[]): unknown {
    if (method !== 'execute_kw') {
      this.log.push({ service: 'object', method, at: Date.now() });
      throw new Fault('builtins.NameError', `Method not available ${method}`);
    }
    const [db, uid, password, model, name, callArgs = [], kwargs = {}] = args;
    this.log.push({
      service: 'object',
      method: typeof name === 'string' ? name : String(name),
      ...(typeof model === 'string' ? { model } : {}),
      at: Date.now(),
    });
    this.checkDb(db);
    if (uid !== SANDBOX_UID || password !== this.config.apiKey) throw new Fault('odoo.exceptions.AccessDenied', 'Access Denied');
    if (typeof model !== 'string' || typeof name !== 'string') throw typeError('execute_kw() needs a model and a method name');
    if (!Array.isArray(callArgs)) throw typeError(`args must be a list, got ${JSON.stringify(callArgs)}`);
    if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) throw typeError('kwargs must be a dictionary');
    if (name.startsWith('_')) {
      throw new Fault('odoo.exceptions.AccessError', `Private methods (such as ${name}) cannot be called remotely.`);
    }
    return this.call(model, name, callArgs, kwargs as Record<string, unknown>);
  }

  private call(model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): unknown {
    const orm = this.orm;
    orm.model(model);
    const context = (typeof kwargs.context === 'object' && kwargs.context !== null ? kwargs.context : {}) as Record<string, unknown>;
    switch (method) {
      case 'search': {
        const b = bind(method, ['domain', 'offset', 'limit', 'order'], args, kwargs);
        return orm.search(model, b.domain, optionalInt(b.offset, 0)!, optionalInt(b.limit, null), orderOf(b.order));
      }
      case 'search_count': {
        const b = bind(method, ['domain', 'limit'], args, kwargs);
        const ids = orm.search(model, b.domain, 0, optionalInt(b.limit, null), 'id');
        return ids.length;
      }
      case 'search_read': {
        const b = bind(method, ['domain', 'fields', 'offset', 'limit', 'order'], args, kwargs);
        const ids = orm.search(model, b.domain, optionalInt(b.offset, 0)!, optionalInt(b.limit, null), orderOf(b.order));
        return orm.read(model, ids, optionalFields(b.fields));
      }
      case 'read': {
        const [ids, ...rest] = args;
        const b = bind(method, ['fields', 'load'], rest, kwargs);
        return orm.read(model, idList(ids), optionalFields(b.fields));
      }
      case 'write': {
        const [ids, ...rest] = args;
        const b = bind(method, ['vals'], rest, kwargs);
        return orm.write(model, idList(ids), b.vals);
      }
      case 'create': {
        const b = bind(method, ['vals_list'], args, kwargs);
        if (Array.isArray(b.vals_list)) return b.vals_list.map((v) => orm.create(model, v));
        return orm.create(model, b.vals_list);
      }
      case 'unlink': {
        const [ids, ...rest] = args;
        bind(method, [], rest, kwargs);
        return orm.unlink(model, idList(ids));
      }
      case 'fields_get':
        bind(method, ['allfields', 'attributes'], args, kwargs);
        return orm.fieldsGet(model);
      case 'button_validate':
        if (model === 'stock.picking') {
          const [ids, ...rest] = args;
          bind(method, [], rest, kwargs);
          return this.stock.buttonValidate(idList(ids), context);
        }
        break;
      case 'message_post':
        if (model === 'stock.picking' || model === 'res.partner') {
          const [ids, ...rest] = args;
          if (rest.length > 0) {
            throw typeError(`MailThread.message_post() takes 1 positional argument but ${rest.length + 1} were given`);
          }
          return this.stock.messagePost(model, idList(ids), kwargs);
        }
        break;
    }
    throw new Fault('builtins.AttributeError', `The method '${method}' does not exist on the model '${model}'`);
  }

  private checkDb(db: unknown): void {
    if (db !== this.config.db) {
      throw new Fault(
        'psycopg2.OperationalError',
        `connection to server failed: FATAL:  database "${String(db)}" does not exist`,
      );
    }
  }
}

function orderOf(value: unknown): string | null {
  if (value === undefined || value === null || value === false) return null;
  if (typeof value !== 'string') throw typeError('order must be a string');
  return value;
}

// ---- HTTP ----

export interface SandboxOdooOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  apiKey: string;
  db?: string;
  login?: string;
  /** Deliveries to seed. */
  seed?: number;
  version?: '17.0';
  /** Clock for write_date and friends. */
  now?: () => Date;
}

export interface SandboxOdoo {
  url: string;
  db: string;
  login: string;
  apiKey: string;
  port: number;
  close(): Promise<void>;
  state: SandboxOdooState;
  rpcLog: RpcLogEntry[];
  /** On: every connection is dropped, as if Odoo were unreachable. */
  setOffline(on: boolean): void;
}

const JSON_MIMETYPES = ['application/json', 'application/json-rpc'];
const BODY_LIMIT = 32 * 1024 * 1024;

export async function startSandboxOdoo(options: SandboxOdooOptions): Promise<SandboxOdoo> {
  const config: Config = {
    db: options.db ?? 'sandbox',
    login: options.login ?? 'admin',
    apiKey: options.apiKey,
    version: options.version ?? '17.0',
  };
  const state = new SandboxOdooState(options.seed ?? 25, options.now ?? (() => new Date()));
  const rpcLog: RpcLogEntry[] = [];
  const rpc = new Rpc(state, config, rpcLog);
  const sockets = new Set<Socket>();
  let offline = false;

  const server = createServer((req, res) => {
    if (offline) {
      req.socket.destroy();
      return;
    }
    handle(rpc, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(htmlPage(500, 'Internal Server Error', 'The server encountered an internal error.'));
    });
  });
  server.on('connection', (socket) => {
    if (offline) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}`,
    db: config.db,
    login: config.login,
    apiKey: config.apiKey,
    port,
    state,
    rpcLog,
    setOffline(on) {
      offline = on;
      if (on) for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Odoo 17's /jsonrpc route: JSON content type required, JSON-RPC 2.0 envelope, errors as HTTP 200. */
async function handle(rpc: Rpc, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/jsonrpc') {
    await drain(req);
    sendHtml(res, 404, 'Not Found', 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.');
    return;
  }
  const mimetype = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!JSON_MIMETYPES.includes(mimetype)) {
    await drain(req);
    sendHtml(
      res,
      400,
      'Bad Request',
      "Request inferred type is compatible with ['http'] but '/jsonrpc' is type='json'.\n\nPlease verify the Content-Type request header and try again.",
    );
    return;
  }
  const raw = await readBody(req);
  if (raw === null) {
    sendText(res, 413, 'Request Entity Too Large');
    return;
  }
  let request: unknown;
  try {
    request = JSON.parse(raw);
  } catch {
    sendText(res, 400, 'Invalid JSON data');
    return;
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    sendText(res, 400, 'Invalid JSON-RPC data');
    return;
  }
  const envelope = request as Record<string, unknown>;
  const id = envelope.id ?? null;
  const params = (typeof envelope.params === 'object' && envelope.params !== null ? envelope.params : {}) as Record<string, unknown>;
  let body: Record<string, unknown>;
  try {
    const result = rpc.dispatch(params);
    // A method returning None gives neither result nor error.
    body = result === undefined || result === null ? { jsonrpc: '2.0', id } : { jsonrpc: '2.0', id, result };
  } catch (error) {
    body = { jsonrpc: '2.0', id, error: errorPayload(error) };
  }
  const json = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
  res.end(json);
}

function errorPayload(error: unknown): Record<string, unknown> {
  const name = error instanceof Fault ? error.odooName : 'builtins.Exception';
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 200,
    message: 'Odoo Server Error',
    data: {
      name,
      debug: `Traceback (most recent call last):\n  File "/opt/odoo/odoo/http.py", line 1767, in _serve_db\n    return service_model.retrying(self._serve_ir_http, self.env)\n${name}: ${message}\n`,
      message,
      arguments: [message],
      context: {},
    },
  };
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function drain(req: IncomingMessage): Promise<void> {
  await readBody(req);
}

function htmlPage(status: number, title: string, text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');
  return `<!doctype html>\n<html lang=en>\n<title>${status} ${title}</title>\n<h1>${title}</h1>\n<p>${escaped}</p>\n`;
}

function sendHtml(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(htmlPage(status, title, text));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(text);
}

// The sandbox's fake database: records per model (as stored values), and enough ORM over them for
// the bench: typed fields (computed ones included), domains, search/read/write/create/unlink,
// display names. Which models and fields exist depends on the emulated version (schema.ts).
import { Fault, typeError, valueError } from './faults';
import type { Field, ModelDef, Rec, Records, SandboxVersion } from './schema';
import { modelsFor } from './schema';
import { SANDBOX_UID, odooDatetime, seedSandbox, type SeedValue } from './seed';

export type { Rec } from './schema';

// ---- State ----

export class SandboxOdooState implements Records {
  private readonly tables = new Map<string, Map<number, Rec>>();
  private readonly nextIds = new Map<string, number>();
  readonly models: Record<string, ModelDef>;

  constructor(
    seed: number,
    private readonly now: () => Date,
    readonly version: SandboxVersion = 17,
  ) {
    this.models = modelsFor(version);
    const data = seedSandbox(seed, version);
    for (const model of Object.keys(this.models)) {
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

  /** Insert with a chosen id (extra users of the sandbox). */
  insertWithId(model: string, id: number, values: Record<string, SeedValue>): void {
    const at = this.timestamp();
    this.tables.get(model)!.set(id, { create_date: at, write_date: at, ...values, id });
    this.nextIds.set(model, Math.max(this.nextIds.get(model)!, id + 1));
  }

  /** Update stored values as they are and bump write_date. */
  update(model: string, id: number, values: Record<string, SeedValue>): void {
    const rec = this.get(model, id)!;
    Object.assign(rec, values, { write_date: this.timestamp() });
  }

  /** Names of deliveries ready to pack, e.g. for "scan WH/OUT/00001" hints. */
  sampleNames(): string[] {
    return this.all('stock.picking')
      .filter((p) => p.state === 'assigned' && this.get('stock.picking.type', Number(p.picking_type_id))?.code === 'outgoing')
      .map((p) => String(p.name));
  }

  remove(model: string, id: number): void {
    this.tables.get(model)?.delete(id);
  }

  /** Every field of a model, Odoo's magic ones included. */
  fieldsOf(model: string): Record<string, Field> {
    return { ...this.models[model]!.fields, ...MAGIC };
  }

  displayName(model: string, rec: Rec): string {
    const def = this.models[model]!;
    if (def.displayName) return def.displayName(rec, this);
    return typeof rec.name === 'string' ? rec.name : `${model},${rec.id}`;
  }
}

// ---- ORM ----

export class Orm {
  constructor(private readonly state: SandboxOdooState) {}

  /** The model, or Odoo's refusal of an unknown one ("Object … doesn't exist"; JSON-2 404). */
  model(name: string): ModelDef {
    const def = this.state.models[name];
    if (!def) throw new Fault('odoo.exceptions.UserError', `Object ${name} doesn't exist`);
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

  /**
   * `companies`: the context's `allowed_company_ids`, when given; records of other companies are
   * left out (Odoo's multi-company record rules).
   */
  search(
    model: string,
    domain: unknown,
    offset = 0,
    limit?: number | null,
    order?: string | null,
    companies: readonly number[] | null = null,
  ): number[] {
    const def = this.model(model);
    const leaves = parseDomain(domain);
    const recs = this.state.all(model).filter((r) => this.inCompanies(model, r, companies) && this.evaluate(model, r, leaves));
    this.sort(model, recs, order || def.order);
    const end = typeof limit === 'number' && limit > 0 ? offset + limit : undefined;
    return recs.slice(offset, end).map((r) => r.id);
  }

  /**
   * The multi-company rule: a record of a model with a company belongs to one of `companies` or to
   * no company. Null companies: no `allowed_company_ids`, every company of the user.
   */
  inCompanies(model: string, rec: Rec, companies: readonly number[] | null): boolean {
    if (companies === null || !this.state.models[model]?.fields.company_id) return true;
    return typeof rec.company_id !== 'number' || companies.includes(rec.company_id);
  }

  read(model: string, ids: number[], fields?: string[] | null): Record<string, unknown>[] {
    const all = fieldsOf(this.state, model);
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
    const fields = fieldsOf(this.state, model);
    // One2many commands ((1, id, vals) update, (0, 0, vals) create) are applied to the children
    // after the record's own fields, in the same call, as Odoo does.
    const children: [string, unknown][] = [];
    let own = vals;
    if (typeof vals === 'object' && vals !== null && !Array.isArray(vals)) {
      const rest: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(vals)) {
        if (fields[name]?.type === 'one2many') children.push([name, value]);
        else rest[name] = value;
      }
      own = rest;
    }
    const checked = this.checkVals(model, own);
    const recs = this.browse(model, ids);
    const stored: Record<string, SeedValue> = {};
    const inversed: [Field, SeedValue][] = [];
    for (const [name, value] of Object.entries(checked)) {
      const field = fields[name]!;
      if (field.assign) inversed.push([field, value]);
      else stored[name] = value;
    }
    for (const rec of recs) {
      this.state.update(model, rec.id, stored);
      for (const [field, value] of inversed) field.assign!(rec, value, this.state);
      for (const [name, commands] of children) this.writeOne2many(model, rec, name, commands);
    }
    return true;
  }

  private writeOne2many(model: string, rec: Rec, name: string, commands: unknown): void {
    const field = fieldsOf(this.state, model)[name]!;
    if (field.type !== 'one2many') return;
    const wrong = () => valueError(`Wrong value for ${model}.${name}: ${JSON.stringify(commands)}`);
    if (!Array.isArray(commands)) throw wrong();
    for (const cmd of commands) {
      if (!Array.isArray(cmd)) throw wrong();
      const [code, id, values] = cmd as [unknown, unknown, unknown];
      if (code === 1 && typeof id === 'number') {
        const child = this.browse(field.relation, [id])[0]!;
        if (child[field.inverse] !== rec.id) throw valueError(`${field.relation}(${id}) is not one of ${model}(${rec.id}).${name}`);
        this.write(field.relation, [id], values);
      } else if (code === 0) {
        this.create(field.relation, { ...(values as Record<string, unknown>), [field.inverse]: rec.id });
      } else {
        throw valueError(`The sandbox does not apply command ${JSON.stringify(cmd)} on ${model}.${name}`);
      }
    }
  }

  create(model: string, vals: unknown): number {
    const checked = this.checkVals(model, vals);
    for (const [name, field] of Object.entries(fieldsOf(this.state, model))) {
      if (field.precompute && checked[name] === undefined) checked[name] = field.precompute(checked, this.state);
    }
    for (const [name, field] of Object.entries(fieldsOf(this.state, model))) {
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
    for (const [name, f] of Object.entries(fieldsOf(this.state, model))) {
      out[name] = { type: f.type, string: name, ...('relation' in f ? { relation: f.relation } : {}) };
    }
    return out;
  }

  /** One field as Odoo reads it: m2o pairs, false for empties, o2m id lists. */
  value(model: string, rec: Rec, name: string): unknown {
    if (name === 'display_name') return this.state.displayName(model, rec);
    const field = fieldsOf(this.state, model)[name]!;
    const raw = field.compute ? field.compute(rec, this.state) : rec[name];
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
        this.sort(field.relation, children, this.state.models[field.relation]!.order);
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
    const fields = fieldsOf(this.state, model);
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

  sort(model: string, recs: Rec[], order: string): void {
    const keys = order.split(',').map((part) => {
      const [name = 'id', dir = 'asc'] = part.trim().split(/\s+/);
      if (name !== 'id' && !fieldsOf(this.state, model)[name]) throw valueError(`Invalid "order" specified (${order}).`);
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
    const field = fieldsOf(this.state, model)[head];
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


/** Every model has these (Odoo's magic fields). */
const MAGIC: Record<string, Field> = { create_date: { type: 'datetime' }, write_date: { type: 'datetime' } };

function fieldsOf(state: SandboxOdooState, model: string): Record<string, Field> {
  return state.fieldsOf(model);
}

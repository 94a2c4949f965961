// The sandbox's RPC services: `common` and `object.execute_kw` (JSON-RPC) and the JSON-2 model
// calls, both bound to the same model methods with Python's argument rules, per-key access
// rights, and a record of every call. No HTTP here (server.ts), no records (database.ts).
import { Orm, type SandboxOdooState } from './database';
import { Fault, accessDenied, accessError, notFound, typeError, unprocessable } from './faults';
import { versionReply } from './schema';
import { Stock, idList } from './stock';

export interface RpcLogEntry {
  transport: 'json-rpc' | 'json-2';
  service: string;
  /** For model calls: the model method (search_read, write…); else the service method. */
  method: string;
  model?: string;
  /** Who called (the login of the key), when known. */
  login?: string;
  /** Odoo's exception name when the call failed (injected failures included). */
  error?: string;
  at: number;
}

export interface SandboxUser {
  uid: number;
  login: string;
  apiKey: string;
  /** 'read': may read everything, change nothing (AccessError). */
  access: 'read' | 'write';
  /** The companies the user may work in (`allowed_company_ids` ⊆ these); absent: every company. */
  companies?: number[];
}

export interface ServicesConfig {
  db: string;
  users: SandboxUser[];
  /**
   * Odoo's login cooldown (`res.users._assert_can_auth`; system parameters
   * `base.login_cooldown_after` / `base.login_cooldown_duration`, 10 and 60 s in Odoo's data):
   * after `after` failed credential checks from one address, every check from that address —
   * even a correct one — fails for `seconds` after the last failure. A success clears the count.
   * JSON-RPC only (`common.authenticate`, `execute_kw`); JSON-2's bearer check has no cooldown.
   * Absent: no cooldown.
   */
  loginCooldown?: { after: number; seconds: number };
}

export const COOLDOWN_MESSAGE = 'Too many login failures, please wait a bit before trying again.';

interface MethodDef {
  /** A record method: execute_kw's args[0] / JSON-2's `ids`. */
  record: boolean;
  params: string[];
  writes: boolean;
  /** Only for these models. */
  models?: string[];
  /** message_post: keyword arguments only, any of these. */
  keywordOnly?: string[];
}

function methods(version: number): Record<string, MethodDef> {
  return {
    search: { record: false, params: ['domain', 'offset', 'limit', 'order'], writes: false },
    search_count: { record: false, params: ['domain', 'limit'], writes: false },
    search_read: { record: false, params: ['domain', 'fields', 'offset', 'limit', 'order'], writes: false },
    read: { record: true, params: ['fields', 'load'], writes: false },
    name_search: { record: false, params: ['name', version >= 19 ? 'domain' : 'args', 'operator', 'limit'], writes: false },
    fields_get: { record: false, params: ['allfields', 'attributes'], writes: false },
    write: { record: true, params: ['vals'], writes: true },
    create: { record: false, params: ['vals_list'], writes: true },
    unlink: { record: true, params: [], writes: true },
    button_validate: { record: true, params: [], writes: true, models: ['stock.picking'] },
    message_post: {
      record: true,
      params: [],
      writes: true,
      models: ['stock.picking', 'res.partner'],
      keywordOnly: ['body', 'message_type', 'subtype_xmlid', 'subtype_id', 'attachment_ids', 'body_is_html', 'subject', 'partner_ids'],
    },
    context_get: { record: false, params: [], writes: false, models: ['res.users'] },
  };
}

export class Services {
  readonly orm: Orm;
  readonly stock: Stock;
  private readonly methods: Record<string, MethodDef>;
  /** Failed credential checks per remote address (Odoo keeps them in the registry). */
  private readonly loginFailures = new Map<string, { count: number; last: number }>();

  constructor(
    readonly state: SandboxOdooState,
    private readonly config: ServicesConfig,
    private readonly log: RpcLogEntry[],
  ) {
    this.orm = new Orm(state);
    this.stock = new Stock(state, this.orm);
    this.methods = methods(state.version);
  }

  record(entry: Omit<RpcLogEntry, 'at'>): RpcLogEntry {
    const full = { ...entry, at: Date.now() };
    this.log.push(full);
    return full;
  }

  // ---- JSON-RPC ----

  /** `params` of a /jsonrpc envelope: {service, method, args}; `source`: the caller's address. */
  jsonRpc(params: Record<string, unknown>, source = 'local'): unknown {
    const { service, method } = params;
    const args = Array.isArray(params.args) ? params.args : [];
    if (typeof service !== 'string' || typeof method !== 'string') {
      throw typeError("jsonrpc() missing required positional arguments: 'service' and 'method'");
    }
    const entry = this.record({ transport: 'json-rpc', service, method });
    try {
      if (service === 'common') return this.common(method, args, source);
      if (service === 'object') return failuresRecorded(this.object(method, args, entry, source), entry);
      throw new Fault('builtins.NameError', `Service ${service} not found`);
    } catch (error) {
      if (error instanceof Fault) entry.error = error.odooName;
      throw error;
    }
  }

  private common(method: string, args: unknown[], source: string): unknown {
    if (method === 'version') return versionReply(this.state.version);
    if (method === 'authenticate' || method === 'login') {
      const [db, login, password] = args;
      this.checkDb(db);
      // exp_authenticate turns every AccessDenied, the cooldown's included, into false.
      if (this.onCooldown(source)) return false;
      const user = this.config.users.find((u) => u.login === login && u.apiKey === password);
      this.credentialsChecked(source, user !== undefined);
      return user ? user.uid : false;
    }
    if (method === 'about') return 'See http://openerp.com';
    throw new Fault('builtins.NameError', `Method not available ${method}`);
  }

  private object(method: string, args: unknown[], entry: RpcLogEntry, source: string): unknown {
    if (method !== 'execute_kw') throw new Fault('builtins.NameError', `Method not available ${method}`);
    const [db, uid, password, model, name, callArgs = [], kwargs = {}] = args;
    entry.method = typeof name === 'string' ? name : String(name);
    if (typeof model === 'string') entry.model = model;
    this.checkDb(db);
    if (this.onCooldown(source)) throw new Fault('odoo.exceptions.AccessDenied', COOLDOWN_MESSAGE);
    const user = this.config.users.find((u) => u.uid === uid && u.apiKey === password);
    this.credentialsChecked(source, user !== undefined);
    if (!user) throw accessDenied();
    entry.login = user.login;
    if (typeof model !== 'string' || typeof name !== 'string') throw typeError('execute_kw() needs a model and a method name');
    if (!Array.isArray(callArgs)) throw typeError(`args must be a list, got ${JSON.stringify(callArgs)}`);
    if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) throw typeError('kwargs must be a dictionary');
    this.orm.model(model);
    const def = this.method(model, name);
    const { context: rawContext, ...named } = kwargs as Record<string, unknown>;
    let ids: number[] | undefined;
    let positional = callArgs;
    if (def.record) {
      if (callArgs.length === 0) throw typeError(`${name}() missing 1 required positional argument: 'ids'`);
      ids = idList(callArgs[0]);
      positional = callArgs.slice(1);
    }
    const bound = def.keywordOnly ? keywordOnly(name, def, positional, named) : bind(name, def.params, positional, named);
    return this.run(user, model, name, def, ids, bound, contextOf(rawContext), 'json-rpc');
  }

  // ---- JSON-2 ----

  /** POST /json/2/<model>/<method> with a bearer key; errors carry their JSON-2 status. */
  json2(model: string, method: string, body: Record<string, unknown>, apiKey: string | null): unknown {
    const entry = this.record({ transport: 'json-2', service: 'json2', method, model });
    try {
      const user = this.config.users.find((u) => u.apiKey === apiKey);
      if (!user) throw new Fault('werkzeug.exceptions.Unauthorized', 'Invalid apikey');
      entry.login = user.login;
      if (!this.state.models[model]) throw notFound(`The model '${model}' does not exist.`);
      if (method.startsWith('_')) throw accessError(`Private methods (such as ${model}.${method}) cannot be called remotely.`);
      const def = this.methods[method];
      if (!def || (def.models && !def.models.includes(model))) throw notFound(`The method '${method}' does not exist on the model '${model}'.`);
      const { ids: rawIds, context: rawContext, ...named } = body;
      if (!def.record && rawIds !== undefined) throw unprocessable(`cannot call ${model}.${method} with ids`);
      // Forgetting ids on a record method runs it on an empty recordset: a silent no-op.
      const ids = def.record ? (rawIds === undefined ? [] : idList(rawIds)) : undefined;
      let bound: Record<string, unknown>;
      try {
        bound = def.keywordOnly ? keywordOnly(method, def, [], named) : bind(method, def.params, [], named);
      } catch (error) {
        throw error instanceof Fault && error.odooName === 'builtins.TypeError' ? unprocessable(error.message) : error;
      }
      return failuresRecorded(this.run(user, model, method, def, ids, bound, contextOf(rawContext), 'json-2'), entry);
    } catch (error) {
      if (error instanceof Fault) entry.error = error.odooName;
      throw error;
    }
  }

  // ---- The model methods ----

  private method(model: string, name: string): MethodDef {
    if (name.startsWith('_')) throw accessError(`Private methods (such as ${name}) cannot be called remotely.`);
    const def = this.methods[name];
    if (!def || (def.models && !def.models.includes(model))) {
      throw new Fault('builtins.AttributeError', `The method '${name}' does not exist on the model '${model}'`);
    }
    return def;
  }

  private run(
    user: SandboxUser,
    model: string,
    method: string,
    def: MethodDef,
    ids: number[] | undefined,
    b: Record<string, unknown>,
    context: Record<string, unknown>,
    transport: 'json-rpc' | 'json-2',
  ): unknown {
    const orm = this.orm;
    const companies = this.allowedCompanies(user, context);
    if (def.writes && user.access === 'read') {
      const description = this.state.models[model]!.description;
      throw accessError(
        `You are not allowed to modify '${description}' (${model}) records.\n\nThis operation is allowed for the following groups:\n\t- Inventory/User\n\nContact your administrator to request access if necessary.`,
      );
    }
    if (ids && companies) this.checkCompanies(user, model, ids, companies, method === 'read' ? 'read' : method === 'unlink' ? 'unlink' : 'write');
    switch (method) {
      case 'search':
        return orm.search(model, b.domain, optionalInt(b.offset, 0)!, optionalInt(b.limit, null), orderOf(b.order), companies);
      case 'search_count':
        return orm.search(model, b.domain, 0, optionalInt(b.limit, null), 'id', companies).length;
      case 'search_read': {
        const found = orm.search(model, b.domain, optionalInt(b.offset, 0)!, optionalInt(b.limit, null), orderOf(b.order), companies);
        return orm.read(model, found, optionalFields(b.fields));
      }
      case 'read':
        return orm.read(model, ids!, optionalFields(b.fields));
      case 'name_search': {
        const name = typeof b.name === 'string' ? b.name.toLowerCase() : '';
        const pairs = orm
          .search(model, b.domain ?? b.args ?? [], 0, null, null, companies)
          .map((id) => [id, this.state.displayName(model, this.state.get(model, id)!)] as const)
          .filter(([, label]) => label.toLowerCase().includes(name));
        return pairs.slice(0, optionalInt(b.limit, 100) ?? undefined);
      }
      case 'fields_get':
        return orm.fieldsGet(model);
      case 'write':
        return orm.write(model, ids!, b.vals);
      case 'create': {
        const vals = b.vals_list;
        if (Array.isArray(vals)) return vals.map((v) => orm.create(model, v));
        const id = orm.create(model, vals);
        // JSON-2 (19) turns the returned record into a list of ids.
        return transport === 'json-2' ? [id] : id;
      }
      case 'unlink':
        return orm.unlink(model, ids!);
      case 'button_validate':
        return this.stock.buttonValidate(ids!, context);
      case 'message_post':
        return this.stock.messagePost(model, ids!, b);
      case 'context_get':
        return { lang: 'en_US', tz: 'Europe/Berlin', uid: user.uid };
    }
    throw new Fault('builtins.AttributeError', `The method '${method}' does not exist on the model '${model}'`);
  }

  /**
   * `allowed_company_ids` from the context (odoo/api.py `Environment.companies`): absent or empty,
   * every company of the user; otherwise a subset of them, or AccessError.
   */
  private allowedCompanies(user: SandboxUser, context: Record<string, unknown>): number[] | null {
    const raw = context.allowed_company_ids;
    if (raw === undefined || raw === null || raw === false || (Array.isArray(raw) && raw.length === 0)) return null;
    const mine = user.companies ?? this.state.all('res.company').map((c) => c.id);
    const valid = Array.isArray(raw) && raw.every((id) => Number.isInteger(id) && mine.includes(id as number) && this.state.get('res.company', id as number));
    if (!valid) throw accessError('Access to unauthorized or invalid companies.');
    return raw as number[];
  }

  /** Records named by id must pass the multi-company rule, else AccessError naming them (17+ wording). */
  private checkCompanies(user: SandboxUser, model: string, ids: number[], companies: number[], operation: 'read' | 'write' | 'unlink'): void {
    const outside = ids
      .map((id) => this.state.get(model, id))
      .filter((rec): rec is NonNullable<typeof rec> => rec !== undefined && !this.orm.inCompanies(model, rec, companies));
    if (outside.length === 0) return;
    const description = this.state.models[model]!.description;
    const who = this.state.get('res.users', user.uid);
    const lines = outside.map((rec) => {
      const company = typeof rec.company_id === 'number' ? this.state.get('res.company', rec.company_id) : undefined;
      return `- ${description}, ${this.state.displayName(model, rec)} (${model}: ${rec.id}, company=${String(company?.name ?? rec.company_id)})`;
    });
    throw accessError(
      `Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, ${String(who?.name ?? user.login)} (id=${user.uid}) doesn't have '${operation}' access to:\n${lines.join('\n')}\n\nIf you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.`,
    );
  }

  /** Refused before the credentials are even looked at (and not counted as a failure). */
  private onCooldown(source: string): boolean {
    const cooldown = this.config.loginCooldown;
    const failures = this.loginFailures.get(source);
    if (!cooldown || cooldown.after <= 0 || !failures) return false;
    return failures.count >= cooldown.after && Date.now() - failures.last < cooldown.seconds * 1000;
  }

  private credentialsChecked(source: string, ok: boolean): void {
    if (!this.config.loginCooldown) return;
    if (ok) this.loginFailures.delete(source);
    else this.loginFailures.set(source, { count: (this.loginFailures.get(source)?.count ?? 0) + 1, last: Date.now() });
  }

  private checkDb(db: unknown): void {
    if (db !== this.config.db) {
      throw new Fault('psycopg2.OperationalError', `connection to server failed: FATAL:  database "${String(db)}" does not exist`);
    }
  }
}

/** A method that answers later (button_validate, while a carrier connector draws its labels): its failure is recorded too. */
function failuresRecorded(result: unknown, entry: RpcLogEntry): unknown {
  if (!(result instanceof Promise)) return result;
  return result.catch((error: unknown) => {
    if (error instanceof Fault) entry.error = error.odooName;
    throw error;
  });
}

function contextOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
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


/** message_post(self, *, body=…, …): keyword arguments only. */
function keywordOnly(method: string, def: MethodDef, args: unknown[], kwargs: Record<string, unknown>): Record<string, unknown> {
  if (args.length > 0) throw typeError(`MailThread.${method}() takes 1 positional argument but ${args.length + 1} were given`);
  for (const k of Object.keys(kwargs)) {
    if (!def.keywordOnly!.includes(k)) throw typeError(`${method}() got an unexpected keyword argument '${k}'`);
  }
  return kwargs;
}

function orderOf(value: unknown): string | null {
  if (value === undefined || value === null || value === false) return null;
  if (typeof value !== 'string') throw typeError('order must be a string');
  return value;
}

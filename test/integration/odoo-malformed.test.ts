// Malformed replies, generated with fast-check and served over real HTTP by a tiny local server:
// HTML pages, truncated bodies, wrong types and missing fields, error bodies of every class. Each
// must end as an OdooError of the expected kind, never a crash or a wrong success.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOdoo } from '../../electron/core/odoo/connect';
import { OdooError, type OdooErrorKind } from '../../electron/core/odoo/errors';
import { Json2Transport } from '../../electron/core/odoo/json-2';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { findPickingByName } from '../../electron/core/odoo/pickings';
import { getOutboxRow } from '../../electron/core/sync/outbox';
import { startSandboxOdoo, type Rec, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { dispatchRig } from '../support/dispatch-rig';

interface Reply {
  status: number;
  type: string;
  body: string;
  /** Announce this Content-Length, send `body`, then cut the connection (a body truncated in transit). */
  promised?: number;
}

let server: Server;
let url: string;
/** What the server answers next, whatever was asked. */
let reply: Reply = { status: 200, type: 'application/json', body: '{}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (reply.promised !== undefined) {
        res.writeHead(reply.status, { 'Content-Type': reply.type, 'Content-Length': String(reply.promised) });
        res.write(reply.body, () => res.destroy());
        return;
      }
      res.writeHead(reply.status, { 'Content-Type': reply.type });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const VERSION = { major: 17, minor: 0, saas: false, text: '17.0' };
const NO_RETRY = { attempts: 1, baseDelayMs: 0 };
const jsonRpc = () => new JsonRpcTransport({ url, db: 'x', login: 'a', apiKey: 'k', retry: NO_RETRY, version: VERSION });
const json2 = () => new Json2Transport({ url, db: 'x', apiKey: 'k', retry: NO_RETRY, version: { ...VERSION, major: 19, text: '19.0' } });

async function kindOf(promise: Promise<unknown>): Promise<OdooErrorKind | 'resolved' | 'crash'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof OdooError ? error.kind : 'crash';
  }
}

// ---- Generators ----

const html = fc
  .tuple(fc.constantFrom('<!DOCTYPE html>', '<html>', '<?xml version="1.0"?>', '  <HTML>'), fc.string({ maxLength: 200 }))
  .map(([start, rest]) => `${start}<head><title>Login</title></head><body>${rest}</body></html>`);

const validVersion = {
  server_version: '17.0',
  server_version_info: [17, 0, 0, 'final', 0, ''],
  server_serie: '17.0',
  protocol_version: 1,
};

/** A JSON body cut anywhere before its end: never valid JSON. */
const truncated = (whole: string) => fc.integer({ min: 0, max: whole.length - 1 }).map((n) => whole.slice(0, n));

/** A value that is not what `key` should hold. */
const wrongFor: Record<string, fc.Arbitrary<unknown>> = {
  server_version: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string())),
  server_version_info: fc.oneof(fc.string(), fc.constant([]), fc.array(fc.boolean(), { minLength: 1 }), fc.constant(null)),
};

const ODOO_ERRORS: [name: string, kind: OdooErrorKind][] = [
  ['odoo.exceptions.UserError', 'permanent'],
  ['odoo.exceptions.ValidationError', 'permanent'],
  ['odoo.exceptions.MissingError', 'permanent'],
  ['odoo.exceptions.AccessError', 'access'],
  ['odoo.exceptions.AccessDenied', 'auth'],
  ['psycopg2.errors.SerializationFailure', 'retryable'],
  ['psycopg2.errors.LockNotAvailable', 'retryable'],
  ['builtins.ValueError', 'permanent'],
];

const RUNS = { numRuns: 60 };

describe('JSON-RPC', () => {
  it('an HTML page (any status 200) is a protocol error', async () => {
    await fc.assert(
      fc.asyncProperty(html, async (body) => {
        reply = { status: 200, type: 'text/html', body };
        expect(await kindOf(jsonRpc().executeKw('res.partner', 'search', [[]]))).toBe('protocol');
      }),
      RUNS,
    );
  });

  it('a truncated envelope is a protocol error', async () => {
    const whole = JSON.stringify({ jsonrpc: '2.0', id: 1, result: validVersion });
    await fc.assert(
      fc.asyncProperty(truncated(whole), async (body) => {
        reply = { status: 200, type: 'application/json', body };
        expect(await kindOf(jsonRpc().rpc('common', 'version', []))).toBe('protocol');
      }),
      RUNS,
    );
  });

  it('a version reply with wrong types or missing fields is a protocol error', async () => {
    const broken = fc.oneof(
      fc.constantFrom('server_version', 'server_version_info').chain((key) =>
        wrongFor[key]!.map((value) => ({ ...validVersion, [key]: value })),
      ),
      fc.constantFrom('server_version', 'server_version_info').map((key) => {
        const copy: Record<string, unknown> = { ...validVersion };
        delete copy[key];
        return copy;
      }),
      fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.integer())),
    );
    await fc.assert(
      fc.asyncProperty(broken, async (result) => {
        reply = { status: 200, type: 'application/json', body: JSON.stringify({ jsonrpc: '2.0', result }) };
        const t = new JsonRpcTransport({ url, db: 'x', login: 'a', apiKey: 'k', retry: NO_RETRY });
        expect(await kindOf(t.version())).toBe('protocol');
      }),
      RUNS,
    );
  });

  it('an envelope of the wrong shape is a protocol error', async () => {
    const envelope = fc.oneof(
      fc.record({ jsonrpc: fc.oneof(fc.constant('1.0'), fc.integer(), fc.constant(null)), result: fc.jsonValue() }),
      fc.record({ jsonrpc: fc.constant('2.0'), error: fc.oneof(fc.string(), fc.integer(), fc.record({ code: fc.integer() })) }),
      fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
    );
    await fc.assert(
      fc.asyncProperty(envelope, async (value) => {
        reply = { status: 200, type: 'application/json', body: JSON.stringify(value) };
        expect(await kindOf(jsonRpc().rpc('common', 'version', []))).toBe('protocol');
      }),
      RUNS,
    );
  });

  it('an error envelope is classified by data.name, whatever the code and message', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ODOO_ERRORS), fc.integer(), fc.string(), async ([name, kind], code, message) => {
        reply = {
          status: 200,
          type: 'application/json',
          body: JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message: 'Odoo Server Error', data: { name, message, arguments: [message], debug: '' } } }),
        };
        expect(await kindOf(jsonRpc().rpc('object', 'execute_kw', []))).toBe(kind);
      }),
      RUNS,
    );
  });

  it('a non-200 answer (proxy page, gateway error, any body) is classified by the status', async () => {
    const statusKind: [number, OdooErrorKind][] = [
      [400, 'permanent'],
      [401, 'auth'],
      [403, 'access'],
      [404, 'permanent'],
      [409, 'retryable'],
      [413, 'permanent'],
      [429, 'retryable'],
      [500, 'retryable'],
      [502, 'retryable'],
      [503, 'retryable'],
      [504, 'retryable'],
    ];
    // Even a body that looks like a JSON-RPC success must not count: the status comes first.
    const body = fc.oneof(html, fc.string({ maxLength: 50 }), fc.constant(JSON.stringify({ jsonrpc: '2.0', id: 1, result: 2 })));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...statusKind), body, async ([status, kind], text) => {
        reply = { status, type: 'text/html', body: text };
        expect(await kindOf(jsonRpc().executeKw('stock.picking', 'search', [[]]))).toBe(kind);
      }),
      RUNS,
    );
  });

  it('an authenticate answer that is not a uid (wrong type) is a protocol error, not a login', async () => {
    const notUid = fc.oneof(
      fc.string(),
      fc.constant(true),
      fc.constant(null),
      fc.integer({ max: 0 }),
      fc.double({ noInteger: true, noNaN: true }),
      fc.array(fc.integer({ min: 1 }), { minLength: 1 }),
      fc.record({ uid: fc.integer({ min: 1 }) }),
    );
    await fc.assert(
      fc.asyncProperty(notUid, async (result) => {
        reply = { status: 200, type: 'application/json', body: JSON.stringify({ jsonrpc: '2.0', id: 1, result }) };
        const t = new JsonRpcTransport({ url, db: 'x', login: 'a', apiKey: 'k', retry: NO_RETRY, version: VERSION });
        expect(await kindOf(t.authenticate())).toBe('protocol');
      }),
      RUNS,
    );
  });

  it('an error envelope with fields of the wrong type is a protocol error; without data it is a refusal', async () => {
    const badData = fc.oneof(
      fc.record({ name: fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string())), message: fc.string() }),
      fc.record({ name: fc.constant('odoo.exceptions.UserError'), message: fc.oneof(fc.integer(), fc.constant(null)) }),
      fc.record({ name: fc.constant('odoo.exceptions.UserError'), message: fc.string(), arguments: fc.oneof(fc.string(), fc.integer()) }),
    );
    await fc.assert(
      fc.asyncProperty(badData, async (data) => {
        reply = { status: 200, type: 'application/json', body: JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: 200, message: 'Odoo Server Error', data } }) };
        expect(await kindOf(jsonRpc().rpc('object', 'execute_kw', []))).toBe('protocol');
      }),
      RUNS,
    );
    // No class name at all: nothing says it may succeed later, except code 100 (session expired).
    reply = { status: 200, type: 'application/json', body: JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: 200, message: 'Odoo Server Error' } }) };
    expect(await kindOf(jsonRpc().rpc('object', 'execute_kw', []))).toBe('permanent');
    reply = { status: 200, type: 'application/json', body: JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: 100, message: 'Odoo Session Expired' } }) };
    expect(await kindOf(jsonRpc().rpc('object', 'execute_kw', []))).toBe('retryable');
  });
});

describe('bodies cut in transit (Content-Length announced, connection dropped)', () => {
  const whole = JSON.stringify({ jsonrpc: '2.0', id: 1, result: [{ id: 1, name: 'WH/OUT/00001', state: 'assigned' }] });
  it('JSON-RPC and JSON-2: a network error (retryable), never a parsed half answer', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: whole.length - 1 }), fc.boolean(), async (cut, asJson2) => {
        reply = { status: 200, type: 'application/json', body: whole.slice(0, cut), promised: whole.length };
        const call = asJson2
          ? json2().call('stock.picking', 'search_read', { domain: [] })
          : jsonRpc().rpc('object', 'execute_kw', ['x', 2, 'k', 'stock.picking', 'search_read', [[]]]);
        const error = await call.then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(OdooError);
        expect(error).toMatchObject({ kind: 'network', retryable: true, permanent: false });
      }),
      { numRuns: 30 },
    );
  });
});

describe('JSON-2', () => {
  it('HTML or truncated JSON with 200 is a protocol error', async () => {
    const whole = JSON.stringify([{ id: 1, name: 'WH/OUT/00001' }]);
    await fc.assert(
      fc.asyncProperty(fc.oneof(html, truncated(whole)), async (body) => {
        reply = { status: 200, type: body.startsWith('[') ? 'application/json' : 'text/html', body };
        expect(await kindOf(json2().call('stock.picking', 'search_read', { domain: [] }))).toBe('protocol');
      }),
      RUNS,
    );
  });

  it('a status with a page that is not Odoo’s error body is classified by the status', async () => {
    const statusKind: [number, OdooErrorKind][] = [
      [400, 'permanent'],
      [401, 'auth'],
      [403, 'access'],
      [404, 'permanent'],
      [409, 'retryable'],
      [422, 'permanent'],
      [500, 'retryable'],
      [502, 'retryable'],
      [503, 'retryable'],
      [504, 'retryable'],
    ];
    const body = fc.oneof(html, fc.string({ maxLength: 50 }), fc.jsonValue().map((v) => JSON.stringify(v)));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...statusKind), body, async ([status, kind], text) => {
        reply = { status, type: 'text/html', body: text };
        expect(await kindOf(json2().call('stock.picking', 'search_read', { domain: [] }))).toBe(kind);
      }),
      RUNS,
    );
  });

  it('an error body with missing or wrong-typed fields is classified by the status alone', async () => {
    const good = { name: 'odoo.exceptions.UserError', message: 'No', arguments: ['No'], context: {}, debug: '' };
    const broken = fc.oneof(
      fc.constantFrom('name', 'message').map((key) => {
        const copy: Record<string, unknown> = { ...good };
        delete copy[key];
        return copy;
      }),
      fc.constantFrom('name', 'message').chain((key) => fc.oneof(fc.integer(), fc.constant(null), fc.boolean()).map((v) => ({ ...good, [key]: v }))),
      fc.constant({ ...good, arguments: 'No' }),
    );
    const statusKind: [number, OdooErrorKind][] = [
      [401, 'auth'],
      [403, 'access'],
      [404, 'permanent'],
      [409, 'retryable'],
      [422, 'permanent'],
      [500, 'retryable'],
      [503, 'retryable'],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...statusKind), broken, async ([status, kind], body) => {
        reply = { status, type: 'application/json', body: JSON.stringify(body) };
        expect(await kindOf(json2().call('stock.picking', 'write', { ids: [1], vals: {} }))).toBe(kind);
      }),
      RUNS,
    );
  });

  it('Odoo’s error body is classified by name (401 is always auth)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ODOO_ERRORS), fc.constantFrom(401, 403, 404, 409, 422, 500), fc.string(), async ([name, kind], status, message) => {
        reply = { status, type: 'application/json', body: JSON.stringify({ name, message, arguments: [message], context: {}, debug: '' }) };
        const expected = status === 401 ? 'auth' : kind;
        expect(await kindOf(json2().call('stock.picking', 'write', { ids: [1], vals: {} }))).toBe(expected);
      }),
      RUNS,
    );
  });
});

describe('mapping', () => {
  it('picking rows with wrong types or missing fields are a protocol error, never a wrong Order', async () => {
    const good = { id: 1, name: 'WH/OUT/00001', origin: false, state: 'assigned', partner_id: [3, 'X'], carrier_id: false, company_id: [1, 'Y'], move_ids: [1], write_date: '2025-01-01 00:00:00' };
    const wrong: Record<string, fc.Arbitrary<unknown>> = {
      id: fc.oneof(fc.string(), fc.constant(null), fc.double({ noInteger: true })),
      name: fc.oneof(fc.integer(), fc.constant(null), fc.constant(false)),
      partner_id: fc.oneof(fc.string(), fc.constant([1]), fc.constant(['a', 'b'])),
      move_ids: fc.oneof(fc.constant(false), fc.array(fc.string(), { minLength: 1 })),
      write_date: fc.oneof(fc.constant(false), fc.integer()),
    };
    const row = fc.oneof(
      fc.constantFrom(...Object.keys(wrong)).chain((key) => wrong[key]!.map((value) => ({ ...good, [key]: value }))),
      fc.constantFrom(...Object.keys(good)).map((key) => {
        const copy: Record<string, unknown> = { ...good };
        delete copy[key];
        return copy;
      }),
    );
    await fc.assert(
      fc.asyncProperty(row, fc.boolean(), async (value, asJson2) => {
        reply = asJson2
          ? { status: 200, type: 'application/json', body: JSON.stringify([value]) }
          : { status: 200, type: 'application/json', body: JSON.stringify({ jsonrpc: '2.0', result: [value] }) };
        // JSON-RPC logs in first: the same reply would not be a uid, so give it one.
        const t = asJson2 ? json2() : jsonRpc();
        if (!asJson2) (t as unknown as { uid: Promise<number> }).uid = Promise.resolve(2);
        expect(await kindOf(findPickingByName(t, 'WH/OUT/00001', { url, db: 'x' }))).toBe('protocol');
      }),
      RUNS,
    );
  });
});

// ---- One answer of a real conversation spoiled: a proxy in front of the sandbox Odoo ----

type Spoil =
  | { kind: 'html' }
  | { kind: 'truncated'; at: number }
  /** The answer's value replaced (not a list where rows are expected, a string for a uid…). */
  | { kind: 'value'; value: unknown }
  /** One field of the first row given a value of the wrong type. */
  | { kind: 'wrongType'; field: number; value: unknown }
  /** One field of the first row left out. */
  | { kind: 'missing'; field: number };

interface Spoiler {
  url: string;
  /** Model calls seen, in order ("stock.picking.search_read", "common.authenticate"). */
  calls: string[];
  /** Spoil the `nth` answer (0-based) to `call` from now on; null: pass everything through. */
  set(rule: { call: string; nth: number; spoil: Spoil } | null): void;
  /** Whether the last rule was applied. */
  applied(): boolean;
  close(): Promise<void>;
}

/**
 * Fields a client may lack without being wrong: product `tracking` reads an unknown value as
 * "none" (models/partner.ts: `.catch('none')`), partner `mobile` is optional because
 * 19 has none. Spoiling these can leave the Order as is or change it, so they are not spoiled.
 */
const LENIENT_FIELDS = new Set(['tracking', 'mobile']);

async function spoilingProxy(target: string): Promise<Spoiler> {
  const calls: string[] = [];
  let rule: { call: string; nth: number; spoil: Spoil } | null = null;
  let seen = 0;
  let applied = false;
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const path = req.url ?? '/';
        const headers: Record<string, string> = {};
        for (const h of ['content-type', 'authorization', 'x-odoo-database', 'accept']) {
          const v = req.headers[h];
          if (typeof v === 'string') headers[h] = v;
        }
        const upstream = await fetch(`${target}${path}`, { method: req.method ?? 'GET', headers, ...(req.method === 'POST' ? { body } : {}) });
        let text = await upstream.text();
        let call: string | null = null;
        const isJson2 = path.startsWith('/json/2/');
        if (isJson2) call = path.split('/').slice(3).join('.');
        else if (path === '/jsonrpc') {
          const params = (JSON.parse(body.toString('utf8')) as { params: { service: string; method: string; args: unknown[] } }).params;
          call = params.service === 'object' ? `${String(params.args[3])}.${String(params.args[4])}` : `${params.service}.${params.method}`;
        }
        if (call) calls.push(call);
        if (rule && call === rule.call && upstream.status === 200 && seen++ === rule.nth) {
          applied = true;
          text = spoilBody(text, isJson2, rule.spoil);
        }
        res.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(text);
      })().catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    calls,
    set(next) {
      rule = next;
      seen = 0;
      applied = false;
    },
    applied: () => applied,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

function spoilBody(text: string, isJson2: boolean, spoil: Spoil): string {
  if (spoil.kind === 'html') return '<!DOCTYPE html><html><head><title>Odoo</title></head><body>Maintenance</body></html>';
  if (spoil.kind === 'truncated') return text.slice(0, Math.min(spoil.at, text.length - 1));
  const envelope = isJson2 ? null : (JSON.parse(text) as { result?: unknown });
  let value: unknown = isJson2 ? JSON.parse(text) : envelope!.result;
  if (spoil.kind === 'value') value = spoil.value;
  else if (Array.isArray(value) && typeof value[0] === 'object' && value[0] !== null) {
    const row = { ...(value[0] as Record<string, unknown>) };
    const fields = Object.keys(row).filter((f) => !LENIENT_FIELDS.has(f));
    const field = fields[spoil.field % fields.length]!;
    if (spoil.kind === 'missing') delete row[field];
    else row[field] = spoil.value;
    value = [row, ...value.slice(1)];
  } else {
    // Not rows (a uid, a count, true): the wrong type for the whole answer.
    value = spoil.kind === 'wrongType' ? spoil.value : { unexpected: true };
  }
  return isJson2 ? JSON.stringify(value) : JSON.stringify({ ...envelope, result: value });
}

/**
 * Values of a type no field the client reads can have: Odoo gives false, never null, for empties;
 * no field is an object; x2many is a list of ids and a many2one a pair, never [[]]. (Numbers and
 * booleans are not alien: a float field may hold any number, a boolean field true.)
 */
const alien = fc.oneof(fc.constant(null), fc.record({ x: fc.integer() }), fc.constant([[]]));
const spoils: fc.Arbitrary<Spoil> = fc.oneof(
  fc.constant<Spoil>({ kind: 'html' }),
  fc.integer({ min: 0, max: 400 }).map((at): Spoil => ({ kind: 'truncated', at })),
  fc.oneof(fc.constant(null), fc.string(), fc.record({ result: fc.integer() })).map((value): Spoil => ({ kind: 'value', value })),
  fc.tuple(fc.nat(), alien).map(([field, value]): Spoil => ({ kind: 'wrongType', field, value })),
  fc.nat().map((field): Spoil => ({ kind: 'missing', field })),
);

describe.each([17, 19] as const)('one spoiled answer in a real conversation with Odoo %i', (version) => {
  let odoo: SandboxOdoo;
  let spoiler: Spoiler;
  const KEY = `spoil-key-${version}-0123456789`;
  const packageModel = version >= 19 ? 'stock.package' : 'stock.quant.package';

  beforeAll(async () => {
    // Enough untracked deliveries for every run of the dispatch property, shrinking included.
    odoo = await startSandboxOdoo({ version, apiKey: KEY, seed: 400 });
    spoiler = await spoilingProxy(odoo.url);
  });
  afterAll(async () => {
    await spoiler.close();
    await odoo.close();
  });

  const connect = () => connectOdoo({ url: spoiler.url, db: odoo.db, login: odoo.login, apiKey: KEY, retry: NO_RETRY });
  const untracked = (p: Rec) =>
    p.state === 'assigned' &&
    odoo.state
      .all('stock.move')
      .filter((m) => m.picking_id === p.id)
      .every((m) => odoo.state.get('product.product', m.product_id as number)!.tracking === 'none');

  it('opening an order: whichever answer is spoiled, a protocol error — never a crash or a different Order', async () => {
    const name = String(odoo.state.all('stock.picking').find((p) => p.state === 'assigned')!.name);
    const source = { url: odoo.url, db: odoo.db };
    // The conversation as it is when nothing is spoiled.
    spoiler.set(null);
    const clean = await connect();
    const start = spoiler.calls.length;
    const expected = await findPickingByName(clean.transport, name, source);
    expect(expected).not.toBeNull();
    const conversation = spoiler.calls.slice(start);
    expect(conversation.length).toBeGreaterThanOrEqual(6);

    await fc.assert(
      fc.asyncProperty(fc.nat({ max: conversation.length - 1 }), spoils, async (index, spoil) => {
        const call = conversation[index]!;
        const nth = conversation.slice(0, index).filter((c) => c === call).length;
        const { transport } = await connect();
        spoiler.set({ call, nth, spoil });
        const outcome = await findPickingByName(transport, name, source).then(
          (order) => ({ order }),
          (error: unknown) => ({ error }),
        );
        spoiler.set(null);
        if (!('error' in outcome)) {
          // Only a spoil the client never looks at may pass, and then the Order is the same.
          expect(outcome.order).toEqual(expected);
          return;
        }
        expect(outcome.error).toBeInstanceOf(OdooError);
        expect((outcome.error as OdooError).kind).toBe('protocol');
      }),
      { numRuns: 80 },
    );
  });

  it('dispatching: a spoiled answer leaves the row to be retried (never dead, never stopped); the retry finishes it once', async () => {
    const rig = await dispatchRig(odoo, { transport: (await connect()).transport });
    try {
      // The dispatch conversation as it is when nothing is spoiled.
      const [probe, ...rest] = odoo.state.all('stock.picking').filter(untracked);
      const first = rig.queue(await rig.cache(String(probe!.name)));
      let start = spoiler.calls.length;
      await rig.drain();
      expect(rig.state(first)).toBe('done');
      const conversation = spoiler.calls.slice(start).filter((c) => !c.startsWith('common.'));
      expect(conversation).toContain('stock.picking.button_validate');
      let next = 0;

      await fc.assert(
        fc.asyncProperty(fc.nat({ max: conversation.length - 1 }), spoils, async (index, spoil) => {
          const picking = rest[next++];
          if (!picking) throw new Error('the sandbox has no untracked delivery left for this run');
          const order = await rig.cache(String(picking.name));
          const call = conversation[index]!;
          const nth = conversation.slice(0, index).filter((c) => c === call).length;
          spoiler.set({ call, nth, spoil });
          const id = rig.queue(order);
          start = spoiler.calls.length;
          const pass = await rig.worker.runOnce();
          const wasApplied = spoiler.applied();
          spoiler.set(null);
          expect(pass.dead).toBe(0);
          expect(pass.authStopped).toEqual([]);
          expect(rig.exceptions.list('open')).toEqual([]);
          expect(['pending', 'done']).toContain(rig.state(id));
          if (wasApplied && rig.state(id) === 'pending') {
            expect(getOutboxRow(rig.db, id)!.lastError).toMatch(/Not an answer Odoo gives|Unexpected|HTML|JSON/);
          }
          // Clean again: the retry finishes what the spoiled pass left, and nothing twice.
          rig.clock.advance(10 * 60_000);
          await rig.drain();
          expect(rig.state(id)).toBe('done');
          const ref = rig.dispatched.at(-1)!.trackingRef;
          expect(odoo.state.get('stock.picking', picking.id)).toMatchObject({ state: 'done', carrier_tracking_ref: ref });
          expect(odoo.state.all('mail.message').filter((m) => m.model === 'stock.picking' && m.res_id === picking.id)).toHaveLength(1);
          expect(odoo.state.all('ir.attachment').filter((a) => a.res_id === picking.id)).toHaveLength(1);
          // The goods are in one package, named by the tracking number (an empty duplicate left by
          // a spoiled create answer is the bug below).
          const lines = odoo.state.all('stock.move.line').filter((l) => l.picking_id === picking.id);
          const used = new Set(lines.map((l) => l.result_package_id));
          expect(used.size).toBe(1);
          expect(odoo.state.get(packageModel, [...used][0] as number)!.name).toBe(ref);
        }),
        { numRuns: 40 },
      );
    } finally {
      rig.close();
    }
  });

  // When the package create's answer is lost after Odoo committed it, the retry reuses the package
  // (named by the tracking ref) instead of leaving an empty twin.
  it('a spoiled answer to the package create: the retry reuses the package Odoo made, no empty duplicate', async () => {
    const rig = await dispatchRig(odoo, { transport: (await connect()).transport });
    try {
      const picking = odoo.state.all('stock.picking').filter(untracked).at(-1)!;
      const order = await rig.cache(String(picking.name));
      spoiler.set({ call: `${packageModel}.create`, nth: 0, spoil: { kind: 'html' } });
      const id = rig.queue(order);
      await rig.worker.runOnce();
      expect(spoiler.applied()).toBe(true);
      spoiler.set(null);
      expect(rig.state(id)).toBe('pending');
      rig.clock.advance(10 * 60_000);
      await rig.drain();
      expect(rig.state(id)).toBe('done');
      const ref = rig.dispatched.at(-1)!.trackingRef;
      expect(odoo.state.all(packageModel).filter((p) => p.name === ref)).toHaveLength(1);
    } finally {
      rig.close();
    }
  });
});

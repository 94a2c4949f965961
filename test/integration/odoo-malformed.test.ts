// Malformed replies, generated with fast-check and served over real HTTP by a tiny local server:
// HTML pages, truncated bodies, wrong types and missing fields, error bodies of every class. Each
// must end as an OdooError of the expected kind, never a crash or a wrong success.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError, type OdooErrorKind } from '../../electron/core/odoo/errors';
import { Json2Transport } from '../../electron/core/odoo/json-2';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { findPickingByName } from '../../electron/core/odoo/pickings';

interface Reply {
  status: number;
  type: string;
  body: string;
}

let server: Server;
let url: string;
/** What the server answers next, whatever was asked. */
let reply: Reply = { status: 200, type: 'application/json', body: '{}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
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

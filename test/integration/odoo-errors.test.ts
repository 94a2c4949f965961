// Error classes at the transport level against the sandbox's knobs: what is retried (rolled-back
// transactions; reads after a dropped connection or a gateway page), what never is (auth, access,
// refusals, ambiguous writes), outages and timeouts; JSON-2 statuses and SaaS version strings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOdoo } from '../../electron/core/odoo/connect';
import { OdooError, classifyOdooFailure } from '../../electron/core/odoo/errors';
import { Json2Transport } from '../../electron/core/odoo/json-2';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { dialectFor, parseServerVersion } from '../../electron/core/odoo/versions';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';

const API_KEY = 'errors-key-0123456789';
const RETRY = { attempts: 3, baseDelayMs: 1 };

async function odooError(promise: Promise<unknown>): Promise<OdooError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OdooError);
  return error as OdooError;
}

describe.each([17, 19] as const)('retries against Odoo %i', (version) => {
  let odoo: SandboxOdoo;
  let transport: JsonRpcTransport | Json2Transport;

  beforeAll(async () => {
    odoo = await startSandboxOdoo({ version, apiKey: API_KEY, seed: 5 });
    const options = { url: odoo.url, db: odoo.db, apiKey: API_KEY, retry: RETRY, timeoutMs: 2000 };
    transport = version >= 19 ? new Json2Transport(options) : new JsonRpcTransport({ ...options, login: odoo.login });
    await transport.call('res.partner', 'search_count', { domain: [] });
  });
  afterAll(async () => {
    odoo.setChaos({});
    await odoo.close();
  });

  const sent = (from: number, method: string) => odoo.rpcLog.slice(from).filter((e) => e.method === method);

  it('retries a serialization failure, for reads and writes alike (Odoo rolled it back)', async () => {
    odoo.setChaos({ errorRate: 1, errorKinds: ['serialization'] });
    try {
      const start = odoo.rpcLog.length;
      const read = await odooError(transport.call('stock.picking', 'search_count', { domain: [] }));
      expect(read).toMatchObject({ kind: 'retryable', odooName: 'psycopg2.errors.SerializationFailure' });
      expect(sent(start, 'search_count')).toHaveLength(3);
      const mid = odoo.rpcLog.length;
      await odooError(transport.call('stock.picking', 'write', { ids: [1], vals: { carrier_tracking_ref: 'X' } }));
      expect(sent(mid, 'write')).toHaveLength(3);
    } finally {
      odoo.setChaos({});
    }
  });

  it('retries a gateway page on reads only: a write may have gone through', async () => {
    odoo.setChaos({ errorRate: 1, errorKinds: ['gateway'] });
    try {
      const start = odoo.rpcLog.length;
      expect(await odooError(transport.call('stock.picking', 'search_count', { domain: [] }))).toMatchObject({ kind: 'retryable', status: 503 });
      expect(sent(start, 'search_count')).toHaveLength(3);
      const mid = odoo.rpcLog.length;
      await odooError(transport.call('stock.picking', 'button_validate', { ids: [1] }));
      expect(sent(mid, 'button_validate')).toHaveLength(1);
    } finally {
      odoo.setChaos({});
    }
  });

  it('gets through a flaky Odoo (error rate 0.3) on reads', async () => {
    odoo.setChaos({ errorRate: 0.3, seed: 7 });
    try {
      for (let i = 0; i < 10; i++) {
        await transport.call('stock.picking', 'search_read', { domain: [], fields: ['name'], limit: 2 }).catch((e: unknown) => {
          // Three failures in a row can happen (p = 2.7 %); they are still typed and retryable.
          expect(e).toMatchObject({ kind: 'retryable' });
        });
      }
      expect(odoo.rpcLog.some((e) => e.error !== undefined)).toBe(true);
    } finally {
      odoo.setChaos({});
    }
  });

  it('never retries a refusal', async () => {
    const start = odoo.rpcLog.length;
    const error = await odooError(transport.call('stock.picking', 'write', { ids: [1], vals: { no_such_field: 1 } }));
    expect(error.kind).toBe('permanent');
    expect(sent(start, 'write')).toHaveLength(1);
  });

  it('an outage window is a network error, and Odoo comes back', async () => {
    odoo.setChaos({ outages: [{ fromMs: 0, toMs: 24 * 3600_000 }] });
    try {
      const error = await odooError(transport.call('stock.picking', 'search_count', { domain: [] }));
      expect(error).toMatchObject({ kind: 'network', retryable: true });
    } finally {
      odoo.setChaos({});
    }
    expect(await transport.call('stock.picking', 'search_count', { domain: [] })).toBe(5);
  });

  it('latency beyond the timeout is a timeout, not retried', async () => {
    const slow = version >= 19
      ? new Json2Transport({ url: odoo.url, db: odoo.db, apiKey: API_KEY, retry: RETRY, timeoutMs: 100 })
      : new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: API_KEY, retry: RETRY, timeoutMs: 100 });
    odoo.setChaos({ latencyMs: 300 });
    try {
      const start = odoo.rpcLog.length;
      expect(await odooError(slow.call('stock.picking', 'search_count', { domain: [] }))).toMatchObject({ kind: 'timeout' });
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(odoo.rpcLog.length - start).toBeLessThanOrEqual(version >= 19 ? 1 : 2);
    } finally {
      odoo.setChaos({});
    }
  });
});

describe('auth failure is never retried', () => {
  it.each([17, 19] as const)('Odoo %i: one RPC, even with five tries allowed and an auth error a second time', async (version) => {
    const odoo = await startSandboxOdoo({ version, apiKey: API_KEY, seed: 2 });
    try {
      const options = { url: odoo.url, db: odoo.db, apiKey: 'wrong', retry: { attempts: 5, baseDelayMs: 1 } };
      const t = version >= 19 ? new Json2Transport(options) : new JsonRpcTransport({ ...options, login: odoo.login });
      for (const expected of [1, 2]) {
        expect(await odooError(t.call('stock.picking', 'search_read', { domain: [], fields: ['name'] }))).toMatchObject({ kind: 'auth' });
        expect(odoo.rpcLog).toHaveLength(expected);
      }
      // JSON-RPC with a uid that was valid once: execute_kw answers AccessDenied, also sent once.
      if (version < 19) {
        const direct = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: 'wrong', retry: { attempts: 5, baseDelayMs: 1 } });
        const error = await odooError(direct.rpc('object', 'execute_kw', [odoo.db, 2, 'wrong', 'stock.picking', 'search', [[]]]));
        expect(error).toMatchObject({ kind: 'auth', odooName: 'odoo.exceptions.AccessDenied' });
        expect(odoo.rpcLog).toHaveLength(3);
      }
    } finally {
      await odoo.close();
    }
  });
});

describe('classification', () => {
  it('JSON-2 statuses and bodies', () => {
    const kind = (status: number, name?: string) => classifyOdooFailure({ type: 'rpc', status, message: 'x', ...(name ? { name } : {}) }).kind;
    expect(kind(401, 'werkzeug.exceptions.Unauthorized')).toBe('auth');
    expect(kind(403, 'odoo.exceptions.AccessError')).toBe('access');
    expect(kind(403, 'odoo.exceptions.AccessDenied')).toBe('auth');
    expect(kind(404, 'odoo.exceptions.MissingError')).toBe('permanent');
    expect(kind(404, 'werkzeug.exceptions.NotFound')).toBe('permanent');
    expect(kind(409, 'odoo.exceptions.LockError')).toBe('retryable');
    expect(kind(422, 'odoo.exceptions.UserError')).toBe('permanent');
    expect(kind(422, 'odoo.exceptions.ValidationError')).toBe('permanent');
    expect(kind(500, 'psycopg2.errors.SerializationFailure')).toBe('retryable');
    expect(kind(500, 'builtins.ValueError')).toBe('permanent');
    const http = (status: number) => classifyOdooFailure({ type: 'http', status }).kind;
    expect([502, 503, 504, 409, 401, 403, 404, 422].map(http)).toEqual([
      'retryable', 'retryable', 'retryable', 'retryable', 'auth', 'access', 'permanent', 'permanent',
    ]);
  });

  it('reads version strings, SaaS included, and picks the transport', () => {
    const cases: [string, (number | string)[], number, number, boolean, string][] = [
      ['16.0', [16, 0, 0, 'final', 0, ''], 16, 0, false, 'json-rpc'],
      ['17.0+e', [17, 0, 0, 'final', 0, 'e'], 17, 0, false, 'json-rpc'],
      ['saas~17.2+e', ['saas~17', 2, 0, 'final', 0, 'e'], 17, 2, true, 'json-rpc'],
      ['saas~18.1+e', ['saas~18', 1, 0, 'final', 0, 'e'], 18, 1, true, 'json-rpc'],
      ['18.0-20250101', [18, 0, 0, 'final', 0, ''], 18, 0, false, 'json-rpc'],
      ['19.0', [19, 0, 0, 'final', 0, ''], 19, 0, false, 'json-2'],
      ['saas~19.1+e', ['saas~19', 1, 0, 'final', 0, 'e'], 19, 1, true, 'json-2'],
      ['20.0alpha1', [20, 0, 0, 'alpha', 1, ''], 20, 0, false, 'json-2'],
    ];
    for (const [text, info, major, minor, saas, protocol] of cases) {
      const version = parseServerVersion(text, info)!;
      expect(version, text).toEqual({ major, minor, saas, text });
      expect(dialectFor(version).protocol, text).toBe(protocol);
    }
    expect(dialectFor(parseServerVersion('saas~17.3+e', ['saas~17', 3])!).returnMethod).toBe('action_create_returns');
    expect(dialectFor(parseServerVersion('17.0', [17, 0])!).returnMethod).toBe('create_returns');
    expect(() => dialectFor(parseServerVersion('15.0', [15, 0])!)).toThrow(/Odoo 16 or newer|not supported/);
  });

  it('connectOdoo reads a SaaS version and falls back to /web/version where /jsonrpc is gone', async () => {
    const replies: Record<string, () => Response> = {
      '/jsonrpc': () =>
        Response.json({ jsonrpc: '2.0', id: 1, result: { server_version: 'saas~17.2+e', server_version_info: ['saas~17', 2, 0, 'final', 0, 'e'], server_serie: 'saas~17.2', protocol_version: 1 } }),
    };
    const fake = (async (input: string | URL | Request) => replies[new URL(String(input)).pathname]!()) as typeof fetch;
    const saas = await connectOdoo({ url: 'http://odoo.test', db: 'x', login: 'a', apiKey: 'k', fetch: fake });
    expect(saas.version).toMatchObject({ major: 17, minor: 2, saas: true });
    expect(saas.transport.protocol).toBe('json-rpc');

    replies['/jsonrpc'] = () => new Response('<html>404</html>', { status: 404, headers: { 'Content-Type': 'text/html' } });
    replies['/web/version'] = () => Response.json({ version_info: [20, 0, 0, 'final', 0, ''], version: '20.0' });
    const future = await connectOdoo({ url: 'http://odoo.test', db: 'x', login: 'a', apiKey: 'k', fetch: fake });
    expect(future.version.major).toBe(20);
    expect(future.transport.protocol).toBe('json-2');
    expect(future.dialect.major).toBe(19);
  });
});

// Error classes at the transport level against the sandbox's knobs: what is retried (rolled-back
// transactions; reads after a dropped connection or a gateway page), what never is (auth, access,
// refusals, ambiguous writes), outages and timeouts; JSON-2 statuses and SaaS version strings.
// And an auth failure end to end: the sync worker with the real Odoo dispatch target stops the
// target after one refused call, as the sandbox's RPC record shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOdoo } from '../../electron/core/odoo/connect';
import { createOdooDispatchTarget } from '../../electron/core/odoo/dispatch/target';
import { OdooError, classifyOdooFailure } from '../../electron/core/odoo/errors';
import { Json2Transport } from '../../electron/core/odoo/json-2';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { findPickingByName } from '../../electron/core/odoo/pickings';
import { dialectFor, parseServerVersion } from '../../electron/core/odoo/versions';
import { ExceptionQueue } from '../../electron/core/store/exceptions';
import { getOutboxRow } from '../../electron/core/sync/outbox';
import { SyncWorker } from '../../electron/core/sync/worker';
import type { Order } from '../../shared/order';
import { startSandboxOdoo, type Rec, type RpcLogEntry, type SandboxOdoo, type SandboxVersion } from '../../electron/sandbox/odoo/server';
import { dispatchRig, type DispatchRig } from '../support/dispatch-rig';
import { createTranslator } from '../../electron/core/i18n/translator';

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

  it('a 429 with Retry-After is not retried in place, for reads either: the error says how long to wait', async () => {
    odoo.setChaos({ errorRate: 1, errorKinds: ['rate_limit'], retryAfterS: 7 });
    try {
      const start = odoo.rpcLog.length;
      const error = await odooError(transport.call('stock.picking', 'search_count', { domain: [] }));
      expect(error).toMatchObject({ kind: 'retryable', status: 429, retryAfterMs: 7000 });
      expect(sent(start, 'search_count')).toHaveLength(1);
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

// ---- Auth failure through the sync worker, the real Odoo dispatch target and the sandbox ----

/** fetch that notes when each request starts and when its answer has arrived, in one sequence. */
function recordingFetch() {
  const events: { type: 'start' | 'answer'; n: number; path: string }[] = [];
  let next = 0;
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const n = next++;
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    events.push({ type: 'start', n, path });
    try {
      const response = await fetch(input, init);
      // The body is what the client waits for: mark the answer once it is all there.
      const body = await response.arrayBuffer();
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } finally {
      events.push({ type: 'answer', n, path });
    }
  }) as typeof fetch;
  return { fetch: fetchFn, events };
}

/** A refusal of the bench's credentials as the sandbox recorded it. */
function refused(entry: RpcLogEntry): boolean {
  // JSON-RPC: authenticate answers false (no error); execute_kw AccessDenied. JSON-2: 401.
  return (
    (entry.service === 'common' && entry.method === 'authenticate') ||
    entry.error === 'odoo.exceptions.AccessDenied' ||
    entry.error === 'werkzeug.exceptions.Unauthorized'
  );
}

describe.each([16, 17, 18, 19] as SandboxVersion[])('Odoo %i: an auth failure stops the Odoo target (sync worker, real dispatch target)', (version) => {
  const GOOD_KEY = `auth-stop-key-${version}-0123456789`;
  const json2 = version >= 19;
  let odoo: SandboxOdoo;
  let rig: DispatchRig;
  let rec: ReturnType<typeof recordingFetch>;
  let orders: Order[];

  beforeAll(async () => {
    // Odoo's login cooldown, stricter than Odoo's 10 failures: a bench that kept trying would lock
    // out every bench behind the same address (all of them 127.0.0.1 here).
    odoo = await startSandboxOdoo({ version, apiKey: GOOD_KEY, seed: 24, loginCooldown: { after: 3, seconds: 600 } });
  });
  afterAll(async () => {
    await odoo.close();
  });

  const untracked = (p: Rec) =>
    p.state === 'assigned' &&
    odoo.state
      .all('stock.move')
      .filter((m) => m.picking_id === p.id)
      .every((m) => odoo.state.get('product.product', m.product_id as number)!.tracking === 'none');
  const used = new Set<number>();
  /** Ready deliveries as a bench cached them while its key still worked. */
  async function cached(n: number): Promise<Order[]> {
    const good = await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: GOOD_KEY });
    const pickings = odoo.state.all('stock.picking').filter((p) => untracked(p) && !used.has(p.id)).slice(0, n);
    expect(pickings).toHaveLength(n);
    const out: Order[] = [];
    for (const p of pickings) {
      used.add(p.id);
      out.push((await findPickingByName(good.transport, String(p.name), { url: odoo.url, db: odoo.db }))!);
    }
    return out;
  }
  async function rigWith(apiKey: string) {
    rec = recordingFetch();
    const { transport } = await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey, fetch: rec.fetch });
    return dispatchRig(odoo, { transport });
  }
  const untouched = (o: Order) => {
    const p = odoo.state.get('stock.picking', o.pickingId)!;
    expect(p.state).toBe('assigned');
    expect(p.carrier_tracking_ref).toBe(false);
    expect(odoo.state.all('mail.message').filter((m) => m.model === 'stock.picking' && m.res_id === o.pickingId)).toHaveLength(0);
  };
  /** In the events since `from`: no request was started once the first answer had arrived. */
  const nothingSentAfterFirstAnswer = (from: number) => {
    const events = rec.events.slice(from);
    const firstAnswer = events.findIndex((e) => e.type === 'answer');
    expect(firstAnswer).toBeGreaterThan(0);
    expect(events.slice(firstAnswer).filter((e) => e.type === 'start')).toEqual([]);
  };

  it('a wrong key: one refused call, the rows wait untouched, and no later pass or restart sends anything', async () => {
    orders = await cached(3);
    const more = await cached(1);
    rig = await rigWith('not-the-bench-key');
    try {
      const ids = orders.map((o) => rig.queue(o));
      const start = odoo.rpcLog.length;
      const from = rec.events.length;

      expect(await rig.worker.runOnce()).toEqual({ applied: 0, retried: 0, dead: 0, authStopped: ['odoo'] });
      const sent = odoo.rpcLog.slice(start);
      // JSON-RPC: one authenticate answered false; JSON-2: one call answered 401. Nothing after it.
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject(
        json2
          ? { transport: 'json-2', model: 'res.users', method: 'context_get', error: 'werkzeug.exceptions.Unauthorized' }
          : { transport: 'json-rpc', service: 'common', method: 'authenticate' },
      );
      expect(sent.every(refused)).toBe(true);
      nothingSentAfterFirstAnswer(from);

      // The rows are not failed attempts: pending, no attempt counted, nothing dead.
      for (const id of ids) expect(getOutboxRow(rig.db, id)).toMatchObject({ state: 'pending', attempts: 0 });
      expect(rig.worker.status()).toEqual([{ target: 'odoo', label: 'Odoo', status: 'stopped', message: expect.stringContaining("refused the bench's credentials") }]);
      const alerts = rig.exceptions.list('open');
      expect(alerts).toEqual([expect.objectContaining({ kind: 'sync_auth', choices: ['resume'], context: expect.objectContaining({ target: 'odoo' }) })]);

      // Hours of passes, with more rows queued: not one more call reaches Odoo.
      rig.queue(more[0]!);
      for (let i = 0; i < 5; i++) {
        rig.clock.advance(30 * 60_000);
        expect(await rig.worker.runOnce()).toEqual({ applied: 0, retried: 0, dead: 0, authStopped: [] });
      }
      // A restart keeps the stop while the alert is open.
      const exceptions = new ExceptionQueue(rig.db, rig.clock, createTranslator('en').t);
      const restarted = new SyncWorker({ t: createTranslator('en').t, db: rig.db, clock: rig.clock, exceptions, onError: () => {} });
      const target = createOdooDispatchTarget(rig.transport, () => {}, { backorder: () => 'create' });
      restarted.register(target.kind, target.target);
      expect(await restarted.runOnce()).toEqual({ applied: 0, retried: 0, dead: 0, authStopped: [] });
      expect(restarted.status()[0]).toMatchObject({ target: 'odoo', status: 'stopped' });

      expect(odoo.rpcLog.slice(start)).toHaveLength(1);
      expect(rec.events.slice(from).filter((e) => e.type === 'start')).toHaveLength(1);
      for (const o of [...orders, ...more]) untouched(o);
      // One refusal is far from Odoo's cooldown: a correctly set-up bench behind the same address still logs in.
      const neighbour = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: GOOD_KEY, retry: RETRY });
      expect(await neighbour.authenticate()).toBe(odoo.users[0]!.uid);
    } finally {
      rig.close();
    }
  });

  it('a key revoked while the bench works: only the calls already on their way are refused; after the fix, "resume" drains the backlog', async () => {
    const [first, ...backlog] = await cached(4);
    rig = await rigWith(GOOD_KEY);
    const admin = odoo.users[0]!;
    try {
      const firstId = rig.queue(first!);
      await rig.drain();
      expect(rig.state(firstId)).toBe('done');

      // The shift lead revokes the bench's key in Odoo.
      admin.apiKey = 'revoked-in-odoo';
      const ids = backlog.map((o) => rig.queue(o));
      const start = odoo.rpcLog.length;
      const from = rec.events.length;
      expect(await rig.worker.runOnce()).toMatchObject({ applied: 0, dead: 0, authStopped: ['odoo'] });
      const sent = odoo.rpcLog.slice(start);
      // The batch's first step reads in parallel; every call of it was refused, and none followed.
      expect(sent.length).toBeGreaterThanOrEqual(1);
      expect(sent.length).toBeLessThanOrEqual(2);
      for (const entry of sent) {
        expect(entry).toMatchObject(json2 ? { error: 'werkzeug.exceptions.Unauthorized' } : { error: 'odoo.exceptions.AccessDenied' });
        expect(entry.method).not.toMatch(/write|create|button_validate|message_post/);
      }
      nothingSentAfterFirstAnswer(from);
      for (const id of ids) expect(getOutboxRow(rig.db, id)).toMatchObject({ state: 'pending', attempts: 0 });

      for (let i = 0; i < 3; i++) {
        rig.clock.advance(60 * 60_000);
        await rig.worker.runOnce();
      }
      expect(odoo.rpcLog.slice(start)).toHaveLength(sent.length);
      for (const o of backlog) untouched(o);

      // Fixed in Odoo; the lead resolves the alert with "resume": the backlog goes through.
      admin.apiKey = GOOD_KEY;
      const [alert] = rig.exceptions.list('open').filter((e) => e.kind === 'sync_auth');
      rig.exceptions.resolve(alert!.id, 'resume', 'staff:1');
      await rig.drain();
      expect(ids.map((id) => rig.state(id))).toEqual(ids.map(() => 'done'));
      for (const o of backlog) expect(odoo.state.get('stock.picking', o.pickingId)!.state).toBe('done');
      expect(rig.worker.status()).toEqual([{ target: 'odoo', label: 'Odoo', status: 'ok', message: null }]);
    } finally {
      admin.apiKey = GOOD_KEY;
      rig.close();
    }
  });

  // A row left in flight (crash, lost reply) is looked up first; a lookup refused for auth must
  // stop the target like a refused apply, or every pass sends one more refused login.
  it('a row left in flight: its refused lookup stops the target too, and nothing more is sent', async () => {
    const [o] = await cached(1);
    rig = await rigWith('not-the-bench-key');
    try {
      const id = rig.queue(o!);
      rig.db.prepare(`UPDATE outbox SET state = 'in_flight' WHERE id = ?`).run(id);
      const start = odoo.rpcLog.length;
      for (let i = 0; i < 4; i++) {
        await rig.worker.runOnce();
        rig.clock.advance(60_000);
      }
      expect(odoo.rpcLog.slice(start)).toHaveLength(1);
      expect(rig.worker.status()[0]).toMatchObject({ target: 'odoo', status: 'stopped' });
      expect(rig.exceptions.list('open').map((e) => e.kind)).toEqual(['sync_auth']);
      untouched(o!);
    } finally {
      rig.close();
    }
  });
});

// The Odoo client against the sandbox Odoo over real HTTP: auth, mapping, write-back (the outbox
// dispatch target), validation, and every way a reply can go wrong (HTML, truncated JSON, offline, timeout).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OdooError, classifyOdooFailure } from '../../electron/core/odoo/errors';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { findPickingByName } from '../../electron/core/odoo/pickings';
import { ean13, seedSandbox } from '../../electron/sandbox/odoo/seed';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { dispatchRig } from '../support/dispatch-rig';
import { createTranslator, sayIn } from '../../electron/core/i18n/translator';

const API_KEY = 'sandbox-key-0123456789';

let odoo: SandboxOdoo;
let rpc: JsonRpcTransport;

beforeAll(async () => {
  odoo = await startSandboxOdoo({ port: 0, apiKey: API_KEY, seed: 25 });
  rpc = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: API_KEY });
});
afterAll(async () => {
  await odoo.close();
});

/** Expect a promise to reject with an OdooError and return it. */
async function odooError(promise: Promise<unknown>): Promise<OdooError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OdooError);
  return error as OdooError;
}

/** A tiny server that answers every request with the given status, type and body. */
async function rawServer(status: number, type: string, body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    res.writeHead(status, { 'Content-Type': type });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function transportFor(url: string, timeoutMs = 2000): JsonRpcTransport {
  return new JsonRpcTransport({ url, db: 'sandbox', login: 'admin', apiKey: API_KEY, timeoutMs });
}

async function pickingRecord(name: string) {
  const [p] = (await rpc.executeKw('stock.picking', 'search_read', [[['name', '=', name]]], {
    fields: ['name', 'state', 'write_date', 'move_ids', 'carrier_tracking_ref', 'shipping_weight'],
  })) as { id: number; state: string; write_date: string; move_ids: number[]; carrier_tracking_ref: string | false; shipping_weight: number }[];
  return p!;
}

describe('authentication', () => {
  it('reads the version and logs in with the API key (uid cached)', async () => {
    const version = await rpc.version();
    expect(version).toEqual({ major: 17, minor: 0, saas: false, text: '17.0' });
    expect(await rpc.authenticate()).toBe(2);
    const calls = odoo.rpcLog.filter((e) => e.method === 'authenticate').length;
    await rpc.executeKw('res.partner', 'search_count', [[]]);
    expect(odoo.rpcLog.filter((e) => e.method === 'authenticate')).toHaveLength(calls);
  });

  it('refuses a wrong key: authenticate → auth, execute_kw → AccessDenied', async () => {
    const bad = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: 'wrong' });
    const login = await odooError(bad.authenticate());
    expect(login.kind).toBe('auth');

    // execute_kw checks credentials on every call, whatever uid the client believes it has.
    const direct = await odooError(bad.rpc('object', 'execute_kw', [odoo.db, 2, 'wrong', 'stock.picking', 'search', [[]]]));
    expect(direct.kind).toBe('auth');
    expect(direct.odooName).toBe('odoo.exceptions.AccessDenied');
    expect(direct.retryable).toBe(false);
    expect(direct.permanent).toBe(false);
    expect(sayIn(createTranslator('en').t, direct.packerSaid)).toMatch(/login/);
  });

  it('answers errors with Odoo 17 envelopes over HTTP 200', async () => {
    const res = await fetch(`${odoo.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method: 'call',
        id: 42,
        params: { service: 'object', method: 'execute_kw', args: [odoo.db, 2, 'nope', 'res.partner', 'search', [[]]] },
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: number; error: { code: number; message: string; data: Record<string, unknown> } };
    expect(body.id).toBe(42);
    expect(body.error).toMatchObject({
      code: 200,
      message: 'Odoo Server Error',
      data: { name: 'odoo.exceptions.AccessDenied', message: 'Access Denied', arguments: ['Access Denied'] },
    });
    expect(body.error.data.debug).toMatch(/^Traceback/);
  });

  it('refuses GET and non-JSON bodies like Odoo (HTML 400), and unknown paths with 404', async () => {
    const get = await fetch(`${odoo.url}/jsonrpc`);
    expect(get.status).toBe(400);
    expect(await get.text()).toMatch(/<title>400 Bad Request<\/title>/);
    const form = await fetch(`${odoo.url}/jsonrpc`, { method: 'POST', body: 'a=1' });
    expect(form.status).toBe(400);
    const broken = await fetch(`${odoo.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"jsonrpc":',
    });
    expect(broken.status).toBe(400);
    expect(await broken.text()).toBe('Invalid JSON data');
    expect((await fetch(`${odoo.url}/web/nothing`)).status).toBe(404);
  });
});

describe('login cooldown (Odoo\'s _assert_can_auth, per address)', () => {
  it('after N failed logins even the right key is refused until the cooldown ends; a success clears the count', async () => {
    const guarded = await startSandboxOdoo({ apiKey: API_KEY, seed: 2, loginCooldown: { after: 3, seconds: 0.4 } });
    try {
      const bench = (apiKey: string) =>
        new JsonRpcTransport({ url: guarded.url, db: guarded.db, login: guarded.login, apiKey, retry: { attempts: 1, baseDelayMs: 0 } });
      // Two failures, then a success: the count starts over.
      for (let i = 0; i < 2; i++) expect((await odooError(bench('wrong').authenticate())).kind).toBe('auth');
      expect(await bench(API_KEY).authenticate()).toBe(2);
      for (let i = 0; i < 2; i++) await odooError(bench('wrong').authenticate());
      expect(await bench(API_KEY).authenticate()).toBe(2);

      // A client that keeps trying a wrong key: after the third failure the right key fails too.
      for (let i = 0; i < 3; i++) await odooError(bench('wrong').authenticate());
      expect((await odooError(bench(API_KEY).authenticate())).kind).toBe('auth');
      // execute_kw checks the credentials on every call, through the same cooldown.
      const locked = await odooError(bench(API_KEY).rpc('object', 'execute_kw', [guarded.db, 2, API_KEY, 'res.partner', 'search_count', [[]]]));
      expect(locked).toMatchObject({ kind: 'auth', odooName: 'odoo.exceptions.AccessDenied' });
      expect(locked.message).toContain('Too many login failures, please wait a bit before trying again.');

      await new Promise((resolve) => setTimeout(resolve, 450));
      expect(await bench(API_KEY).authenticate()).toBe(2);
    } finally {
      await guarded.close();
    }
  });

  it('is off unless asked for, and JSON-2 bearer keys have none (19)', async () => {
    const json2 = await startSandboxOdoo({ version: 19, apiKey: API_KEY, seed: 2, loginCooldown: { after: 1, seconds: 60 } });
    try {
      const post = (key: string) =>
        fetch(`${json2.url}/json/2/res.partner/search_count`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `bearer ${key}`, 'X-Odoo-Database': json2.db },
          body: '{"domain":[]}',
        });
      for (let i = 0; i < 3; i++) expect((await post('wrong')).status).toBe(401);
      expect((await post(API_KEY)).status).toBe(200);
    } finally {
      await json2.close();
    }
    // The shared sandbox of this file has no cooldown: many failures, then the right key works.
    for (let i = 0; i < 12; i++) await odooError(new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: 'wrong' }).authenticate());
    expect(await new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: API_KEY }).authenticate()).toBe(2);
  });
});

describe('reading deliveries', () => {
  it('search_read supports domains, fields, limit and order', async () => {
    const ready = (await rpc.executeKw(
      'stock.picking',
      'search_read',
      [['&', ['state', '=', 'assigned'], ['picking_type_code', 'in', ['outgoing']], ['name', 'ilike', 'wh/out/0000']]],
      { fields: ['name', 'partner_id'], limit: 3, order: 'name desc' },
    )) as { id: number; name: string; partner_id: [number, string] }[];
    expect(ready.map((p) => p.name)).toEqual(['WH/OUT/00009', 'WH/OUT/00008', 'WH/OUT/00007']);
    expect(Object.keys(ready[0]!).sort()).toEqual(['id', 'name', 'partner_id']);
    expect(ready[0]!.partner_id).toEqual([expect.any(Number), expect.any(String)]);

    expect(await rpc.executeKw('stock.picking', 'search_count', [[['state', '!=', 'assigned']]])).toBe(0);
    const greek = (await rpc.executeKw('res.partner', 'search', [[['country_id.code', '=', 'GR']]])) as number[];
    expect(greek.length).toBeGreaterThan(0);
  });

  it('maps a picking into the canonical Order, matching the seed', async () => {
    const order = await findPickingByName(rpc, 'WH/OUT/00003', { url: odoo.url, db: odoo.db });
    expect(order).not.toBeNull();
    const picking = odoo.state.all('stock.picking').find((p) => p.name === 'WH/OUT/00003')!;
    const moves = odoo.state.all('stock.move').filter((m) => m.picking_id === picking.id);
    const partner = odoo.state.get('res.partner', picking.partner_id as number)!;
    const country = odoo.state.get('res.country', partner.country_id as number)!;

    expect(order!).toMatchObject({
      source: { url: odoo.url, db: 'sandbox' },
      pickingId: picking.id,
      name: 'WH/OUT/00003',
      origin: 'S00003',
      state: 'assigned',
      writeDate: picking.write_date,
      shipTo: { name: partner.name, street1: partner.street, city: partner.city, postalCode: partner.zip, country: country.code },
      shipFrom: { name: 'Packbench Demo GmbH', company: 'Packbench Demo GmbH', city: 'Hamburg', country: 'DE' },
    });
    expect(order!.lines).toHaveLength(moves.length);
    for (const line of order!.lines) {
      const move = moves.find((m) => m.id === line.moveId)!;
      const product = odoo.state.get('product.product', move.product_id as number)!;
      expect(line).toMatchObject({ productId: product.id, quantity: move.product_uom_qty, unit: 'Units', sku: product.default_code });
      expect(line.unitWeightG).toBe((product.weight as number) > 0 ? Math.round((product.weight as number) * 1000) : null);
      expect(line.barcode).toBe(product.barcode);
      expect(ean13(line.barcode!.slice(0, 12))).toBe(line.barcode);
    }
  });

  it('keeps Polish and Greek names intact and puts the company of a contact in `company`', async () => {
    const partners = odoo.state.all('res.partner');
    const pickings = odoo.state.all('stock.picking');
    const findBy = (test: (name: string) => boolean) =>
      pickings.find((p) => test(String(partners.find((r) => r.id === p.partner_id)!.name)));
    const greek = findBy((n) => /[α-ωΑ-Ω]/.test(n));
    const polish = findBy((n) => /[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]/.test(n));
    expect(greek && polish).toBeTruthy();
    for (const p of [greek!, polish!]) {
      const order = await findPickingByName(rpc, String(p.name), { url: odoo.url, db: odoo.db });
      const partner = partners.find((r) => r.id === p.partner_id)!;
      expect(order!.shipTo.name).toBe(partner.name);
      const parent = partners.find((r) => r.id === partner.parent_id);
      expect(order!.shipTo.company).toBe(parent ? parent.name : null);
    }
  });

  it('returns null for an unknown name', async () => {
    expect(await findPickingByName(rpc, 'WH/OUT/99999', { url: odoo.url, db: odoo.db })).toBeNull();
  });

  it('seeds the same data for the same count, and delivery N does not depend on the count', () => {
    expect(seedSandbox(10)).toEqual(seedSandbox(10));
    expect(seedSandbox(30)['stock.picking']!.slice(0, 10)).toEqual(seedSandbox(10)['stock.picking']);
  });
});

describe('writing', () => {
  it('write bumps write_date', async () => {
    const before = await pickingRecord('WH/OUT/00004');
    expect(await rpc.executeKw('stock.picking', 'write', [[before.id], { carrier_tracking_ref: 'TEST-1' }])).toBe(true);
    const after = await pickingRecord('WH/OUT/00004');
    expect(after.carrier_tracking_ref).toBe('TEST-1');
    expect(after.write_date > before.write_date).toBe(true);
  });

  it('refuses an unknown field like Odoo (ValueError → permanent)', async () => {
    const p = await pickingRecord('WH/OUT/00004');
    const error = await odooError(rpc.executeKw('stock.picking', 'write', [[p.id], { qty_done: 1 }]));
    expect(error.kind).toBe('permanent');
    expect(error.odooName).toBe('builtins.ValueError');
    expect(error.message).toContain("Invalid field 'qty_done' on model 'stock.picking'");
  });

  it('refuses to validate without quantities (UserError → permanent)', async () => {
    const p = await pickingRecord('WH/OUT/00005');
    await rpc.executeKw('stock.move', 'write', [p.move_ids, { quantity: 0 }]);
    const error = await odooError(rpc.executeKw('stock.picking', 'button_validate', [[p.id]]));
    expect(error.kind).toBe('permanent');
    expect(error.odooName).toBe('odoo.exceptions.UserError');
    expect(sayIn(createTranslator('en').t, error.packerSaid)).toMatch(/^Odoo refused this change: You cannot validate a transfer/);
    expect((await pickingRecord('WH/OUT/00005')).state).toBe('assigned');
  });

  it('writes back a packed delivery: quantities, tracking ref, weight, done', async () => {
    const rig = await dispatchRig(odoo, { transport: rpc });
    try {
      const order = (await findPickingByName(rpc, 'WH/OUT/00006', { url: odoo.url, db: odoo.db }))!;
      const row = rig.row(order, { trackingRef: 'JD0146000012345', weightG: 1234 });
      const start = odoo.rpcLog.length;
      expect(await rig.target.apply([row])).toEqual([{ status: 'done', result: { trackingRef: 'JD0146000012345' } }]);
      expect(odoo.rpcLog.slice(start).map((e) => e.method)).toContain('button_validate');
      const after = await pickingRecord('WH/OUT/00006');
      expect(after).toMatchObject({ state: 'done', carrier_tracking_ref: 'JD0146000012345' });
      expect(after.shipping_weight).toBeCloseTo(1.234, 6);
      const moves = (await rpc.executeKw('stock.move', 'read', [order.lines.map((l) => l.moveId), ['quantity', 'picked', 'state']])) as {
        id: number;
      }[];
      for (const line of order.lines) {
        expect(moves.find((m) => m.id === line.moveId)).toMatchObject({ quantity: line.quantity, picked: true, state: 'done' });
      }
      expect(await rig.target.lookup(row)).toMatchObject({ applied: true, result: { trackingRef: 'JD0146000012345' } });

      // Sent again (reply lost): already done with our ref counts as success and writes nothing.
      const calls = odoo.rpcLog.length;
      expect(await rig.target.apply([row])).toEqual([{ status: 'done', result: { trackingRef: 'JD0146000012345' } }]);
      expect(odoo.rpcLog.slice(calls).filter((e) => !['read', 'search_read', 'search_count'].includes(e.method))).toEqual([]);
      expect((await pickingRecord('WH/OUT/00006')).write_date).toBe(after.write_date);
    } finally {
      rig.close();
    }
  });

  it('answers the backorder question with the bench’s policy for a short pack (the rest stays as a backorder)', async () => {
    // Deliveries (not used by other tests) whose first line asks for more than one item.
    const [candidate, raw] = odoo.state
      .all('stock.picking')
      .filter((p) => p.id > 10)
      .filter((p) => (odoo.state.all('stock.move').find((m) => m.picking_id === p.id)?.product_uom_qty as number) > 1);
    const rig = await dispatchRig(odoo, { transport: rpc });
    try {
      const order = await rig.cache(String(candidate!.name));
      const [first, ...rest] = order.lines;
      const row = rig.row(order, {
        trackingRef: 'SHORT-1',
        weightG: 500,
        lines: [
          { moveId: first!.moveId, quantity: first!.quantity - 1, ordered: first!.quantity },
          ...rest.map((l) => ({ moveId: l.moveId, quantity: l.quantity, ordered: l.quantity })),
        ],
      });
      expect(await rig.target.apply([row])).toEqual([{ status: 'done', result: { trackingRef: 'SHORT-1' } }]);
      expect((await pickingRecord(order.name)).state).toBe('done');
      const backorders = (await rpc.executeKw('stock.picking', 'search_read', [[['backorder_id', '=', order.pickingId]]], {
        fields: ['state', 'move_ids'],
      })) as { state: string; move_ids: number[] }[];
      expect(backorders).toHaveLength(1);
    } finally {
      rig.close();
    }

    // Asked without a policy, Odoo answers with its wizard, a plain action dict; skip_backorder creates the backorder.
    const order = (await findPickingByName(rpc, String(raw!.name), { url: odoo.url, db: odoo.db }))!;
    const [first] = order.lines;
    await rpc.executeKw('stock.move', 'write', [[first!.moveId], { quantity: first!.quantity - 1, picked: true }]);
    const action = (await rpc.executeKw('stock.picking', 'button_validate', [[order.pickingId]])) as Record<string, unknown>;
    expect(action).toMatchObject({ type: 'ir.actions.act_window', res_model: 'stock.backorder.confirmation', target: 'new' });
    expect((await pickingRecord(order.name)).state).toBe('assigned');
    await rpc.executeKw('stock.picking', 'button_validate', [[order.pickingId]], { context: { skip_backorder: true } });
    expect((await pickingRecord(order.name)).state).toBe('done');
    const backorders = (await rpc.executeKw('stock.picking', 'search_read', [[['backorder_id', '=', order.pickingId]]], {
      fields: ['state', 'move_ids'],
    })) as { state: string; move_ids: number[] }[];
    expect(backorders).toHaveLength(1);
  });

  it('posts to the chatter with an attachment (message_post is keyword-only)', async () => {
    const p = await pickingRecord('WH/OUT/00008');
    const attachment = await rpc.executeKw('ir.attachment', 'create', [
      { name: 'LabelShipping-x-1.pdf', type: 'binary', datas: 'JVBERi0=', mimetype: 'application/pdf', res_model: 'stock.picking', res_id: p.id },
    ]);
    expect(attachment).toEqual(expect.any(Number));
    const id = await rpc.executeKw('stock.picking', 'message_post', [[p.id]], {
      body: '<b>Label</b>',
      message_type: 'comment',
      subtype_xmlid: 'mail.mt_note',
      attachment_ids: [attachment],
    });
    expect(odoo.state.get('mail.message', id as number)).toMatchObject({ body: '&#60;b&#62;Label&#60;/b&#62;', res_id: p.id, attachment_ids: [attachment] });
    const positional = await odooError(rpc.executeKw('stock.picking', 'message_post', [[p.id], 'hello']));
    expect(positional.odooName).toBe('builtins.TypeError');
  });
});

describe('failures', () => {
  it('an HTML page instead of JSON is a protocol error, never a crash', async () => {
    const html = await rawServer(200, 'text/html', '<!DOCTYPE html><html><title>Login</title><body>Welcome</body></html>');
    try {
      const error = await odooError(transportFor(html.url).version());
      expect(error.kind).toBe('protocol');
      expect(error.message).toMatch(/HTML/);
    } finally {
      await html.close();
    }
  });

  it('truncated JSON and a wrong envelope are protocol errors', async () => {
    const truncated = await rawServer(200, 'application/json', '{"jsonrpc":"2.0","id":1,"result":{"server_vers');
    const wrong = await rawServer(200, 'application/json', '{"ok":true}');
    try {
      expect((await odooError(transportFor(truncated.url).version())).kind).toBe('protocol');
      expect((await odooError(transportFor(wrong.url).version())).kind).toBe('protocol');
    } finally {
      await Promise.all([truncated.close(), wrong.close()]);
    }
  });

  it('a proxy 502 page is retryable', async () => {
    const gateway = await rawServer(502, 'text/html', '<html><body><h1>502 Bad Gateway</h1></body></html>');
    try {
      const error = await odooError(transportFor(gateway.url).version());
      expect(error).toMatchObject({ kind: 'retryable', status: 502 });
      expect(error.retryable).toBe(true);
    } finally {
      await gateway.close();
    }
  });

  it('an offline Odoo is a network error, retryable, and recovers', async () => {
    const t = transportFor(odoo.url);
    await t.authenticate();
    odoo.setOffline(true);
    try {
      const error = await odooError(t.executeKw('stock.picking', 'search_count', [[]]));
      expect(error.kind).toBe('network');
      expect(error.retryable).toBe(true);
      expect(sayIn(createTranslator('en').t, error.packerSaid)).toBe('Odoo cannot be reached. Packing goes on; results are sent when it is back.');
    } finally {
      odoo.setOffline(false);
    }
    expect(await t.executeKw('stock.picking', 'search_count', [[]])).toBe(odoo.state.all('stock.picking').length);
  });

  it('a refused connection is a network error; a silent server times out', async () => {
    const closed = await rawServer(200, 'application/json', '{}');
    await closed.close();
    expect((await odooError(transportFor(closed.url).version())).kind).toBe('network');

    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const error = await odooError(transportFor(`http://127.0.0.1:${port}`, 200).version());
      expect(error.kind).toBe('timeout');
      expect(error.retryable).toBe(true);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('classifies Odoo exception names and HTTP statuses', () => {
    const rpcKind = (name: string) => classifyOdooFailure({ type: 'rpc', name, message: 'x' }).kind;
    expect(rpcKind('psycopg2.errors.SerializationFailure')).toBe('retryable');
    expect(rpcKind('odoo.exceptions.ValidationError')).toBe('permanent');
    expect(rpcKind('odoo.exceptions.MissingError')).toBe('permanent');
    expect(rpcKind('odoo.exceptions.AccessError')).toBe('access');
    expect(rpcKind('odoo.exceptions.AccessDenied')).toBe('auth');
    const httpKind = (status: number) => classifyOdooFailure({ type: 'http', status }).kind;
    expect([401, 403, 404, 409, 422, 503, 504].map(httpKind)).toEqual([
      'auth',
      'access',
      'permanent',
      'retryable',
      'permanent',
      'retryable',
      'retryable',
    ]);
  });
});

// The order cache against the sandbox Odoo over HTTP: incremental prefetch with a write_date
// cursor, bench scope, lookups by every code (several orders included), offline use, pickings that
// leave the ready set, and the index each lookup uses.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScanReply } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { systemClock } from '../../electron/core/clock';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { scopedOdooTransport, type OdooCaller, type OdooScope } from '../../electron/core/odoo/pickings';
import { Prefetcher } from '../../electron/core/odoo/prefetch';
import type { OdooParams } from '../../electron/core/odoo/transport';
import { createStation, type Station } from '../../electron/core/station';
import { openDatabase, type Db } from '../../electron/core/store/db';
import { LOOKUP_BY_CODE_SQL, LOOKUP_BY_NAME_SQL, OrderCache } from '../../electron/core/store/order-cache';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { tempDir } from '../support/temp-dir';
import { waitForEvent } from '../support/wait';

const SEEDED = 300;
const apiKey = randomBytes(16).toString('hex');
let dir: ReturnType<typeof tempDir>;
let odoo: SandboxOdoo;
let rpc: JsonRpcTransport;
let db: Db;
let cache: OrderCache;
let scope: OdooScope;

const unscoped = (): OdooScope => ({ companyId: null, warehouseId: null, pickingTypeIds: [] });

function prefetcher(options: { transport?: OdooCaller; batchSize?: number; refreshEveryMs?: number } = {}): Prefetcher {
  return new Prefetcher({
    transport: options.transport ?? scopedOdooTransport(rpc, () => scope),
    binding: { url: odoo.url, db: odoo.db },
    cache,
    clock: systemClock,
    scope: () => scope,
    batchSize: options.batchSize ?? 50,
    refreshEveryMs: options.refreshEveryMs,
  });
}

const binding = () => ({ url: odoo.url, db: odoo.db });
const modelCalls = (model: string, method: string) => odoo.rpcLog.filter((e) => e.model === model && e.method === method).length;
const row = (pickingId: number) =>
  db.prepare('SELECT state, ready FROM orders WHERE picking_id = ?').get(pickingId) as { state: string; ready: number } | undefined;
/** Ready pickings in the sandbox holding this product. */
const readyWith = (productId: number) => {
  const pickings = new Set(
    odoo.state
      .all('stock.move')
      .filter((m) => m.product_id === productId)
      .map((m) => m.picking_id),
  );
  return odoo.state.all('stock.picking').filter((p) => pickings.has(p.id) && p.state === 'assigned');
};
const barcodeOf = (productId: number) => String(odoo.state.get('product.product', productId)!.barcode);

beforeEach(async () => {
  dir = tempDir();
  odoo = await startSandboxOdoo({ port: 0, apiKey, seed: SEEDED });
  rpc = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey });
  db = openDatabase(dir.file('station.sqlite'));
  cache = new OrderCache(db, systemClock);
  scope = unscoped();
});

afterEach(async () => {
  db.close();
  await odoo.close();
  dir.remove();
});

describe('prefetch', () => {
  it('fills the cache with every ready delivery, in batches, and reports the cache age', async () => {
    const p = prefetcher();
    expect(p.age()).toBeNull();
    const result = await p.runOnce();
    expect(result).toMatchObject({ full: true, saved: SEEDED, left: 0, skipped: [] });
    expect((db.prepare('SELECT count(*) AS n FROM orders WHERE ready = 1').get() as { n: number }).n).toBe(SEEDED);
    // 300 in batches of 50: 6 full pages and an empty one; the lines of each page in one call.
    expect(modelCalls('stock.picking', 'search_read')).toBe(7);
    expect(modelCalls('stock.move', 'read')).toBe(6);
    expect(p.age()).toBeGreaterThanOrEqual(0);
    expect(p.age()).toBeLessThan(5_000);
    const cached = cache.findByName('WH/OUT/00005', binding())!.order;
    expect(cached).toMatchObject({ name: 'WH/OUT/00005', origin: 'S00005', state: 'assigned' });
    expect(cached.lines.length).toBeGreaterThan(0);
    expect(cached.lines[0]!.barcode).toMatch(/^\d{13}$/);
  });

  it('pulls only the pickings written since the cursor on the next run', async () => {
    const p = prefetcher();
    await p.runOnce();
    await rpc.call('stock.picking', 'write', { ids: [5], vals: { origin: 'S00005-B' } });
    await rpc.call('stock.picking', 'button_validate', { ids: [7] });
    odoo.rpcLog.length = 0;

    const second = await p.runOnce();
    expect(second).toMatchObject({ full: false, saved: 1, left: 1 });
    // One page of changes, the moves of the one changed ready picking, and the ready set's ids.
    expect(modelCalls('stock.picking', 'search_read')).toBe(1);
    expect(modelCalls('stock.move', 'read')).toBe(1);
    expect(modelCalls('stock.picking', 'search')).toBe(1);
    expect(odoo.rpcLog.length).toBeLessThanOrEqual(8);
    expect(cache.lookup('S00005-B', binding())).toMatchObject({ kind: 'order', order: { name: 'WH/OUT/00005' } });

    odoo.rpcLog.length = 0;
    const third = await p.runOnce();
    expect(third).toMatchObject({ full: false, saved: 0, left: 0 });
    // The changed pickings, the ready set's ids, the cached orders' partners written since.
    expect(odoo.rpcLog.map((e) => `${e.model}.${e.method}`)).toEqual(['stock.picking.search_read', 'stock.picking.search', 'res.partner.search_read']);
  });

  it("re-reads an order whose customer moved: the picking's write_date did not, the partner's did", async () => {
    const p = prefetcher();
    await p.runOnce();
    const picking = odoo.state.get('stock.picking', 5)!;
    const others = odoo.state.all('stock.picking').filter((x) => x.partner_id === picking.partner_id && x.state === 'assigned').length;
    const writeDate = picking.write_date;
    await rpc.call('res.partner', 'write', { ids: [picking.partner_id as number], vals: { street: 'Corso Como 2', city: 'Milano' } });
    expect(odoo.state.get('stock.picking', 5)!.write_date).toBe(writeDate);
    odoo.rpcLog.length = 0;

    const second = await p.runOnce();
    // Every ready order of that customer, and no other.
    expect(second).toMatchObject({ full: false, saved: others, left: 0 });
    expect(cache.findByName('WH/OUT/00005', binding())!.order.shipTo).toMatchObject({ street1: 'Corso Como 2', city: 'Milano' });

    // Seen once: the next run finds nothing to re-read.
    expect(await p.runOnce()).toMatchObject({ full: false, saved: 0 });
  });

  it('marks a picking validated in Odoo as no longer ready, and products stop finding it', async () => {
    const p = prefetcher();
    await p.runOnce();
    const picking = odoo.state.get('stock.picking', 12)!;
    const productId = Number(odoo.state.all('stock.move').find((m) => m.picking_id === 12)!.product_id);
    await rpc.call('stock.picking', 'button_validate', { ids: [12] });
    expect(odoo.state.get('stock.picking', 12)!.state).toBe('done');

    expect(await p.runOnce()).toMatchObject({ left: 1 });
    expect(row(12)).toEqual({ state: 'done', ready: 0 });
    // By name it is still known (so the bench can say it has shipped); by product it is gone.
    expect(cache.lookup(String(picking.name), binding())).toMatchObject({ kind: 'order', order: { state: 'done' } });
    const found = cache.lookup(barcodeOf(productId), binding());
    const names = found.kind === 'choose' ? found.orders.map((o) => o.name) : found.kind === 'order' ? [found.order.name] : [];
    expect(names).not.toContain(picking.name);
  });

  it('re-reads every ready picking on the periodic refresh: a move can change without the picking', async () => {
    const p = prefetcher({ refreshEveryMs: 0 });
    await p.runOnce();
    const move = odoo.state.all('stock.move').find((m) => m.picking_id === 15)!;
    // Odoo keeps the picking's write_date when only a move changes.
    const before = String(odoo.state.get('stock.picking', 15)!.write_date);
    odoo.state.update('stock.move', move.id, { product_uom_qty: 9 });
    odoo.state.get('stock.picking', 15)!.write_date = before;
    expect(await p.runOnce()).toMatchObject({ full: true, saved: SEEDED });
    const line = cache.findByName('WH/OUT/00015', binding())!.order.lines.find((l) => l.moveId === move.id)!;
    expect(line.quantity).toBe(9);
  });

  it('notices a picking deleted or cancelled in Odoo without a write it could see', async () => {
    const p = prefetcher();
    await p.runOnce();
    odoo.state.remove('stock.picking', 20);
    expect(await p.runOnce()).toMatchObject({ left: 1 });
    expect(row(20)).toEqual({ state: 'cancel', ready: 0 });
  });
});

describe('scope', () => {
  it('keeps to the bench company, and a new scope starts over', async () => {
    const other = odoo.state.insert('res.company', { name: 'Packbench Nord ApS', partner_id: 1 });
    for (let id = 1; id <= 20; id++) odoo.state.update('stock.picking', id, { company_id: other });

    scope = { companyId: other, warehouseId: null, pickingTypeIds: [] };
    const p = prefetcher();
    expect(await p.runOnce()).toMatchObject({ full: true, saved: 20 });
    expect(cache.readyPickingIds(binding()).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    scope = { companyId: 1, warehouseId: null, pickingTypeIds: [] };
    expect(await p.runOnce()).toMatchObject({ full: true, saved: SEEDED - 20, left: 20 });
    // Out of scope, still ready in Odoo: kept, but not offered to this bench's product scans.
    expect(row(3)).toEqual({ state: 'assigned', ready: 0 });
  });

  it('narrows every picking search by company, warehouse and picking types, with allowed_company_ids', async () => {
    const calls: { model: string; method: string; params: OdooParams }[] = [];
    const recording: OdooCaller = {
      call: (model, method, params = {}) => {
        calls.push({ model, method, params });
        return Promise.resolve([]);
      },
      version: () => rpc.version(),
    };
    scope = { companyId: 3, warehouseId: 2, pickingTypeIds: [8, 5] };
    await prefetcher({ transport: scopedOdooTransport(recording, () => scope) }).runOnce();
    const searches = calls.filter((c) => c.model === 'stock.picking' && (c.method === 'search_read' || c.method === 'search'));
    expect(searches.length).toBe(2);
    for (const { params } of searches) {
      expect(params.domain).toEqual(
        expect.arrayContaining([
          ['company_id', '=', 3],
          ['picking_type_id.warehouse_id', '=', 2],
          ['picking_type_id', 'in', [8, 5]],
          ['picking_type_code', '=', 'outgoing'],
          ['state', '=', 'assigned'],
        ]),
      );
      expect(params.context).toMatchObject({ allowed_company_ids: [3] });
    }
  });
});

describe('lookup', () => {
  it('finds an order by name, origin, tracking ref, package and product, and several orders by product', async () => {
    const p = prefetcher();
    await p.runOnce();
    await rpc.call('stock.picking', 'write', { ids: [9], vals: { carrier_tracking_ref: '1Z999AA10123456784,1Z999AA10123456785' } });
    const pkg = odoo.state.insert('stock.quant.package', { name: 'PACK0000042' });
    const line = odoo.state.all('stock.move.line').find((l) => l.picking_id === 11)!;
    odoo.state.update('stock.move.line', line.id, { result_package_id: pkg });
    odoo.state.update('stock.picking', 11, {}); // the put-in-pack wrote the picking too
    await p.runOnce();

    expect(cache.lookup('WH/OUT/00004', binding())).toMatchObject({ kind: 'order', via: 'name', order: { pickingId: 4 } });
    expect(cache.lookup('S00006', binding())).toMatchObject({ kind: 'order', via: 'origin', order: { pickingId: 6 } });
    expect(cache.lookup('1Z999AA10123456785', binding())).toMatchObject({ kind: 'order', via: 'tracking', order: { pickingId: 9 } });
    expect(cache.lookup('PACK0000042', binding())).toMatchObject({ kind: 'order', via: 'package', order: { pickingId: 11 } });
    expect(cache.lookup('NOTHING-LIKE-IT', binding())).toEqual({ kind: 'none' });

    // A product in many ready orders: the bench asks which.
    const holders = readyWith(1);
    expect(holders.length).toBeGreaterThan(1);
    const several = cache.lookup(barcodeOf(1), binding());
    expect(several).toMatchObject({ kind: 'choose', via: 'barcode', total: holders.length });
    if (several.kind !== 'choose') throw new Error('expected a choice');
    expect(several.orders[0]).toMatchObject({ name: expect.stringMatching(/^WH\/OUT\/\d{5}$/), origin: expect.stringMatching(/^S\d{5}$/) });
    expect(several.orders.every((o) => typeof o.partner === 'string' && o.partner.length > 0)).toBe(true);

    // Ship all but one of them: the product now finds exactly that order.
    const [keep, ...rest] = holders;
    for (const h of rest) odoo.state.update('stock.picking', h.id, { state: 'done' });
    await p.runOnce();
    expect(cache.lookup(barcodeOf(1), binding())).toMatchObject({ kind: 'order', via: 'barcode', order: { pickingId: keep!.id } });
  });

  it('works with Odoo offline', async () => {
    await prefetcher().runOnce();
    odoo.setOffline(true);
    await expect(rpc.call('stock.picking', 'search', { domain: [] })).rejects.toThrow();
    expect(cache.lookup('S00010', binding())).toMatchObject({ kind: 'order', order: { name: 'WH/OUT/00010' } });
    expect(cache.lookup(barcodeOf(2), binding())).toMatchObject({ kind: 'choose', total: readyWith(2).length });
  });

  it('uses an index for every kind of code', async () => {
    await prefetcher().runOnce();
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('x', 'u', 'd') as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan(LOOKUP_BY_NAME_SQL)).toMatch(/SEARCH orders USING INDEX orders_name \(name=\?\)/);
    const byCode = plan(LOOKUP_BY_CODE_SQL);
    expect(byCode).toMatch(/SEARCH c USING PRIMARY KEY \(code=\?\)/);
    expect(byCode).toMatch(/SEARCH o USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(byCode).not.toMatch(/SCAN/);
    // Each kind really is there under the one index.
    const kinds = db.prepare('SELECT DISTINCT kind FROM order_codes ORDER BY kind').pluck().all();
    expect(kinds).toEqual(['barcode', 'origin']);
  });
});

describe('pack session', () => {
  let station: Station;

  async function scan(code: string): Promise<ScanReply> {
    const result = await dispatch(station.handlers, 'scan', { code });
    if (!result.ok) throw new Error(`scan ${code} failed: ${result.error.message}`);
    return result.value as ScanReply;
  }

  afterEach(async () => {
    await station.stop();
  });

  it('answers a product in several orders with the list, and opens an order by its sale order offline', async () => {
    station = createStation({
      dataDir: dir.file('bench'),
      mode: 'training',
      identity: { scryptN: 1024 },
      log: () => {},
      odooApiKey: apiKey,
      overrides: { odoo: { url: odoo.url, db: odoo.db, login: odoo.login } },
    });
    station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
    await station.start();
    await waitForEvent(station.events, 'state', (s) => s.cacheAge !== null, 15_000, 'first prefetch');
    await scan('P-1');

    const several = await scan(barcodeOf(3));
    expect(several.message.text).toMatch(
      new RegExp(`^This item is in ${readyWith(3).length} orders: WH/OUT/\\d{5} \\([^)]+\\), .*Scan the order's barcode\\.$`),
    );
    expect(several.state.step).toBe('idle');

    odoo.setOffline(true);
    const opened = await scan('S00008');
    expect(opened.message.text).toMatch(/^Odoo is offline: using the local copy\. WH\/OUT\/00008 for /);
    expect(opened.state).toMatchObject({ step: 'packing', order: { name: 'WH/OUT/00008' } });
    expect(opened.state.cacheAge).toEqual(expect.any(Number));
  });
});

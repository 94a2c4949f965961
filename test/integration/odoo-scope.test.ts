// Bench scope against the sandbox Odoo over HTTP and real SQLite: the sandbox's warehouses and
// operation types, dotted-path domains and allowed_company_ids as Odoo evaluates them; a bench
// scoped to a warehouse, an operation type or a company prefetches only those deliveries, opens
// only those, and refuses the others by name — online and from the local copy offline.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScanReply } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import type { SettingsPatch } from '../../shared/settings';
import { systemClock } from '../../electron/core/clock';
import { OdooError } from '../../electron/core/odoo/errors';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { findPickingByName, scopedOdooTransport, type OdooScope } from '../../electron/core/odoo/pickings';
import { Prefetcher } from '../../electron/core/odoo/prefetch';
import { createStation, type Station } from '../../electron/core/station';
import { openDatabase, type Db } from '../../electron/core/store/db';
import { OrderCache } from '../../electron/core/store/order-cache';
import { seedSandbox } from '../../electron/sandbox/odoo/seed';
import { startSandboxOdoo, type Rec, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { tempDir } from '../support/temp-dir';
import { waitForEvent } from '../support/wait';
import { stationDb } from '../support/station-db';

const SEEDED = 40;
const apiKey = randomBytes(16).toString('hex');
const limitedKey = randomBytes(16).toString('hex');
let dir: ReturnType<typeof tempDir>;
let odoo: SandboxOdoo;
let rpc: JsonRpcTransport;

const scope = (s: Partial<OdooScope>): OdooScope => ({ companyId: null, warehouseId: null, pickingTypeIds: [], ...s });
const pickings = () => odoo.state.all('stock.picking');
const typeOf = (p: Rec) => odoo.state.get('stock.picking.type', Number(p.picking_type_id))!;
const readyIds = (test: (p: Rec) => boolean) =>
  pickings()
    .filter((p) => p.state === 'assigned' && test(p))
    .map((p) => p.id)
    .sort((a, b) => a - b);
const inWarehouse = (warehouseId: number) => (p: Rec) => typeOf(p).warehouse_id === warehouseId;

async function odooError(promise: Promise<unknown>): Promise<OdooError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OdooError) return error;
    throw error;
  }
  throw new Error('expected Odoo to refuse');
}

/** A second company with its own warehouse (Wien) and delivery type; the given pickings move there. */
function secondCompany(pickingIds: number[]): { companyId: number; warehouseId: number; typeId: number } {
  const at = odoo.state.all('res.country').find((c) => c.code === 'AT')!.id;
  const partner = odoo.state.insert('res.partner', {
    name: 'Packbench Süd GmbH',
    street: 'Mariahilfer Straße 1',
    city: 'Wien',
    zip: '1060',
    country_id: at,
    is_company: true,
    parent_id: false,
    type: 'contact',
  });
  const companyId = odoo.state.insert('res.company', { name: 'Packbench Süd GmbH', partner_id: partner });
  const warehouseId = odoo.state.insert('stock.warehouse', { name: 'Wien', code: 'VIE', company_id: companyId, partner_id: partner, sequence: 3 });
  const typeId = odoo.state.insert('stock.picking.type', {
    name: 'Delivery Orders',
    code: 'outgoing',
    sequence_code: 'OUT',
    sequence: 6,
    warehouse_id: warehouseId,
    company_id: companyId,
  });
  for (const id of pickingIds) odoo.state.update('stock.picking', id, { company_id: companyId, picking_type_id: typeId });
  return { companyId, warehouseId, typeId };
}

beforeEach(async () => {
  dir = tempDir();
  odoo = await startSandboxOdoo({ port: 0, apiKey, seed: SEEDED, users: [{ login: 'bench-hh', apiKey: limitedKey, access: 'write', companies: [1] }] });
  rpc = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey });
});

afterEach(async () => {
  await odoo.close();
  dir.remove();
});

describe('sandbox Odoo: warehouses, operation types, dotted paths, companies', () => {
  it('seeds two warehouses with their operation types and spreads the deliveries over both, deterministically', async () => {
    const warehouses = (await rpc.call('stock.warehouse', 'search_read', { domain: [], fields: ['name', 'code', 'company_id'] })) as unknown[];
    expect(warehouses).toEqual([
      { id: 1, name: 'Hamburg', code: 'WH', company_id: [1, 'Packbench Demo GmbH'] },
      { id: 2, name: 'Berlin', code: 'BER', company_id: [1, 'Packbench Demo GmbH'] },
    ]);
    const types = (await rpc.call('stock.picking.type', 'search_read', {
      domain: [['code', '=', 'outgoing']],
      fields: ['display_name', 'code', 'sequence_code', 'warehouse_id'],
    })) as unknown[];
    expect(types).toEqual([
      { id: 2, display_name: 'Hamburg: Delivery Orders', code: 'outgoing', sequence_code: 'OUT', warehouse_id: [1, 'Hamburg'] },
      { id: 4, display_name: 'Berlin: Delivery Orders', code: 'outgoing', sequence_code: 'OUT', warehouse_id: [2, 'Berlin'] },
    ]);
    const byType = new Map<number, number>();
    for (const p of seedSandbox(SEEDED)['stock.picking']!) byType.set(Number(p.picking_type_id), (byType.get(Number(p.picking_type_id)) ?? 0) + 1);
    expect([...byType.keys()].sort()).toEqual([2, 4]);
    expect(byType.get(4)!).toBeGreaterThan(SEEDED / 5);
    expect(byType.get(2)!).toBeGreaterThan(SEEDED / 2);
    // The names and what was drawn for the deliveries before warehouses existed stay as they were.
    const first = seedSandbox(SEEDED)['stock.picking']![0]!;
    expect(first).toMatchObject({ id: 1, name: 'WH/OUT/00001', origin: 'S00001', state: 'assigned' });
    expect(seedSandbox(3, 19)['stock.picking']!.map((p) => p.picking_type_id)).toEqual(
      seedSandbox(3, 16)['stock.picking']!.map((p) => p.picking_type_id),
    );
  });

  it('keeps picking_type_code as the related field of picking_type_id, readable and searchable', async () => {
    const [one] = (await rpc.call('stock.picking', 'read', { ids: [1], fields: ['picking_type_id', 'picking_type_code'] })) as {
      picking_type_id: [number, string];
      picking_type_code: string;
    }[];
    expect(one!.picking_type_code).toBe('outgoing');
    expect(one!.picking_type_id[1]).toMatch(/^(Hamburg|Berlin): Delivery Orders$/);
    // A delivery moved to a receipt type is no longer outgoing.
    odoo.state.update('stock.picking', 3, { picking_type_id: 1 });
    const outgoing = (await rpc.call('stock.picking', 'search', { domain: [['picking_type_code', '=', 'outgoing']] })) as number[];
    expect(outgoing).toHaveLength(SEEDED - 1);
    expect(outgoing).not.toContain(3);
    expect(odoo.state.sampleNames()).not.toContain('WH/OUT/00003');
  });

  it('evaluates a dotted path through many2one fields like Odoo', async () => {
    const search = (domain: unknown[]) => rpc.call('stock.picking', 'search', { domain, order: 'id' }) as Promise<number[]>;
    const berlin = readyIds(inWarehouse(2));
    expect(berlin.length).toBeGreaterThan(0);
    expect(await search([['picking_type_id.warehouse_id', '=', 2]])).toEqual(berlin);
    expect(await search([['picking_type_id.warehouse_id.code', '=', 'BER']])).toEqual(berlin);
    expect(await search([['picking_type_id.warehouse_id', '!=', 2]])).toEqual(readyIds(inWarehouse(1)));
    expect(await search([['picking_type_id.warehouse_id', 'in', [1, 2]]])).toHaveLength(SEEDED);
    expect(await search(['!', ['picking_type_id.warehouse_id', '=', 2]])).toEqual(readyIds(inWarehouse(1)));
    // A leaf naming a field the model does not have is refused as Odoo refuses it.
    const wrong = await odooError(search([['picking_type_id.no_such_field', '=', 2]]));
    expect(wrong.odooName).toBe('builtins.ValueError');
  });

  it('honours allowed_company_ids: searches keep to those companies, reads outside are refused', async () => {
    const { companyId } = secondCompany([1, 2, 3]);
    const inCompany = (ids: number[]) => ({ allowed_company_ids: ids });
    const search = (context: Record<string, unknown>) => rpc.call('stock.picking', 'search', { domain: [], order: 'id', context }) as Promise<number[]>;

    expect(await search(inCompany([companyId]))).toEqual([1, 2, 3]);
    expect(await search(inCompany([1]))).toHaveLength(SEEDED - 3);
    expect(await search(inCompany([1, companyId]))).toHaveLength(SEEDED);
    // Absent or empty: every company of the user.
    expect(await search({})).toHaveLength(SEEDED);
    expect(await search(inCompany([]))).toHaveLength(SEEDED);
    // The company's own warehouses and operation types only.
    expect(await rpc.call('stock.warehouse', 'search', { domain: [], context: inCompany([companyId]) })).toEqual([3]);
    expect(await rpc.call('stock.picking', 'search_count', { domain: [], context: inCompany([companyId]) })).toBe(3);

    const refused = await odooError(rpc.call('stock.picking', 'read', { ids: [4], fields: ['name'], context: inCompany([companyId]) }));
    expect(refused.kind).toBe('access');
    expect(refused.odooName).toBe('odoo.exceptions.AccessError');
    expect(refused.message).toContain("doesn't have 'read' access to:\n- Transfer, WH/OUT/00004 (stock.picking: 4, company=Packbench Demo GmbH)");
    const write = await odooError(rpc.call('stock.picking', 'write', { ids: [4], vals: { origin: 'X' }, context: inCompany([companyId]) }));
    expect(write.message).toContain("doesn't have 'write' access");
    expect(odoo.state.get('stock.picking', 4)!.origin).toBe('S00004');

    const invalid = await odooError(search(inCompany([99])));
    expect(invalid).toMatchObject({ kind: 'access', message: expect.stringContaining('Access to unauthorized or invalid companies.') });
    // A user who works for the first company only may not ask for the second.
    const limited = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: 'bench-hh', apiKey: limitedKey });
    expect(await limited.call('stock.picking', 'search_count', { domain: [], context: inCompany([1]) })).toBe(SEEDED - 3);
    const foreign = await odooError(limited.call('stock.picking', 'search', { domain: [], context: inCompany([companyId]) }));
    expect(foreign.message).toContain('Access to unauthorized or invalid companies.');
  });

  it('honours allowed_company_ids over JSON-2 (19) too', async () => {
    await odoo.close();
    odoo = await startSandboxOdoo({ port: 0, apiKey, seed: 10, version: 19 });
    const { companyId } = secondCompany([5]);
    const call = async (method: string, body: unknown) => {
      const res = await fetch(`${odoo.url}/json/2/stock.picking/${method}`, {
        method: 'POST',
        headers: { Authorization: `bearer ${apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    expect(await call('search', { domain: [], context: { allowed_company_ids: [companyId] } })).toEqual({ status: 200, body: [5] });
    const refused = await call('read', { ids: [1], fields: ['name'], context: { allowed_company_ids: [companyId] } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ name: 'odoo.exceptions.AccessError' });
  });
});

describe('prefetch in scope', () => {
  let db: Db;
  let cache: OrderCache;
  let current: OdooScope;
  const binding = () => ({ url: odoo.url, db: odoo.db });
  const cachedReady = () => cache.readyPickingIds(binding()).sort((a, b) => a - b);
  const prefetcher = () =>
    new Prefetcher({ transport: scopedOdooTransport(rpc, () => current), binding: binding(), cache, clock: systemClock, scope: () => current, batchSize: 15 });

  beforeEach(() => {
    db = openDatabase(dir.file('station.sqlite'));
    cache = new OrderCache(db, systemClock);
  });
  afterEach(() => db.close());

  it('caches only the deliveries of the warehouse, then only those of one operation type', async () => {
    current = scope({ warehouseId: 2 });
    const p = prefetcher();
    const berlin = readyIds(inWarehouse(2));
    expect(await p.runOnce()).toMatchObject({ full: true, saved: berlin.length, left: 0 });
    expect(cachedReady()).toEqual(berlin);
    // Every cached order knows where it ships from.
    expect(cache.findByName(String(odoo.state.get('stock.picking', berlin[0]!)!.name), binding())!.order.operation).toEqual({
      companyId: 1,
      company: 'Packbench Demo GmbH',
      warehouseId: 2,
      warehouse: 'Berlin',
      pickingTypeId: 4,
      pickingType: 'Berlin: Delivery Orders',
      // The sandbox's deliveries turn new lot names into lots.
      lots: 'create',
    });

    current = scope({ pickingTypeIds: [2] });
    const hamburg = readyIds((r) => r.picking_type_id === 2);
    expect(await p.runOnce()).toMatchObject({ full: true, saved: hamburg.length, left: berlin.length });
    expect(cachedReady()).toEqual(hamburg);
  });

  it('narrows a search by name through the scoped transport', async () => {
    const berlin = readyIds(inWarehouse(2))[0]!;
    const hamburg = readyIds(inWarehouse(1))[0]!;
    const name = (id: number) => String(odoo.state.get('stock.picking', id)!.name);
    const scoped = scopedOdooTransport(rpc, () => scope({ warehouseId: 2 }));
    expect((await findPickingByName(scoped, name(berlin), binding()))?.pickingId).toBe(berlin);
    expect(await findPickingByName(scoped, name(hamburg), binding())).toBeNull();
  });

  it('caches only the company of allowed_company_ids, and marks the others out of scope (not cancelled) on a change', async () => {
    const moved = [2, 4, 6, 8, 10];
    const { companyId } = secondCompany(moved);
    current = scope({ companyId });
    const p = prefetcher();
    expect(await p.runOnce()).toMatchObject({ saved: moved.length });
    expect(cachedReady()).toEqual(moved);

    current = scope({ companyId: 1 });
    expect(await p.runOnce()).toMatchObject({ full: true, saved: SEEDED - moved.length, left: moved.length });
    expect(cachedReady()).toEqual(readyIds((r) => r.company_id === 1));
    // Odoo refuses to read them for company 1: they are kept as they were, not taken for cancelled.
    const kept = db.prepare('SELECT state, ready FROM orders WHERE picking_id = 2').get();
    expect(kept).toEqual({ state: 'assigned', ready: 0 });
  });
});

describe('a scoped bench', () => {
  let station: Station;

  function openStation(patch: SettingsPatch['odoo'] = {}): Station {
    return createStation({
      dataDir: dir.file('bench'),
      mode: 'training',
      identity: { scryptN: 1024 },
      log: () => {},
      odooApiKey: apiKey,
      overrides: { odoo: { url: odoo.url, db: odoo.db, login: odoo.login, ...patch } },
    });
  }

  async function start(patch: SettingsPatch['odoo'] = {}, options: { waitForCache?: boolean } = {}): Promise<void> {
    station = openStation(patch);
    if (station.identities.findByBadge('P-1') === null) station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
    await station.start();
    if (options.waitForCache ?? true) await waitForEvent(station.events, 'state', (s) => s.cacheAge !== null, 15_000, 'first prefetch');
    await scan('P-1');
  }

  async function scan(code: string): Promise<ScanReply> {
    const result = await dispatch(station.handlers, 'scan', { code });
    if (!result.ok) throw new Error(`scan ${code} failed: ${result.error.message}`);
    return result.value as ScanReply;
  }

  const readyCached = () =>
    (stationDb(station).prepare('SELECT picking_id FROM orders WHERE ready = 1 ORDER BY picking_id').pluck().all() as number[]);
  const claimNotes = (pickingId: number) =>
    odoo.state.all('mail.message').filter((m) => m.res_id === pickingId && String(m.body).includes('Packbench claim'));
  const nameOf = (id: number) => String(odoo.state.get('stock.picking', id)!.name);

  afterEach(async () => {
    await station.stop();
  });

  it('scoped to a warehouse: caches and opens only its deliveries, refuses another warehouse by name', async () => {
    await start({ scope: { companyId: null, warehouseId: 2, pickingTypeIds: [] } });
    expect(readyCached()).toEqual(readyIds(inWarehouse(2)));

    const hamburg = readyIds(inWarehouse(1))[0]!;
    const userBefore = odoo.state.get('stock.picking', hamburg)!.user_id;
    const refused = await scan(nameOf(hamburg));
    expect(refused.kind).toBe('order');
    expect(refused.message).toMatchObject({ tone: 'error' });
    expect(refused.message.text).toBe(
      `${nameOf(hamburg)} ships from the Hamburg warehouse (Hamburg: Delivery Orders); this bench packs for another warehouse. Put it aside for the shift lead.`,
    );
    expect(refused.state.step).toBe('idle');
    // Not claimed in Odoo, not cached as this bench's.
    expect(claimNotes(hamburg)).toEqual([]);
    expect(odoo.state.get('stock.picking', hamburg)!.user_id).toBe(userBefore);
    expect(readyCached()).not.toContain(hamburg);

    const berlin = readyIds(inWarehouse(2))[0]!;
    const opened = await scan(nameOf(berlin));
    expect(opened.state).toMatchObject({ step: 'packing', order: { name: nameOf(berlin) } });
    expect(claimNotes(berlin)).toHaveLength(1);
  });

  it('scoped to an operation type: refuses a delivery of another type, naming it', async () => {
    await start({ scope: { companyId: null, warehouseId: null, pickingTypeIds: [4] } });
    expect(readyCached()).toEqual(readyIds((r) => r.picking_type_id === 4));
    const other = readyIds((r) => r.picking_type_id === 2)[0]!;
    const refused = await scan(nameOf(other));
    expect(refused.message.text).toBe(
      `${nameOf(other)} is Hamburg: Delivery Orders, an operation type this bench does not pack. Put it aside for the shift lead.`,
    );
    expect(refused.state.step).toBe('idle');
    expect(claimNotes(other)).toEqual([]);
  });

  it('scoped to a company: caches only its deliveries and refuses another company’s by name', async () => {
    const moved = [3, 5, 7];
    const { companyId } = secondCompany(moved);
    await start({ scope: { companyId, warehouseId: null, pickingTypeIds: [] } });
    expect(readyCached()).toEqual(moved);
    const refused = await scan(nameOf(1));
    expect(refused.message.text).toBe(
      `${nameOf(1)} belongs to Packbench Demo GmbH, a company this bench does not pack for. Put it aside for the shift lead.`,
    );
    expect(claimNotes(1)).toEqual([]);
    const opened = await scan(nameOf(5));
    expect(opened.state).toMatchObject({ step: 'packing', order: { name: nameOf(5) } });
  });

  it('refuses from the local copy too, when Odoo is offline', async () => {
    // Cached while the bench packed for every warehouse…
    await start();
    const hamburg = readyIds(inWarehouse(1))[0]!;
    expect(readyCached()).toContain(hamburg);
    await station.stop();
    // …then scoped to Berlin with Odoo unreachable: the copy still has it, the bench says no.
    odoo.setOffline(true);
    await start({ scope: { companyId: null, warehouseId: 2, pickingTypeIds: [] } }, { waitForCache: false });
    const refused = await scan(nameOf(hamburg));
    expect(refused.message.text).toMatch(new RegExp(`^${nameOf(hamburg)} ships from the Hamburg warehouse`));
    expect(refused.state.step).toBe('idle');
    const berlin = readyIds(inWarehouse(2))[0]!;
    const opened = await scan(nameOf(berlin));
    expect(opened.message.text).toMatch(/^Odoo is offline: using the local copy\./);
    expect(opened.state.step).toBe('packing');
  });
});

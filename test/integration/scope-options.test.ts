// What the lead's Settings and console ask the core, against the sandbox Odoo over HTTP and real
// SQLite: the scope's choices from Odoo (every company, even with the bench scoped to one), from
// the local copy when Odoo is away; the Odoo connection test; the outbox as the console lists it.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandName, CommandReply, ScanReply } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import type { SettingsPatch } from '../../shared/settings';
import { createStation, type Station } from '../../electron/core/station';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { tempDir } from '../support/temp-dir';
import { waitForEvent } from '../support/wait';

const apiKey = randomBytes(16).toString('hex');
let dir: ReturnType<typeof tempDir>;
let odoo: SandboxOdoo;
let station: Station;

async function call<N extends CommandName>(name: N): Promise<CommandReply<N>> {
  const result = await dispatch(station.handlers, name, {});
  if (!result.ok) throw new Error(`${name} failed: ${result.error.message}`);
  return result.value as CommandReply<N>;
}

async function scan(code: string): Promise<ScanReply> {
  const result = await dispatch(station.handlers, 'scan', { code });
  if (!result.ok) throw new Error(`scan ${code} failed: ${result.error.message}`);
  return result.value as ScanReply;
}

async function start(odooPatch: SettingsPatch['odoo'] = {}, key = apiKey, waitForCache = true): Promise<void> {
  station = createStation({
    dataDir: dir.file('bench'),
    mode: 'training',
    identity: { scryptN: 1024 },
    log: () => {},
    odooApiKey: key,
    syncDelays: { baseMs: 50, maxMs: 200 },
    overrides: { odoo: { url: odoo.url, db: odoo.db, login: odoo.login, ...odooPatch } },
  });
  if (station.identities.findByBadge('P-1') === null) station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
  await station.start();
  if (waitForCache) await waitForEvent(station.events, 'state', (s) => s.cacheAge !== null, 15_000, 'first prefetch');
}

beforeEach(async () => {
  dir = tempDir();
  odoo = await startSandboxOdoo({ port: 0, apiKey, seed: 12 });
});

afterEach(async () => {
  await station?.stop();
  await odoo.close();
  dir.remove();
});

describe('scope choices, Odoo test and outbox for the lead', () => {
  it('lists every company, warehouse and delivery type from Odoo, even with the bench scoped to one company', async () => {
    const companyId = odoo.state.insert('res.company', { name: 'Packbench Süd GmbH' });
    const wien = odoo.state.insert('stock.warehouse', { name: 'Wien', code: 'VIE', company_id: companyId, sequence: 3 });
    const wienOut = odoo.state.insert('stock.picking.type', { name: 'Delivery Orders', code: 'outgoing', sequence_code: 'OUT', sequence: 6, warehouse_id: wien, company_id: companyId });
    await start({ scope: { companyId: 1, warehouseId: null, pickingTypeIds: [] } });

    const options = await call('scopeOptions');
    expect(options.source).toBe('odoo');
    expect(options.companies.map((c) => c.name)).toEqual([expect.any(String), 'Packbench Süd GmbH']);
    expect(options.warehouses).toEqual([
      { id: 1, name: 'Hamburg', companyId: 1 },
      { id: 2, name: 'Berlin', companyId: 1 },
      { id: wien, name: 'Wien', companyId },
    ]);
    // Deliveries only: no receipts.
    expect(options.pickingTypes.map((t) => [t.id, t.warehouseId])).toEqual([
      [2, 1],
      [4, 2],
      [wienOut, wien],
    ]);
  });

  it('tests the Odoo connection: the version and the user; a refused key says so', async () => {
    await start();
    expect(await call('testOdoo')).toEqual({ ok: true, message: expect.stringMatching(/^Odoo answers \(version \d+\.\d.*\) and takes the login of Mitchell Admin\.$/) });
    await station.stop();
    await start({}, 'wrong-key-0000000000000000', false);
    const refused = await call('testOdoo');
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/^Odoo did not answer as it should: Odoo refused the bench's login\./);
  });

  it('with Odoo away: the choices come from the local copy, and the outbox lists what waits with its order and error', async () => {
    await start();
    odoo.setOffline(true);
    const options = await call('scopeOptions');
    expect(options.source).toBe('local');
    expect(options.problem).toMatch(/Odoo cannot be reached/);
    expect(options.warehouses.map((w) => w.name)).toEqual(['Hamburg', 'Berlin']);
    expect(options.pickingTypes.map((t) => t.name)).toEqual(['Hamburg: Delivery Orders', 'Berlin: Delivery Orders']);

    expect((await call('listOutbox')).items).toEqual([]);
    const name = odoo.state.sampleNames()[0]!;
    await scan('P-1');
    await scan(name);
    expect((await scan('*PB*CANCEL')).message.text).toBe('Order put aside. Scan the next order.');
    await waitForEvent(station.events, 'connectivity', (c) => c.targets.some((t) => t.target === 'odoo' && t.status === 'retrying'), 10_000, 'odoo retrying');
    const [row, ...rest] = (await call('listOutbox')).items;
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ target: 'odoo', kind: 'odoo.release_picking', orderRef: name, state: 'pending', lastError: expect.stringMatching(/Odoo cannot be reached/) });
    expect(row!.attempts).toBeGreaterThanOrEqual(1);
    expect(row!.since).toBeLessThanOrEqual(Date.now());

    odoo.setOffline(false);
    station.worker.kick();
    await waitForEvent(station.events, 'queue', (q) => q.pending === 0 && q.inFlight === 0, 10_000, 'outbox drained');
    expect((await call('listOutbox')).items).toEqual([]);
  });
});

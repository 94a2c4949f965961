// The station state says how the order sync with Odoo is going (odooLink) next to the cache age:
// none without an Odoo, online after a sync, offline when Odoo cannot be reached.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStation, type Station } from '../../electron/core/station';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { tempDir } from '../support/temp-dir';
import { waitForEvent } from '../support/wait';

const API_KEY = 'order-sync-key-0123456789';
let dir: ReturnType<typeof tempDir>;
let odoo: SandboxOdoo;
let station: Station | null = null;

function open(withOdoo: boolean): Station {
  return createStation({
    dataDir: dir.file('bench'),
    mode: 'training',
    identity: { scryptN: 1024 },
    log: () => {},
    odooApiKey: API_KEY,
    overrides: withOdoo ? { odoo: { url: odoo.url, db: odoo.db, login: odoo.login } } : {},
  });
}

beforeEach(async () => {
  dir = tempDir();
  odoo = await startSandboxOdoo({ apiKey: API_KEY, seed: 3 });
});
afterEach(async () => {
  await station?.stop();
  station = null;
  await odoo.close();
  dir.remove();
});

describe('order sync state', () => {
  it('none without an Odoo: no cache age either', async () => {
    station = open(false);
    await station.start();
    expect(station.handlers.getState({})).toMatchObject({ odooLink: 'none', cacheAge: null });
  });

  it('connecting, then online with the cache age after the first sync', async () => {
    station = open(true);
    await station.start();
    expect(station.handlers.getState({})).toMatchObject({ odooLink: 'connecting', cacheAge: null });
    const synced = await waitForEvent(station.events, 'state', (s) => s.odooLink === 'online', 15_000, 'first sync');
    expect(synced.cacheAge).toEqual(expect.any(Number));
    expect(synced.cacheAge).toBeLessThan(15_000);
  });

  it('offline when Odoo cannot be reached, with no cache age before any sync', async () => {
    odoo.setChaos({ outages: [{ fromMs: 0, toMs: 24 * 3_600_000 }] });
    station = open(true);
    await station.start();
    const state = await waitForEvent(station.events, 'state', (s) => s.odooLink !== 'connecting', 15_000, 'the first sync to fail');
    expect(state).toMatchObject({ odooLink: 'offline', cacheAge: null });
  });
});

// What the packer sees when things go wrong, typed scans only: Odoo unreachable (an unknown order,
// then an order from the local copy), the parcel still swinging on the scale. Nothing already
// accepted is lost: the items stay packed, the label prints, and Odoo is told once it is back.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import type { Station } from '../../electron/core/station';
import { ARTIFACTS, startBrowserStation, type BrowserStation } from '../support/browser-station';
import { expectedParcelWeight } from '../support/expected-weight';
import { startSandboxDevices, startSandboxStation, type SandboxDevices } from '../support/sandbox-rig';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';
import { PackPage } from './pages/pack-page';
import { stationDb } from '../support/station-db';

describe('trouble on screen', () => {
  let devices: SandboxDevices;
  let station: Station;
  let bench: BrowserStation;
  let pack: PackPage;

  beforeAll(async () => {
    devices = await startSandboxDevices({ seed: 4 });
    bench = await startBrowserStation({
      boot: async (dataDir) => {
        station = await startSandboxStation(devices, dataDir, { mode: 'live' });
        return { station, close: () => station.stop() };
      },
    });
    pack = new PackPage(bench.page);
    // The page is connected and listening for scans.
    await pack.nextAction().filter({ hasText: 'Scan your badge' }).waitFor();
  });
  afterAll(async () => {
    await bench?.close();
    await devices?.close();
  });

  const shows = (text: string | RegExp, timeout = 10_000) => pack.message().filter({ hasText: text }).waitFor({ timeout });
  const tone = async () => (await pack.message().getAttribute('class'))?.match(/tone-(\w+)/)?.[1];

  it('says Odoo cannot be reached, packs from the local copy, and says the scale is still moving', async () => {
    const { apiKey, odoo, scale, printer } = devices;
    await pack.scan('P-1');
    await shows('Hello, Pia');
    // The local copy is filled before Odoo goes away.
    await pack.orderSync().filter({ hasText: 'Orders synced' }).waitFor({ timeout: 20_000 });
    odoo.setOffline(true);

    await pack.scan('WH/OUT/99999');
    await shows(/Odoo cannot be reached/);
    expect(await pack.message().textContent()).toMatch(/not in the local copy/);
    expect(await tone()).toBe('error');
    // The status bar agrees with the message: offline, not "synced".
    await pack.orderSync().filter({ hasText: 'Offline' }).waitFor({ timeout: 5_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await bench.page.screenshot({ path: join(ARTIFACTS, 'trouble-odoo-unreachable.png') });

    const name = odoo.state.sampleNames()[0]!;
    await pack.scan(name);
    await shows('Odoo is offline: using the local copy');
    expect(await tone()).toBe('warning');
    await bench.page.getByTestId('order-name').filter({ hasText: name }).waitFor();

    const lines = station.pack.orderView()!.lines;
    const units = lines.reduce((n, l) => n + l.quantity, 0);
    for (const code of unitScans(lines)) await pack.scan(code);
    await bench.page.getByTestId('step').filter({ hasText: /weigh/i }).waitFor();

    // The parcel is put down and keeps swinging; the packer tries to close the order anyway.
    scale.setWeight(expectedParcelWeight(station), { motionMs: 60_000 });
    await waitForEvent(station.events, 'scale', (s) => s.status === 'motion');
    await pack.scan('*PB*CLOSE-ORDER');
    await shows('The scale is still moving. Let the parcel settle, then scan again.');
    await bench.page.screenshot({ path: join(ARTIFACTS, 'trouble-scale-motion.png') });
    expect(printer.jobs).toHaveLength(0);

    // Nothing already accepted was lost: every item is still packed, on screen and in the file.
    const packedOnScreen = await bench.page.getByTestId('order-line').allInnerTexts();
    expect(packedOnScreen.every((row) => /(\d+) \/ \1/.test(row))).toBe(true);
    const packed = stationDb(station)
      .prepare('SELECT sum(packed) FROM packed_lines p JOIN pack_sessions s ON s.id = p.session_id WHERE s.active = 1')
      .pluck()
      .get();
    expect(packed).toBe(units);

    // It settles: the label prints with Odoo still away, and the dispatch waits in the outbox.
    scale.setWeight(expectedParcelWeight(station), { motionMs: 200 });
    await bench.page.getByTestId('print-state').filter({ hasText: 'Printed' }).waitFor({ timeout: 20_000 });
    const tracking = (await bench.page.getByTestId('tracking').textContent())!;
    await bench.page.getByTestId('queue').filter({ hasText: /To send: [1-9]/ }).waitFor();

    // Odoo comes back: the picking is validated with the label's tracking number.
    odoo.setOffline(false);
    station.worker.kick();
    await waitForEvent(station.events, 'state', (s) => s.step === 'done', 60_000, 'step done');
    const rpc = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey });
    const [picking] = (await rpc.executeKw('stock.picking', 'search_read', [[['name', '=', name]]], {
      fields: ['state', 'carrier_tracking_ref'],
    })) as { state: string; carrier_tracking_ref: string }[];
    expect(picking).toMatchObject({ state: 'done', carrier_tracking_ref: tracking.trim() });
    expect(printer.jobs).toHaveLength(1);
  });
});

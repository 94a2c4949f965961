// Outbox rows are bound to the Odoo (URL and database) they were written for. A bench packs an
// order while its Odoo is away, and is then started against another Odoo: the waiting write-back
// is never sent there; it goes to the shift lead's queue saying which Odoo it was packed for.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { ODOO_DISPATCH } from '../../electron/core/pack/effects';
import type { Station } from '../../electron/core/station';
import { openDatabase } from '../../electron/core/store/db';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { expectedParcelWeight } from '../support/expected-weight';
import { openSandboxStation, scanOn, startSandboxDevices, startSandboxStation, type SandboxDevices } from '../support/sandbox-rig';
import { tempDir } from '../support/temp-dir';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

let dir: ReturnType<typeof tempDir>;
let devices: SandboxDevices;
let second: SandboxOdoo;
let station: Station | null = null;

const scan = (code: string) => scanOn(station!, code);

beforeEach(async () => {
  dir = tempDir('packbench-binding-');
  // Two Odoos with the same seeded deliveries: the same picking ids and names exist in both.
  devices = await startSandboxDevices({ seed: 3 });
  second = await startSandboxOdoo({ port: 0, apiKey: devices.apiKey, seed: 3 });
});

afterEach(async () => {
  await station?.stop();
  station = null;
  await Promise.all([devices.close(), second.close()]);
  dir.remove();
});

describe('outbox binding', () => {
  it('never sends a write-back packed for one Odoo to another; the lead is told which', async () => {
    const { odoo: first, scale, apiKey } = devices;
    station = await startSandboxStation(devices, dir.path, { mode: 'live' });
    await scan('P-1');
    const name = first.state.sampleNames()[0]!;
    const opened = await scan(name);
    expect(opened.kind).toBe('order');
    first.setOffline(true);
    for (const code of unitScans(opened.state.order!.lines)) await scan(code);
    scale.setWeight(expectedParcelWeight(station), { motionMs: 200 });
    await waitForEvent(station.events, 'state', (s) => s.step === 'printed', 20_000, 'step printed');
    await station.stop();
    const waiting = openDatabase(dir.file('station.sqlite'));
    expect(waiting.prepare('SELECT binding, state FROM outbox WHERE kind = ?').get(ODOO_DISPATCH)).toEqual({
      binding: `${first.url}|${first.db}`,
      state: 'pending',
    });
    waiting.close();

    // The same bench, now set up for another Odoo.
    station = openSandboxStation({ ...devices, odoo: second }, dir.path, 'live');
    await station.start();
    const alert = await waitForEvent(station.events, 'queue', (q) => q.openExceptions > 0, 20_000, 'an exception');
    expect(alert.dead).toBe(1);
    const [ex] = station.exceptions.list('open');
    expect(ex).toMatchObject({ kind: 'dead_letter', orderRef: name });
    expect(ex!.title).toBe(`${name} was packed for another Odoo (${first.url}); it was not sent to this one.`);
    // Nothing was written to the second Odoo: no quantities, no package, no validation, no message.
    const writes = second.rpcLog.filter((e) => ['write', 'create', 'button_validate', 'message_post'].includes(e.method));
    expect(writes).toEqual([]);
    const rpc = new JsonRpcTransport({ url: second.url, db: second.db, login: second.login, apiKey });
    const pickings = await rpc.executeKw('stock.picking', 'search_read', [[['name', '=', name]]], { fields: ['state', 'carrier_tracking_ref'] });
    expect(pickings).toEqual([expect.objectContaining({ state: 'assigned', carrier_tracking_ref: false })]);
  });
});

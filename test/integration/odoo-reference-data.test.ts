// Records that never change under a bench (country codes, companies, warehouses) have one memory
// per station, shared by the prefetch, the scan and the dispatch (issue 14): after the prefetch has
// read a customer's country, packing and dispatching that customer's order asks Odoo for no
// country again. Through the station's API against the sandbox Odoo.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { messageMarker } from '../../electron/core/odoo/dispatch/chatter';
import { expectedParcelWeight } from '../support/expected-weight';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

let rig: SandboxRig<null>;

beforeAll(async () => {
  rig = await startSandboxRig({ seed: 4, scale: false });
  await waitForEvent(rig.station.events, 'state', (s) => s.cacheAge !== null, 20_000, 'order sync');
});
afterAll(() => rig?.close());

it("dispatches an order without reading its country again once the prefetch has read it", async () => {
  const odoo = rig.odoo;
  expect(odoo.rpcLog.some((e) => e.model === 'res.country')).toBe(true);
  const from = odoo.rpcLog.length;
  await rig.scan('P-1');
  const name = odoo.state.sampleNames()[0]!;
  const opened = await rig.scan(name);
  expect(opened.state.order?.name).toBe(name);
  for (const code of unitScans(opened.state.order!.lines)) await rig.scan(code);
  rig.station.pack.weighed(expectedParcelWeight(rig.station));
  const picking = odoo.state.all('stock.picking').find((p) => p.name === name)!;
  // Dispatched: validated, and its chatter message posted (the last step).
  const posted = () =>
    odoo.state.all('mail.message').some((m) => m.model === 'stock.picking' && m.res_id === picking.id && String(m.body).includes(messageMarker('')));
  await vi.waitFor(() => expect(posted()).toBe(true), { timeout: 20_000, interval: 50 });
  expect(odoo.state.get('stock.picking', picking.id)!.state).toBe('done');
  const calls = odoo.rpcLog.slice(from);
  expect(calls.filter((e) => e.model === 'res.country').map((e) => e.method)).toEqual([]);
});

// The training bench (`npm start` with no Odoo) maps the sandbox Odoo's GLS carrier to provider
// `odoo`: a trainee packing a GLS order gets the label the sandbox Odoo's carrier connector made
// when the bench validated the delivery, its barcode the connector's tracking number.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { bootStation, parseFlags, TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { decodeBarcodes, renderZplToPng } from '../support/label-decode';
import { scanOn } from '../support/sandbox-rig';
import { tempDir } from '../support/temp-dir';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

let dir: ReturnType<typeof tempDir>;
let booted: BootedStation | null = null;

beforeEach(() => (dir = tempDir('packbench-training-connector-')));
afterEach(async () => {
  await booted?.close();
  booted = null;
  dir.remove();
});

it("labels the training orders of Odoo's GLS carrier through the sandbox Odoo's connector: validated once, its number printed", async () => {
  booted = await bootStation(parseFlags(['--data-dir', dir.path]), { log: () => {}, identity: { scryptN: 1024 }, scaleOptions: { stableWindowMs: 300, reconnectMs: 200 } });
  const { odoo, printer } = booted.sandbox!;
  const state = odoo.state;
  const gls = state.all('delivery.carrier').find((c) => c.name === 'GLS Business Parcel')!;
  expect(gls).toMatchObject({ integration_level: 'rate_and_ship', delivery_type: 'gls' });
  const name = state.sampleNames().find((n) => {
    const picking = state.all('stock.picking').find((p) => p.name === n)!;
    const partner = state.get('res.partner', Number(picking.partner_id))!;
    return picking.carrier_id === gls.id && Boolean(partner.phone || partner.mobile);
  })!;
  const { station } = booted;
  await scanOn(station, TRAINING_PACKER_BADGE);
  const opened = await scanOn(station, name);
  for (const code of unitScans(opened.state.order!.lines)) await scanOn(station, code);
  // The simulated scale puts the parcel down by itself.
  const done = await waitForEvent(station.events, 'state', (s) => s.step === 'done', 30_000, 'step done');

  const picking = state.all('stock.picking').find((p) => p.name === name)!;
  expect(picking.state).toBe('done');
  // The packer reads the picking's own carrier, not the provider ("Odoo's carrier connector").
  expect(done.label).toMatchObject({ carrier: 'GLS Business Parcel', trackingNumber: picking.carrier_tracking_ref });
  expect(odoo.rpcLog.filter((e) => e.method === 'button_validate')).toHaveLength(1);
  expect(await decodeBarcodes(await renderZplToPng(printer!.jobs[0]!.toString('utf8')))).toContainEqual({ format: 'Code128', text: String(picking.carrier_tracking_ref) });
});

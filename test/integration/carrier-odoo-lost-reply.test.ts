// Lost reply with Odoo's carrier connector: the bench validates the picking, Odoo's connector buys
// the label (tracking ref, LabelShipping attachment), and the reply never reaches the bench (a proxy
// in front of the sandbox Odoo swallows it). The bench is killed with SIGKILL, started again on the
// same SQLite file, and must read the picking instead of validating it again: the sandbox's RPC log
// is the witness of exactly one validation, and Odoo holds one set of labels.
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import type { ScanReply } from '../../shared/api';
import type { SettingsPatch } from '../../shared/settings';
import { createStation, type Station } from '../../electron/core/station';
import { EnvSecretStore } from '../../electron/core/store/secret-store';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { startScaleSimulator, type ScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { startChildStation, startHoldingProxy, type ChildStation, type HoldingProxy } from '../support/child-station';
import { decodeBarcodes, renderZplToPng } from '../support/label-decode';
import { tempDir } from '../support/temp-dir';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

const odooKey = randomBytes(16).toString('hex');
const carriers: NonNullable<SettingsPatch['carriers']> = { byOdooCarrier: [{ odooCarrier: 'GLS Business Parcel', provider: 'odoo', service: 'connector' }] };

let dir: ReturnType<typeof tempDir> | null = null;
let odoo: SandboxOdoo | null = null;
let proxy: HoldingProxy | null = null;
let scale: ScaleSimulator | null = null;
let printer: PrinterSink | null = null;
let child: ChildStation | null = null;
let station: Station | null = null;

afterEach(async () => {
  await child?.kill9();
  await station?.stop();
  await Promise.all([odoo?.close(), proxy?.close(), scale?.close(), printer?.close()]);
  dir?.remove();
  child = station = odoo = proxy = scale = printer = dir = null;
});

it("validation done by Odoo's connector, its reply lost, then kill -9: after the restart one validation, one set of labels, the connector's number printed", async () => {
  dir = tempDir('packbench-connector-lost-');
  odoo = await startSandboxOdoo({ port: 0, apiKey: odooKey, seed: 40 });
  proxy = await startHoldingProxy(odoo.url);
  scale = await startScaleSimulator({});
  printer = await startPrinterSink({ port: 0 });
  const config = {
    dataDir: dir.path,
    odoo: { url: proxy.url, db: odoo.db, login: odoo.login },
    printerUri: printer.uri,
    scalePath: scale.appPath,
    carriers,
  };
  const state = odoo.state;
  const gls = state.all('delivery.carrier').find((c) => c.name === 'GLS Business Parcel')!;
  const picking = state.all('stock.picking').find((p) => {
    const partner = state.get('res.partner', Number(p.partner_id))!;
    return p.state === 'assigned' && p.carrier_id === gls.id && Boolean(partner.phone || partner.mobile);
  })!;
  child = await startChildStation(config, odooKey);

  await child.call('scan', { code: 'P-1' });
  const opened = await child.call<ScanReply>('scan', { code: String(picking.name) });
  for (const scan of unitScans(opened.state.order!.lines)) await child.call('scan', { code: scan });
  await child.waitFor('state', (s) => s.step === 'weighing', 15_000, 'step weighing');

  // Odoo validates and its connector makes the label; the bench never hears back, and dies.
  proxy.holdReplyTo(/button_validate/);
  scale.setWeight(await child.call<number>('__expectedWeight'), { motionMs: 300 });
  await proxy.held();
  expect(state.get('stock.picking', picking.id)).toMatchObject({ state: 'done', carrier_tracking_ref: expect.stringMatching(/^GL\d{12}$/) });
  expect(await child.kill9()).toBe('SIGKILL');
  child = null;

  station = createStation({
    dataDir: config.dataDir,
    mode: 'live',
    identity: { scryptN: 1024 },
    log: () => {},
    secrets: new EnvSecretStore({ PACKBENCH_SECRET_ODOO_API_KEY: odooKey }),
    overrides: { odoo: config.odoo, printer: { uri: config.printerUri }, scale: { path: config.scalePath, protocol: 'sics' }, carriers },
    scaleOptions: { stableWindowMs: 300, reconnectMs: 200 },
  });
  await station.start();
  // The label row was in flight when the bench died: it is looked up (the picking read), never applied again.
  const done = await waitForEvent(station.events, 'state', (s) => s.step === 'done', 20_000, 'step done');

  // The RPC log is the witness: validated once, before the crash.
  const validations = odoo.rpcLog.filter((e) => e.model === 'stock.picking' && e.method === 'button_validate');
  expect(validations).toHaveLength(1);
  const ref = String(state.get('stock.picking', picking.id)!.carrier_tracking_ref);
  expect(done.label?.trackingNumber).toBe(ref);
  const attachments = state.all('ir.attachment').filter((a) => a.res_model === 'stock.picking' && a.res_id === picking.id);
  expect(attachments.map((a) => a.name)).toEqual([`LabelShipping-gls-${ref}.zpl`]);
  // One package, the bench's, made before the validation and never again.
  const packages = state.all('stock.quant.package').filter((p) => state.all('stock.move.line').some((l) => l.picking_id === picking.id && l.result_package_id === p.id));
  expect(packages).toHaveLength(1);
  expect(state.all('stock.quant.package').filter((p) => p.name === packages[0]!.name)).toHaveLength(1);
  expect(printer.jobs).toHaveLength(1);
  expect(await decodeBarcodes(await renderZplToPng(printer.jobs[0]!.toString('utf8')))).toContainEqual({ format: 'Code128', text: ref });
  // Done means Odoo has the dispatch too: the bench's chatter line, once.
  expect(state.all('mail.message').filter((m) => m.res_id === picking.id && String(m.body).includes(`Tracking ${ref}`))).toHaveLength(1);
});

// Lost reply: the provider bought the label and the reply was dropped. The core runs in a child
// process, the sandbox carrier in this one (so the kill does not reset its purchase log, the
// witness); the bench dies with the purchase made and unheard of, is started again on the same
// SQLite file, and must find the label by our key instead of buying a second one. The label it
// prints decodes to the provider's tracking number, and Odoo's carrier_tracking_ref is that number.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScanReply } from '../../shared/api';
import type { SettingsPatch } from '../../shared/settings';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { createStation, type Station } from '../../electron/core/station';
import { EnvSecretStore } from '../../electron/core/store/secret-store';
import type { CarrierServer, Purchase } from '../../electron/sandbox/carriers/http';
import { startSandboxShipEngine } from '../../electron/sandbox/carriers/shipengine';
import { startSandboxShippo } from '../../electron/sandbox/carriers/shippo';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { startScaleSimulator, type ScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { startChildStation, type ChildStation } from '../support/child-station';
import { decodeBarcodes, renderZplToPng } from '../support/label-decode';
import { tempDir } from '../support/temp-dir';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

const odooKey = randomBytes(16).toString('hex');
const carrierKey = `TEST_${randomBytes(8).toString('hex')}`;

interface Provider {
  code: 'shipengine' | 'shippo';
  start(): Promise<CarrierServer & { purchases: Purchase[] }>;
  carriers(url: string): NonNullable<SettingsPatch['carriers']>;
}

const providers: Provider[] = [
  {
    code: 'shipengine',
    start: () => startSandboxShipEngine({ apiKey: carrierKey }),
    carriers: (url) => ({ default: { provider: 'shipengine', service: 'sandbox_ground' }, shipengine: { baseUrl: url, carrierId: 'se-123456' } }),
  },
  {
    code: 'shippo',
    start: () => startSandboxShippo({ apiKey: carrierKey }),
    carriers: (url) => ({ default: { provider: 'shippo', service: 'shippo_ground' }, shippo: { baseUrl: url } }),
  },
];

let dir: ReturnType<typeof tempDir> | null = null;
let odoo: SandboxOdoo | null = null;
let carrier: (CarrierServer & { purchases: Purchase[] }) | null = null;
let scale: ScaleSimulator | null = null;
let printer: PrinterSink | null = null;
let child: ChildStation | null = null;
let station: Station | null = null;

afterEach(async () => {
  await child?.kill9();
  await station?.stop();
  await Promise.all([odoo?.close(), carrier?.close(), scale?.close(), printer?.close()]);
  dir?.remove();
  child = station = odoo = carrier = scale = printer = dir = null;
});

describe.each(providers)('$code: a purchase whose reply was lost, then kill -9', ({ code, start, carriers }) => {
  it('ends with exactly one label bought, printed with the carrier’s tracking number, and that number in Odoo', async () => {
    dir = tempDir('packbench-lost-reply-');
    odoo = await startSandboxOdoo({ port: 0, apiKey: odooKey, seed: 3 });
    carrier = await start();
    scale = await startScaleSimulator({});
    printer = await startPrinterSink({ port: 0 });
    const secretEnv = { [`PACKBENCH_SECRET_CARRIER_${code.toUpperCase()}_API_KEY`]: carrierKey };
    const config = {
      dataDir: dir.path,
      odoo: { url: odoo.url, db: odoo.db, login: odoo.login },
      printerUri: printer.uri,
      scalePath: scale.appPath,
      carriers: carriers(carrier.url),
    };
    child = await startChildStation(config, odooKey, 30_000, secretEnv);

    const rpc = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: odooKey });
    const [picking] = (await rpc.executeKw('stock.picking', 'search_read', [[['state', '=', 'assigned']]], { fields: ['name'], order: 'id asc', limit: 1 })) as {
      id: number;
      name: string;
    }[];
    await child.call('scan', { code: 'P-1' });
    const opened = await child.call<ScanReply>('scan', { code: picking!.name });
    for (const scan of unitScans(opened.state.order!.lines)) await child.call('scan', { code: scan });
    await child.waitFor('state', (s) => s.step === 'weighing', 15_000, 'step weighing');
    // The parcel's box: Shippo needs its size. Box S weighs 180 g empty, 30 g over the bench's tare.
    await child.call('scan', { code: 'PT-BOX-S' });

    // The carrier buys the label and the bench never hears back; it waits to try again, and dies.
    carrier.setKnobs({ dropAfterPurchase: 1 });
    scale.setWeight((await child.call<number>('__expectedWeight')) + 30, { motionMs: 300 });
    await child.waitFor('connectivity', (c) => c.targets.some((t) => t.target === `carrier:${code}` && t.status === 'retrying'), 20_000, `carrier:${code} retrying`);
    expect(carrier.purchases).toHaveLength(1);
    expect(await child.kill9()).toBe('SIGKILL');
    child = null;

    station = createStation({
      dataDir: config.dataDir,
      mode: 'live',
      identity: { scryptN: 1024 },
      log: () => {},
      secrets: new EnvSecretStore({ PACKBENCH_SECRET_ODOO_API_KEY: odooKey, ...secretEnv }),
      overrides: { odoo: config.odoo, printer: { uri: config.printerUri }, scale: { path: config.scalePath, protocol: 'sics' }, carriers: config.carriers },
      scaleOptions: { stableWindowMs: 300, reconnectMs: 200 },
    });
    await station.start();
    const done = await waitForEvent(station.events, 'state', (s) => s.step === 'done', 30_000, 'step done');

    // The purchase log is the witness: one label, the one bought before the crash.
    expect(carrier.purchases).toHaveLength(1);
    const [bought] = carrier.purchases[0]!.trackingNumbers;
    expect(done.label?.trackingNumber).toBe(bought);
    expect(printer.jobs).toHaveLength(1);
    const codes = await decodeBarcodes(await renderZplToPng(printer.jobs[0]!.toString('utf8')));
    expect(codes).toContainEqual({ format: 'Code128', text: bought });
    const [after] = (await rpc.executeKw('stock.picking', 'read', [[picking!.id]], { fields: ['state', 'carrier_tracking_ref'] })) as { state: string; carrier_tracking_ref: string }[];
    expect(after).toMatchObject({ state: 'done', carrier_tracking_ref: bought });
    expect(carrier.contractFailures).toEqual([]);
  });
});

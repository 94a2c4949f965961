// A dispatch to Odoo is several calls (package, picking write, validation, attachment, chatter
// message). The bench may die right after any of them took effect in Odoo and before it heard the
// answer. For each step: the core runs in a child process, a proxy in front of the sandbox Odoo
// swallows that step's reply, the core is killed with SIGKILL, started again on the same SQLite file
// and left to drain. Odoo must end exactly as after an uninterrupted run: the picking done with our
// tracking ref, one package with the parcel's weight, one label attachment, one chatter message.
// Odoo 16 and 17 are spoken to over JSON-RPC, 19 over JSON-2 (the proxy matches the path there).
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScanReply } from '../../shared/api';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { createStation, type Station } from '../../electron/core/station';
import { EnvSecretStore } from '../../electron/core/store/secret-store';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { startScaleSimulator, type ScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { startChildStation, startHoldingProxy, type ChildStation, type HoldingProxy } from '../support/child-station';
import { tempDir } from '../support/temp-dir';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

const apiKey = randomBytes(16).toString('hex');

/** The dispatch steps, in the order the bench makes them, and how to recognise each call. */
const steps = [
  { step: 'package created', call: /(stock\.quant\.package|stock\.package)("\s*,\s*"|\/)create\b/ },
  { step: 'picking written', call: /stock\.picking("\s*,\s*"|\/)write\b/ },
  { step: 'picking validated', call: /button_validate/ },
  { step: 'label attached', call: /ir\.attachment("\s*,\s*"|\/)create\b/ },
  { step: 'chatter message posted', call: /stock\.picking("\s*,\s*"|\/)message_post\b/ },
] as const;

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

/** What Odoo holds for one picking after the bench is done with it. */
async function odooStateOf(rpc: JsonRpcTransport, pickingId: number, tracking: string, version: number) {
  const [picking] = (await rpc.executeKw('stock.picking', 'read', [[pickingId]], { fields: ['state', 'carrier_tracking_ref'] })) as {
    state: string;
    carrier_tracking_ref: string | false;
  }[];
  const packageModel = version >= 19 ? 'stock.package' : 'stock.quant.package';
  const packages = (await rpc.executeKw(packageModel, 'search_read', [[['name', '=', tracking]]], { fields: ['shipping_weight'] })) as {
    shipping_weight: number;
  }[];
  const attachments = (await rpc.executeKw('ir.attachment', 'search_read', [[['res_model', '=', 'stock.picking'], ['res_id', '=', pickingId]]], {
    fields: ['name'],
  })) as { name: string }[];
  const messages = (await rpc.executeKw('mail.message', 'search_read', [[['model', '=', 'stock.picking'], ['res_id', '=', pickingId]]], {
    fields: ['body'],
  })) as { body: string | false }[];
  return {
    state: picking!.state,
    trackingRef: picking!.carrier_tracking_ref,
    packages: packages.map((p) => p.shipping_weight),
    attachments: attachments.map((a) => a.name),
    packedMessages: messages.filter((m) => typeof m.body === 'string' && m.body.includes(tracking)).length,
  };
}

describe.each([16, 17, 19] as const)('Odoo %i: a dispatch replayed after kill -9', (version) => {
  it.each(steps.map(({ step, call }) => [step, call] as const))('after "%s" took effect with its reply lost, ends as an uninterrupted run', async (_step, call) => {
    dir = tempDir('packbench-replay-');
    odoo = await startSandboxOdoo({ port: 0, apiKey, seed: 3, version });
    proxy = await startHoldingProxy(odoo.url);
    scale = await startScaleSimulator({});
    printer = await startPrinterSink({ port: 0 });
    const rpc = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey });
    const config = {
      dataDir: dir.path,
      odoo: { url: proxy.url, db: odoo.db, login: odoo.login },
      printerUri: printer.uri,
      scalePath: scale.appPath,
    };
    child = await startChildStation(config, apiKey);

    const [picking] = (await rpc.executeKw('stock.picking', 'search_read', [[['state', '=', 'assigned']]], {
      fields: ['name'],
      order: 'id asc',
      limit: 1,
    })) as { id: number; name: string }[];
    await child.call('scan', { code: 'P-1' });
    const opened = await child.call<ScanReply>('scan', { code: picking!.name });
    for (const code of unitScans(opened.state.order!.lines)) await child.call('scan', { code });
    await child.waitFor('state', (s) => s.step === 'weighing', 15_000, 'step weighing');

    // Odoo makes this step; the bench never hears back, and dies.
    proxy.holdReplyTo(call);
    const grams = await child.call<number>('__expectedWeight');
    scale.setWeight(grams, { motionMs: 300 });
    const printed = await child.waitFor('state', (s) => s.label?.printState === 'confirmed', 20_000, 'label confirmed');
    const tracking = printed.label!.trackingNumber!;
    await proxy.held();
    expect(await child.kill9()).toBe('SIGKILL');
    child = null;

    // Started again on the same file: the in-flight dispatch is looked up and finished.
    station = createStation({
      dataDir: config.dataDir,
      mode: 'live',
      identity: { scryptN: 1024 },
      log: () => {},
      secrets: new EnvSecretStore({ PACKBENCH_SECRET_ODOO_API_KEY: apiKey }),
      overrides: { odoo: config.odoo, printer: { uri: config.printerUri }, scale: { path: config.scalePath, protocol: 'sics' } },
      scaleOptions: { stableWindowMs: 300, reconnectMs: 200 },
    });
    await station.start();
    await waitForEvent(station.events, 'state', (s) => s.step === 'done', 30_000, 'step done');

    expect(await odooStateOf(rpc, picking!.id, tracking, version)).toEqual({
      state: 'done',
      trackingRef: tracking,
      packages: [Math.round(printed.label!.weightG) / 1000],
      attachments: [`LabelShipping-local-${tracking}.zpl`],
      packedMessages: 1,
    });
    expect(odoo.rpcLog.filter((e) => e.method === 'button_validate' && !e.error)).toHaveLength(1);
    // Nothing printed twice either.
    expect(printer.jobs).toHaveLength(1);
  });
});

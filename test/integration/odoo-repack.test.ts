// A delivery re-addressed in Odoo while its parcel was being packed: the dispatch is refused as a
// conflict (never overwritten), and the shift lead's "repack" frees the order so the packer scans it
// again and gets a label for the new address, which then reaches Odoo. Real SQLite, pty scale, TCP
// printer and the sandbox Odoo over HTTP.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScanReply, StationState } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { createStation, type Station } from '../../electron/core/station';
import { startSandboxOdoo } from '../../electron/sandbox/odoo/server';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { startScaleSimulator, type ScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { tempDir } from '../support/temp-dir';
import { unitScans } from '../support/unit-scans';
import { expectedParcelWeight } from '../support/expected-weight';
import { waitForEvent } from '../support/wait';

type SandboxOdoo = Awaited<ReturnType<typeof startSandboxOdoo>>;

let dir: ReturnType<typeof tempDir>;
let odoo: SandboxOdoo;
let scale: ScaleSimulator;
let printer: PrinterSink;
let station: Station;
let rpc: JsonRpcTransport;
const apiKey = randomBytes(16).toString('hex');

function openStation(): Station {
  return createStation({
    dataDir: dir.path,
    mode: 'training',
    identity: { scryptN: 1024 },
    log: () => {},
    odooApiKey: apiKey,
    overrides: {
      odoo: { url: odoo.url, db: odoo.db, login: odoo.login },
      printer: { uri: printer.uri },
      scale: { path: scale.appPath, protocol: 'sics' },
    },
    scaleOptions: { stableWindowMs: 300, reconnectMs: 200 },
  });
}

async function scan(code: string): Promise<ScanReply> {
  const result = await dispatch(station.handlers, 'scan', { code });
  if (!result.ok) throw new Error(`scan ${code} failed: ${result.error.message}`);
  return result.value as ScanReply;
}

const untilStep = (step: StationState['step'], timeoutMs = 15_000) =>
  waitForEvent(station.events, 'state', (s) => s.step === step, timeoutMs, `step ${step}`);

async function readyPickings(): Promise<{ id: number; name: string }[]> {
  return (await rpc.executeKw('stock.picking', 'search_read', [[['state', '=', 'assigned']]], {
    fields: ['name'],
    order: 'id asc',
  })) as { id: number; name: string }[];
}

beforeEach(async () => {
  dir = tempDir();
  odoo = await startSandboxOdoo({ port: 0, apiKey, seed: 6 });
  rpc = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey });
  scale = await startScaleSimulator({});
  printer = await startPrinterSink({ port: 0 });
  station = openStation();
  station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
  await station.start();
});

afterEach(async () => {
  await station.stop();
  await Promise.all([odoo.close(), scale.close(), printer.close()]);
  dir.remove();
});

describe('repack after an Odoo conflict', () => {
  it('a re-addressed delivery is held, repacked with a label for the new address, then shipped', async () => {
    const [picking] = await readyPickings();
    await scan('P-1');
    const opened = await scan(picking!.name);
    expect(opened.kind).toBe('order');

    // Someone changes the customer's street in Odoo while the packer works.
    const partnerId = (odoo.state.get('stock.picking', picking!.id)!.partner_id as number);
    odoo.state.update('res.partner', partnerId, { street: 'Corso Como 2', zip: '20154' });

    for (const code of unitScans(opened.state.order!.lines)) await scan(code);
    await untilStep('weighing');
    scale.setWeight(expectedParcelWeight(station) + 12, { motionMs: 300 });
    await printer.nextJob();

    // The dispatch is refused as a conflict: Odoo is not touched.
    await waitForEvent(station.events, 'queue', (q) => q.openExceptions > 0, 15_000, 'a conflict');
    const [conflict] = station.exceptions.list('open');
    expect(conflict).toMatchObject({ kind: 'odoo_conflict', orderRef: picking!.name, choices: ['retry', 'discard', 'repack'] });
    expect(conflict!.context).toMatchObject({ change: 'readdressed' });
    expect(odoo.state.get('stock.picking', picking!.id)).toMatchObject({ state: 'assigned', carrier_tracking_ref: false });

    const lead = station.identities.addStaff({ badge: 'L-1', name: 'Lena', role: 'lead', pin: '482913' });
    expect(lead).toBeTruthy();
    const resolved = await dispatch(station.handlers, 'resolveException', {
      id: conflict!.id,
      resolution: 'repack',
      note: 'customer moved',
      approval: { pin: '482913' },
    });
    expect(resolved.ok).toBe(true);
    expect(station.pack.step()).toBe('idle');
    expect(station.db.prepare(`SELECT state FROM outbox WHERE id = ?`).get(conflict!.context.outboxId)).toEqual({ state: 'discarded' });

    // Scanned again: the order comes from Odoo as it is now, and the new label carries the new street.
    scale.setWeight(0);
    await waitForEvent(station.events, 'scale', (s) => s.stable && (s.grams ?? 1) === 0, 10_000);
    const again = await scan(picking!.name);
    expect(again.kind).toBe('order');
    for (const code of unitScans(again.state.order!.lines)) await scan(code);
    await untilStep('weighing');
    scale.setWeight(expectedParcelWeight(station) + 12, { motionMs: 300 });
    const zpl = (await printer.nextJob()).toString('utf8');
    expect(zpl).toContain('Corso Como 2');
    const done = await untilStep('done');
    const [after] = (await rpc.executeKw('stock.picking', 'read', [[picking!.id]], { fields: ['state', 'carrier_tracking_ref'] })) as {
      state: string;
      carrier_tracking_ref: string;
    }[];
    expect(after).toEqual({ id: picking!.id, state: 'done', carrier_tracking_ref: done.label!.trackingNumber });
    expect(station.exceptions.list('open')).toEqual([]);
  });
});

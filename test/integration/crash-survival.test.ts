// kill -9 in the middle of an order. The station runs in a child process against real SQLite, a real
// pty scale, a real TCP printer sink and the sandbox Odoo over HTTP; the test kills it with SIGKILL
// at a named point, reads what the SQLite file kept, and starts the station again on the same file.
//   after an accepted scan:      the scan and the packed count are there; the order resumes mid-packing
//   Odoo validated, reply lost:  the shipment, label and print are there; the dispatch is looked up,
//                                finished once, and the label is not printed again
//   label bytes at the printer:  the print is uncertain, never repeated by itself; the packer answers
//   parcel left on the scale:    after the weight or the label of order A, the next order is not
//                                weighed until the scale went back to zero and settled again
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScanReply, StationState } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { createStation, type Station } from '../../electron/core/station';
import { listAudit, verifyAudit } from '../../electron/core/store/audit';
import { ODOO_DISPATCH } from '../../electron/core/pack/effects';
import { openDatabase } from '../../electron/core/store/db';
import { EnvSecretStore } from '../../electron/core/store/secret-store';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { startScaleSimulator, type ScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { startChildStation, startHoldingProxy, type ChildStation, type HoldingProxy } from '../support/child-station';
import { tempDir } from '../support/temp-dir';
import { expectedParcelWeight } from '../support/expected-weight';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';
import { stationDb } from '../support/station-db';

let dir: ReturnType<typeof tempDir>;
let odoo: SandboxOdoo;
let proxy: HoldingProxy;
let scale: ScaleSimulator;
let printer: PrinterSink;
let rpc: JsonRpcTransport;
let child: ChildStation | null = null;
let station: Station | null = null;
/** Called when label bytes reach the printer (a test may kill the bench right then). */
let onPrinterBytes: (() => void) | null = null;
const apiKey = randomBytes(16).toString('hex');

const config = () => ({
  dataDir: dir.path,
  odoo: { url: proxy.url, db: odoo.db, login: odoo.login },
  printerUri: printer.uri,
  scalePath: scale.appPath,
});

/** The same bench started again in this process, on the file the killed one left behind. */
async function restart(): Promise<Station> {
  const c = config();
  station = createStation({
    dataDir: c.dataDir,
    mode: 'live',
    identity: { scryptN: 1024 },
    log: () => {},
    secrets: new EnvSecretStore({ PACKBENCH_SECRET_ODOO_API_KEY: apiKey }),
    overrides: { odoo: c.odoo, printer: { uri: c.printerUri }, scale: { path: c.scalePath, protocol: 'sics' } },
    scaleOptions: { stableWindowMs: 300, reconnectMs: 200 },
  });
  await station.start();
  return station;
}

async function scanIn(s: Station, code: string): Promise<ScanReply> {
  const result = await dispatch(s.handlers, 'scan', { code });
  if (!result.ok) throw new Error(`scan ${code} failed: ${result.error.message}`);
  return result.value as ScanReply;
}

/** Read the file the killed process left, before anything else touches it. */
function inspect<T>(read: (db: ReturnType<typeof openDatabase>) => T): T {
  const db = openDatabase(join(dir.path, 'station.sqlite'));
  try {
    return read(db);
  } finally {
    db.close();
  }
}

async function readyPickings(): Promise<{ id: number; name: string }[]> {
  return (await rpc.executeKw('stock.picking', 'search_read', [[['state', '=', 'assigned']]], {
    fields: ['name'],
    order: 'id asc',
  })) as { id: number; name: string }[];
}

beforeEach(async () => {
  dir = tempDir('packbench-crash-');
  odoo = await startSandboxOdoo({ port: 0, apiKey, seed: 6 });
  proxy = await startHoldingProxy(odoo.url);
  rpc = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey });
  scale = await startScaleSimulator({});
  onPrinterBytes = null;
  printer = await startPrinterSink({
    port: 0,
    onData: (chunk) => {
      if (chunk.includes('^XA')) onPrinterBytes?.();
    },
  });
  child = await startChildStation(config(), apiKey);
});

afterEach(async () => {
  await child?.kill9();
  child = null;
  await station?.stop();
  station = null;
  await Promise.all([odoo.close(), proxy.close(), scale.close(), printer.close()]);
  dir.remove();
});

describe('kill -9 mid-order', () => {
  it('keeps an accepted item scan, and the order resumes at the same step with it counted', async () => {
    await child!.call('scan', { code: 'P-1' });
    // An order with more than one item, so the kill lands with the order half packed.
    let opened: ScanReply | null = null;
    for (const p of await readyPickings()) {
      const reply = await child!.call<ScanReply>('scan', { code: p.name });
      if (reply.state.order!.lines.reduce((n, l) => n + l.quantity, 0) > 1) {
        opened = reply;
        break;
      }
      await child!.call('scan', { code: '*PB*CANCEL' });
    }
    expect(opened).not.toBeNull();
    const order = opened!.state.order!;
    const [first, ...rest] = unitScans(order.lines);
    const accepted = await child!.call<ScanReply>('scan', { code: first! });
    expect(accepted).toMatchObject({ kind: 'product', message: { tone: 'success' } });

    // The packer saw "1 of N": now the power cord is pulled.
    expect(await child!.kill9()).toBe('SIGKILL');
    child = null;

    const kept = inspect((db) => ({
      session: db.prepare('SELECT id, step, active FROM pack_sessions WHERE active = 1').get() as { id: number; step: string },
      packed: (db.prepare('SELECT coalesce(sum(packed), 0) AS n FROM packed_lines p JOIN pack_sessions s ON s.id = p.session_id WHERE s.active = 1').get() as { n: number }).n,
      // listAudit is newest first.
      items: listAudit(db, 1000).reverse().filter((a) => a.action === 'pack.item').map((a) => (a.data as { code: string }).code),
      scans: listAudit(db, 1000).reverse().filter((a) => a.action === 'scan').map((a) => (a.data as { code: string }).code),
      chain: verifyAudit(db),
    }));
    expect(kept.session).toMatchObject({ step: 'packing', active: 1 });
    expect(kept.packed).toBe(1);
    expect(kept.items).toEqual([first]);
    expect(kept.scans.at(-1)).toBe(first);
    expect(kept.chain.ok).toBe(true);

    const again = await restart();
    const state = (await dispatch(again.handlers, 'getState', {})) as { ok: true; value: StationState };
    expect(state.value).toMatchObject({ step: 'packing', packer: { name: 'Pia' }, order: { name: order.name } });
    expect(state.value.order!.lines.reduce((n, l) => n + l.packed, 0)).toBe(1);
    // The rest of the order packs on from there: nothing is counted twice, nothing is asked again.
    for (const code of rest) expect((await scanIn(again, code)).message.tone).toBe('success');
    await waitForEvent(again.events, 'state', (s) => s.step === 'weighing', 10_000, 'step weighing');
  });

  it('keeps the shipment when it dies while Odoo validates, then finishes the dispatch once without printing again', async () => {
    const [picking] = await readyPickings();
    await child!.call('scan', { code: 'P-1' });
    const opened = await child!.call<ScanReply>('scan', { code: picking!.name });
    for (const code of unitScans(opened.state.order!.lines)) await child!.call('scan', { code });
    await child!.waitFor('state', (s) => s.step === 'weighing', 15_000, 'step weighing');

    // Odoo will validate the picking, but its answer never reaches the bench.
    proxy.holdReplyTo(/"button_validate"/);
    scale.setWeight(await child!.call<number>('__expectedWeight'), { motionMs: 300 });
    const printed = await child!.waitFor('state', (s) => s.label?.printState === 'confirmed', 20_000, 'label confirmed');
    await proxy.held();
    const tracking = printed.label!.trackingNumber!;
    expect(tracking).toMatch(/^PB[0-9A-F]{10}$/);

    expect(await child!.kill9()).toBe('SIGKILL');
    child = null;

    // Odoo did it; the bench never heard.
    const [inOdoo] = (await rpc.executeKw('stock.picking', 'read', [[picking!.id]], { fields: ['state', 'carrier_tracking_ref'] })) as {
      state: string;
      carrier_tracking_ref: string;
    }[];
    expect(inOdoo).toMatchObject({ state: 'done', carrier_tracking_ref: tracking });

    const kept = inspect((db) => ({
      shipment: db.prepare('SELECT status, tracking_number FROM shipments').all(),
      label: db.prepare('SELECT l.format, l.bytes FROM labels l JOIN parcels p ON p.id = l.parcel_id WHERE p.tracking_number = ?').all(tracking) as { format: string; bytes: Buffer }[],
      prints: db.prepare('SELECT state FROM print_jobs').pluck().all(),
      outbox: db.prepare('SELECT kind, state FROM outbox ORDER BY id').all(),
      step: db.prepare('SELECT step FROM pack_sessions WHERE active = 1').pluck().get(),
      chain: verifyAudit(db),
    }));
    expect(kept.shipment).toEqual([{ status: 'printed', tracking_number: tracking }]);
    expect(kept.label).toHaveLength(1);
    expect(kept.label[0]!.bytes.toString('utf8')).toContain(tracking);
    expect(kept.prints).toEqual(['confirmed']);
    expect(kept.outbox).toContainEqual({ kind: ODOO_DISPATCH, state: 'in_flight' });
    expect(kept.step).toBe('printed');
    expect(kept.chain.ok).toBe(true);

    // Started again: the in-flight dispatch is looked up (validated, label not attached yet) and finished.
    const again = await restart();
    const done = await waitForEvent(again.events, 'state', (s) => s.step === 'done', 30_000, 'step done');
    expect(done.label).toMatchObject({ trackingNumber: tracking, printState: 'confirmed' });
    expect(printer.jobs).toHaveLength(1);

    const attachments = (await rpc.executeKw('ir.attachment', 'search_read', [[['res_model', '=', 'stock.picking'], ['res_id', '=', picking!.id]]], {
      fields: ['name'],
    })) as { name: string }[];
    expect(attachments.map((a) => a.name)).toEqual([`LabelShipping-local-${tracking}.zpl`]);
    const notes = (await rpc.executeKw('mail.message', 'search_read', [[['model', '=', 'stock.picking'], ['res_id', '=', picking!.id]]], {
      fields: ['body'],
    })) as { body: string }[];
    expect(notes.filter((n) => n.body.includes(tracking))).toHaveLength(1);
    expect(odoo.rpcLog.filter((e) => e.method === 'button_validate')).toHaveLength(1);
    expect(listAudit(stationDb(again), 1000).some((a) => a.action === 'outbox.recovered')).toBe(true);
    expect(verifyAudit(stationDb(again)).ok).toBe(true);
  });

  it('never prints a label twice by itself when it dies while the label goes to the printer; the packer is asked', async () => {
    const [picking] = await readyPickings();
    await child!.call('scan', { code: 'P-1' });
    const opened = await child!.call<ScanReply>('scan', { code: picking!.name });
    for (const code of unitScans(opened.state.order!.lines)) await child!.call('scan', { code });
    await child!.waitFor('state', (s) => s.step === 'weighing', 15_000, 'step weighing');

    const killed = new Promise<NodeJS.Signals | null>((resolve) => (onPrinterBytes = () => resolve(child!.kill9())));
    scale.setWeight(await child!.call<number>('__expectedWeight'), { motionMs: 300 });
    expect(await killed).toBe('SIGKILL');
    child = null;
    const bytes = await printer.nextJob();
    expect(bytes.toString('utf8')).toMatch(/^\^XA/);

    const kept = inspect((db) => ({
      prints: db.prepare('SELECT state FROM print_jobs').pluck().all(),
      shipment: db.prepare('SELECT status, tracking_number FROM shipments').get() as { status: string; tracking_number: string },
      chain: verifyAudit(db),
    }));
    // The label was stored and journaled before a byte went out; the kill came before the answer.
    expect(kept.prints).toEqual(['sent']);
    expect(kept.shipment.tracking_number).toMatch(/^PB[0-9A-F]{10}$/);
    expect(bytes.toString('utf8')).toContain(kept.shipment.tracking_number);
    expect(kept.chain.ok).toBe(true);

    const again = await restart();
    const state = (await dispatch(again.handlers, 'getState', {})) as { ok: true; value: StationState };
    expect(state.value.label).toMatchObject({ trackingNumber: kept.shipment.tracking_number, printState: 'uncertain' });
    expect(state.value.nextAction).toBe('Check the printer, then scan PRINT');
    // The worker and the print loop have run: still the one copy at the printer.
    await again.worker.runOnce();
    expect(printer.jobs).toHaveLength(1);

    // A whole label came out: the packer says so, and the order goes on without a second copy.
    const answered = await scanIn(again, '*PB*PRINTED');
    expect(answered.state.label?.printState).toBe('confirmed');
    await waitForEvent(again.events, 'state', (s) => s.step === 'done', 30_000, 'step done');
    expect(printer.jobs).toHaveLength(1);
  });
});

describe('kill -9 with the parcel still on the scale', () => {
  /** Polls of the scale (250 ms each) well past the 300 ms stable window the bench needs to capture. */
  const PAST_CAPTURE_POLLS = 12;

  /** Open an order on the bench and scan every item: it waits for its weight. */
  async function packToWeighing(scan: (code: string) => Promise<ScanReply>, name: string): Promise<void> {
    const opened = await scan(name);
    expect(opened.state.order?.name).toBe(name);
    for (const code of unitScans(opened.state.order!.lines)) expect((await scan(code)).message.tone).toBe('success');
  }

  /** After the restart the first order runs to done; a print cut off by the kill is answered as printed. */
  async function finishFirstOrder(again: Station): Promise<void> {
    const settled = await waitForEvent(again.events, 'state', (s) => s.step === 'done' || s.label?.printState === 'uncertain', 30_000, 'order done or print uncertain');
    if (settled.step !== 'done') await scanIn(again, '*PB*PRINTED');
    await waitForEvent(again.events, 'state', (s) => s.step === 'done', 30_000, 'step done');
  }

  const killPoints = [
    { when: 'as the weight is recorded', killAt: (s: StationState) => s.step === 'labelling' },
    { when: 'once the label is printed', killAt: (s: StationState) => s.label?.printState === 'confirmed' },
  ];

  it.each(killPoints)('does not weigh the next order with the previous parcel when killed $when', async ({ killAt }) => {
    const [a, b] = await readyPickings();
    await child!.call('scan', { code: 'P-1' });
    await packToWeighing((code) => child!.call<ScanReply>('scan', { code }), a!.name);
    await child!.waitFor('state', (s) => s.step === 'weighing', 15_000, 'A weighing');
    const weightA = await child!.call<number>('__expectedWeight');
    scale.setWeight(weightA, { motionMs: 300 });
    await child!.waitFor('state', killAt, 20_000, 'the kill point');
    expect(await child!.kill9()).toBe('SIGKILL');
    child = null;

    // Started again; parcel A never left the platform.
    const again = await restart();
    await finishFirstOrder(again);
    expect(stationDb(again).prepare('SELECT weight_g FROM parcels').pluck().all()).toEqual([weightA]);

    await packToWeighing((code) => scanIn(again, code), b!.name);
    await waitForEvent(again.events, 'state', (s) => s.step === 'weighing' && s.order?.name === b!.name, 10_000, 'B weighing');
    const weightB = expectedParcelWeight(again);
    // The scale reads A's parcel, settled, for several capture windows: B must not take it.
    await waitForEvent(again.events, 'scale', (e) => e.status === 'ok' && e.grams === weightA, 10_000, 'scale settled on parcel A');
    await scale.waitForPolls(scale.polls() + PAST_CAPTURE_POLLS);
    const weighingsOfB = () =>
      listAudit(stationDb(again), 1000).filter((e) => e.subject === b!.name && (e.action === 'pack.weighed' || e.action === 'pack.weight_held'));
    expect(weighingsOfB()).toEqual([]);
    expect((await dispatch(again.handlers, 'getState', {})) as { ok: true; value: StationState }).toMatchObject({
      value: { step: 'weighing', order: { name: b!.name } },
    });

    // A is taken off (the scale reads zero), B goes on: B's own weight is captured.
    scale.setWeight(0, { motionMs: 300 });
    await waitForEvent(again.events, 'scale', (e) => e.status === 'ok' && e.grams === 0, 10_000, 'scale back at zero');
    scale.setWeight(weightB, { motionMs: 300 });
    await waitForEvent(again.events, 'state', (s) => s.order?.name === b!.name && s.step !== 'weighing', 10_000, 'B weighed');
    expect(weighingsOfB().map((e) => [e.action, (e.data as { weightG: number }).weightG])).toEqual([['pack.weighed', weightB]]);
  });

  it('still weighs the same order with its parcel when killed before the weight was recorded', async () => {
    const [a] = await readyPickings();
    await child!.call('scan', { code: 'P-1' });
    await packToWeighing((code) => child!.call<ScanReply>('scan', { code }), a!.name);
    await child!.waitFor('state', (s) => s.step === 'weighing', 15_000, 'A weighing');
    const weightA = await child!.call<number>('__expectedWeight');
    // The parcel is put down and still swinging when the power goes.
    scale.setWeight(weightA, { motionMs: 60_000 });
    await child!.waitFor('scale', (e) => e.status === 'motion', 10_000, 'scale in motion');
    expect(await child!.kill9()).toBe('SIGKILL');
    child = null;

    const again = await restart();
    expect((await dispatch(again.handlers, 'getState', {})) as { ok: true; value: StationState }).toMatchObject({ value: { step: 'weighing' } });
    scale.setWeight(weightA);
    await waitForEvent(again.events, 'state', (s) => s.step !== 'weighing', 10_000, 'A weighed');
    expect(stationDb(again).prepare('SELECT weight_g FROM parcels').pluck().all()).toEqual([weightA]);
  });
});

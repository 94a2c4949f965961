// The offline path when Odoo is hung or gone: the packer does not wait for it (a scan falls back to
// the local copy after a short budget, the label never waits behind an Odoo dispatch), the queue
// drains at once when Odoo answers again, and an order labelled offline is recognised when it is
// scanned again. Real SQLite, the pty scale, the TCP printer sink, the sandbox Odoo over HTTP (in
// its own process where it is frozen with SIGSTOP).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { markReprint } from '../../electron/core/labels/carrier-label';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScanReply } from '../../shared/api';
import type { Station } from '../../electron/core/station';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { startScaleSimulator, type ScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { startChildOdoo, type ChildOdoo } from '../support/child-station';
import { expectedParcelWeight } from '../support/expected-weight';
import { scanOn, startSandboxRig, startSandboxStation, type SandboxRig } from '../support/sandbox-rig';
import { tempDir } from '../support/temp-dir';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';
import { stationDb } from '../support/station-db';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  // Last started, first stopped; a frozen Odoo is always thawed (close() sends SIGCONT first).
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `promise`, or a failure naming `what` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

interface Bench {
  station: Station;
  scale: ScaleSimulator;
  printer: PrinterSink;
}

interface PackTimes {
  name: string;
  /** The order scan, until its reply (the screen) is back. */
  scanMs: number;
  /** The weight captured, until the label's bytes are at the printer. */
  labelMs: number;
}

/** Pack one order as a packer does (scan, items, scale), timing what the packer waits for. */
async function packOne({ station, scale, printer }: Bench, name: string): Promise<PackTimes & { reply: ScanReply }> {
  const started = performance.now();
  const reply = await scanOn(station, name);
  const scanMs = performance.now() - started;
  expect(reply.state.order?.name, reply.message.text).toBe(name);
  for (const code of unitScans(reply.state.order!.lines)) await scanOn(station, code);
  await waitForEvent(station.events, 'state', (s) => s.step === 'weighing', 10_000, 'weighing');
  const captured = waitForEvent(station.events, 'state', (s) => s.step !== 'weighing', 10_000, 'weight captured');
  scale.setWeight(expectedParcelWeight(station) + 5, { motionMs: 200 });
  await captured;
  const capturedAt = performance.now();
  await within(printer.nextJob(), 60_000, `the label of ${name} at the printer`);
  const labelMs = performance.now() - capturedAt;
  await waitForEvent(station.events, 'state', (s) => s.label?.printState === 'confirmed', 15_000, `${name} printed`);
  // The parcel comes off the scale: the next one is captured only after a return to zero.
  scale.setWeight(0, { motionMs: 0 });
  await waitForEvent(station.events, 'scale', (s) => s.stable && Math.abs(s.grams ?? 99) <= 5, 10_000, 'the scale back at zero');
  return { name, scanMs, labelMs, reply };
}

const ms = (n: number) => `${Math.round(n)} ms`;

describe('a hung Odoo (accepts the connection, never answers)', () => {
  it('costs the packer at most ~1.5 s on a scan, and the label never waits for Odoo', async () => {
    const apiKey = randomBytes(16).toString('hex');
    const odoo: ChildOdoo = await startChildOdoo({ apiKey, seed: 8 });
    cleanups.push(() => odoo.close());
    const scale = await startScaleSimulator({});
    cleanups.push(() => scale.close());
    const printer = await startPrinterSink({ port: 0 });
    cleanups.push(() => printer.close());
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const station = await startSandboxStation({ apiKey, odoo, scale, printer }, dir.path, { mode: 'training' });
    cleanups.push(() => station.stop());
    await waitForEvent(station.events, 'state', (s) => s.odooLink === 'online' && s.cacheAge !== null, 30_000, 'the first sync');
    const names = (stationDb(station).prepare('SELECT name FROM orders WHERE ready = 1 ORDER BY name LIMIT 5').all() as { name: string }[]).map(
      (r) => r.name,
    );
    expect(names).toHaveLength(5);
    await scanOn(station, 'P-1');

    odoo.hang();
    const times: PackTimes[] = [];
    for (const name of names) {
      const { reply, ...packed } = await packOne({ station, scale, printer }, name);
      expect(reply.message.text).toMatch(/local copy/);
      times.push(packed);
    }
    console.log(
      `hung Odoo, per order: ${times.map((t) => `${t.name} scan→screen ${ms(t.scanMs)}, weight→label ${ms(t.labelMs)}`).join('; ')}`,
    );
    expect(station.handlers.getState({})).toMatchObject({ odooLink: 'offline' });
    for (const t of times) {
      expect(t.scanMs, `${t.name}: scan → screen`).toBeLessThan(2_000);
      expect(t.labelMs, `${t.name}: weight captured → label at the printer`).toBeLessThan(1_500);
    }
    // Nothing was lost: every dispatch waits in the outbox.
    expect(printer.jobs).toHaveLength(5);
  }, 240_000);
});

describe('Odoo back after an outage', () => {
  let rig: SandboxRig;

  it('drains the queued dispatches at once, not each after its own backoff', async () => {
    rig = await startSandboxRig({ seed: 18 });
    cleanups.push(() => rig.close());
    const { station, odoo } = rig;
    await waitForEvent(station.events, 'state', (s) => s.odooLink === 'online' && s.cacheAge !== null, 30_000, 'the first sync');
    const names = (stationDb(station).prepare('SELECT name FROM orders WHERE ready = 1 ORDER BY name').all() as { name: string }[]).map((r) => r.name);
    expect(names.length).toBeGreaterThanOrEqual(16);
    await rig.scan('P-1');

    odoo.setOffline(true);
    for (const name of names.slice(0, 15)) await packOne(rig, name);
    const queued = () =>
      (stationDb(station).prepare(`SELECT count(*) AS n FROM outbox WHERE kind = 'odoo.dispatch_picking' AND state != 'done'`).get() as { n: number }).n;
    expect(queued()).toBe(15);
    // They have each failed and are waiting out a backoff (the last one packed is tried a moment later).
    const leastTried = () => (stationDb(station).prepare(`SELECT min(attempts) AS n FROM outbox WHERE kind = 'odoo.dispatch_picking'`).get() as { n: number }).n;
    for (const until = Date.now() + 10_000; leastTried() === 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    expect(leastTried()).toBeGreaterThan(0);

    odoo.setOffline(false);
    const back = performance.now();
    // The packer goes on with the next order: the bench hears from Odoo again.
    await rig.scan(names[15]!);
    await waitForEvent(station.events, 'queue', (q) => q.pending === 0 && q.inFlight === 0, 60_000, 'the queue drained');
    const drainMs = performance.now() - back;
    console.log(`15 queued dispatches drained ${ms(drainMs)} after Odoo came back`);
    expect(queued()).toBe(0);
    expect(drainMs).toBeLessThan(5_000);
  }, 240_000);
});

describe('re-scanning an order labelled while Odoo is unreachable', () => {
  it('says it is packed, with its tracking number, offers a reprint, and opens nothing new', async () => {
    const rig = await startSandboxRig({ seed: 4 });
    cleanups.push(() => rig.close());
    const { station, odoo, printer } = rig;
    await waitForEvent(station.events, 'state', (s) => s.odooLink === 'online' && s.cacheAge !== null, 30_000, 'the first sync');
    const [name] = (stationDb(station).prepare('SELECT name FROM orders WHERE ready = 1 ORDER BY name LIMIT 1').all() as { name: string }[]).map((r) => r.name);
    await rig.scan('P-1');
    odoo.setOffline(true);
    await packOne(rig, name!);
    const tracking = (await waitForEvent(station.events, 'state', (s) => s.label?.trackingNumber != null)).label!.trackingNumber!;
    expect(tracking).toMatch(/^PB/);

    const again = await rig.scan(name!);
    expect(again.kind).toBe('order');
    expect(again.message.text).toContain(tracking);
    expect(again.message.text).toMatch(/already packed/);
    expect(again.message.text).toMatch(/REPRINT/);
    expect(again.state.step).toBe('printed');
    expect(again.state.label?.trackingNumber).toBe(tracking);

    const sessions = stationDb(station)
      .prepare('SELECT count(*) AS n FROM pack_sessions s JOIN orders o ON o.id = s.order_id WHERE o.name = ?')
      .get(name) as { n: number };
    expect(sessions.n).toBe(1);
    // Scanning its items again is not packing it again.
    const item = again.state.order!.lines[0]!.barcode!;
    const stray = await rig.scan(item);
    expect(stray.state.step).toBe('printed');

    // The reprint offered is the same label, asked for with a reason.
    const reprint = await rig.scan('*PB*REPRINT-DAMAGED');
    expect(reprint.message.tone).toBe('success');
    const second = await within(printer.nextJob(), 10_000, 'the reprint');
    // The same label, marked REPRINT (the journal still knows it is the same label).
    expect(second.toString('utf8')).toBe(markReprint(printer.jobs[0]!.toString('utf8')));
    expect(printer.jobs).toHaveLength(2);

    const outbox = stationDb(station).prepare(`SELECT kind, count(*) AS n FROM outbox GROUP BY kind ORDER BY kind`).all();
    expect(outbox).toEqual([
      { kind: 'carrier.create_label', n: 1 },
      { kind: 'odoo.dispatch_picking', n: 1 },
    ]);

    // When Odoo answers, the one dispatch goes and the order is done.
    odoo.setOffline(false);
    station.worker.kick();
    await rig.untilStep('done', 60_000);
  }, 120_000);
});

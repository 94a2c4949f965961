// The outage harness: one core in this process (as the soak's shift: station API scans, the pty
// scale, the TCP printer sink), the sandbox Odoo and the sandbox ShipEngine in a process of their
// own (crash-sandboxes.ts) behind one outage proxy each (outage-proxy.ts). Per shape, both go
// down in that shape, orders are packed through the station API, and each scan is timed from the
// call to the state event that shows it (scan → screen); the queue counter and the oldest update's
// age are read from the queue events the screen gets. Then both come back, the outbox drains (its
// time printed), and the sandboxes' own record is the witness: every order packed dispatched once
// (one label bought, one validation, one dispatch message, one attachment and one package per
// parcel), and per order its effects in order (purchase, package, write, validate, attach, post).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { QueueCounts, StationState } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { createStation, type Station } from '../../electron/core/station';
import { EnvSecretStore } from '../../electron/core/store/secret-store';
import { startPrinterSink } from '../../electron/sandbox/printer-sink';
import { startScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { startSandboxes } from './crash-harness';
import type { EffectKind, Witness } from './crash-witness';
import { expectedParcelWeight } from './expected-weight';
import { startOutageProxy, type OutageShape } from './outage-proxy';
import { tempDir } from './temp-dir';
import { unitScans } from './unit-scans';
import { waitForEvent } from './wait';

export interface OutageRunOptions {
  /** The shapes, one after the other; each an outage of its own. */
  shapes: Exclude<OutageShape, 'up'>[];
  ordersPerShape: number;
  log?: (line: string) => void;
  /** Longest wait for the outbox to drain after a shape (default 5 min). */
  drainTimeoutMs?: number;
}

export interface ShapeReport {
  shape: Exclude<OutageShape, 'up'>;
  /** Orders packed while down (the packer was told the weight was taken). */
  orders: number;
  /** Of those, dispatched once in Odoo with their label. */
  dispatched: number;
  /** One line per effect done twice. */
  duplicates: string[];
  /** One line per order whose effects landed out of order. */
  outOfOrder: string[];
  /** Anything else a lead would call lost or wrong. */
  problems: string[];
  /** Every scan → screen time in ms while down. */
  scanMs: number[];
  /** The same while the outbox drained after the return. */
  drainScanMs: number[];
  /** The queue counter's peak (pending + in flight) and the oldest update's longest age, as the screen was told. */
  queuePeak: number;
  oldestAgeMs: number;
  /** From both services back to the outbox empty. */
  drainMs: number;
}

/** The p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Per order the order its effects must land in, each kind once. */
const EFFECT_ORDER: EffectKind[] = ['purchase', 'package', 'write', 'validate', 'attach', 'post'];

export async function runOutage(options: OutageRunOptions): Promise<ShapeReport[]> {
  const log = options.log ?? (() => {});
  const total = options.shapes.length * options.ordersPerShape;
  // On tmpfs when there is one, as the soak's shift: the disk is not what this measures.
  const dir = existsSync('/dev/shm')
    ? { path: mkdtempSync('/dev/shm/packbench-outage-'), remove() { rmSync(this.path, { recursive: true, force: true }); } }
    : tempDir('packbench-outage-');
  const odooKey = randomBytes(16).toString('hex');
  const carrierKey = `TEST_${randomBytes(8).toString('hex')}`;
  const sandboxes = await startSandboxes({ odooKey, carrierKey, pickings: total + 10 });
  const pid = sandboxes.process.pid!;
  const odooProxy = await startOutageProxy({ target: sandboxes.odoo.url, pid });
  const carrierProxy = await startOutageProxy({ target: sandboxes.carrierUrl, pid });
  const scale = await startScaleSimulator({});
  const printer = await startPrinterSink({ port: 0 });
  const station: Station = createStation({
    dataDir: join(dir.path, 'bench'),
    mode: 'live',
    identity: { scryptN: 1024 },
    log: () => {},
    secrets: new EnvSecretStore({ PACKBENCH_SECRET_ODOO_API_KEY: odooKey, PACKBENCH_SECRET_CARRIER_SHIPENGINE_API_KEY: carrierKey }),
    overrides: {
      odoo: { url: odooProxy.url, db: sandboxes.odoo.db, login: sandboxes.odoo.login },
      printer: { uri: printer.uri },
      scale: { path: scale.appPath, protocol: 'sics' },
      carriers: { default: { provider: 'shipengine', service: 'sandbox_ground' }, shipengine: { baseUrl: carrierProxy.url, carrierId: 'se-123456' } },
    },
    scaleOptions: { stableWindowMs: 50, pollIntervalMs: 20, reconnectMs: 200 },
  });
  station.identities.addStaff({ badge: 'OUTAGE', name: 'Olga', role: 'packer' });
  let queue: QueueCounts = { pending: 0, inFlight: 0, dead: 0, openExceptions: 0 };
  let peak = { waiting: 0, oldestAgeMs: 0 };
  let scans = 0;
  let shown: ((scans: number) => void) | null = null;
  const off = station.events.subscribe((event, payload) => {
    if (event === 'queue') {
      queue = payload as QueueCounts;
      const waiting = queue.pending + queue.inFlight;
      peak = { waiting: Math.max(peak.waiting, waiting), oldestAgeMs: Math.max(peak.oldestAgeMs, queue.oldestAgeMs ?? 0) };
    } else if (event === 'state') {
      const s = payload as StationState;
      if (s.scans > scans) {
        scans = s.scans;
        shown?.(s.scans);
      }
    }
  });
  const reports: ShapeReport[] = [];
  try {
    await station.start();
    await waitForEvent(station.events, 'state', (s) => s.odooLink === 'online' && s.cacheAge !== null, 60_000, 'the first order sync');
    await waitForEvent(station.events, 'scale', (s) => s.status === 'ok', 10_000, 'the scale');
    const timings: number[] = [];
    /** One scan, timed from the call to the state event that shows it. */
    const scan = async (code: string): Promise<StationState> => {
      const target = scans + 1;
      const started = performance.now();
      const onScreen = new Promise<number>((resolve) => {
        shown = (n) => {
          if (n >= target) {
            shown = null;
            resolve(performance.now());
          }
        };
      });
      const r = await dispatch(station.handlers, 'scan', { code });
      if (!r.ok) throw new Error(`scan ${code}: ${r.error.message}`);
      timings.push((await onScreen) - started);
      return (r.value as { state: StationState }).state;
    };
    await scan('OUTAGE');
    const names = (await sandboxes.witness()).pickings.filter((p) => p.state === 'assigned').map((p) => p.name);
    let next = 0;
    let onScale = 0;

    for (const shape of options.shapes) {
      timings.length = 0;
      peak = { waiting: 0, oldestAgeMs: 0 };
      const packed: string[] = [];
      const problems: string[] = [];
      log(`${shape}: Odoo and the carrier go down`);
      await Promise.all([odooProxy.setShape(shape), carrierProxy.setShape(shape)]);
      while (packed.length < options.ordersPerShape && next < names.length) {
        const name = names[next++]!;
        const opened = await scan(name);
        if (opened.order?.name !== name) {
          problems.push(`${name} did not open: ${opened.message?.text ?? opened.nextAction}`);
          continue;
        }
        if (onScale !== 0) {
          scale.setWeight(0);
          onScale = 0;
          await waitForEvent(station.events, 'scale', (s) => s.stable && (s.grams ?? 1) === 0, 10_000, 'the scale back at zero');
        }
        const weighed = waitForEvent(station.events, 'state', (s) => s.order?.name === name && s.step !== 'packing' && s.step !== 'weighing', 20_000, `${name} weighed`);
        const units = unitScans(opened.order.lines);
        for (const [i, code] of units.entries()) {
          if (i === units.length - 1) {
            // The parcel is on the scale, settled, as the last item goes in.
            onScale = expectedParcelWeight(station);
            scale.setWeight(onScale);
          }
          await scan(code);
        }
        await weighed;
        // Labelled and printed, or on the shelf waiting for the carrier: either way the next order.
        await waitForEvent(
          station.events,
          'state',
          (s) => s.order?.name !== name || s.label?.printState === 'confirmed' || /scan the next order/i.test(s.nextAction),
          20_000,
          `${name} printed or parked`,
        );
        packed.push(name);
        printer.jobs.length = 0;
      }
      log(`${shape}: ${packed.length} orders packed; queue ${queue.pending + queue.inFlight}, oldest ${((queue.oldestAgeMs ?? 0) / 1000).toFixed(1)} s; services back`);
      const back = performance.now();
      await Promise.all([odooProxy.setShape('up'), carrierProxy.setShape('up')]);
      // While the backlog floods back, the bench must stay as quick: the packer scans (their badge,
      // which changes nothing) every 100 ms until the queue is empty, each scan timed as above.
      const duringDrain: number[] = [];
      let draining = true;
      const scanning = (async () => {
        while (draining) {
          await scan('OUTAGE');
          duringDrain.push(timings.pop()!);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      const drained = await waitForEvent(
        station.events,
        'queue',
        (q) => q.pending === 0 && q.inFlight === 0,
        options.drainTimeoutMs ?? 5 * 60_000,
        `the outbox drained after ${shape}`,
      ).catch((error: Error) => {
        problems.push(error.message);
        return null;
      });
      const drainMs = performance.now() - back;
      draining = false;
      await scanning;
      if (drained && drained.dead > 0) problems.push(`${drained.dead} updates stuck (dead letters)`);
      const witness = await sandboxes.witness();
      const checked = checkDispatched(packed, witness);
      reports.push({
        shape,
        orders: packed.length,
        dispatched: checked.dispatched,
        duplicates: checked.duplicates,
        outOfOrder: checked.outOfOrder,
        problems: [...problems, ...checked.problems],
        scanMs: [...timings],
        drainScanMs: duringDrain,
        // The last order's rows are counted a moment after it is parked: the peak runs until drained.
        queuePeak: peak.waiting,
        oldestAgeMs: peak.oldestAgeMs,
        drainMs,
      });
      const r = reports.at(-1)!;
      log(
        `${shape}: ${r.orders} orders, ${r.dispatched} dispatched, ${r.duplicates.length} duplicates, ${r.outOfOrder.length} out of order; ` +
          `scan→screen p50 ${percentile(r.scanMs, 50).toFixed(0)} / p95 ${percentile(r.scanMs, 95).toFixed(0)} / max ${Math.max(...r.scanMs).toFixed(0)} ms ` +
          `over ${r.scanMs.length} scans; drained in ${(r.drainMs / 1000).toFixed(1)} s, scan→screen meanwhile p95 ${percentile(r.drainScanMs, 95).toFixed(0)} / max ${Math.max(0, ...r.drainScanMs).toFixed(0)} ms`,
      );
    }
    return reports;
  } finally {
    off();
    await station.stop();
    await Promise.all([odooProxy.close(), carrierProxy.close()]);
    await Promise.all([sandboxes.close(), scale.close(), printer.close()]);
    dir.remove();
  }
}

/** Per order packed: dispatched once with its one label, and its effects in order. */
function checkDispatched(names: string[], witness: Witness): { dispatched: number; duplicates: string[]; outOfOrder: string[]; problems: string[] } {
  const duplicates: string[] = [];
  const outOfOrder: string[] = [];
  const problems: string[] = [];
  let dispatched = 0;
  const byName = new Map(witness.pickings.map((p) => [p.name, p]));
  for (const name of names) {
    const p = byName.get(name);
    if (!p) {
      problems.push(`${name}: no such picking in Odoo`);
      continue;
    }
    const bought = witness.purchases.filter((b) => b.key?.includes(`|${p.id}|`));
    const parcels = bought[0]?.trackingNumbers ?? [];
    if (bought.length > 1) duplicates.push(`${name}: ${bought.length} labels bought`);
    if (p.validations > 1) duplicates.push(`${name}: validated ${p.validations} times`);
    if (p.messages > 1) duplicates.push(`${name}: ${p.messages} dispatch messages`);
    if (p.attachments.length > parcels.length) duplicates.push(`${name}: ${p.attachments.length} attachments for ${parcels.length} parcels`);
    for (const t of parcels) if ((witness.packages[t] ?? 0) > 1) duplicates.push(`${name}: ${witness.packages[t]} packages named ${t}`);
    if (p.state === 'done' && bought.length === 1 && p.trackingRef === parcels[0] && p.messages === 1 && p.attachments.length === parcels.length) dispatched++;
    else problems.push(`${name}: not dispatched once (state ${p.state}, ${bought.length} labels, ref ${p.trackingRef}, ${p.messages} messages, ${p.attachments.length} attachments)`);
    // Its effects as they landed: the first of each kind, in the dispatch's order.
    const mine = witness.effects.filter(
      (e) =>
        e.pickingId === p.id ||
        (e.kind === 'purchase' && e.ref?.includes(`|${p.id}|`)) ||
        (e.kind === 'package' && e.ref !== undefined && parcels.includes(e.ref)),
    );
    const firstOf = (kind: EffectKind) => mine.find((e) => e.kind === kind)?.seq;
    const seen = EFFECT_ORDER.map((kind) => [kind, firstOf(kind)] as const);
    const missing = seen.filter(([, seq]) => seq === undefined).map(([kind]) => kind);
    if (missing.length > 0) problems.push(`${name}: no ${missing.join(', ')} in Odoo's record`);
    const landed = seen.filter(([, seq]) => seq !== undefined) as [EffectKind, number][];
    for (let i = 1; i < landed.length; i++) {
      if (landed[i]![1] < landed[i - 1]![1]) {
        outOfOrder.push(`${name}: ${landed[i]![0]} before ${landed[i - 1]![0]} (${mine.map((e) => e.kind).join(' → ')})`);
        break;
      }
    }
  }
  return { dispatched, duplicates, outOfOrder, problems };
}

// `npm run soak`: the reliability soak. Two parts, figures printed as they come:
//   1. kills: the crash harness (test/support/crash-harness.ts) with --kills kills (default 1,000)
//      across every named crash point and at random moments, then drained and checked: orders
//      acknowledged and dispatched, duplicates (must be 0), integrity_check, the audit chain.
//   2. shift: --orders orders (default 10,000) through one core in this process, as fast as the
//      packer can go: station API scans, a pty scale, a TCP printer sink, the local carrier and
//      the sandbox Odoo over HTTP (in a process of its own, so its records do not count as the
//      core's memory); counts and the core's memory (RSS, heap after a GC) every 1,000
//      orders (and after the first 100), then duplicates in Odoo (must be 0).
//   3. outage (only with --outage N): N orders across the five outage shapes of the outage harness
//      (test/support/outage-run.ts; N/5 each): the sandbox Odoo and ShipEngine refused, hung
//      (SIGSTOP), 502, 2 s slow, reset mid-reply while orders are packed, then back; per shape the
//      orders, dispatched, duplicates (must be 0), effects out of order (must be 0), scan → screen
//      p50/p95/max, the queue's peak and its oldest update's age, the drain time (and scan → screen
//      while it drains).
//   npm run soak -- [--kills N] [--orders N] [--seed N] [--outage N]   (N = 0 skips that part)
//   npm run soak -- --outage 500 runs the outage alone (the kills and the shift then default to 0).
// Exit code 1 when anything was lost or done twice.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { StationState } from '../shared/api';
import { dispatch } from '../shared/bridge';
import { createStation } from '../electron/core/station';
import { EnvSecretStore } from '../electron/core/store/secret-store';
import { startPrinterSink } from '../electron/sandbox/printer-sink';
import { startScaleSimulator } from '../electron/sandbox/scale-simulator';
import { runCrashHarness, startSandboxes } from '../test/support/crash-harness';
import { OUTAGE_SHAPES } from '../test/support/outage-proxy';
import { percentile, runOutage } from '../test/support/outage-run';
import { expectedParcelWeight } from '../test/support/expected-weight';
import { tempDir } from '../test/support/temp-dir';
import { unitScans } from '../test/support/unit-scans';
import { waitForEvent } from '../test/support/wait';

const { values } = parseArgs({
  options: {
    kills: { type: 'string' },
    orders: { type: 'string' },
    seed: { type: 'string', default: '16' },
    outage: { type: 'string', default: '0' },
  },
});
const OUTAGE = Number(values.outage);
// --outage alone runs the outage alone; the other parts are asked for by name then.
const KILLS = Number(values.kills ?? (OUTAGE > 0 ? 0 : 1000));
const ORDERS = Number(values.orders ?? (OUTAGE > 0 ? 0 : 10000));
const SEED = Number(values.seed);

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const gc = (globalThis as { gc?: () => void }).gc;

interface Memory {
  rss: number;
  heap: number;
}

function memory(): Memory {
  // Heap after a full collection, so one reading compares with another (run with --expose-gc).
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

async function kills(): Promise<boolean> {
  console.log(`== kills: ${KILLS} across every crash point and at random moments`);
  const report = await runCrashHarness({ kills: KILLS, seed: SEED, log: (line) => console.log(`  ${line}`) });
  console.log(`  kills: ${report.kills} (${report.random} at random moments)`);
  console.log(`  by point: ${Object.entries(report.byPoint).map(([p, n]) => `${p} ${n}`).join(', ')}`);
  console.log(`  orders acknowledged: ${report.acknowledged}, dispatched once: ${report.dispatched}`);
  console.log(`  duplicates: ${report.duplicates.length}${report.duplicates.length ? `\n    ${report.duplicates.join('\n    ')}` : ''}`);
  if (report.problems.length) console.log(`  problems:\n    ${report.problems.join('\n    ')}`);
  console.log(`  integrity_check: ${report.integrity}; audit chain: ${report.auditOk ? 'holds' : 'BROKEN'}; points never hit: ${report.missedPoints.join(', ') || 'none'}`);
  console.log(`  took ${(report.durationMs / 1000).toFixed(0)} s`);
  return report.duplicates.length === 0 && report.problems.length === 0 && report.integrity === 'ok' && report.auditOk && report.missedPoints.length === 0;
}

async function shift(): Promise<boolean> {
  console.log(`== shift: ${ORDERS} orders through one core (local carrier, sandbox Odoo)`);
  const started = Date.now();
  // On tmpfs when there is one: fsync on a shared CI disk would set the pace, and the shift is
  // about what 10,000 orders do to the core (counts, memory), not about the disk (the kills are).
  const dir = existsSync('/dev/shm') ? { path: mkdtempSync('/dev/shm/packbench-soak-'), remove() { rmSync(this.path, { recursive: true, force: true }); } } : tempDir('packbench-soak-');
  const apiKey = randomBytes(16).toString('hex');
  // Odoo in a process of its own: it keeps every message and label it is sent, and that is not the core's memory.
  const sandboxes = await startSandboxes({ odooKey: apiKey, carrierKey: 'TEST_unused', pickings: ORDERS + 5 });
  const odoo = sandboxes.odoo;
  const scale = await startScaleSimulator({});
  const printer = await startPrinterSink({ port: 0 });
  const station = createStation({
    dataDir: join(dir.path, 'bench'),
    mode: 'live',
    identity: { scryptN: 1024 },
    log: () => {},
    secrets: new EnvSecretStore({ PACKBENCH_SECRET_ODOO_API_KEY: apiKey }),
    overrides: { odoo: { url: odoo.url, db: odoo.db, login: odoo.login }, printer: { uri: printer.uri }, scale: { path: scale.appPath, protocol: 'sics' } },
    // A quick scale: the packer's pace, not the scale's, sets the shift's length.
    scaleOptions: { stableWindowMs: 20, pollIntervalMs: 10, reconnectMs: 200 },
  });
  station.identities.addStaff({ badge: 'SOAK', name: 'Soak Packer', role: 'packer' });
  await station.start();
  const scan = async (code: string): Promise<StationState> => {
    const r = await dispatch(station.handlers, 'scan', { code });
    if (!r.ok) throw new Error(`scan ${code}: ${r.error.message}`);
    return (r.value as { state: StationState }).state;
  };
  let queue = { pending: 0, inFlight: 0, dead: 0, openExceptions: 0 };
  station.events.subscribe((event, payload) => {
    if (event === 'queue') queue = payload as typeof queue;
  });
  await scan('SOAK');
  await waitForEvent(station.events, 'scale', (s) => s.status === 'ok', 10_000);

  const names = (await sandboxes.witness()).pickings.filter((p) => p.state === 'assigned').map((p) => p.name).slice(0, ORDERS);
  let printed = 0;
  let packed = 0;
  let skipped = 0;
  let atHundred: Memory | null = null;
  const report = (): Memory => {
    const now = memory();
    console.log(
      `  ${packed} orders packed (${skipped} skipped), ${printed} labels printed, ` +
        `queue ${queue.pending} pending / ${queue.dead} dead, rss ${mib(now.rss)}, heap ${mib(now.heap)}, ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    return now;
  };
  for (const name of names) {
    const opened = await scan(name);
    if (opened.order?.name !== name) {
      skipped++;
      continue;
    }
    const units = unitScans(opened.order.lines);
    const labelled = waitForEvent(station.events, 'state', (s) => s.order?.name === name && s.label?.printState === 'confirmed', 30_000, `${name} printed`);
    const weight = expectedParcelWeight(station);
    for (const [i, code] of units.entries()) {
      // The parcel is on the scale, settled, as the last item goes in.
      if (i === units.length - 1) scale.setWeight(weight);
      await scan(code);
    }
    await labelled;
    printed++;
    // The sink keeps what it received: let it go, it is not the core's.
    printer.jobs.length = 0;
    // Taken off: the scale must see zero before the next capture.
    scale.setWeight(0);
    await waitForEvent(station.events, 'scale', (s) => s.stable && (s.grams ?? 1) === 0, 10_000);
    packed++;
    if (packed === 100) atHundred = report();
    else if (packed % 1000 === 0) report();
  }
  await waitForEvent(station.events, 'queue', (q) => q.pending === 0 && q.inFlight === 0, 10 * 60_000);
  const end = report();
  const w = await sandboxes.witness();
  const duplicates = w.pickings.flatMap((p) => [
    ...(p.validations > 1 ? [`${p.name}: validated ${p.validations} times`] : []),
    ...(p.messages > 1 ? [`${p.name}: ${p.messages} dispatch messages`] : []),
    ...(p.attachments.length > 1 ? [`${p.name}: ${p.attachments.length} attachments`] : []),
  ]);
  for (const [name, n] of Object.entries(w.packages)) if (n > 1) duplicates.push(`${n} packages named ${name}`);
  const dispatched = w.pickings.filter((p) => p.state === 'done' && p.messages === 1).length;
  console.log(`  orders: ${packed} packed, ${dispatched} dispatched in Odoo; labels printed: ${printed}; duplicates: ${duplicates.length}`);
  if (duplicates.length) console.log(`    ${duplicates.slice(0, 20).join('\n    ')}`);
  if (atHundred) {
    console.log(
      `  memory after ${packed} orders vs after 100: rss ${mib(end.rss)} vs ${mib(atHundred.rss)} (${(end.rss / atHundred.rss).toFixed(2)}×), ` +
        `heap ${mib(end.heap)} vs ${mib(atHundred.heap)} (${(end.heap / atHundred.heap).toFixed(2)}×)${gc ? '' : ' (no --expose-gc: heap not collected first)'}`,
    );
  }
  console.log(`  took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await station.stop();
  await Promise.all([sandboxes.close(), scale.close(), printer.close()]);
  dir.remove();
  return duplicates.length === 0 && dispatched === packed;
}

async function outage(): Promise<boolean> {
  const perShape = Math.max(1, Math.round(OUTAGE / OUTAGE_SHAPES.length));
  console.log(`== outage: ${perShape * OUTAGE_SHAPES.length} orders, ${perShape} in each shape (${OUTAGE_SHAPES.join(', ')}), Odoo and the carrier down together`);
  const started = Date.now();
  const reports = await runOutage({ shapes: [...OUTAGE_SHAPES], ordersPerShape: perShape, log: (line) => console.log(`  ${line}`) });
  const ms = (n: number) => `${Math.round(n)}`;
  console.log('  shape    orders  dispatched  duplicates  out-of-order  scan→screen p50/p95/max ms  queue peak  oldest  drain (scan→screen p95/max meanwhile)');
  for (const r of reports) {
    console.log(
      `  ${r.shape.padEnd(8)} ${String(r.orders).padStart(6)}  ${String(r.dispatched).padStart(10)}  ${String(r.duplicates.length).padStart(10)}  ${String(r.outOfOrder.length).padStart(12)}  ` +
        `${`${ms(percentile(r.scanMs, 50))}/${ms(percentile(r.scanMs, 95))}/${ms(Math.max(...r.scanMs))}`.padStart(26)}  ${String(r.queuePeak).padStart(10)}  ` +
        `${`${(r.oldestAgeMs / 1000).toFixed(0)} s`.padStart(6)}  ${(r.drainMs / 1000).toFixed(1)} s (${ms(percentile(r.drainScanMs, 95))}/${ms(Math.max(0, ...r.drainScanMs))} ms over ${r.drainScanMs.length} scans)`,
    );
    for (const line of [...r.duplicates, ...r.outOfOrder, ...r.problems].slice(0, 20)) console.log(`    ${line}`);
  }
  const all = reports.flatMap((r) => [...r.scanMs, ...r.drainScanMs]);
  console.log(`  all shapes: ${all.length} scans, scan→screen p50 ${ms(percentile(all, 50))} ms, p95 ${ms(percentile(all, 95))} ms, max ${ms(Math.max(...all))} ms`);
  console.log(`  took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return reports.every(
    (r) =>
      r.dispatched === r.orders &&
      r.orders === perShape &&
      r.duplicates.length === 0 &&
      r.outOfOrder.length === 0 &&
      r.problems.length === 0 &&
      percentile(r.scanMs, 95) < 150 &&
      percentile(r.drainScanMs, 95) < 150,
  );
}

async function main(): Promise<void> {
  let ok = true;
  if (KILLS > 0) ok = (await kills()) && ok;
  if (ORDERS > 0) ok = (await shift()) && ok;
  if (OUTAGE > 0) ok = (await outage()) && ok;
  console.log(ok ? 'soak: nothing lost, nothing twice' : 'soak: FAILED (see above)');
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

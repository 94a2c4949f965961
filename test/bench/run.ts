// `npm run bench`: figures, not pass/fail. Packs orders on the sandbox path (real SQLite, a real pty
// scale, a real TCP printer sink, the sandbox Odoo over HTTP) and reports scan → label-bytes-at-printer.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { StationState } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { createStation } from '../../electron/core/station';
import { startSandboxOdoo } from '../../electron/sandbox/odoo/server';
import { startPrinterSink } from '../../electron/sandbox/printer-sink';
import { startScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { expectedParcelWeight } from '../support/expected-weight';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';
import { benchCarrierLabels } from './carrier-label';
import { benchOrderCache, benchPrefetch } from './odoo-cache';
import { benchManyBenches } from './odoo-benches';
import { benchWriteback } from './odoo-writeback';
import { benchScaleLabels } from './scale-label';
import { benchScanScreen } from './scan-screen';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '200' },
    'cache-pickings': { type: 'string', default: '200000' },
    'writeback-orders': { type: 'string', default: '2000' },
    'carrier-orders': { type: 'string', default: '15' },
    'multi-parcel-orders': { type: 'string', default: '6' },
    /**
     * `carriers`: only the API-carrier figures (a quicker run while working on carriers); `odoo`: only
     * the Odoo figures (prefetch, write-back drain, many benches against one Odoo); `scale`: only
     * scale → label; `screen`: only scan → screen in the browser.
     */
    only: { type: 'string' },
    'screen-scans': { type: 'string', default: '120' },
    benches: { type: 'string', default: '50' },
    'orders-per-bench': { type: 'string', default: '3' },
    'scale-orders': { type: 'string', default: '30' },
    /** Comma-separated case names (prefixes) for the scale section, e.g. `sics,cas`. Default: all. */
    'scale-cases': { type: 'string' },
    'carrier-latency': { type: 'string', default: '300' },
  },
});
const ORDERS = Number(values.orders);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function main() {
  if (values.only === 'carriers') return benchCarriers();
  if (values.only === 'odoo') return benchOdoo();
  if (values.only === 'scale') return benchScale();
  if (values.only === 'screen') return benchScreen();
  const dir = mkdtempSync(join(tmpdir(), 'packbench-bench-'));
  const apiKey = randomBytes(16).toString('hex');
  const odoo = await startSandboxOdoo({ port: 0, apiKey, seed: ORDERS + 5 });
  const scale = await startScaleSimulator({});
  const printer = await startPrinterSink({ port: 0 });
  const station = createStation({
    dataDir: dir,
    mode: 'training',
    log: () => {},
    odooApiKey: apiKey,
    identity: { scryptN: 1024 },
    overrides: {
      odoo: { url: odoo.url, db: odoo.db, login: odoo.login },
      printer: { uri: printer.uri },
      scale: { path: scale.appPath, protocol: 'sics' },
    },
  });
  station.identities.addStaff({ badge: 'BENCH', name: 'Bench Packer', role: 'packer' });
  await station.start();
  const scan = async (code: string) => {
    const r = await dispatch(station.handlers, 'scan', { code });
    if (!r.ok) throw new Error(r.error.message);
    return (r.value as { state: StationState }).state;
  };
  await scan('BENCH');
  await waitForEvent(station.events, 'scale', (s) => s.status === 'ok', 10_000);

  const total: number[] = [];
  const core: number[] = [];
  const names = odoo.state.sampleNames().slice(0, ORDERS);
  const started = performance.now();
  for (const name of names) {
    const opened = await scan(name);
    const lines = opened.order!.lines;
    // A lot- or serial-tracked item is one GS1 scan carrying its lot or serial.
    const units = unitScans(lines);
    // The parcel is already on the scale, settled, when the last item is scanned.
    const weight = expectedParcelWeight(station) + 20;
    let lastScanAt = 0;
    for (const [i, code] of units.entries()) {
      if (i === units.length - 1) {
        scale.setWeight(weight);
        lastScanAt = performance.now();
      }
      await scan(code);
    }
    const labelling = waitForEvent(station.events, 'state', (s) => s.step === 'labelling', 20_000).then(() => performance.now());
    await printer.nextJob();
    const arrived = performance.now();
    total.push(arrived - lastScanAt);
    core.push(arrived - (await labelling));
    // Take the parcel off: the scale must see zero before the next capture.
    scale.setWeight(0);
    await waitForEvent(station.events, 'scale', (s) => s.stable && (s.grams ?? 1) === 0, 10_000);
  }
  const elapsed = (performance.now() - started) / 1000;
  await waitForEvent(station.events, 'queue', (q) => q.pending === 0 && q.inFlight === 0, 120_000);
  const drained = (performance.now() - started) / 1000;
  const rpcs = odoo.rpcLog.length;

  total.sort((a, b) => a - b);
  core.sort((a, b) => a - b);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Packbench bench — ${new Date().toISOString()}`);
  console.log(`machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}`);
  console.log(`orders packed: ${total.length} (sandbox Odoo over HTTP, pty scale, TCP printer sink, SQLite WAL + synchronous=FULL)`);
  console.log(`last item scan → label bytes at printer: p50 ${fmt(percentile(total, 50))}, p95 ${fmt(percentile(total, 95))}, max ${fmt(total.at(-1)!)}`);
  console.log(`  of which the scale's next stable frame and one confirming frame (SIR stream, or SI polls every 250 ms)`);
  console.log(`weight captured → label bytes at printer: p50 ${fmt(percentile(core, 50))}, p95 ${fmt(percentile(core, 95))}, max ${fmt(core.at(-1)!)}`);
  console.log(`packing throughput: ${(total.length / elapsed).toFixed(2)} orders/s; Odoo write-back drained at ${drained.toFixed(1)} s`);
  console.log(`Odoo RPCs in total: ${rpcs} (${(rpcs / total.length).toFixed(1)} per order, lookups included)`);
  const byMethod = new Map<string, number>();
  for (const e of odoo.rpcLog) byMethod.set(`${e.model ?? e.service}.${e.method}`, (byMethod.get(`${e.model ?? e.service}.${e.method}`) ?? 0) + 1);
  const perOrder = [...byMethod].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${(n / total.length).toFixed(1)}`);
  console.log(`  per order by method: ${perOrder.join(', ')}`);
  console.log(`memory: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);

  await station.stop();
  await Promise.all([odoo.close(), scale.close(), printer.close()]);
  rmSync(dir, { recursive: true, force: true });

  await benchScreen();
  await benchScale();
  await benchCarriers();
  await benchOrderCache({ pickings: Number(values['cache-pickings']) });
  await benchOdoo();
}

async function benchOdoo(): Promise<void> {
  await benchPrefetch();
  for (const version of [16, 17, 19] as const) await benchWriteback(Number(values['writeback-orders']), version);
  await benchManyBenches({ benches: Number(values.benches), ordersPerBench: Number(values['orders-per-bench']) });
}

function benchScreen(): Promise<void> {
  return benchScanScreen({ scans: Number(values['screen-scans']) });
}

function benchScale(): Promise<void> {
  return benchScaleLabels({ orders: Number(values['scale-orders']), cases: values['scale-cases']?.split(',') });
}

function benchCarriers(): Promise<void> {
  return benchCarrierLabels({
    orders: Number(values['carrier-orders']),
    multiParcelOrders: Number(values['multi-parcel-orders']),
    latencyMs: Number(values['carrier-latency']),
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

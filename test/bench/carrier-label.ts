// Bench figures for an API carrier (issue 13 item 7): the sandbox ShipEngine answering after an
// injected latency, a real station (SQLite WAL + synchronous=FULL, pty scale, TCP printer sink, the
// sandbox Odoo over HTTP). (a) stable weight → label bytes at the printer for one-parcel orders;
// (b) a 3-parcel order (NEW-PARCEL twice, then the last parcel closes the order) → 3 labels at the
// printer. Figures, not pass/fail.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StationState } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { createStation, type Station } from '../../electron/core/station';
import { startSandboxShipEngine, type SandboxShipEngine } from '../../electron/sandbox/carriers/shipengine';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { startScaleSimulator, type ScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { expectedParcelWeight } from '../support/expected-weight';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

export interface CarrierBenchOptions {
  /** One-parcel orders per latency mode. */
  orders: number;
  /** 3-parcel orders. */
  multiParcelOrders: number;
  latencyMs: number;
}

const KEY = 'TEST_bench_key';
const SCALE_WINDOW_MS = 300;
const SCALE_POLL_MS = 100;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
function summary(values: number[], minus = 0): string {
  const s = [...values].sort((a, b) => a - b).map((v) => v - minus);
  return `p50 ${fmt(percentile(s, 50))}, p95 ${fmt(percentile(s, 95))}, max ${fmt(s.at(-1)!)}`;
}

interface Rig {
  station: Station;
  odoo: SandboxOdoo;
  scale: ScaleSimulator;
  printer: PrinterSink;
  shipengine: SandboxShipEngine;
  scan(code: string): Promise<StationState>;
  close(): Promise<void>;
}

async function startRig(seed: number): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'packbench-bench-carrier-'));
  const apiKey = randomBytes(16).toString('hex');
  const odoo = await startSandboxOdoo({ port: 0, apiKey, seed });
  const scale = await startScaleSimulator({});
  const printer = await startPrinterSink({ port: 0 });
  const shipengine = await startSandboxShipEngine({ apiKey: KEY });
  const station = createStation({
    dataDir: dir,
    mode: 'training',
    log: () => {},
    odooApiKey: apiKey,
    carrierApiKeys: { shipengine: KEY },
    identity: { scryptN: 1024 },
    // A shorter stability window and poll than a bench's defaults (600 ms, 250 ms): the figures here
    // start at the captured weight, so this only shortens the run.
    scaleOptions: { stableWindowMs: SCALE_WINDOW_MS, pollIntervalMs: SCALE_POLL_MS },
    overrides: {
      odoo: { url: odoo.url, db: odoo.db, login: odoo.login },
      printer: { uri: printer.uri },
      scale: { path: scale.appPath, protocol: 'sics' },
      carriers: { default: { provider: 'shipengine', service: 'sandbox_ground' }, shipengine: { baseUrl: shipengine.url, carrierId: 'se-bench' } },
      // Parcels of a multi-parcel order weigh what the bench says: no weight-variance hold.
      packing: { tolerancePct: 100, toleranceMinG: 1_000_000 },
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
  return {
    station,
    odoo,
    scale,
    printer,
    shipengine,
    scan,
    async close() {
      await station.stop();
      await Promise.all([odoo.close(), scale.close(), printer.close(), shipengine.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The parcel comes off: the scale must see zero before the next capture. */
async function offTheScale(rig: Rig): Promise<void> {
  rig.scale.setWeight(0);
  await waitForEvent(rig.station.events, 'scale', (s) => s.stable && (s.grams ?? 1) === 0, 10_000);
}

/** One-parcel orders: weight captured → label bytes at the printer, and last item scan → printer. */
async function singleParcel(rig: Rig, names: string[]): Promise<{ fromWeight: number[]; fromScan: number[] }> {
  const fromWeight: number[] = [];
  const fromScan: number[] = [];
  for (const name of names) {
    const opened = await rig.scan(name);
    const units = unitScans(opened.order!.lines);
    const weight = expectedParcelWeight(rig.station) + 20;
    let lastScanAt = 0;
    // The parcel is already on the scale, settled, when the last item is scanned.
    for (const [i, code] of units.entries()) {
      if (i === units.length - 1) {
        rig.scale.setWeight(weight);
        lastScanAt = performance.now();
      }
      await rig.scan(code);
    }
    const captured = waitForEvent(rig.station.events, 'state', (s) => s.step === 'labelling', 20_000).then(() => performance.now());
    await rig.printer.nextJob();
    const arrived = performance.now();
    fromWeight.push(arrived - (await captured));
    fromScan.push(arrived - lastScanAt);
    await offTheScale(rig);
  }
  return { fromWeight, fromScan };
}

/** 3-parcel orders: one unit in each of the first two parcels (NEW-PARCEL), the rest in the third. */
async function threeParcels(rig: Rig, names: string[]): Promise<{ fromWeight: number[]; fromScan: number[]; purchases: number; labels: number }> {
  const fromWeight: number[] = [];
  const fromScan: number[] = [];
  const boughtBefore = rig.shipengine.purchases.length;
  const printedBefore = rig.printer.jobs.length;
  for (const name of names) {
    const opened = await rig.scan(name);
    const units = unitScans(opened.order!.lines);
    for (const [i, code] of units.slice(0, 2).entries()) {
      await rig.scan(code);
      rig.scale.setWeight(400 + i * 100);
      const closed = waitForEvent(rig.station.events, 'state', (s) => s.message?.text.startsWith(`Parcel ${i + 1} closed`) ?? false, 20_000);
      await rig.scan('*PB*NEW-PARCEL');
      await closed;
      await offTheScale(rig);
    }
    const rest = units.slice(2);
    let lastScanAt = 0;
    for (const [i, code] of rest.entries()) {
      if (i === rest.length - 1) {
        rig.scale.setWeight(700);
        lastScanAt = performance.now();
      }
      await rig.scan(code);
    }
    const captured = waitForEvent(rig.station.events, 'state', (s) => s.step === 'labelling', 20_000).then(() => performance.now());
    for (let n = 0; n < 3; n++) await rig.printer.nextJob();
    const arrived = performance.now();
    fromWeight.push(arrived - (await captured));
    fromScan.push(arrived - lastScanAt);
    await offTheScale(rig);
  }
  return { fromWeight, fromScan, purchases: rig.shipengine.purchases.length - boughtBefore, labels: rig.printer.jobs.length - printedBefore };
}

export async function benchCarrierLabels(options: CarrierBenchOptions): Promise<void> {
  const { orders, multiParcelOrders, latencyMs } = options;
  const rig = await startRig(2 * orders + multiParcelOrders * 4 + 12);
  try {
    const all = rig.odoo.state.sampleNames();
    const moves = rig.odoo.state.all('stock.move');
    const pickings = rig.odoo.state.all('stock.picking');
    const unitsOf = (name: string) => {
      const picking = pickings.find((p) => p.name === name)!;
      return moves.filter((m) => m.picking_id === picking.id).reduce((n, m) => n + Number(m.product_uom_qty), 0);
    };
    const multi = all.filter((name) => unitsOf(name) >= 3).slice(0, multiParcelOrders);
    const single = all.filter((name) => !multi.includes(name));
    const [warmUp, ...rest] = single;
    const everyRequest = rest.slice(0, orders);
    const apiOnly = rest.slice(orders, 2 * orders);

    console.log(`\nAPI carrier: sandbox ShipEngine over HTTP (OpenAPI-checked), ${latencyMs} ms added before each answer`);
    // The first label pays for loading code and compiling schemas (about a second): not counted.
    await singleParcel(rig, [warmUp!]);
    rig.shipengine.setKnobs({ latencyMs });
    const a = await singleParcel(rig, everyRequest);
    console.log(`  (a) ${a.fromWeight.length} one-parcel orders, ${latencyMs} ms on every request (purchase, then the label file download):`);
    console.log(`      stable weight → label bytes at printer: ${summary(a.fromWeight)}`);
    console.log(`      the same minus ${latencyMs} ms: ${summary(a.fromWeight, latencyMs)}`);
    console.log(`      last item scan → label bytes at printer (scale window ${SCALE_WINDOW_MS} ms, poll ${SCALE_POLL_MS} ms): ${summary(a.fromScan)}`);
    rig.shipengine.setKnobs({ latencyMs, fileLatencyMs: 0 });
    const b = await singleParcel(rig, apiOnly);
    console.log(`  (a') ${b.fromWeight.length} one-parcel orders, ${latencyMs} ms on the purchase only (label file served at once):`);
    console.log(`      stable weight → label bytes at printer: ${summary(b.fromWeight)}`);
    console.log(`      the same minus ${latencyMs} ms: ${summary(b.fromWeight, latencyMs)}`);
    if (multi.length > 0) {
      rig.shipengine.setKnobs({ latencyMs, fileLatencyMs: latencyMs });
      const c = await threeParcels(rig, multi);
      console.log(
        `  (b) ${c.fromWeight.length} 3-parcel orders (NEW-PARCEL ×2, the last parcel closes the order), ${latencyMs} ms on every request; ` +
          `${c.purchases} purchases, ${c.labels} labels printed:`,
      );
      console.log(`      last parcel's stable weight → 3 labels at printer: ${summary(c.fromWeight)}`);
      console.log(`      last item scan → 3 labels at printer (scale window ${SCALE_WINDOW_MS} ms, poll ${SCALE_POLL_MS} ms): ${summary(c.fromScan)}`);
    } else console.log('  (b) no order with 3 units or more in the sandbox seed: skipped');
    if (rig.shipengine.contractFailures.length > 0) console.log(`  contract failures at the fake: ${rig.shipengine.contractFailures.join('; ')}`);
  } finally {
    await rig.close();
  }
}

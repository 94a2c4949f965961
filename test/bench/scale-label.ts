// Bench figures for issue 14 (scale → label): from the first frame in which the scale itself says
// "stable" to the label bytes at the printer, per protocol and mode, on a real station (SQLite WAL +
// synchronous=FULL, the sandbox Odoo over HTTP, the local carrier, a real socat pty scale and a TCP
// printer sink). The parcel goes on the scale as the last item is scanned and settles for SETTLE_MS.
// Figures, not pass/fail.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StationState } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import type { SettingsPatch } from '../../shared/settings';
import { createStation } from '../../electron/core/station';
import { startSandboxOdoo } from '../../electron/sandbox/odoo/server';
import { startPrinterSink } from '../../electron/sandbox/printer-sink';
import { startScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { expectedParcelWeight } from '../support/expected-weight';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

export interface ScaleBenchCase {
  /** What the report calls it. */
  name: string;
  protocol: 'sics' | 'nci' | 'cas';
  /** MT-SICS: ask for `SIR` (continuous) or poll with `SI`. */
  stream?: boolean;
  /** Period of a streaming scale (SIR, CAS). */
  frameIntervalMs?: number;
}

/**
 * The protocols' own periods: polled protocols at their poll period (250 ms); SIR at 9600 baud
 * back to back (a 19-byte frame is ~20 ms on the wire); CAS at 20 lines a second (ref §1.7: 5–20).
 */
export const scaleBenchCases: ScaleBenchCase[] = [
  { name: 'sics polled (SI)', protocol: 'sics', stream: false },
  { name: 'sics continuous (SIR)', protocol: 'sics', stream: true, frameIntervalMs: 25 },
  { name: 'nci polled', protocol: 'nci' },
  { name: 'cas continuous', protocol: 'cas', frameIntervalMs: 50 },
];

/** How long the parcel moves on the platform after it is put down. */
const SETTLE_MS = 300;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
function summary(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  return `p50 ${fmt(percentile(s, 50))}, p95 ${fmt(percentile(s, 95))}, max ${fmt(s.at(-1)!)}`;
}

export async function benchScaleLabels(options: { orders: number; cases?: string[] }): Promise<void> {
  const cases = scaleBenchCases.filter((c) => !options.cases || options.cases.some((k) => c.name.startsWith(k)));
  console.log(`scale frame with the stable flag → label bytes at printer (${options.orders} orders each, parcel settling ${SETTLE_MS} ms, local carrier):`);
  for (const c of cases) {
    const figures = await benchOne(c, options.orders);
    console.log(`  ${c.name.padEnd(22)} ${summary(figures.total)}  (last stable frame before the capture → label: ${summary(figures.pipeline)})`);
  }
}

async function benchOne(c: ScaleBenchCase, orders: number): Promise<{ total: number[]; pipeline: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'packbench-bench-scale-'));
  const apiKey = randomBytes(16).toString('hex');
  const odoo = await startSandboxOdoo({ port: 0, apiKey, seed: orders + 5 });
  const sim = await startScaleSimulator({ protocol: c.protocol, frameIntervalMs: c.frameIntervalMs, seed: 3 });
  const printer = await startPrinterSink({ port: 0 });
  const scaleSettings = { path: sim.appPath, protocol: c.protocol, ...(c.stream === undefined ? {} : { stream: c.stream }) };
  const station = createStation({
    dataDir: dir,
    mode: 'training',
    log: () => {},
    odooApiKey: apiKey,
    identity: { scryptN: 1024 },
    overrides: {
      odoo: { url: odoo.url, db: odoo.db, login: odoo.login },
      printer: { uri: printer.uri },
      scale: scaleSettings,
    } as SettingsPatch,
  });
  // Every frame the scale sends with its stable flag, and the frame that made the capture.
  let firstStableAt: number | null = null;
  let lastStableAt = 0;
  let target = -1;
  sim.onFrame((sample, at) => {
    if (sample.motion || sample.overload || Math.round(sample.grams) !== target) return;
    lastStableAt = at;
    firstStableAt ??= at;
  });
  const total: number[] = [];
  const pipeline: number[] = [];
  try {
    station.identities.addStaff({ badge: 'BENCH', name: 'Bench Packer', role: 'packer' });
    await station.start();
    const scan = async (code: string) => {
      const r = await dispatch(station.handlers, 'scan', { code });
      if (!r.ok) throw new Error(r.error.message);
      return (r.value as { state: StationState }).state;
    };
    await scan('BENCH');
    await waitForEvent(station.events, 'scale', (s) => s.status === 'ok', 10_000);
    for (const name of odoo.state.sampleNames().slice(0, orders)) {
      const opened = await scan(name);
      const units = unitScans(opened.order!.lines);
      for (const [i, code] of units.entries()) {
        if (i === units.length - 1) {
          target = expectedParcelWeight(station) + 20;
          firstStableAt = null;
          sim.setWeight(target, { motionMs: SETTLE_MS });
        }
        await scan(code);
      }
      let capturedAt = 0;
      const captured = waitForEvent(station.events, 'state', (s) => s.step === 'labelling', 20_000).then(() => {
        capturedAt = lastStableAt;
      });
      await printer.nextJob();
      const arrived = performance.now();
      await captured;
      if (firstStableAt === null) throw new Error(`${c.name}: a label without a stable frame before it`);
      total.push(arrived - firstStableAt);
      pipeline.push(arrived - capturedAt);
      target = -1;
      sim.setWeight(0);
      await waitForEvent(station.events, 'scale', (s) => s.stable && (s.grams ?? 1) === 0, 10_000);
    }
  } finally {
    await station.stop();
    await Promise.all([odoo.close(), sim.close(), printer.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
  return { total, pipeline };
}

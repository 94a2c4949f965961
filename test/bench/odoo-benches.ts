// Many benches against one Odoo (issue 14): a figure, not pass/fail. N benches, each with its own
// SQLite file, prefetcher, pack session (the real order source and claim) and outbox + Odoo
// dispatch target, share one sandbox Odoo with injected latency. Each bench opens its orders by
// scanning their names (scan → screen timed), puts the parcel through, and its dispatch drains as
// the bench's sync worker would. Reported: the RPCs the Odoo saw per order and per second, scan →
// screen at the benches (p50/p95/max), and what that makes at the real pace of one order a minute
// per bench, with each bench's incremental prefetch once a minute.
// Part of `npm run bench` (and `--only odoo`); alone: npx tsx test/bench/odoo-benches.ts [benches] [orders per bench]
import { ManualClock, systemClock } from '../../electron/core/clock';
import { localCarrier } from '../../electron/core/carriers/local/index';
import { CarrierRegistry } from '../../electron/core/carriers/registry';
import type { PrintJournal } from '../../electron/core/devices/printer/print-journal';
import { connectOdoo } from '../../electron/core/odoo/connect';
import { createOdooOrderSource } from '../../electron/core/odoo/order-source';
import { ReferenceData, scopedOdooTransport } from '../../electron/core/odoo/pickings';
import { Prefetcher } from '../../electron/core/odoo/prefetch';
import { PackSession } from '../../electron/core/pack/pack-session';
import { openDatabase } from '../../electron/core/store/db';
import { ExceptionQueue } from '../../electron/core/store/exceptions';
import { OrderCache } from '../../electron/core/store/order-cache';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { dispatchRig, readyUntracked } from '../support/dispatch-rig';
import { tempDir } from '../support/temp-dir';
import { createTranslator } from '../../electron/core/i18n/translator';

export interface BenchesOptions {
  benches?: number;
  ordersPerBench?: number;
  latencyMs?: number;
  /** Between one order's dispatch and the next scan at a bench (the packing), compressed. */
  packingMs?: number;
  log?: (line: string) => void;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const countCalls = (odoo: SandboxOdoo, from: number) =>
  odoo.rpcLog.slice(from).filter((e) => e.method !== 'authenticate' && e.method !== 'version' && e.method !== 'context_get').length;

export async function benchManyBenches(options: BenchesOptions = {}): Promise<void> {
  const benches = options.benches ?? 50;
  const perBench = options.ordersPerBench ?? 3;
  const latencyMs = options.latencyMs ?? 20;
  // Ten times the real pace of one order a minute: the benches' own work (50 in this one process,
  // with the sandbox Odoo) must not be what the scan waits for.
  const packingMs = options.packingMs ?? 6_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const apiKey = 'bench-many-key-0123456789abcdef';
  // Untracked deliveries only (a lot scan is another figure), one set per bench.
  const odoo = await startSandboxOdoo({ apiKey, seed: Math.ceil(benches * perBench * 1.6) + 20 });
  const names = readyUntracked(odoo).map((p) => String(p.name));
  if (names.length < benches * perBench) throw new Error(`the sandbox seeded only ${names.length} untracked deliveries`);
  const dirs: ReturnType<typeof tempDir>[] = [];
  const closers: (() => void)[] = [];
  try {
    const scope = { companyId: null, warehouseId: null, pickingTypeIds: [] };
    const packer = { id: 1, name: 'Packer', role: 'packer' as const };
    const stations = await Promise.all(
      Array.from({ length: benches }, async (_, i) => {
        const dir = tempDir();
        dirs.push(dir);
        const db = openDatabase(dir.file('station.db'));
        closers.push(() => db.close());
        const transport = (await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey })).transport;
        const binding = { url: odoo.url, db: odoo.db };
        const cache = new OrderCache(db, systemClock);
        // One memory of codes per bench, shared by its prefetch, scan and dispatch (as OdooConnection wires it).
        const reference = new ReferenceData();
        const prefetcher = new Prefetcher({ transport: scopedOdooTransport(transport, () => scope), binding, cache, clock: systemClock, scope: () => scope, reference });
        const bench = `Bench ${i + 1}`;
        const clock = new ManualClock(Date.now());
        const session = new PackSession({
          db,
          clock,
          exceptions: new ExceptionQueue(db, clock, createTranslator('en').t),
          orders: createOdooOrderSource(transport, { localCopyAge: () => prefetcher.age(), reference }),
          scale: () => null,
          printerUri: () => null,
          carriers: new CarrierRegistry([localCarrier()]),
          journal: {} as PrintJournal,
          kickSync: () => {},
          changed: () => {},
          packing: () => ({ verifyItems: false, tolerancePct: 10, toleranceMinG: 50, boxTareG: 150 }),
          benchName: () => bench,
          t: createTranslator('en').t,
        });
        const rig = await dispatchRig(odoo, { transport, bench, reference });
        closers.push(() => rig.close());
        /** One drain at a time per bench, as its one worker would. */
        let draining = Promise.resolve();
        const drain = () => (draining = draining.then(() => rig.drain()));
        return { bench, cache, binding, prefetcher, session, rig, drain, orders: names.slice(i * perBench, (i + 1) * perBench) };
      }),
    );
    // Each bench's first pull, before the shift (not counted below).
    for (const s of stations) await s.prefetcher.runOnce();

    odoo.setChaos({ latencyMs });
    const from = odoo.rpcLog.length;
    const screen: number[] = [];
    const refused: string[] = [];
    const started = performance.now();
    await Promise.all(
      stations.map(async (s, i) => {
        // Benches do not start in step.
        await sleep((i * packingMs) / benches);
        for (const name of s.orders) {
          const t0 = performance.now();
          const opened = await s.session.scanCode(name, packer);
          screen.push(performance.now() - t0);
          if (opened.tone === 'error') {
            refused.push(`${name}: ${opened.text}`);
            continue;
          }
          await sleep(packingMs);
          // Packed and labelled: the dispatch row the pack session queues, drained by the bench's worker;
          // the next order is put on the scale meanwhile (the packer never waits for Odoo).
          s.rig.queue(s.cache.findByName(name, s.binding)!.order);
          await s.session.command('CANCEL', packer);
          void s.drain();
        }
      }),
    );
    for (const s of stations) await s.drain();
    const seconds = (performance.now() - started) / 1000;
    const interactive = countCalls(odoo, from);
    const orders = benches * perBench - refused.length;
    const dead = stations.reduce(
      (n, s) => n + (s.rig.db.prepare(`SELECT count(*) AS n FROM outbox WHERE state != 'done'`).get() as { n: number }).n,
      0,
    );

    // One incremental prefetch per bench: what each costs Odoo once a minute.
    const beforePrefetch = odoo.rpcLog.length;
    for (const s of stations) await s.prefetcher.runOnce();
    const prefetchPerBench = countCalls(odoo, beforePrefetch) / benches;

    const byMethod = new Map<string, number>();
    for (const e of odoo.rpcLog.slice(from, beforePrefetch)) {
      if (e.method === 'authenticate' || e.method === 'version' || e.method === 'context_get') continue;
      const key = `${e.model ?? e.service}.${e.method}`;
      byMethod.set(key, (byMethod.get(key) ?? 0) + 1);
    }
    screen.sort((a, b) => a - b);
    const perOrder = interactive / Math.max(1, orders);
    const realPace = (benches * (perOrder + prefetchPerBench)) / 60;
    log(`${benches} benches against one sandbox Odoo (${latencyMs} ms latency), ${perBench} orders each, ${packingMs} ms packing between scans (compressed)`);
    log(`  orders: ${orders} opened and dispatched${refused.length ? `, ${refused.length} refused (${refused[0]})` : ''}; not done in the outbox: ${dead}`);
    log(`  Odoo RPCs per order, open + claim + write-back: ${perOrder.toFixed(2)}`);
    log(`    by method: ${[...byMethod].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${(n / Math.max(1, orders)).toFixed(2)}`).join(', ')}`);
    log(`  at the Odoo, compressed run: ${(interactive / seconds).toFixed(1)} RPC/s over ${seconds.toFixed(1)} s`);
    log(
      `  at the real pace (1 order/min per bench, incremental prefetch ${prefetchPerBench.toFixed(1)} RPCs/min per bench): ${realPace.toFixed(1)} RPC/s at the Odoo`,
    );
    log(`  scan → screen at the benches: p50 ${percentile(screen, 50).toFixed(0)} ms, p95 ${percentile(screen, 95).toFixed(0)} ms, max ${screen.at(-1)!.toFixed(0)} ms`);
  } finally {
    for (const close of closers) close();
    for (const dir of dirs) dir.remove();
    await odoo.close();
  }
}

if (process.argv[1]?.endsWith('odoo-benches.ts')) {
  benchManyBenches({ benches: Number(process.argv[2] ?? 50), ordersPerBench: Number(process.argv[3] ?? 3), packingMs: Number(process.argv[4] ?? 6000) }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

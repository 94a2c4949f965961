// Order cache lookup time with a big cache (goal: p99 ≤ 2 ms with 200,000 cached pickings).
// Rows are generated straight into SQLite through OrderCache.save (the prefetch's own write path),
// in one transaction; lookups go through OrderCache.lookup exactly as a scan does.
// Run alone: `npx tsx test/bench/odoo-cache.ts [--pickings N]`; `npm run bench` runs it after packing.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Order } from '../../shared/order';
import { systemClock } from '../../electron/core/clock';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { scopedOdooTransport } from '../../electron/core/odoo/pickings';
import { Prefetcher } from '../../electron/core/odoo/prefetch';
import { startSandboxOdoo } from '../../electron/sandbox/odoo/server';
import { openDatabase } from '../../electron/core/store/db';
import { OrderCache, type CodeKind } from '../../electron/core/store/order-cache';
import { seededRandom } from '../../electron/sandbox/seeded-random';

export interface CacheBenchOptions {
  pickings?: number;
  /** Share of cached pickings still ready to pack (the rest shipped since). */
  readyShare?: number;
  lookups?: number;
  log?: (line: string) => void;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const PRODUCTS = 20_000;
/** A bestseller that is in about 1 % of ready orders: the "which order?" case at its worst. */
const BESTSELLER = 0;
const barcode = (product: number) => `40${String(product).padStart(10, '0')}7`;
const name = (n: number) => `WH/OUT/${String(n).padStart(6, '0')}`;
const origin = (n: number) => `S${String(Math.ceil(n / 1.1)).padStart(6, '0')}`; // some orders ship in two deliveries
const tracking = (n: number) => `1Z999AA1${String(n).padStart(10, '0')}`;
const packageName = (n: number) => `PACK${String(n).padStart(7, '0')}`;

export async function benchOrderCache(options: CacheBenchOptions = {}): Promise<void> {
  const count = options.pickings ?? 200_000;
  const readyShare = options.readyShare ?? 0.15;
  const lookups = options.lookups ?? 20_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = mkdtempSync(join(tmpdir(), 'packbench-cache-bench-'));
  const db = openDatabase(join(dir, 'station.sqlite'));
  const cache = new OrderCache(db, systemClock);
  const source = { url: 'https://odoo.example.com', db: 'prod' };
  const rnd = seededRandom(42);
  const party = (i: number) => ({
    name: `Customer ${i}`,
    company: null,
    street1: `Hauptstraße ${1 + (i % 200)}`,
    street2: null,
    city: 'Hamburg',
    postalCode: String(20_000 + (i % 999)),
    region: null,
    country: 'DE',
    phone: '+49 40 5555 0100',
    email: null,
  });
  const shipFrom = party(0);

  const t0 = performance.now();
  const ready: number[] = [];
  cache.transaction(() => {
    for (let n = 1; n <= count; n++) {
      const isReady = rnd() < readyShare;
      if (isReady) ready.push(n);
      const lineCount = 1 + Math.floor(rnd() * rnd() * 4);
      const products = new Set<number>();
      if (isReady && rnd() < 0.01) products.add(BESTSELLER);
      while (products.size < lineCount) products.add(1 + Math.floor(rnd() * (PRODUCTS - 1)));
      const order: Order = {
        source,
        pickingId: n,
        name: name(n),
        origin: origin(n),
        state: isReady ? 'assigned' : 'done',
        carrier: 'DHL Parcel',
        shipTo: party(n),
        shipFrom,
        lines: [...products].map((p, i) => ({
          moveId: n * 10 + i,
          productId: p + 1,
          name: `Product ${p}`,
          sku: `SKU-${p}`,
          barcode: barcode(p),
          quantity: 1 + (p % 3),
          unit: 'Units',
          unitWeightG: 100 + (p % 900),
          tracking: 'none',
        })),
        writeDate: '2026-01-01 00:00:00',
      };
      cache.save(order, { trackingRef: isReady ? null : tracking(n), packages: n % 10 === 0 ? [packageName(n)] : [] });
    }
  });
  const generatedS = (performance.now() - t0) / 1000;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const sizeMiB = statSync(join(dir, 'station.sqlite')).size / 2 ** 20;

  // The codes a bench scans, in a mix; each kind also timed on its own.
  const pickAny = () => 1 + Math.floor(rnd() * count);
  const pickReady = () => ready[Math.floor(rnd() * ready.length)]!;
  const readySet = new Set(ready);
  const kinds: Record<string, () => string> = {
    name: () => name(pickAny()),
    origin: () => origin(pickAny()),
    tracking: () => {
      for (;;) {
        const n = pickAny();
        if (!readySet.has(n)) return tracking(n);
      }
    },
    package: () => packageName(10 * (1 + Math.floor(rnd() * (count / 10)))),
    barcode: () => {
      const n = pickReady();
      const order = cache.findByName(name(n), source)!.order;
      return order.lines[Math.floor(rnd() * order.lines.length)]!.barcode!;
    },
    miss: () => `UNKNOWN-${Math.floor(rnd() * 1e9)}`,
  };
  // Warm up (page cache, statement cache), as a bench that has been running would be.
  for (let i = 0; i < 2_000; i++) cache.lookup(kinds.name!(), source);

  const all: number[] = [];
  const per: Record<string, number[]> = {};
  const outcomes: Record<string, number> = {};
  const names = Object.keys(kinds);
  for (let i = 0; i < lookups; i++) {
    const kind = names[i % names.length]!;
    const code = kinds[kind]!();
    const start = performance.now();
    const result = cache.lookup(code, source);
    const ms = performance.now() - start;
    all.push(ms);
    (per[kind] ??= []).push(ms);
    const via = result.kind === 'none' ? 'none' : `${result.kind} via ${result.via satisfies CodeKind}`;
    outcomes[via] = (outcomes[via] ?? 0) + 1;
  }
  const hot: number[] = [];
  let hotTotal = 0;
  for (let i = 0; i < 500; i++) {
    const start = performance.now();
    const result = cache.lookup(barcode(BESTSELLER), source);
    hot.push(performance.now() - start);
    if (result.kind === 'choose') hotTotal = result.total;
  }

  const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
  const line = (label: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return `${label}: p50 ${fmt(percentile(sorted, 50))}, p99 ${fmt(percentile(sorted, 99))}, max ${fmt(sorted.at(-1)!)} (n=${sorted.length})`;
  };
  log(`order cache: ${count.toLocaleString('en')} cached pickings (${ready.length.toLocaleString('en')} ready), ${PRODUCTS.toLocaleString('en')} products; generated in ${generatedS.toFixed(1)} s, ${sizeMiB.toFixed(0)} MiB`);
  log(`  ${line('lookup, mixed codes', all)} — goal p99 ≤ 2 ms`);
  for (const kind of names) log(`    ${line(kind, per[kind]!)}`);
  log(`    ${line(`bestseller barcode (in ${hotTotal} ready orders: "which order?")`, hot)}`);
  log(`  outcomes: ${Object.entries(outcomes).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Prefetch cost against the sandbox Odoo over HTTP: a first full pull, then an incremental one. */
export async function benchPrefetch(options: { pickings?: number; changed?: number; log?: (line: string) => void } = {}): Promise<void> {
  const count = options.pickings ?? 2_000;
  const changed = options.changed ?? 20;
  const log = options.log ?? ((line: string) => console.log(line));
  const apiKey = 'bench-prefetch-key-0123456789abcdef';
  const odoo = await startSandboxOdoo({ port: 0, apiKey, seed: count });
  const dir = mkdtempSync(join(tmpdir(), 'packbench-prefetch-bench-'));
  const db = openDatabase(join(dir, 'station.sqlite'));
  try {
    const rpc = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey });
    const scope = { companyId: null, warehouseId: null, pickingTypeIds: [] };
    const prefetcher = new Prefetcher({
      transport: scopedOdooTransport(rpc, () => scope),
      binding: { url: odoo.url, db: odoo.db },
      cache: new OrderCache(db, systemClock),
      clock: systemClock,
      scope: () => scope,
    });
    await rpc.version();
    odoo.rpcLog.length = 0;
    let start = performance.now();
    const first = await prefetcher.runOnce();
    const firstMs = performance.now() - start;
    const firstRpcs = odoo.rpcLog.length;
    for (let id = 1; id <= changed; id++) await rpc.call('stock.picking', 'write', { ids: [id * 7], vals: { origin: `S-CHANGED-${id}` } });
    odoo.rpcLog.length = 0;
    start = performance.now();
    const second = await prefetcher.runOnce();
    const secondMs = performance.now() - start;
    log(
      `prefetch (sandbox Odoo over HTTP, batches of 200): first pull of ${first.saved} ready pickings ${(firstMs / 1000).toFixed(1)} s, ` +
        `${firstRpcs} RPCs (${(firstRpcs / Math.max(1, first.saved)).toFixed(3)} per picking)`,
    );
    log(`  incremental after ${changed} pickings changed: ${second.saved} re-read, ${odoo.rpcLog.length} RPCs, ${secondMs.toFixed(0)} ms`);
  } finally {
    db.close();
    await odoo.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { pickings: { type: 'string', default: '200000' } } });
  benchPrefetch()
    .then(() => benchOrderCache({ pickings: Number(values.pickings) }))
    .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

// Write-back bench: drain a backlog of queued dispatches into the sandbox Odoo and print
//   - RPC calls per picking (goal ≤ 2.1 amortised: a write and a message_post each, Odoo's floor, plus the batch's share), from the sandbox's record of every RPC;
//   - time to drain 2,000 queued orders with 20 ms injected latency and at most 4 concurrent
//     requests (goal ≤ 30 s).
// Part of `npm run bench`; alone: npx tsx test/bench/odoo-writeback.ts [orders] [version]
import { connectOdoo } from '../../electron/core/odoo/connect';
import type { OdooTransport } from '../../electron/core/odoo/transport';
import { startSandboxOdoo, type SandboxOdoo, type SandboxVersion } from '../../electron/sandbox/odoo/server';
import type { Order } from '../../shared/order';
import { dispatchRig } from '../support/dispatch-rig';

const LATENCY_MS = 20;
const MAX_CONCURRENT = 4;

/** At most `limit` requests in flight, whoever sends them. */
function limited(transport: OdooTransport, limit: number): OdooTransport & { peak: () => number } {
  let active = 0;
  let peak = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    while (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    peak = Math.max(peak, active);
  };
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return {
    get protocol() {
      return transport.protocol;
    },
    url: transport.url,
    db: transport.db,
    version: () => transport.version(),
    async call(model, method, params) {
      await acquire();
      try {
        return await transport.call(model, method, params);
      } finally {
        release();
      }
    },
    peak: () => peak,
  };
}

/** The orders as the bench would have cached them, straight from the sandbox's records. */
function ordersOf(odoo: SandboxOdoo): Order[] {
  const s = odoo.state;
  const tracked = (productId: number) => s.get('product.product', productId)?.tracking !== 'none';
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return s
    .all('stock.picking')
    .filter((p) => p.state === 'assigned')
    .flatMap((p): Order[] => {
      const moves = s.all('stock.move').filter((m) => m.picking_id === p.id && m.state !== 'cancel');
      // Lots are reserved in the seed, but keep the backlog to what every version validates alike.
      if (moves.some((m) => tracked(Number(m.product_id)))) return [];
      const partner = s.get('res.partner', Number(p.partner_id))!;
      const country = s.get('res.country', Number(partner.country_id));
      return [
        {
          source: { url: odoo.url, db: odoo.db },
          pickingId: p.id,
          name: String(p.name),
          origin: str(p.origin),
          state: 'assigned',
          carrier: null,
          shipTo: {
            name: String(partner.name),
            company: null,
            street1: String(partner.street),
            street2: str(partner.street2),
            city: String(partner.city),
            postalCode: String(partner.zip),
            region: null,
            country: String(country?.code),
            phone: null,
            email: null,
          },
          shipFrom: undefined as never,
          lines: moves.map((m) => ({
            moveId: m.id,
            productId: Number(m.product_id),
            name: 'item',
            sku: null,
            barcode: null,
            quantity: Number(m.product_uom_qty),
            unit: 'Units',
            unitWeightG: null,
            tracking: 'none' as const,
          })),
          writeDate: String(p.write_date),
        } as Order,
      ];
    });
}

export async function benchWriteback(ORDERS = 2000, VERSION: SandboxVersion = 17): Promise<void> {
  const apiKey = 'bench-writeback-key-0123456789';
  // Seed more deliveries than needed: some hold lot-tracked products and are left out.
  const odoo = await startSandboxOdoo({ version: VERSION, apiKey, seed: Math.ceil(ORDERS * 1.6) });
  try {
    const raw = (await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey })).transport;
    const transport = limited(raw, MAX_CONCURRENT);
    const rig = await dispatchRig(odoo, { transport, concurrency: MAX_CONCURRENT });
    const orders = ordersOf(odoo).slice(0, ORDERS);
    if (orders.length < ORDERS) throw new Error(`the sandbox seeded only ${orders.length} untracked deliveries`);
    for (const order of orders) rig.queue(order);
    await transport.call('res.users', 'context_get', {});

    odoo.setChaos({ latencyMs: LATENCY_MS });
    const before = odoo.rpcLog.length;
    const started = performance.now();
    await rig.drain();
    const seconds = (performance.now() - started) / 1000;
    const calls = odoo.rpcLog.slice(before).filter((e) => e.method !== 'authenticate');
    const done = rig.db.prepare(`SELECT count(*) AS n FROM outbox WHERE state = 'done'`).get() as { n: number };
    const byMethod = new Map<string, number>();
    for (const c of calls) byMethod.set(`${c.model ?? c.service}.${c.method}`, (byMethod.get(`${c.model ?? c.service}.${c.method}`) ?? 0) + 1);

    console.log(`Odoo ${VERSION} write-back, ${orders.length} queued orders, ${LATENCY_MS} ms latency, ≤ ${MAX_CONCURRENT} concurrent requests`);
    console.log(`  done:                 ${done.n} of ${orders.length}`);
    console.log(`  RPC calls per picking: ${(calls.length / orders.length).toFixed(2)} (goal ≤ 2.1; ${calls.length} calls)`);
    console.log(`  time to drain:        ${seconds.toFixed(1)} s (goal ≤ 30 s)`);
    console.log(`  peak concurrent:      ${transport.peak()}`);
    console.log(`  calls by method:      ${[...byMethod].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    rig.close();
  } finally {
    await odoo.close();
  }
}

if (process.argv[1]?.endsWith('odoo-writeback.ts')) {
  benchWriteback(Number(process.argv[2] ?? 2000), Number(process.argv[3] ?? 17) as SandboxVersion).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

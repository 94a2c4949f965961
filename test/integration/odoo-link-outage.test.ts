// The Odoo link in two outage shapes the outage harness found slowing every order scan: a proxy's
// 502 page in front of a down Odoo (the link stayed online, so each scan asked again and waited
// out the read retries), and an Odoo answering every request 2 s late (each late answer flipped
// the link back online, so every next scan waited its whole 1.5 s budget again). The sandbox Odoo
// over HTTP behind the outage proxy (real sockets).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { lazyOdooTransport } from '../../electron/core/odoo/lazy-transport';
import { OdooLink } from '../../electron/core/odoo/odoo-link';
import { createOdooOrderSource, OrderSourceUnavailable } from '../../electron/core/odoo/order-source';
import { startSandboxOdoo } from '../../electron/sandbox/odoo/server';
import { startOutageProxy, type OutageProxy } from '../support/outage-proxy';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig() {
  const apiKey = randomBytes(16).toString('hex');
  const odoo = await startSandboxOdoo({ port: 0, apiKey, seed: 3 });
  cleanups.push(() => odoo.close());
  const proxy: OutageProxy = await startOutageProxy({ target: odoo.url });
  cleanups.push(() => proxy.close());
  const link = new OdooLink();
  const transport = link.watch(lazyOdooTransport({ url: proxy.url, db: odoo.db, login: odoo.login, apiKey }));
  const source = createOdooOrderSource(transport, { link });
  const name = odoo.state.sampleNames()[0]!;
  /** One scan's question: how long it took, and whether it fell back to the local copy. */
  const ask = async () => {
    const started = performance.now();
    const outcome = await source.findByName(name).then(
      () => 'odoo' as const,
      (error: unknown) => {
        if (error instanceof OrderSourceUnavailable) return 'local copy' as const;
        throw error;
      },
    );
    return { outcome, ms: performance.now() - started };
  };
  return { proxy, link, ask };
}

describe('the Odoo link in an outage', () => {
  it('counts a gateway 502 page in front of Odoo as Odoo unreachable: the next scans do not ask and wait', async () => {
    const { proxy, link, ask } = await rig();
    expect((await ask()).outcome).toBe('odoo');
    await proxy.setShape('502');
    expect((await ask()).outcome).toBe('local copy');
    expect(link.state).toBe('offline');
    const next = await ask();
    expect(next.outcome).toBe('local copy');
    // Not asked at all (a background probe goes out instead): no read retries waited out.
    expect(next.ms).toBeLessThan(100);
    await proxy.setShape('up');
    // The probe (or the next request) answers promptly: back online, and scans ask Odoo again.
    for (const until = Date.now() + 10_000; link.state !== 'online' && Date.now() < until; ) {
      await ask();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(link.state).toBe('online');
    expect((await ask()).outcome).toBe('odoo');
  }, 60_000);

  it('keeps a slow Odoo (every answer 2 s late) offline for scans: one scan waits its budget, the next ones do not', async () => {
    const { proxy, link, ask } = await rig();
    expect((await ask()).outcome).toBe('odoo');
    await proxy.setShape('slow');
    const first = await ask();
    expect(first.outcome).toBe('local copy');
    // The late answer (and the background probe's) arrives; it must not bring the link back.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(link.state).toBe('offline');
    const later = [await ask(), await ask(), await ask()];
    expect(later.map((a) => a.outcome)).toEqual(['local copy', 'local copy', 'local copy']);
    for (const a of later) expect(a.ms).toBeLessThan(100);
    await proxy.setShape('up');
    for (const until = Date.now() + 15_000; link.state !== 'online' && Date.now() < until; ) {
      await ask();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(link.state).toBe('online');
  }, 60_000);
});

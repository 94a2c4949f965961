// The outage harness (test/support/outage-run.ts) in each shape: the sandbox Odoo and the sandbox
// ShipEngine go down together (refused, hung by SIGSTOP, 502, 2 s slow, reset mid-reply) while
// orders are packed through the station API, then come back. The packer never waits (scan →
// screen p95 under 150 ms, as the issue demands), the screen shows the queue growing and how old
// its oldest update is, and after the return every order is dispatched once, its effects in
// order. `npm run soak -- --outage 500` is the long run.
import { describe, expect, it } from 'vitest';
import { OUTAGE_SHAPES } from '../support/outage-proxy';
import { percentile, runOutage } from '../support/outage-run';

const ORDERS = Number(process.env.OUTAGE_ORDERS ?? 20);

describe('an outage of Odoo and the carrier, in each shape', () => {
  for (const shape of OUTAGE_SHAPES) {
    it(`${shape}: packing goes on at full speed, and everything is dispatched once, in order, after the return`, async () => {
      const [report] = await runOutage({ shapes: [shape], ordersPerShape: ORDERS, log: (line) => console.log(`[outage] ${line}`) });
      const r = report!;
      const p95 = percentile(r.scanMs, 95);
      console.log(
        `[outage] ${shape}: scan→screen p50 ${percentile(r.scanMs, 50).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${Math.max(...r.scanMs).toFixed(0)} ms; ` +
          `queue peak ${r.queuePeak}, oldest ${(r.oldestAgeMs / 1000).toFixed(1)} s; drained in ${(r.drainMs / 1000).toFixed(1)} s`,
      );
      expect(r.problems).toEqual([]);
      expect(r.duplicates).toEqual([]);
      expect(r.outOfOrder).toEqual([]);
      expect(r.orders).toBe(ORDERS);
      expect(r.dispatched).toBe(ORDERS);
      // The screen was told what waited and how long the oldest had waited. Down hard, every
      // order's update waited; slow, they trickle out 2 s a request, so the queue is shorter.
      expect(r.queuePeak).toBeGreaterThanOrEqual(shape === 'slow' ? 1 : ORDERS);
      expect(r.oldestAgeMs).toBeGreaterThan(5_000);
      // The demand, measured per scan from the API call to the state event showing it.
      expect(p95, `scan → screen p95 in the ${shape} shape`).toBeLessThan(150);
      // Throughout: also while the backlog floods back after the return.
      expect(r.drainScanMs.length).toBeGreaterThan(0);
      expect(percentile(r.drainScanMs, 95), `scan → screen p95 while the outbox drained after ${shape}`).toBeLessThan(150);
    }, 600_000);
  }
});

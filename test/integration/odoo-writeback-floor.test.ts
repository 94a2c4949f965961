// The write-back floor (issue 14): a backlog of dispatches costs Odoo one write and one
// message_post per picking and little else (≤ 2.1 calls per picking), with at most the target's
// concurrency in flight however the batch is split into groups.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectOdoo } from '../../electron/core/odoo/connect';
import type { OdooTransport } from '../../electron/core/odoo/transport';
import { startSandboxOdoo, type Rec, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { dispatchRig } from '../support/dispatch-rig';

const KEY = 'writeback-floor-key-0123456789';
const PICKINGS = 400;

let odoo: SandboxOdoo;

/** The transport as the rig uses it, counting the calls in flight at once. */
function watched(transport: OdooTransport): OdooTransport & { peak: () => number } {
  let active = 0;
  let peak = 0;
  return {
    get protocol() {
      return transport.protocol;
    },
    url: transport.url,
    db: transport.db,
    version: () => transport.version(),
    async call(model, method, params) {
      active++;
      peak = Math.max(peak, active);
      try {
        return await transport.call(model, method, params);
      } finally {
        active--;
      }
    },
    peak: () => peak,
  };
}

beforeEach(async () => {
  odoo = await startSandboxOdoo({ apiKey: KEY, seed: Math.ceil(PICKINGS * 1.6) + 20 });
});
afterEach(async () => {
  await odoo.close();
});

describe('write-back of a backlog', () => {
  it(`drains ${PICKINGS} dispatches in at most 2.1 calls per picking, at most 4 in flight`, async () => {
    const untracked = (p: Rec) =>
      p.state === 'assigned' &&
      odoo.state
        .all('stock.move')
        .filter((m) => m.picking_id === p.id)
        .every((m) => odoo.state.get('product.product', m.product_id as number)!.tracking === 'none');
    const pickings = odoo.state.all('stock.picking').filter(untracked).slice(0, PICKINGS);
    expect(pickings).toHaveLength(PICKINGS);
    const transport = watched((await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: KEY })).transport);
    const rig = await dispatchRig(odoo, { transport });
    try {
      const ids = [];
      for (const p of pickings) ids.push(rig.queue(await rig.cache(String(p.name))));
      const before = odoo.rpcLog.length;
      await rig.drain();
      expect(ids.map((id) => rig.state(id)).filter((s) => s !== 'done')).toEqual([]);
      const calls = odoo.rpcLog.slice(before).filter((e) => e.method !== 'authenticate' && e.method !== 'version');
      const count = (method: string) => calls.filter((c) => c.method === method).length;
      // Odoo's floor: one write and one chatter message per picking.
      expect(count('write')).toBe(PICKINGS);
      expect(count('message_post')).toBe(PICKINGS);
      expect(calls.length / PICKINGS).toBeLessThanOrEqual(2.1);
      expect(transport.peak()).toBeLessThanOrEqual(4);
      // Every picking shipped with its package, label and one message.
      for (const p of pickings) {
        expect(odoo.state.get('stock.picking', p.id)!.state).toBe('done');
        expect(odoo.state.all('mail.message').filter((m) => m.model === 'stock.picking' && m.res_id === p.id)).toHaveLength(1);
      }
    } finally {
      rig.close();
    }
  }, 120_000);
});

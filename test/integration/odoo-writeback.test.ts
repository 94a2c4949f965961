// Batched write-back against the sandbox Odoo (16 to 19): a backlog drains in under 3 RPCs per
// picking, one bad row does not block the others, the label is attached under Odoo's connector
// name, one chatter message per picking, and the backorder policy is applied.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandboxOdoo, type Rec, type SandboxOdoo, type SandboxVersion } from '../../electron/sandbox/odoo/server';
import { dispatchRig, type DispatchRig } from '../support/dispatch-rig';

const API_KEY = 'writeback-key-0123456789';

describe.each([16, 17, 18, 19] as SandboxVersion[])('Odoo %i write-back', (version) => {
  let odoo: SandboxOdoo;
  let rig: DispatchRig;

  beforeEach(async () => {
    odoo = await startSandboxOdoo({ version, apiKey: API_KEY, seed: 60 });
    rig = await dispatchRig(odoo);
  });
  afterEach(async () => {
    rig.close();
    await odoo.close();
  });

  const movesOf = (pickingId: number) => odoo.state.all('stock.move').filter((m) => m.picking_id === pickingId);
  const tracked = (p: Rec) =>
    movesOf(p.id).some((m) => odoo.state.get('product.product', m.product_id as number)!.tracking !== 'none');
  const ready = (test: (p: Rec) => boolean = () => true) =>
    odoo.state.all('stock.picking').filter((p) => p.state === 'assigned' && test(p));
  const messagesOf = (pickingId: number) =>
    odoo.state.all('mail.message').filter((m) => m.model === 'stock.picking' && m.res_id === pickingId);

  it('drains a backlog in at most 3 RPCs per picking, with package, attachment and one message each', async () => {
    const pickings = ready((p) => !tracked(p)).slice(0, 20);
    expect(pickings.length).toBe(20);
    const orders = [];
    for (const p of pickings) orders.push(await rig.cache(String(p.name)));
    const ids = orders.map((o) => rig.queue(o));

    const before = odoo.rpcLog.length;
    await rig.drain();
    const calls = odoo.rpcLog.slice(before).filter((e) => e.method !== 'authenticate');
    expect(calls.length / pickings.length).toBeLessThanOrEqual(3);

    expect(ids.map((id) => rig.state(id))).toEqual(ids.map(() => 'done'));
    expect(rig.dispatched).toHaveLength(20);
    for (const [i, p] of pickings.entries()) {
      const after = odoo.state.get('stock.picking', p.id)!;
      const payload = rig.dispatched.find((d) => d.pickingId === p.id)!;
      expect(after.state).toBe('done');
      expect(after.carrier_tracking_ref).toBe(payload.trackingRef);
      const attachments = odoo.state.all('ir.attachment').filter((a) => a.res_model === 'stock.picking' && a.res_id === p.id);
      expect(attachments.map((a) => a.name)).toEqual([`LabelShipping-local-${payload.trackingRef}.zpl`]);
      const messages = messagesOf(p.id);
      expect(messages).toHaveLength(1);
      expect(messages[0]!.attachment_ids).toEqual([attachments[0]!.id]);
      expect(String(messages[0]!.body)).toContain(payload.trackingRef);
      // Goods in a package carrying the shipping weight.
      const lines = odoo.state.all('stock.move.line').filter((l) => l.picking_id === p.id);
      const packages = new Set(lines.map((l) => l.result_package_id));
      expect(packages.size).toBe(1);
      const pkg = odoo.state.get(version >= 19 ? 'stock.package' : 'stock.quant.package', [...packages][0] as number)!;
      expect(pkg.shipping_weight).toBeCloseTo(1.25, 3);
      expect(i).toBeGreaterThanOrEqual(0);
    }
    expect(rig.exceptions.list('open')).toEqual([]);
  });

  it('one bad row does not block the others: it alone becomes an exception', async () => {
    const good = ready((p) => !tracked(p)).slice(0, 5);
    const bad = ready(tracked)[0]!;
    const orders = [];
    for (const p of [...good.slice(0, 2), bad, ...good.slice(2)]) orders.push(await rig.cache(String(p.name)));
    // The bench recorded no lot; Odoo has none reserved for the tracked product either.
    for (const l of odoo.state.all('stock.move.line').filter((x) => x.picking_id === bad.id)) {
      odoo.state.update('stock.move.line', l.id, { lot_id: false });
    }
    const ids = orders.map((o) => rig.queue(o));
    await rig.drain();
    const states = ids.map((id) => rig.state(id));
    expect(states.filter((s) => s === 'done')).toHaveLength(5);
    expect(states[2]).toBe('dead');
    expect(odoo.state.get('stock.picking', bad.id)!.state).toBe('assigned');
    const [exception] = rig.exceptions.list('open');
    expect(exception!.title).toMatch(/needs a lot or serial number/);
    expect(messagesOf(bad.id)).toHaveLength(0);
  });

  it('validates with the configured backorder policy', async () => {
    const [a, b] = ready((p) => !tracked(p) && movesOf(p.id).some((m) => Number(m.product_uom_qty) >= 2));
    const short = (o: Awaited<ReturnType<DispatchRig['cache']>>) => ({
      lines: o.lines.map((l) => ({ moveId: l.moveId, quantity: l.quantity >= 2 ? l.quantity - 1 : l.quantity, ordered: l.quantity })),
    });
    const orderA = await rig.cache(String(a!.name));
    rig.queue(orderA, short(orderA));
    await rig.drain();
    expect(odoo.state.get('stock.picking', a!.id)!.state).toBe('done');
    expect(odoo.state.all('stock.picking').filter((p) => p.backorder_id === a!.id)).toHaveLength(1);
    expect(String(messagesOf(a!.id)[0]!.body)).toMatch(/backorder/);

    const noBackorder = await dispatchRig(odoo, { backorder: 'no_backorder' });
    try {
      const orderB = await noBackorder.cache(String(b!.name));
      noBackorder.queue(orderB, short(orderB));
      await noBackorder.drain();
      expect(odoo.state.get('stock.picking', b!.id)!.state).toBe('done');
      expect(odoo.state.all('stock.picking').filter((p) => p.backorder_id === b!.id)).toHaveLength(0);
    } finally {
      noBackorder.close();
    }
  });

  // The chatter message says what Odoo did with the rest: an operation type may override the bench's
  // backorder policy ("always" keeps a backorder even when told not to).
  it('the chatter message tells what Odoo did with the rest, even when the operation type overrides the bench', async () => {
    const [a] = ready((p) => !tracked(p) && movesOf(p.id).every((m) => Number(m.product_uom_qty) >= 2));
    odoo.state.update('stock.picking.type', a!.picking_type_id as number, { create_backorder: 'always' });
    const rig2 = await dispatchRig(odoo, { backorder: 'no_backorder' });
    try {
      const order = await rig2.cache(String(a!.name));
      rig2.queue(order, { lines: order.lines.map((l) => ({ moveId: l.moveId, quantity: l.quantity - 1, ordered: l.quantity })) });
      await rig2.drain();
      expect(odoo.state.get('stock.picking', a!.id)!.state).toBe('done');
      // Odoo kept a backorder: the type says "always".
      expect(odoo.state.all('stock.picking').filter((p) => p.backorder_id === a!.id)).toHaveLength(1);
      const [message] = messagesOf(a!.id);
      expect(String(message!.body)).toMatch(/backorder/);
      expect(String(message!.body)).not.toMatch(/cancelled \(no backorder\)/);
    } finally {
      rig2.close();
    }
  });

  it('a lost reply: lookup sees the done picking and nothing is written twice', async () => {
    const [p] = ready((r) => !tracked(r));
    const order = await rig.cache(String(p!.name));
    const id = rig.queue(order);
    await rig.drain();
    expect(rig.state(id)).toBe('done');
    // The same row again, as if the reply had been lost after Odoo committed.
    rig.db.prepare(`UPDATE outbox SET state = 'in_flight' WHERE id = ?`).run(id);
    const before = odoo.rpcLog.length;
    await rig.worker.recover();
    expect(rig.state(id)).toBe('done');
    expect(odoo.rpcLog.slice(before).every((e) => ['read', 'search_count', 'authenticate'].includes(e.method))).toBe(true);
    expect(messagesOf(p!.id)).toHaveLength(1);

    // Validated, but the attachment and message were lost: apply only adds them.
    const [q] = ready((r) => !tracked(r));
    const orderQ = await rig.cache(String(q!.name));
    const payloadRef = 'PBPARTIAL0001';
    odoo.state.update('stock.picking', q!.id, { state: 'done', carrier_tracking_ref: payloadRef });
    rig.queue(orderQ, { trackingRef: payloadRef });
    await rig.drain();
    expect(odoo.state.all('ir.attachment').filter((a) => a.res_id === q!.id)).toHaveLength(1);
    expect(messagesOf(q!.id)).toHaveLength(1);
    await rig.drain();
    expect(messagesOf(q!.id)).toHaveLength(1);
  });
});

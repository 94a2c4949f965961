// Conflicts before write-back, one test per kind against the sandbox Odoo: a delivery cancelled,
// re-addressed (same write_date on the picking), with changed quantities, or done elsewhere since
// the bench cached it is never overwritten; each becomes an odoo_conflict exception with what
// changed, cached vs current. The rest of the batch goes through.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Order } from '../../shared/order';
import { startSandboxOdoo, type Rec, type SandboxOdoo, type SandboxVersion } from '../../electron/sandbox/odoo/server';
import { dispatchRig, type DispatchRig } from '../support/dispatch-rig';

const API_KEY = 'conflict-key-0123456789';

describe.each([16, 17, 18, 19] as SandboxVersion[])('Odoo %i conflicts', (version) => {
  let odoo: SandboxOdoo;
  let rig: DispatchRig;
  let picking: Rec;
  let order: Order;
  let bystander: Rec;

  beforeEach(async () => {
    let tick = 0;
    const base = Date.UTC(2025, 5, 2, 9, 0, 0);
    odoo = await startSandboxOdoo({ version, apiKey: API_KEY, seed: 30, now: () => new Date(base + tick++ * 1000) });
    rig = await dispatchRig(odoo);
    const untracked = (p: Rec) =>
      p.state === 'assigned' &&
      odoo.state
        .all('stock.move')
        .filter((m) => m.picking_id === p.id)
        .every((m) => odoo.state.get('product.product', m.product_id as number)!.tracking === 'none');
    [picking, bystander] = odoo.state.all('stock.picking').filter(untracked) as [Rec, Rec];
    order = await rig.cache(String(picking.name));
  });
  afterEach(async () => {
    rig.close();
    await odoo.close();
  });

  /** Queue the conflicting row and a healthy one in one batch; return the conflict exception. */
  async function dispatchBoth() {
    const snapshot = { ...odoo.state.get('stock.picking', picking.id)! };
    const other = await rig.cache(String(bystander.name));
    const id = rig.queue(order);
    const otherId = rig.queue(other);
    await rig.drain();
    expect(rig.state(id)).toBe('dead');
    expect(rig.state(otherId)).toBe('done');
    // Never overwritten: same fields, no message or attachment from the bench.
    const after = odoo.state.get('stock.picking', picking.id)!;
    expect(after.carrier_tracking_ref).toBe(snapshot.carrier_tracking_ref);
    expect(after.state).toBe(snapshot.state);
    expect(after.write_date).toBe(snapshot.write_date);
    expect(odoo.state.all('mail.message').filter((m) => m.res_id === picking.id && m.model === 'stock.picking')).toHaveLength(0);
    expect(odoo.state.all('ir.attachment').filter((a) => a.res_id === picking.id)).toHaveLength(0);
    const open = rig.exceptions.list('open');
    expect(open).toHaveLength(1);
    expect(open[0]!.kind).toBe('odoo_conflict');
    expect(open[0]!.title).toContain(String(picking.name));
    return open[0]!;
  }

  it('cancelled in Odoo', async () => {
    odoo.state.update('stock.picking', picking.id, { state: 'cancel' });
    const ex = await dispatchBoth();
    expect(ex.title).toMatch(/was cancelled in Odoo/);
    expect(ex.context).toMatchObject({ change: 'cancelled', current: 'cancel' });
  });

  it('re-addressed: the partner moved, the picking write_date did not', async () => {
    const partnerId = picking.partner_id as number;
    const writeDate = odoo.state.get('stock.picking', picking.id)!.write_date;
    odoo.state.update('res.partner', partnerId, { street: 'Neue Straße 7', zip: '10115', city: 'Berlin' });
    expect(odoo.state.get('stock.picking', picking.id)!.write_date).toBe(writeDate);
    const ex = await dispatchBoth();
    expect(ex.title).toMatch(/re-addressed in Odoo \(street, postcode, city changed\)/);
    expect(ex.context).toMatchObject({
      change: 'readdressed',
      cached: { street1: order.shipTo.street1, city: order.shipTo.city },
      current: { street1: 'Neue Straße 7', postalCode: '10115', city: 'Berlin' },
    });
  });

  it('re-addressed: another delivery contact on the picking', async () => {
    const other = odoo.state.all('res.partner').find((p) => p.id !== picking.partner_id && p.street && p.city !== order.shipTo.city)!;
    odoo.state.update('stock.picking', picking.id, { partner_id: other.id });
    const ex = await dispatchBoth();
    expect(ex.context).toMatchObject({ change: 'readdressed' });
  });

  it('quantities changed in Odoo', async () => {
    const move = odoo.state.all('stock.move').find((m) => m.picking_id === picking.id)!;
    const was = Number(move.product_uom_qty);
    odoo.state.update('stock.move', move.id, { product_uom_qty: was + 2 });
    const ex = await dispatchBoth();
    expect(ex.title).toMatch(/different quantities in Odoo/);
    expect(ex.context).toMatchObject({
      change: 'quantities',
      cached: { [move.id]: was },
      current: { [move.id]: was + 2 },
    });
  });

  it('done by another bench', async () => {
    odoo.state.update('stock.picking', picking.id, { state: 'done', carrier_tracking_ref: 'OTHER-BENCH-1' });
    const ex = await dispatchBoth();
    expect(ex.title).toMatch(/already shipped in Odoo with tracking OTHER-BENCH-1/);
    expect(ex.context).toMatchObject({ change: 'done_elsewhere', current: 'OTHER-BENCH-1' });
  });

  it('done by another bench for real: Bench 2 packed and dispatched it through Odoo first', async () => {
    const bench2 = await dispatchRig(odoo, { bench: 'Bench 2' });
    try {
      const theirs = bench2.queue(await bench2.cache(String(picking.name)));
      await bench2.drain();
      expect(bench2.state(theirs)).toBe('done');
      const shipped = { ...odoo.state.get('stock.picking', picking.id)! };
      const theirRef = bench2.dispatched[0]!.trackingRef;
      expect(shipped).toMatchObject({ state: 'done', carrier_tracking_ref: theirRef });
      const notes = () => odoo.state.all('mail.message').filter((m) => m.model === 'stock.picking' && m.res_id === picking.id);
      const attachments = () => odoo.state.all('ir.attachment').filter((a) => a.res_id === picking.id);
      const before = { notes: notes().length, attachments: attachments().length };

      // Bench 1 packed the same delivery from its cache (its own label, its own tracking number):
      // its row must not touch Odoo's record.
      const ours = rig.queue(order, { trackingRef: 'BENCH1-PARCEL-1' });
      await rig.drain();
      expect(rig.state(ours)).toBe('dead');
      const after = odoo.state.get('stock.picking', picking.id)!;
      expect(after).toMatchObject({ state: 'done', carrier_tracking_ref: theirRef, write_date: shipped.write_date });
      expect({ notes: notes().length, attachments: attachments().length }).toEqual(before);
      const [ex] = rig.exceptions.list('open');
      expect(ex!.kind).toBe('odoo_conflict');
      expect(ex!.title).toMatch(new RegExp(`^${String(picking.name)} was already shipped in Odoo with tracking ${theirRef}`));
      expect(ex!.context).toMatchObject({ change: 'done_elsewhere', current: theirRef, cached: 'BENCH1-PARCEL-1' });
      expect(rig.dispatched).toEqual([]);
    } finally {
      bench2.close();
    }
  });
});

// The training sandbox: the orders a trainee is offered first, and after a restart: its Odoo is seeded afresh in memory, but the bench's own
// data folder remembers what the trainee shipped. Those deliveries are marked done again (with
// their tracking), so the same order is not offered to pack twice; and the printed-label files go
// on numbering after the ones already there.
import { readdirSync } from 'node:fs';
import type { SandboxOdoo } from './odoo/server';

export interface ShippedOrder {
  name: string;
  trackingNumber: string | null;
}

/** Mark the bench's shipped orders done in the sandbox Odoo; returns how many it found there. */
export function markShipped(odoo: Pick<SandboxOdoo, 'state'>, shipped: readonly ShippedOrder[]): number {
  const byName = new Map(shipped.map((s) => [s.name, s]));
  let marked = 0;
  for (const picking of odoo.state.all('stock.picking')) {
    const done = byName.get(String(picking.name));
    if (!done || picking.state === 'done') continue;
    for (const move of odoo.state.all('stock.move').filter((m) => Number(m.picking_id) === picking.id)) {
      odoo.state.update('stock.move', Number(move.id), { state: 'done' });
    }
    odoo.state.update('stock.picking', Number(picking.id), {
      state: 'done',
      date_done: odoo.state.timestamp(),
      carrier_tracking_ref: done.trackingNumber ?? false,
    });
    marked++;
  }
  return marked;
}

/** The number after the highest `label-NNNN.zpl` in the folder (1 in an empty one). */
export function nextLabelNumber(dir: string): number {
  let highest = 0;
  for (const file of readdirSync(dir)) {
    const n = /^label-(\d+)\.zpl$/.exec(file)?.[1];
    if (n) highest = Math.max(highest, Number(n));
  }
  return highest + 1;
}

/** A few deliveries ready to pack, those without lot- or serial-tracked items first (a first order). */
export function ordersToTry(odoo: Pick<SandboxOdoo, 'state'>, count = 4): string[] {
  const { state } = odoo;
  const pickings = new Map(state.all('stock.picking').map((p) => [String(p.name), p.id]));
  const tracked = (name: string) =>
    state
      .all('stock.move')
      .filter((m) => Number(m.picking_id) === pickings.get(name))
      .some((m) => state.get('product.product', Number(m.product_id))?.tracking !== 'none');
  const names = state.sampleNames();
  return [...names.filter((n) => !tracked(n)), ...names.filter(tracked)].slice(0, count);
}

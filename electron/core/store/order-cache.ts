// The local copy of orders: written whenever Odoo answers, read when it does not.
import { Order } from '../../../shared/order';
import type { Clock } from '../clock';
import type { Db } from './db';

export interface CachedOrder {
  id: number;
  order: Order;
  fetchedAt: number;
}

export class OrderCache {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Insert or refresh an order and its lines; returns the local order id. */
  save(order: Order): number {
    return this.db.transaction(() => {
      const row = this.db
        .prepare(
          `INSERT INTO orders (source_url, source_db, picking_id, name, origin, state, data, write_date, fetched_at)
           VALUES (@url, @db, @pickingId, @name, @origin, @state, @data, @writeDate, @now)
           ON CONFLICT (source_url, source_db, picking_id) DO UPDATE SET
             name = excluded.name, origin = excluded.origin, state = excluded.state, data = excluded.data,
             write_date = excluded.write_date, fetched_at = excluded.fetched_at
           RETURNING id`,
        )
        .get({
          url: order.source.url,
          db: order.source.db,
          pickingId: order.pickingId,
          name: order.name,
          origin: order.origin,
          state: order.state,
          data: JSON.stringify(order),
          writeDate: order.writeDate,
          now: this.clock.now(),
        }) as { id: number };
      this.db.prepare('DELETE FROM order_lines WHERE order_id = ?').run(row.id);
      const insert = this.db.prepare(
        `INSERT INTO order_lines (order_id, move_id, product_id, name, sku, barcode, quantity, unit, unit_weight_g, tracking)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const l of order.lines) {
        insert.run(row.id, l.moveId, l.productId, l.name, l.sku, l.barcode, l.quantity, l.unit, l.unitWeightG, l.tracking);
      }
      return row.id;
    })();
  }

  findByName(name: string, source: { url: string; db: string }): CachedOrder | null {
    const row = this.db
      .prepare('SELECT id, data, fetched_at FROM orders WHERE name = ? AND source_url = ? AND source_db = ?')
      .get(name, source.url, source.db) as { id: number; data: string; fetched_at: number } | undefined;
    return row ? { id: row.id, order: Order.parse(JSON.parse(row.data)), fetchedAt: row.fetched_at } : null;
  }

  get(id: number): CachedOrder | null {
    const row = this.db.prepare('SELECT id, data, fetched_at FROM orders WHERE id = ?').get(id) as
      | { id: number; data: string; fetched_at: number }
      | undefined;
    return row ? { id: row.id, order: Order.parse(JSON.parse(row.data)), fetchedAt: row.fetched_at } : null;
  }
}

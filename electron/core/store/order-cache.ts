// The local copy of orders: written whenever Odoo answers (a scan, the prefetch), read when it does
// not. Every code a packer may scan for an order points at it through one index (order_codes), so
// a lookup is one or two indexed queries and works fully offline.
import { Order } from '../../../shared/order';
import type { Clock } from '../clock';
import type { Db } from './db';

/** Every cached order's customer fields, as stored (the support bundle masks them wherever they turn up). */
export function cachedShipTos(db: Db): Record<'name' | 'company' | 'street1' | 'street2' | 'city' | 'postalCode' | 'phone' | 'email', string | null>[] {
  return db
    .prepare(
      `SELECT data ->> '$.shipTo.name' AS name, data ->> '$.shipTo.company' AS company, data ->> '$.shipTo.street1' AS street1,
              data ->> '$.shipTo.street2' AS street2, data ->> '$.shipTo.city' AS city, data ->> '$.shipTo.postalCode' AS postalCode,
              data ->> '$.shipTo.phone' AS phone, data ->> '$.shipTo.email' AS email
         FROM orders`,
    )
    .all() as ReturnType<typeof cachedShipTos>;
}

export interface CachedOrder {
  id: number;
  order: Order;
  fetchedAt: number;
}

export interface OrderSourceBinding {
  url: string;
  db: string;
}

/** What the prefetch knows beyond the Order itself. */
export interface CacheExtras {
  /** carrier_tracking_ref as Odoo has it (several joined with "," or "+"). */
  trackingRef: string | null;
  /** Package names on the picking. */
  packages: string[];
}

export type CodeKind = 'name' | 'origin' | 'tracking' | 'package' | 'barcode';

/** One order in a "which one?" question. */
export interface OrderChoice {
  name: string;
  origin: string | null;
  partner: string | null;
}

export type LookupResult =
  | { kind: 'order'; order: Order; via: CodeKind; fetchedAt: number }
  | { kind: 'choose'; via: CodeKind; orders: OrderChoice[]; total: number }
  | { kind: 'none' };

export interface PrefetchCursor {
  /** The scope the cursor was built for (JSON); another scope starts over. */
  scope: string;
  writeDate: string | null;
  pickingId: number;
  lastSuccessAt: number | null;
}

/** A picking name (exact), in one Odoo database: index orders_name. */
export const LOOKUP_BY_NAME_SQL = 'SELECT id, data, fetched_at FROM orders WHERE name = ? AND source_url = ? AND source_db = ?';
const LOOKUP_BY_NAME_ANY_SQL = 'SELECT id, data, fetched_at FROM orders WHERE name = ? ORDER BY ready DESC, id DESC';
// CROSS JOIN fixes the loop order (codes first): without statistics the planner would rather scan
// every order of the source and probe its codes.
const CODE_COLUMNS = `SELECT o.id, o.name, o.origin, o.ready, c.kind
  FROM order_codes c CROSS JOIN orders o ON o.id = c.order_id`;
/** Any other code (origin, tracking ref, package, barcode): order_codes' primary key, then orders by id. */
export const LOOKUP_BY_CODE_SQL = `${CODE_COLUMNS}
  WHERE c.code = ? AND o.source_url = ? AND o.source_db = ? ORDER BY o.ready DESC, o.name LIMIT 500`;
const LOOKUP_BY_CODE_ANY_SQL = `${CODE_COLUMNS} WHERE c.code = ? ORDER BY o.ready DESC, o.name LIMIT 500`;

/** Most orders listed when a code matches several. */
const CHOICES_LISTED = 20;

export class OrderCache {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Insert or refresh an order and its lines and lookup codes; returns the local order id.
   * Without extras (a scan fetched the order) the tracking ref and package codes already known stay.
   */
  save(order: Order, extras?: CacheExtras): number {
    return this.db.transaction(() => {
      const ready = order.state === 'assigned' ? 1 : 0;
      const row = this.db.prepare(
          `INSERT INTO orders (source_url, source_db, picking_id, name, origin, state, data, write_date, fetched_at, ready)
           VALUES (@url, @db, @pickingId, @name, @origin, @state, @data, @writeDate, @now, @ready)
           ON CONFLICT (source_url, source_db, picking_id) DO UPDATE SET
             name = excluded.name, origin = excluded.origin, state = excluded.state, data = excluded.data,
             write_date = excluded.write_date, fetched_at = excluded.fetched_at, ready = excluded.ready
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
          ready,
        }) as { id: number };
      this.db.prepare('DELETE FROM order_lines WHERE order_id = ?').run(row.id);
      const insert = this.db.prepare(
        `INSERT INTO order_lines (order_id, move_id, product_id, name, sku, barcode, quantity, unit, unit_weight_g, tracking)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const l of order.lines) {
        insert.run(row.id, l.moveId, l.productId, l.name, l.sku, l.barcode, l.quantity, l.unit, l.unitWeightG, l.tracking);
      }
      const kinds = extras ? ['origin', 'barcode', 'tracking', 'package'] : ['origin', 'barcode'];
      this.db.prepare(`DELETE FROM order_codes WHERE order_id = ? AND kind IN (${kinds.map(() => '?').join(', ')})`)
        .run(row.id, ...kinds);
      const code = this.db.prepare('INSERT OR IGNORE INTO order_codes (code, kind, order_id) VALUES (?, ?, ?)');
      const add = (value: string | null, kind: Exclude<CodeKind, 'name'>) => {
        const trimmed = value?.trim();
        if (trimmed) code.run(trimmed, kind, row.id);
      };
      add(order.origin, 'origin');
      // A product finds only orders still to pack.
      if (ready) for (const l of order.lines) add(l.barcode, 'barcode');
      if (extras) {
        for (const ref of (extras.trackingRef ?? '').split(/[,+]/)) add(ref, 'tracking');
        for (const name of extras.packages) add(name, 'package');
      }
      return row.id;
    })();
  }

  /**
   * The picking is no longer ready to pack in Odoo (done, cancelled, back to waiting, out of this
   * bench's scope, deleted): keep it, so a scan can say so, but no product finds it any more.
   * `state` null keeps the state as cached (still "assigned" but out of scope). Returns false when
   * the picking was not cached.
   */
  markNotReady(source: OrderSourceBinding, pickingId: number, state: string | null, writeDate?: string): boolean {
    return this.db.transaction(() => {
      const row = this.db.prepare(
          `UPDATE orders SET ready = 0,
             state = coalesce(@state, state),
             write_date = coalesce(@writeDate, write_date),
             data = json_set(data, '$.state', coalesce(@state, data ->> '$.state'),
                                   '$.writeDate', coalesce(@writeDate, data ->> '$.writeDate')),
             fetched_at = @now
           WHERE source_url = @url AND source_db = @db AND picking_id = @pickingId
             AND (ready = 1 OR state IS NOT coalesce(@state, state))
           RETURNING id`,
        )
        .get({ url: source.url, db: source.db, pickingId, state, writeDate: writeDate ?? null, now: this.clock.now() }) as
        | { id: number }
        | undefined;
      if (!row) return false;
      this.db.prepare(`DELETE FROM order_codes WHERE order_id = ? AND kind = 'barcode'`).run(row.id);
      return true;
    })();
  }

  /** Odoo ids of the cached pickings believed ready to pack. */
  readyPickingIds(source: OrderSourceBinding): number[] {
    return (
      this.db.prepare('SELECT picking_id FROM orders WHERE source_url = ? AND source_db = ? AND ready = 1')
        .pluck()
        .all(source.url, source.db) as number[]
    );
  }

  /** Is this picking cached, ready, at this write_date (nothing to fetch)? */
  isCurrent(source: OrderSourceBinding, pickingId: number, writeDate: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM orders WHERE source_url = ? AND source_db = ? AND picking_id = ? AND write_date = ? AND ready = 1')
        .get(source.url, source.db, pickingId, writeDate) !== undefined
    );
  }

  /** Several writes as one transaction (one fsync). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  findByName(name: string, source: OrderSourceBinding): CachedOrder | null {
    const row = this.db.prepare('SELECT id, data, fetched_at FROM orders WHERE name = ? AND source_url = ? AND source_db = ?')
      .get(name, source.url, source.db) as { id: number; data: string; fetched_at: number } | undefined;
    return row ? { id: row.id, order: Order.parse(JSON.parse(row.data)), fetchedAt: row.fetched_at } : null;
  }

  get(id: number): CachedOrder | null {
    const row = this.db.prepare('SELECT id, data, fetched_at FROM orders WHERE id = ?').get(id) as
      | { id: number; data: string; fetched_at: number }
      | undefined;
    return row ? { id: row.id, order: Order.parse(JSON.parse(row.data)), fetchedAt: row.fetched_at } : null;
  }

  /** The name of the product with this barcode or SKU in any order of the local copy, or null. */
  productName(code: string): string | null {
    return (
      (this.db.prepare(
        `SELECT line.value ->> '$.name' FROM orders o, json_each(o.data, '$.lines') line
         WHERE line.value ->> '$.barcode' = ? OR line.value ->> '$.sku' = ? LIMIT 1`,
      )
        .pluck()
        .get(code.trim(), code.trim()) as string | undefined) ?? null
    );
  }

  /**
   * What a scanned code means, from the local copy alone: a picking name first, then an origin /
   * sale order, a tracking ref, a package name or a product barcode. Several orders: the ones
   * still ready to pack, or if none is, all of them, for the packer to choose.
   */
  lookup(code: string, source?: OrderSourceBinding): LookupResult {
    const value = code.trim();
    if (value === '') return { kind: 'none' };
    const named = (
      source ? this.db.prepare(LOOKUP_BY_NAME_SQL).get(value, source.url, source.db) : this.db.prepare(LOOKUP_BY_NAME_ANY_SQL).get(value)
    ) as { id: number; data: string; fetched_at: number } | undefined;
    if (named) return { kind: 'order', via: 'name', order: Order.parse(JSON.parse(named.data)), fetchedAt: named.fetched_at };

    const matches = (
      source ? this.db.prepare(LOOKUP_BY_CODE_SQL).all(value, source.url, source.db) : this.db.prepare(LOOKUP_BY_CODE_ANY_SQL).all(value)
    ) as { id: number; name: string; origin: string | null; ready: number; kind: CodeKind }[];
    if (matches.length === 0) return { kind: 'none' };
    const byOrder = new Map(matches.map((m) => [m.id, m]));
    const all = [...byOrder.values()];
    const ready = all.filter((m) => m.ready === 1);
    const candidates = ready.length > 0 ? ready : all;
    const first = candidates[0]!;
    if (candidates.length === 1) {
      const cached = this.get(first.id)!;
      return { kind: 'order', via: first.kind, order: cached.order, fetchedAt: cached.fetchedAt };
    }
    return {
      kind: 'choose',
      via: first.kind,
      total: candidates.length,
      // The partner (inside the JSON) only for the orders listed.
      orders: candidates.slice(0, CHOICES_LISTED).map((m) => ({
        name: m.name,
        origin: m.origin,
        partner: (this.db.prepare(`SELECT data ->> '$.shipTo.name' FROM orders WHERE id = ?`).pluck().get(m.id) as string | null) ?? null,
      })),
    };
  }

  // ---- prefetch cursor ----

  cursor(source: OrderSourceBinding): PrefetchCursor | null {
    const row = this.db.prepare(
        'SELECT scope, write_date, picking_id, last_success_at FROM prefetch_cursors WHERE source_url = ? AND source_db = ?',
      )
      .get(source.url, source.db) as
      | { scope: string; write_date: string | null; picking_id: number; last_success_at: number | null }
      | undefined;
    return row
      ? { scope: row.scope, writeDate: row.write_date, pickingId: row.picking_id, lastSuccessAt: row.last_success_at }
      : null;
  }

  saveCursor(source: OrderSourceBinding, cursor: PrefetchCursor): void {
    this.db.prepare(
        `INSERT INTO prefetch_cursors (source_url, source_db, scope, write_date, picking_id, last_success_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (source_url, source_db) DO UPDATE SET scope = excluded.scope, write_date = excluded.write_date,
           picking_id = excluded.picking_id, last_success_at = excluded.last_success_at`,
      )
      .run(source.url, source.db, cursor.scope, cursor.writeDate, cursor.pickingId, cursor.lastSuccessAt);
  }

  /** When the cache last caught up with this Odoo (ms since epoch), or null. */
  lastSuccessAt(source: OrderSourceBinding): number | null {
    return this.cursor(source)?.lastSuccessAt ?? null;
  }
}

import type { Migration } from '../migrate';

// The order cache as a lookup table: every code a packer may scan for an order (origin / sale
// order, carrier tracking ref, package name, product barcode) points at the cached order, through
// one index. `ready` says whether the picking is still ready to pack in Odoo as last seen.
// Plus the prefetch cursor per Odoo database: how far the incremental pull has come.
export const m0090: Migration = {
  version: 90,
  name: 'order-cache-lookup',
  up(db) {
    db.exec(`
      ALTER TABLE orders ADD COLUMN ready INTEGER NOT NULL DEFAULT 0 CHECK (ready IN (0, 1));
      UPDATE orders SET ready = 1 WHERE state = 'assigned';
      CREATE TABLE order_codes (
        code     TEXT NOT NULL,
        kind     TEXT NOT NULL CHECK (kind IN ('origin', 'tracking', 'package', 'barcode')),
        order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        PRIMARY KEY (code, kind, order_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX order_codes_order ON order_codes (order_id);
      INSERT OR IGNORE INTO order_codes (code, kind, order_id)
        SELECT origin, 'origin', id FROM orders WHERE origin IS NOT NULL;
      INSERT OR IGNORE INTO order_codes (code, kind, order_id)
        SELECT l.barcode, 'barcode', l.order_id FROM order_lines l JOIN orders o ON o.id = l.order_id
        WHERE l.barcode IS NOT NULL AND o.ready = 1;
      CREATE TABLE prefetch_cursors (
        source_url      TEXT NOT NULL,
        source_db       TEXT NOT NULL,
        scope           TEXT NOT NULL CHECK (json_valid(scope)),
        write_date      TEXT,
        picking_id      INTEGER NOT NULL DEFAULT 0,
        last_success_at INTEGER,
        PRIMARY KEY (source_url, source_db)
      ) STRICT;
    `);
  },
};

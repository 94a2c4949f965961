import type { Migration } from '../migrate';

// Local copy of the deliveries the bench packs, so a scan finds its order with Odoo offline.
export const m0060: Migration = {
  version: 60,
  name: 'order-cache',
  up(db) {
    db.exec(`
      CREATE TABLE orders (
        id         INTEGER PRIMARY KEY,
        source_url TEXT NOT NULL,
        source_db  TEXT NOT NULL,
        picking_id INTEGER NOT NULL,
        name       TEXT NOT NULL,
        origin     TEXT,
        state      TEXT NOT NULL,
        data       TEXT NOT NULL CHECK (json_valid(data)),
        write_date TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        UNIQUE (source_url, source_db, picking_id)
      ) STRICT;
      CREATE INDEX orders_name ON orders (name);
      CREATE INDEX orders_origin ON orders (origin) WHERE origin IS NOT NULL;
      CREATE TABLE order_lines (
        order_id      INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        move_id       INTEGER NOT NULL,
        product_id    INTEGER NOT NULL,
        name          TEXT NOT NULL,
        sku           TEXT,
        barcode       TEXT,
        quantity      REAL NOT NULL,
        unit          TEXT NOT NULL,
        unit_weight_g REAL,
        tracking      TEXT NOT NULL CHECK (tracking IN ('none', 'lot', 'serial')),
        PRIMARY KEY (order_id, move_id)
      ) STRICT;
      CREATE INDEX order_lines_barcode ON order_lines (barcode) WHERE barcode IS NOT NULL;
    `);
  },
};

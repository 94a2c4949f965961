import type { Migration } from '../migrate';

// Lot and serial numbers captured at the bench, one row per packed unit of a lot- or
// serial-tracked line. A row without a lot name is the question the bench is asking ("scan the lot
// number of …"): at most one per session, kept across a restart. A serial appears once per
// session and product.
export const m0120: Migration = {
  version: 120,
  name: 'packed-lots',
  up(db) {
    db.exec(`
      CREATE TABLE packed_lots (
        id         INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES pack_sessions(id),
        move_id    INTEGER NOT NULL CHECK (move_id > 0),
        product_id INTEGER NOT NULL CHECK (product_id > 0),
        tracking   TEXT NOT NULL CHECK (tracking IN ('lot', 'serial')),
        lot_name   TEXT CHECK (lot_name IS NULL OR (length(lot_name) BETWEEN 1 AND 128 AND lot_name = trim(lot_name))),
        asked_at   INTEGER NOT NULL,
        scanned_at INTEGER,
        CHECK ((lot_name IS NULL) = (scanned_at IS NULL))
      ) STRICT;
      CREATE UNIQUE INDEX packed_lots_open ON packed_lots (session_id) WHERE lot_name IS NULL;
      CREATE UNIQUE INDEX packed_lots_serial ON packed_lots (session_id, product_id, lot_name)
        WHERE tracking = 'serial' AND lot_name IS NOT NULL;
      CREATE INDEX packed_lots_session ON packed_lots (session_id, move_id);
    `);
  },
};

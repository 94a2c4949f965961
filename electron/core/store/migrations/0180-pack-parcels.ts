import type { Migration } from '../migrate';

// Multi-parcel orders: each parcel the packer closed with NEW-PARCEL, with its weight, the box
// scanned for it and the units packed in it. The open (current) parcel has no row: its units are
// the session's packed_lines less those of its closed parcels, and its box is the session's
// package_type_id, so a session written by an older build is one open parcel. The lots of a parcel
// are the packed_lots rows up to its last_lot_id (after the previous parcel's).
export const m0180: Migration = {
  version: 180,
  name: 'pack-parcels',
  up(db) {
    db.exec(`
      CREATE TABLE pack_parcels (
        session_id      INTEGER NOT NULL REFERENCES pack_sessions(id),
        seq             INTEGER NOT NULL CHECK (seq > 0),
        weight_g        INTEGER NOT NULL CHECK (weight_g > 0),
        package_type_id INTEGER,
        last_lot_id     INTEGER NOT NULL DEFAULT 0,
        closed_at       INTEGER NOT NULL,
        PRIMARY KEY (session_id, seq)
      ) STRICT;
      CREATE TABLE pack_parcel_lines (
        session_id INTEGER NOT NULL,
        seq        INTEGER NOT NULL,
        move_id    INTEGER NOT NULL CHECK (move_id > 0),
        units      INTEGER NOT NULL CHECK (units > 0),
        PRIMARY KEY (session_id, seq, move_id),
        FOREIGN KEY (session_id, seq) REFERENCES pack_parcels(session_id, seq)
      ) STRICT;
    `);
  },
};

import type { Migration } from '../migrate';

// The pack session and what it produces: shipment, parcels, labels (bytes + sha256), print journal.
export const m0070: Migration = {
  version: 70,
  name: 'pack-sessions',
  up(db) {
    db.exec(`
      CREATE TABLE pack_sessions (
        id         INTEGER PRIMARY KEY,
        order_id   INTEGER NOT NULL REFERENCES orders(id),
        packer     TEXT NOT NULL,
        step       TEXT NOT NULL CHECK (step IN ('packing', 'weighing', 'labelling', 'printed', 'done', 'cancelled')),
        active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        opened_at  INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      -- One open session per bench.
      CREATE UNIQUE INDEX pack_sessions_one_active ON pack_sessions (active) WHERE active = 1;
      CREATE TABLE packed_lines (
        session_id INTEGER NOT NULL REFERENCES pack_sessions(id),
        move_id    INTEGER NOT NULL,
        packed     REAL NOT NULL CHECK (packed >= 0),
        PRIMARY KEY (session_id, move_id)
      ) STRICT;
      CREATE TABLE shipments (
        id              INTEGER PRIMARY KEY,
        session_id      INTEGER NOT NULL UNIQUE REFERENCES pack_sessions(id),
        carrier         TEXT NOT NULL,
        service         TEXT NOT NULL,
        request         TEXT NOT NULL CHECK (json_valid(request)),
        status          TEXT NOT NULL CHECK (status IN ('awaiting_label', 'labelled', 'printed', 'cancelled')),
        tracking_number TEXT,
        dispatched_at   INTEGER,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE parcels (
        id              INTEGER PRIMARY KEY,
        shipment_id     INTEGER NOT NULL REFERENCES shipments(id),
        seq             INTEGER NOT NULL,
        weight_g        INTEGER NOT NULL CHECK (weight_g > 0),
        tracking_number TEXT,
        UNIQUE (shipment_id, seq)
      ) STRICT;
      CREATE TABLE labels (
        id         INTEGER PRIMARY KEY,
        parcel_id  INTEGER NOT NULL REFERENCES parcels(id),
        format     TEXT NOT NULL CHECK (format IN ('ZPL', 'PNG', 'PDF')),
        bytes      BLOB NOT NULL,
        sha256     TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE print_jobs (
        id          INTEGER PRIMARY KEY,
        label_id    INTEGER NOT NULL REFERENCES labels(id),
        printer_uri TEXT NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'confirmed', 'failed', 'uncertain')),
        reason      TEXT NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        error       TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX print_jobs_label ON print_jobs (label_id);
    `);
  },
};

import type { Migration } from '../migrate';

// Packers and shift leads, the badge login at this bench, and the PIN lockout counter.
export const m0030: Migration = {
  version: 30,
  name: 'staff',
  up(db) {
    db.exec(`
      CREATE TABLE staff (
        id         INTEGER PRIMARY KEY,
        badge      TEXT NOT NULL UNIQUE,
        name       TEXT NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('packer', 'lead')),
        pin_hash   TEXT,
        active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE bench_login (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        since    INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE pin_guard (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        failures     INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      INSERT INTO pin_guard (id, failures, locked_until) VALUES (1, 0, 0);
    `);
  },
};

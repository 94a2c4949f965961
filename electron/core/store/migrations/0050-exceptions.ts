import type { Migration } from '../migrate';

// One queue for everything that needs a person.
export const m0050: Migration = {
  version: 50,
  name: 'exceptions',
  up(db) {
    db.exec(`
      CREATE TABLE exceptions (
        id          INTEGER PRIMARY KEY,
        kind        TEXT NOT NULL,
        order_ref   TEXT,
        title       TEXT NOT NULL,
        context     TEXT NOT NULL CHECK (json_valid(context)),
        dedupe_key  TEXT,
        raised_at   INTEGER NOT NULL,
        raised_by   TEXT,
        state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
        resolution  TEXT,
        note        TEXT,
        resolved_at INTEGER,
        resolved_by TEXT
      ) STRICT;
      CREATE INDEX exceptions_open ON exceptions (state, raised_at);
      -- At most one open exception per dedupe key (for example one auth alert per target).
      CREATE UNIQUE INDEX exceptions_dedupe ON exceptions (dedupe_key) WHERE state = 'open' AND dedupe_key IS NOT NULL;
    `);
  },
};

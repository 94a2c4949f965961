import type { Migration } from '../migrate';

// Transactional outbox: effects on other systems, applied in order per order_key.
export const m0040: Migration = {
  version: 40,
  name: 'outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        target          TEXT NOT NULL,
        kind            TEXT NOT NULL,
        order_key       TEXT NOT NULL,
        seq             INTEGER NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        payload         TEXT NOT NULL CHECK (json_valid(payload)),
        binding         TEXT,
        state           TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'in_flight', 'done', 'dead', 'discarded')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error      TEXT,
        result          TEXT,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        UNIQUE (order_key, seq)
      ) STRICT;
      -- The worker's hot query: the first unfinished row per order.
      CREATE INDEX outbox_open ON outbox (order_key, seq) WHERE state IN ('pending', 'in_flight', 'dead');
    `);
  },
};

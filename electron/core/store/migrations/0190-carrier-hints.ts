import type { Migration } from '../migrate';

// What a carrier adapter learns before a purchase that it needs to find the purchase again after a
// lost reply: Shippo's rate id, chosen before POST /transactions (our key alone would mean paging
// through the account's newest transactions). Keyed by the shipment's idempotency key; written
// before the purchase is sent, so a crash after it still finds it.
export const m0190: Migration = {
  version: 190,
  name: 'carrier-hints',
  up(db) {
    db.exec(`
      CREATE TABLE carrier_hints (
        provider        TEXT NOT NULL CHECK (length(provider) > 0),
        idempotency_key TEXT NOT NULL CHECK (length(idempotency_key) > 0),
        hint            TEXT NOT NULL CHECK (length(hint) > 0),
        created_at      INTEGER NOT NULL,
        PRIMARY KEY (provider, idempotency_key)
      ) STRICT;
    `);
  },
};

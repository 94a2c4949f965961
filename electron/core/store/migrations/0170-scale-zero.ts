import type { Migration } from '../migrate';

// The scale's "back to zero since the last capture" state, one row per station file. A capture sets
// needs_zero in the transaction that records the weight; a reading near zero clears it. Kept so that
// after a crash a parcel still on the platform is not captured again for the next order.
// last_capture_g lets a scale that never reports zero (Adam) re-arm on a clearly different weight.
export const m0170: Migration = {
  version: 170,
  name: 'scale-zero',
  up(db) {
    db.exec(`
      CREATE TABLE scale_zero (
        id             INTEGER PRIMARY KEY CHECK (id = 1),
        needs_zero     INTEGER NOT NULL CHECK (needs_zero IN (0, 1)),
        last_capture_g INTEGER CHECK (last_capture_g > 0),
        updated_at     INTEGER NOT NULL,
        CHECK (needs_zero = 0 OR last_capture_g IS NOT NULL)
      ) STRICT;
    `);
  },
};

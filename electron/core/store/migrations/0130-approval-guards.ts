import type { Migration } from '../migrate';

// Two guards on the shift lead's approval and the badge login:
// - approval_uses: every approval the core has acted on, by its one-time nonce, so the same
//   approval sent again (a replayed request) is refused. The row commits with the action it allowed.
// - badge_guard: unknown badges at this bench (login, or given as an approval). After a few the
//   bench slows down, after more it locks badge login for a while; the count survives a restart.
export const m0130: Migration = {
  version: 130,
  name: 'approval-guards',
  up(db) {
    db.exec(`
      CREATE TABLE approval_uses (
        nonce    TEXT PRIMARY KEY CHECK (length(nonce) BETWEEN 16 AND 64),
        action   TEXT NOT NULL,
        subject  TEXT NOT NULL,
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        used_at  INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE badge_guard (
        id              INTEGER PRIMARY KEY CHECK (id = 1),
        failures        INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
        last_failure_at INTEGER NOT NULL DEFAULT 0,
        locked_until    INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      INSERT INTO badge_guard (id, failures, last_failure_at, locked_until) VALUES (1, 0, 0, 0);
    `);
  },
};

import type { Migration } from '../migrate';

// How many times each outbox row was handed to its target, counted as the row goes out (in the
// transaction that marks it in flight), so an attempt cut short by a stop is counted too. A row
// never handed out cannot have done anything yet: its target may skip looking for its own effects
// (the Odoo dispatch's package search, one call per order). Rows already queued when this runs
// may have gone out under an older build that kept no count: they count as handed out once.
export const m0280: Migration = {
  version: 280,
  name: 'outbox-hand-outs',
  up(db) {
    db.exec(`
      ALTER TABLE outbox ADD COLUMN hand_outs INTEGER NOT NULL DEFAULT 0;
      UPDATE outbox SET hand_outs = 1 WHERE state IN ('pending', 'in_flight', 'dead');
    `);
  },
};

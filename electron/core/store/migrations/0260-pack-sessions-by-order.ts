import type { Migration } from '../migrate';

// Whether the bench has opened an order before (a fresh local copy is opened without asking Odoo
// only the first time: after a conflict, a repack or a put-aside, the order is read again), and
// reopenedSince: both look sessions up by order.
export const m0260: Migration = {
  version: 260,
  name: 'pack-sessions-by-order',
  up(db) {
    db.exec(`CREATE INDEX pack_sessions_order ON pack_sessions (order_id, id);`);
  },
};

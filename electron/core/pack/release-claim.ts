// Putting an order aside releases the bench's claim on it in Odoo, so another bench may pack it.
// The pack session queues the release with the cancel (one transaction, releaseRow in effects.ts);
// the Odoo release target (odoo/release-target.ts) applies it when Odoo answers, unless the order
// was opened again here since.
import type { Db } from '../store/db';

/**
 * Was the order of this session opened again at this bench after it was put aside? Then the
 * release is stale: the bench holds the order again (or a later release row covers it).
 */
export function reopenedSince(db: Db, sessionId: number): boolean {
  return (
    db
      .prepare(
        `SELECT 1 FROM pack_sessions later JOIN pack_sessions aside ON aside.order_id = later.order_id
         WHERE aside.id = ? AND later.id > aside.id LIMIT 1`,
      )
      .get(sessionId) !== undefined
  );
}

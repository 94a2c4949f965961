// The correlation id of the order open at the bench: its outbox order key (pack/effects orderKey),
// the same key every effect of that picking carries, so scan lines and sync lines of one order match.
import { orderKey } from '../pack/effects';
import type { Db } from '../store/db';

export function activeOrderKey(db: Db): string | null {
  const row = db
    .prepare(
      `SELECT o.source_url AS url, o.source_db AS db, o.picking_id AS pickingId
         FROM pack_sessions s JOIN orders o ON o.id = s.order_id WHERE s.active = 1`,
    )
    .get() as { url: string; db: string; pickingId: number } | undefined;
  return row ? orderKey({ source: { url: row.url, db: row.db }, pickingId: row.pickingId }) : null;
}

// Carrier purchase hints (table carrier_hints): what an adapter needs to find a purchase whose
// reply was lost (Shippo: the rate bought). Written in a transaction of its own before the purchase
// is sent; it changes no order, so it has no audit entry.
import type { Clock } from '../clock';
import type { Db } from './db';

export interface CarrierHints {
  get(idempotencyKey: string): string | null;
  put(idempotencyKey: string, hint: string): void;
}

export function carrierHints(db: Db, clock: Clock, provider: string): CarrierHints {
  return {
    get(idempotencyKey) {
      const row = db.prepare('SELECT hint FROM carrier_hints WHERE provider = ? AND idempotency_key = ?').get(provider, idempotencyKey) as { hint: string } | undefined;
      return row?.hint ?? null;
    },
    put(idempotencyKey, hint) {
      db.prepare(
        `INSERT INTO carrier_hints (provider, idempotency_key, hint, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (provider, idempotency_key) DO UPDATE SET hint = excluded.hint, created_at = excluded.created_at`,
      ).run(provider, idempotencyKey, hint, clock.now());
    },
  };
}

// Putting an order aside releases the bench's claim on it in Odoo, so another bench may pack it.
// The pack session queues the release with the cancel (one transaction); the Odoo release target
// (odoo/release-target.ts) applies it when Odoo answers. Offline, the row waits in the outbox.
import { z } from 'zod';
import type { Db } from '../store/db';
import type { EnqueueInput } from '../sync/outbox';

export const ODOO_RELEASE = 'odoo.release_picking';

/** An outbox row's payload: read back from JSON, so parsed before use. */
export const ReleasePayload = z.object({
  /** The pack session that was put aside. */
  sessionId: z.number().int().positive(),
  pickingId: z.number().int().positive(),
  pickingName: z.string().min(1),
  /** The bench whose claim is released (its name in the claim marker). */
  bench: z.string().min(1),
  /** Who put it aside, for the note. */
  packer: z.string().min(1),
  /** When it was put aside (ms since epoch). */
  at: z.number().int().nonnegative(),
});
export type ReleasePayload = z.infer<typeof ReleasePayload>;

/** The outbox row that releases the claim on an order put aside. */
export function releaseRow(
  order: { pickingId: number; name: string; source: { url: string; db: string } },
  input: { orderKey: string; sessionId: number; bench: string; packer: string; at: number },
): EnqueueInput {
  const binding = `${order.source.url}|${order.source.db}`;
  return {
    target: 'odoo',
    kind: ODOO_RELEASE,
    orderKey: input.orderKey,
    payload: {
      sessionId: input.sessionId,
      pickingId: order.pickingId,
      pickingName: order.name,
      bench: input.bench,
      packer: input.packer,
      at: input.at,
    } satisfies ReleasePayload,
    idempotencyKey: `release:${binding}|${order.pickingId}|session:${input.sessionId}`,
    binding,
  };
}

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

// What the status bar says about the local copy of orders: how old it is, and whether Odoo is
// reachable. Pure, so it is tested without a browser.
import type { Connectivity, StationState } from '../../../shared/api';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Older than this while Odoo answers, the copy is stale all the same (the bench syncs every minute). */
export const STALE_AFTER_MS = 10 * MINUTE;

export interface OrderSyncView {
  text: string;
  tone: 'quiet' | 'warning';
  /** Exact time of the last sync, for a tooltip; null if there was none. */
  syncedAt: number | null;
  /** Why Odoo is troubled, as the outbox worker says it (for the tooltip); null when it is not. */
  detail: string | null;
}

/** "just now", "1 min ago", "14 min ago", "2 h ago", "3 days ago". */
export function ago(ms: number): string {
  if (ms < MINUTE) return 'just now';
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ago`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h ago`;
  const days = Math.floor(ms / DAY);
  return `${days} ${days === 1 ? 'day' : 'days'} ago`;
}

/**
 * The line for the status bar, or null when the bench has no Odoo. `syncedAt` is when the cache
 * last caught up (ms, the renderer's clock), `now` the time to show it for.
 */
export function orderSyncView(
  link: StationState['odooLink'],
  syncedAt: number | null,
  now: number,
  connectivity: Connectivity | null,
): OrderSyncView | null {
  if (link === 'none') return null;
  const age = syncedAt === null ? null : Math.max(0, now - syncedAt);
  // Odoo not answering the order sync, or the outbox's Odoo target retrying or stopped.
  const odooTarget = connectivity?.targets.find((t) => t.target === 'odoo');
  const troubled = odooTarget !== undefined && odooTarget.status !== 'ok';
  const detail = troubled ? (odooTarget.message ?? null) : null;
  if (link === 'offline' || troubled) {
    const text = age === null ? 'Offline — no orders copied yet' : `Offline — orders from ${age < MINUTE ? 'a moment ago' : ago(age)}`;
    return { text, tone: 'warning', syncedAt, detail };
  }
  if (age === null) return { text: 'Fetching orders from Odoo…', tone: 'quiet', syncedAt, detail };
  return { text: `Orders synced ${ago(age)}`, tone: age >= STALE_AFTER_MS ? 'warning' : 'quiet', syncedAt, detail };
}

/**
 * How long the oldest update still to send has waited, for the status bar's "To send" chip:
 * "oldest 4 min"; null when nothing waits. `ageMs` is what the core said when it sent the counts,
 * `sinceMs` how long ago that was on the renderer's clock.
 */
export function oldestWaitingText(ageMs: number | null | undefined, sinceMs: number): string | null {
  if (ageMs === null || ageMs === undefined) return null;
  const ms = ageMs + Math.max(0, sinceMs);
  if (ms < MINUTE) return 'oldest under 1 min';
  return `oldest ${ago(ms).replace(/ ago$/, '')}`;
}

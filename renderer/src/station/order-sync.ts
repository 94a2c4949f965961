// What the status bar says about the local copy of orders: how old it is, and whether Odoo is
// reachable. Pure, so it is tested without a browser.
import type { Connectivity, StationState } from '../../../shared/api';
import type { Translate } from '../../../shared/i18n';
import { englishT } from './i18n';

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
export function ago(ms: number, t: Translate = englishT): string {
  if (ms < MINUTE) return t('sync.justNow');
  if (ms < HOUR) return t('sync.minAgo', { n: Math.floor(ms / MINUTE) });
  if (ms < DAY) return t('sync.hAgo', { n: Math.floor(ms / HOUR) });
  return t('sync.daysAgo', { count: Math.floor(ms / DAY) });
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
  t: Translate = englishT,
): OrderSyncView | null {
  if (link === 'none') return null;
  const age = syncedAt === null ? null : Math.max(0, now - syncedAt);
  // Odoo not answering the order sync, or the outbox's Odoo target retrying or stopped.
  const odooTarget = connectivity?.targets.find((t) => t.target === 'odoo');
  const troubled = odooTarget !== undefined && odooTarget.status !== 'ok';
  const detail = troubled ? (odooTarget.message ?? null) : null;
  if (link === 'offline' || troubled) {
    const text = age === null ? t('sync.offlineNone') : t('sync.offline', { ago: age < MINUTE ? t('sync.momentAgo') : ago(age, t) });
    return { text, tone: 'warning', syncedAt, detail };
  }
  if (age === null) return { text: t('sync.fetching'), tone: 'quiet', syncedAt, detail };
  return { text: t('sync.synced', { ago: ago(age, t) }), tone: age >= STALE_AFTER_MS ? 'warning' : 'quiet', syncedAt, detail };
}

/**
 * How long the oldest update still to send has waited, for the status bar's "To send" chip:
 * "oldest 4 min"; null when nothing waits. `ageMs` is what the core said when it sent the counts,
 * `sinceMs` how long ago that was on the renderer's clock.
 */
export function oldestWaitingText(ageMs: number | null | undefined, sinceMs: number, t: Translate = englishT): string | null {
  if (ageMs === null || ageMs === undefined) return null;
  const ms = ageMs + Math.max(0, sinceMs);
  if (ms < MINUTE) return t('sync.oldestUnderMin');
  if (ms < HOUR) return t('sync.oldestMin', { n: Math.floor(ms / MINUTE) });
  if (ms < DAY) return t('sync.oldestH', { n: Math.floor(ms / HOUR) });
  return t('sync.oldestDays', { count: Math.floor(ms / DAY) });
}

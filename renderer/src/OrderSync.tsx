import { useEffect, useMemo, useState } from 'react';
import type { Connectivity, StationState } from '../../shared/api';
import { useWords } from './station/i18n';
import { orderSyncView } from './station/order-sync';

const TICK_MS = 15_000;

/** "Orders synced 2 min ago" in the status bar; "Offline — orders from 14 min ago" as a warning. */
export function OrderSync({ state, connectivity }: { state: StationState; connectivity: Connectivity | null }) {
  // The core says how old the copy was when it sent the state; the age keeps growing from there.
  const syncedAt = useMemo(() => (state.cacheAge === null ? null : Date.now() - state.cacheAge), [state]);
  const { t, time } = useWords();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [state]);

  const view = orderSyncView(state.odooLink, syncedAt, now, connectivity, t);
  if (!view) return null;
  const title = [view.detail, view.syncedAt === null ? null : t('sync.lastCopied', { time: time(view.syncedAt) })]
    .filter(Boolean)
    .join('\n');
  return (
    <span className={view.tone === 'warning' ? 'chip chip-warn' : 'order-sync'} data-testid="order-sync" title={title || undefined}>
      {view.text}
    </span>
  );
}

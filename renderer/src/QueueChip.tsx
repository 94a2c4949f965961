import { useEffect, useMemo, useState } from 'react';
import type { QueueCounts } from '../../shared/api';
import { useWords } from './station/i18n';
import { oldestWaitingText } from './station/order-sync';

const TICK_MS = 15_000;
const LATE_MS = 60_000;

/**
 * "To send: 12 · oldest 4 min" in the status bar (stuck ones in red); the age keeps growing
 * between the core's counts. Opens the outbox in the lead's console.
 */
export function QueueChip({ queue, onClick }: { queue: QueueCounts | null; onClick: () => void }) {
  const { t } = useWords();
  const receivedAt = useMemo(() => Date.now(), [queue]);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (typeof queue?.oldestAgeMs !== 'number') return;
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [queue]);
  const oldest = queue ? oldestWaitingText(queue.oldestAgeMs, now - receivedAt, t) : null;
  // Waiting over a minute is worth a glance: Odoo or a carrier is not taking updates.
  const late = typeof queue?.oldestAgeMs === 'number' && queue.oldestAgeMs + (now - receivedAt) >= LATE_MS;
  return (
    <button type="button" className={`chip ${late ? 'chip-warn' : ''}`} data-testid="queue" onClick={onClick}>
      {t('app.toSend', { n: queue ? queue.pending + queue.inFlight : '…' })}
      {oldest && <span data-testid="queue-oldest"> · {oldest}</span>}
      {queue && queue.dead > 0 && <strong className="chip-alert">{t('app.stuck', { n: queue.dead })}</strong>}
    </button>
  );
}

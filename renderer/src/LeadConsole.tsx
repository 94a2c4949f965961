// The lead's console beside the open list: who did what (resolved exceptions, as audited with
// each resolution) and the outbox ("To send": what waits, for which order, since when, why).
import { useCallback, useEffect, useState } from 'react';
import type { ExceptionKind, ExceptionView, OutboxItem, StationApi } from '../../shared/api';
import type { Translate } from '../../shared/i18n';
import { LOCALES } from '../../shared/i18n';
import { useWords } from './station/i18n';

/** Each kind in the lead's words (the filter and each item's line): `lead.kind.<kind>`. */
export const EXCEPTION_KINDS: readonly ExceptionKind[] = [
  'carrier_rejection',
  'awaiting_label',
  'weight_variance',
  'odoo_conflict',
  'dead_letter',
  'print_failure',
  'sync_auth',
  'short_pack',
];
// i18n-keys: lead.kind.carrier_rejection lead.kind.awaiting_label lead.kind.weight_variance lead.kind.odoo_conflict
// i18n-keys: lead.kind.dead_letter lead.kind.print_failure lead.kind.sync_auth lead.kind.short_pack
/** A kind in the lead's words; an unknown one as it is called, spaced. */
export const kindLabel = (kind: string, t: Translate): string =>
  (EXCEPTION_KINDS as readonly string[]).includes(kind) ? t(`lead.kind.${kind}`) : kind.replace(/_/g, ' ');

export function age(ms: number, t: Translate): string {
  const minutes = Math.floor((Date.now() - ms) / 60_000);
  if (minutes < 1) return t('sync.justNow');
  if (minutes < 60) return t('sync.minAgo', { n: minutes });
  return t('lead.hMinAgo', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** What a resolution was, in the lead's words: `lead.resolution.<resolution>`. */
const RESOLUTIONS = new Set(['override', 'reweigh', 'retry', 'discard', 'repack', 'resume', 'done', 'fix_address', 'change_service', 'send_back']);
// i18n-keys: lead.resolution.override lead.resolution.reweigh lead.resolution.retry lead.resolution.discard
// i18n-keys: lead.resolution.repack lead.resolution.resume lead.resolution.done lead.resolution.fix_address
// i18n-keys: lead.resolution.change_service lead.resolution.send_back

/** Resolved items, newest first: what it was, what was decided, by whom and when. */
export function ResolvedList({ station, refreshKey }: { station: StationApi; refreshKey: number }) {
  const { t, language } = useWords();
  const time = (ms: number) =>
    new Date(ms).toLocaleString(language === 'en' ? undefined : LOCALES[language], { dateStyle: 'short', timeStyle: 'short' });
  const [items, setItems] = useState<ExceptionView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    const result = await station.call('listExceptions', { state: 'resolved' });
    if (result.ok) setItems([...result.value.items].sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0)).slice(0, 100));
    else setError(result.error.message);
  }, [station]);
  useEffect(() => void load(), [load, refreshKey]);
  if (error) return <p className="message tone-error" role="alert">{error}</p>;
  if (!items) return <p>{t('lead.loading')}</p>;
  if (items.length === 0) return <p>{t('lead.noneResolved')}</p>;
  return (
    <table className="lead-table" data-testid="resolved-list">
      <caption>{t('lead.resolvedCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('lead.order')}</th>
          <th scope="col">{t('lead.what')}</th>
          <th scope="col">{t('lead.decision')}</th>
          <th scope="col">{t('lead.by')}</th>
          <th scope="col">{t('lead.when')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.id} data-testid="resolved">
            <td>{item.orderRef ?? t('lead.bench')}</td>
            <td>
              {kindLabel(item.kind, t)}: {item.title}
            </td>
            <td>
              {item.resolution && RESOLUTIONS.has(item.resolution) ? t(`lead.resolution.${item.resolution}`) : item.resolution}
              {item.note && <div className="muted">“{item.note}”</div>}
            </td>
            <td data-testid="resolved-by">{item.resolvedByName ?? (item.resolvedBy?.startsWith('staff:') ? item.resolvedBy : t('lead.theBench'))}</td>
            <td>{item.resolvedAt === null ? '' : time(item.resolvedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// An outbox row's state: lead.outboxState.<state>
// i18n-keys: lead.outboxState.pending lead.outboxState.in_flight lead.outboxState.dead
const TARGET_WORDS: Record<string, string> = { odoo: 'Odoo' };
/** What an outbox row does (pack/effects.ts kinds), in the lead's words: `lead.effect.<kind with _ for .>`. */
const EFFECTS = new Set(['odoo.dispatch_picking', 'odoo.release_picking', 'odoo.address_note', 'carrier.create_label', 'carrier.void_label']);
// i18n-keys: lead.effect.odoo_dispatch_picking lead.effect.odoo_release_picking lead.effect.odoo_address_note
// i18n-keys: lead.effect.carrier_create_label lead.effect.carrier_void_label
const effectWords = (kind: string, t: Translate) => (EFFECTS.has(kind) ? t(`lead.effect.${kind.replace('.', '_')}`) : kind.replace(/[_.]/g, ' '));
/** "carrier:shipengine" → "ShipEngine"-like words; unknown targets as they are. */
const targetWords = (target: string) => TARGET_WORDS[target] ?? target.replace(/^carrier:/, '');

/** What waits in the outbox, oldest first. */
export function OutboxView({ station, refreshKey }: { station: StationApi; refreshKey: number }) {
  const { t } = useWords();
  const [items, setItems] = useState<OutboxItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    const result = await station.call('listOutbox', {});
    if (result.ok) setItems(result.value.items);
    else setError(result.error.message);
  }, [station]);
  useEffect(() => {
    void load();
    // The outbox moves by itself: look again every few seconds while the view is open.
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
  }, [load, refreshKey]);
  if (error) return <p className="message tone-error" role="alert">{error}</p>;
  if (!items) return <p>{t('lead.loading')}</p>;
  if (items.length === 0) return <p data-testid="outbox-empty">{t('lead.outboxEmpty')}</p>;
  return (
    <table className="lead-table" data-testid="outbox">
      <caption>
        {t('lead.outboxCaption', { count: items.length })}
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('lead.order')}</th>
          <th scope="col">{t('lead.what')}</th>
          <th scope="col">{t('lead.state')}</th>
          <th scope="col">{t('lead.since')}</th>
          <th scope="col">{t('lead.tries')}</th>
          <th scope="col">{t('lead.lastError')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.id} data-testid="outbox-item" className={item.state === 'dead' ? 'stuck' : undefined}>
            <td>{item.orderRef ?? t('lead.bench')}</td>
            <td>
              {effectWords(item.kind, t)} → {targetWords(item.target)}
            </td>
            <td>{t(`lead.outboxState.${item.state}`)}</td>
            <td>{age(item.since, t)}</td>
            <td>{item.attempts}</td>
            <td data-testid="outbox-error">{item.lastError ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// The lead's console beside the open list: who did what (resolved exceptions, as audited with
// each resolution) and the outbox ("To send": what waits, for which order, since when, why).
import { useCallback, useEffect, useState } from 'react';
import type { ExceptionKind, ExceptionView, OutboxItem, StationApi } from '../../shared/api';

/** Each kind in the lead's words (the filter and each item's line). */
export const KIND_LABELS: Record<ExceptionKind, string> = {
  carrier_rejection: 'Carrier refused',
  awaiting_label: 'Awaiting a label',
  weight_variance: 'Weight off',
  odoo_conflict: 'Changed in Odoo',
  dead_letter: 'Stuck, not sent',
  print_failure: 'Did not print',
  sync_auth: 'Login refused',
  short_pack: 'Packed short',
};
export function age(ms: number): string {
  const minutes = Math.floor((Date.now() - ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min ago`;
}

const time = (ms: number) => new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });

/** What a resolution was, in the lead's words. */
const RESOLUTION_WORDS: Record<string, string> = {
  override: 'Shipped anyway',
  reweigh: 'Weighed again',
  retry: 'Tried again',
  discard: 'Dropped',
  repack: 'Repacked with a new label',
  resume: 'Resumed',
  done: 'Marked as handled',
  fix_address: 'Address fixed',
  change_service: 'Service changed',
  send_back: 'Sent back to the packer',
};

/** Resolved items, newest first: what it was, what was decided, by whom and when. */
export function ResolvedList({ station, refreshKey }: { station: StationApi; refreshKey: number }) {
  const [items, setItems] = useState<ExceptionView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    const result = await station.call('listExceptions', { state: 'resolved' });
    if (result.ok) setItems([...result.value.items].sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0)).slice(0, 100));
    else setError(result.error.message);
  }, [station]);
  useEffect(() => void load(), [load, refreshKey]);
  if (error) return <p className="message tone-error" role="alert">{error}</p>;
  if (!items) return <p>Loading…</p>;
  if (items.length === 0) return <p>Nothing was resolved yet.</p>;
  return (
    <table className="lead-table" data-testid="resolved-list">
      <caption>Resolved, newest first (the last 100)</caption>
      <thead>
        <tr>
          <th scope="col">Order</th>
          <th scope="col">What</th>
          <th scope="col">Decision</th>
          <th scope="col">By</th>
          <th scope="col">When</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.id} data-testid="resolved">
            <td>{item.orderRef ?? 'Bench'}</td>
            <td>
              {KIND_LABELS[item.kind as ExceptionKind] ?? item.kind}: {item.title}
            </td>
            <td>
              {RESOLUTION_WORDS[item.resolution ?? ''] ?? item.resolution}
              {item.note && <div className="muted">“{item.note}”</div>}
            </td>
            <td data-testid="resolved-by">{item.resolvedByName ?? (item.resolvedBy?.startsWith('staff:') ? item.resolvedBy : 'the bench')}</td>
            <td>{item.resolvedAt === null ? '' : time(item.resolvedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const STATE_WORDS: Record<OutboxItem['state'], string> = { pending: 'waiting', in_flight: 'sending now', dead: 'stuck (see Open)' };
const TARGET_WORDS: Record<string, string> = { odoo: 'Odoo' };
/** What an outbox row does (pack/effects.ts kinds), in the lead's words. */
const EFFECT_WORDS: Record<string, string> = {
  'odoo.dispatch_picking': 'Validate the delivery',
  'odoo.release_picking': 'Release the put-aside order',
  'odoo.address_note': 'Note the corrected address',
  'carrier.create_label': 'Buy the label',
  'carrier.void_label': 'Void the label',
};
/** "carrier:shipengine" → "ShipEngine"-like words; unknown targets as they are. */
const targetWords = (target: string) => TARGET_WORDS[target] ?? target.replace(/^carrier:/, '');

/** What waits in the outbox, oldest first. */
export function OutboxView({ station, refreshKey }: { station: StationApi; refreshKey: number }) {
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
  if (!items) return <p>Loading…</p>;
  if (items.length === 0) return <p data-testid="outbox-empty">Nothing waits to be sent: everything reached Odoo and the carriers.</p>;
  return (
    <table className="lead-table" data-testid="outbox">
      <caption>
        To send: {items.length} {items.length === 1 ? 'item' : 'items'}, oldest first
      </caption>
      <thead>
        <tr>
          <th scope="col">Order</th>
          <th scope="col">What</th>
          <th scope="col">State</th>
          <th scope="col">Since</th>
          <th scope="col">Tries</th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.id} data-testid="outbox-item" className={item.state === 'dead' ? 'stuck' : undefined}>
            <td>{item.orderRef ?? 'Bench'}</td>
            <td>
              {EFFECT_WORDS[item.kind] ?? item.kind.replace(/[_.]/g, ' ')} → {targetWords(item.target)}
            </td>
            <td>{STATE_WORDS[item.state]}</td>
            <td>{age(item.since)}</td>
            <td>{item.attempts}</td>
            <td data-testid="outbox-error">{item.lastError ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

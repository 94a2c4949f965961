import { describe, expect, it } from 'vitest';
import type { Connectivity } from '../../shared/api';
import { ago, oldestWaitingText, orderSyncView } from '../../renderer/src/station/order-sync';

const MIN = 60_000;
const NOW = 1_750_000_000_000;
const odoo = (status: Connectivity['targets'][number]['status']): Connectivity => ({
  targets: [
    { target: 'local', status: 'ok', message: null },
    { target: 'odoo', status, message: status === 'ok' ? null : 'connect ECONNREFUSED' },
  ],
});

describe('ago', () => {
  it.each([
    [0, 'just now'],
    [59_999, 'just now'],
    [MIN, '1 min ago'],
    [14 * MIN + 59_000, '14 min ago'],
    [60 * MIN, '1 h ago'],
    [(23 * 60 + 59) * MIN, '23 h ago'],
    [24 * 60 * MIN, '1 day ago'],
    [3 * 24 * 60 * MIN + 5 * MIN, '3 days ago'],
  ])('%i ms → %s', (ms, text) => {
    expect(ago(ms)).toBe(text);
  });
});

describe('the order sync line', () => {
  it('says nothing when no Odoo is set up', () => {
    expect(orderSyncView('none', null, NOW, null)).toBeNull();
    expect(orderSyncView('none', NOW - 5 * MIN, NOW, odoo('retrying'))).toBeNull();
  });

  it('says how old the copy is, quietly, while Odoo answers', () => {
    expect(orderSyncView('online', NOW - 2 * MIN - 10_000, NOW, odoo('ok'))).toEqual({
      text: 'Orders synced 2 min ago',
      tone: 'quiet',
      syncedAt: NOW - 2 * MIN - 10_000,
      detail: null,
    });
    expect(orderSyncView('online', NOW - 1000, NOW, null)).toMatchObject({ text: 'Orders synced just now', tone: 'quiet' });
    // A clock a little ahead of the core's never shows a negative age.
    expect(orderSyncView('online', NOW + 2000, NOW, null)).toMatchObject({ text: 'Orders synced just now' });
  });

  it('warns when the copy is stale though Odoo answered last time', () => {
    expect(orderSyncView('online', NOW - 10 * MIN, NOW, odoo('ok'))).toMatchObject({ text: 'Orders synced 10 min ago', tone: 'warning' });
    expect(orderSyncView('online', NOW - 9 * MIN, NOW, odoo('ok'))).toMatchObject({ tone: 'quiet' });
  });

  it('says offline, with the age of the copy, when the sync or the outbox cannot reach Odoo', () => {
    expect(orderSyncView('offline', NOW - 14 * MIN, NOW, odoo('ok'))).toMatchObject({ text: 'Offline — orders from 14 min ago', tone: 'warning' });
    expect(orderSyncView('online', NOW - 3 * MIN, NOW, odoo('retrying'))).toMatchObject({
      text: 'Offline — orders from 3 min ago',
      tone: 'warning',
      detail: 'connect ECONNREFUSED',
    });
    expect(orderSyncView('online', NOW - 3 * MIN, NOW, odoo('stopped'))).toMatchObject({ tone: 'warning' });
    expect(orderSyncView('offline', NOW - 20_000, NOW, null)).toMatchObject({ text: 'Offline — orders from a moment ago' });
    expect(orderSyncView('offline', null, NOW, null)).toEqual({ text: 'Offline — no orders copied yet', tone: 'warning', syncedAt: null, detail: null });
  });

  it('before the first sync: the copy kept from last time, or that it is being fetched', () => {
    expect(orderSyncView('connecting', null, NOW, null)).toMatchObject({ text: 'Fetching orders from Odoo…', tone: 'quiet' });
    expect(orderSyncView('connecting', NOW - 3 * 60 * MIN, NOW, null)).toMatchObject({ text: 'Orders synced 3 h ago', tone: 'warning' });
  });
});

describe('oldestWaitingText (the "To send" chip)', () => {
  it('says nothing when nothing waits, or when the core does not say', () => {
    expect(oldestWaitingText(null, 0)).toBeNull();
    expect(oldestWaitingText(undefined, 0)).toBeNull();
  });

  it('counts on from the age the core sent, on the screen’s own clock', () => {
    expect(oldestWaitingText(5_000, 0)).toBe('oldest under 1 min');
    expect(oldestWaitingText(50_000, 20_000)).toBe('oldest 1 min');
    expect(oldestWaitingText(14 * MIN, 30_000)).toBe('oldest 14 min');
    expect(oldestWaitingText(3 * 60 * MIN, 0)).toBe('oldest 3 h');
  });
});

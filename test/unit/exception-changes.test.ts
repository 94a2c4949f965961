import { describe, expect, it } from 'vitest';
import { conflictChanges } from '../../renderer/src/station/exception-changes';

describe('conflictChanges (what a shift lead sees for an Odoo conflict)', () => {
  it('a re-addressed delivery: only the fields that changed, old and new', () => {
    const rows = conflictChanges({
      change: 'readdressed',
      cached: { name: 'Giulia Ricci', street1: 'Via Torino 61', street2: null, postalCode: '20123', city: 'Milano', country: 'IT' },
      current: { name: 'Giulia Ricci', street1: 'Corso Como 2', street2: null, postalCode: '20154', city: 'Milano', country: 'IT' },
    });
    expect(rows).toEqual([
      { field: 'Street', before: 'Via Torino 61', now: 'Corso Como 2' },
      { field: 'Postcode', before: '20123', now: '20154' },
    ]);
  });

  it('changed quantities per line, a line added in Odoo included', () => {
    expect(conflictChanges({ change: 'quantities', cached: { '12': 2, '13': 1 }, current: { '12': 3, '13': 1, '14': 5 } })).toEqual([
      { field: 'Line 12', before: '2', now: '3' },
      { field: 'Line 14', before: '—', now: '5' },
    ]);
  });

  it('shipped elsewhere: the tracking refs side by side', () => {
    expect(conflictChanges({ change: 'done_elsewhere', cached: 'PB1', current: 'DHL9' })).toEqual([
      { field: 'Tracking', before: 'PB1', now: 'DHL9' },
    ]);
  });

  it('a context of another shape shows nothing instead of breaking the panel', () => {
    expect(conflictChanges({})).toEqual([]);
    expect(conflictChanges({ change: 'readdressed', cached: { a: { deep: 1 } }, current: [1, 2] })).toEqual([]);
    expect(conflictChanges({ change: 'cancelled', cached: 'assigned', current: 'assigned' })).toEqual([]);
  });
});

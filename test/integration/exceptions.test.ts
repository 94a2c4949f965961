// One queue for everything that needs a person, on a real database file: raise with kind, order
// and context; list with age; resolve with a choice the kind offers, recording who, when and why;
// the area that owns a kind acts on its resolution inside the same transaction.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExceptionKind } from '../../shared/api';
import { StationFault } from '../../shared/errors';
import { ManualClock } from '../../electron/core/clock';
import { listAudit, verifyAudit } from '../../electron/core/store/audit';
import { inTransaction, openDatabase, type Db } from '../../electron/core/store/db';
import { ExceptionQueue } from '../../electron/core/store/exceptions';
import { tempDir } from '../support/temp-dir';
import { createTranslator } from '../../electron/core/i18n/translator';

let dir: ReturnType<typeof tempDir>;
let db: Db;
let clock: ManualClock;
let queue: ExceptionQueue;

beforeEach(() => {
  dir = tempDir('packbench-exceptions-');
  db = openDatabase(dir.file('station.sqlite'));
  clock = new ManualClock(1_700_000_000_000);
  queue = new ExceptionQueue(db, clock, createTranslator('en').t);
});
afterEach(() => {
  if (db.open) db.close();
  dir.remove();
});

function faultOf(fn: () => unknown): StationFault {
  try {
    fn();
  } catch (error) {
    if (error instanceof StationFault) return error;
    throw error;
  }
  throw new Error('expected a fault');
}

describe('exceptions', () => {
  it('has a kind for each thing the issue names that needs a person', () => {
    for (const kind of ['carrier_rejection', 'weight_variance', 'odoo_conflict', 'dead_letter', 'print_failure', 'awaiting_label']) {
      expect(ExceptionKind.options).toContain(kind);
    }
  });

  it('keeps kind, order, context, when and by whom it was raised, and survives a restart', () => {
    const id = queue.raise({
      kind: 'weight_variance',
      orderRef: 'WH/OUT/00042',
      title: 'WH/OUT/00042 weighs 1.9 kg, expected 1.2 kg.',
      context: { weightG: 1900, expectedG: 1200 },
      raisedBy: 'staff:1',
    });
    clock.advance(90_000);
    db.close();
    db = openDatabase(dir.file('station.sqlite'));
    queue = new ExceptionQueue(db, clock, createTranslator('en').t);
    const [ex] = queue.list('open');
    expect(ex).toEqual({
      id,
      kind: 'weight_variance',
      orderRef: 'WH/OUT/00042',
      title: 'WH/OUT/00042 weighs 1.9 kg, expected 1.2 kg.',
      context: { weightG: 1900, expectedG: 1200 },
      raisedAt: 1_700_000_000_000,
      raisedBy: 'staff:1',
      state: 'open',
      resolution: null,
      resolvedAt: null,
      resolvedBy: null,
      note: null,
      choices: ['done'],
    });
    // Its age is now minus raisedAt.
    expect(clock.now() - ex!.raisedAt).toBe(90_000);
    expect(queue.countOpen()).toBe(1);
  });

  it('records the resolution, who resolved it, when and why; once only, and only with a choice it offers', () => {
    const id = queue.raise({ kind: 'print_failure', orderRef: 'WH/OUT/7', title: 'The label did not print.' });
    expect(faultOf(() => queue.resolve(id, 'shrug', 'staff:2')).code).toBe('bad_resolution');
    expect(faultOf(() => queue.resolve(999, 'done', 'staff:2')).code).toBe('not_found');
    clock.advance(5_000);
    expect(queue.resolve(id, 'done', 'staff:2', 'Printed on the spare printer')).toMatchObject({
      state: 'resolved',
      resolution: 'done',
      resolvedBy: 'staff:2',
      resolvedAt: clock.now(),
      note: 'Printed on the spare printer',
    });
    const again = faultOf(() => queue.resolve(id, 'done', 'staff:3'));
    expect(again.code).toBe('already_resolved');
    expect(again.message).toContain('staff:2');
    expect(queue.list('open')).toEqual([]);
    expect(queue.list('resolved').map((e) => e.id)).toEqual([id]);
    const audit = listAudit(db).reverse().map((a) => [a.actor, a.action]);
    expect(audit).toEqual([
      ['system', 'exception.raised'],
      ['staff:2', 'exception.resolved'],
    ]);
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('keeps one open exception per dedupe key', () => {
    const a = queue.raise({ kind: 'sync_auth', title: 'Odoo refused the key.', dedupeKey: 'sync_auth:odoo' });
    const b = queue.raise({ kind: 'sync_auth', title: 'Odoo refused the key.', dedupeKey: 'sync_auth:odoo' });
    expect(b).toBe(a);
    queue.resolve(a, 'done', 'staff:2');
    expect(queue.raise({ kind: 'sync_auth', title: 'Odoo refused the key again.', dedupeKey: 'sync_auth:odoo' })).not.toBe(a);
  });

  it("runs the owning area's handler inside the resolve: if it fails, nothing is resolved", () => {
    const handle = vi.fn((_ex, resolution: string) => {
      if (resolution === 'repack') throw new Error('the order is gone');
    });
    queue.onResolve('weight_variance', ['ship', 'repack'], handle);
    const id = queue.raise({ kind: 'weight_variance', orderRef: 'WH/OUT/9', title: 'Too heavy.' });
    expect(queue.get(id)!.choices).toEqual(['ship', 'repack']);
    expect(() => queue.resolve(id, 'repack', 'staff:2')).toThrow('the order is gone');
    expect(queue.get(id)).toMatchObject({ state: 'open', resolution: null });
    expect(listAudit(db).map((a) => a.action)).not.toContain('exception.resolved');
    queue.resolve(id, 'ship', 'staff:2');
    expect(handle).toHaveBeenLastCalledWith(expect.objectContaining({ id }), 'ship', { actor: 'staff:2', note: null });
  });

  it('raises with the change that caused it: both commit or neither does', () => {
    expect(() =>
      inTransaction(db, () => {
        queue.raise({ kind: 'carrier_rejection', orderRef: 'WH/OUT/3', title: 'The carrier refused the address.' });
        throw new Error('the change failed');
      }),
    ).toThrow('the change failed');
    expect(queue.list('all')).toEqual([]);
    expect(listAudit(db)).toEqual([]);
  });

  it('tells listeners after a raise or a resolve, once the change is committed', async () => {
    const changed = vi.fn(() => queue.countOpen());
    queue.onChanged(changed);
    const id = queue.raise({ kind: 'awaiting_label', orderRef: 'WH/OUT/5', title: 'Waiting for the carrier.' });
    await new Promise((r) => setImmediate(r));
    expect(changed).toHaveLastReturnedWith(1);
    queue.resolve(id, 'done', 'staff:2');
    await new Promise((r) => setImmediate(r));
    expect(changed).toHaveLastReturnedWith(0);
  });
});

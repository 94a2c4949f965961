// Migration 0280 on a real SQLite file: rows queued before the outbox counted hand-outs may have
// gone out under the older build (a stop mid-call leaves no other trace), so every open row counts
// as handed out once and its target looks for what it may have made; finished rows are left alone,
// and a row queued after the migration starts at 0.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock';
import { inTransaction } from '../../electron/core/store/db';
import { migrate } from '../../electron/core/store/migrate';
import { migrations } from '../../electron/core/store/migrations/index';
import { enqueue, getOutboxRow } from '../../electron/core/sync/outbox';
import { tempDir } from '../support/temp-dir';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

describe('0280 outbox hand-outs', () => {
  it('counts every open row as handed out once, leaves finished rows at 0, and starts new rows at 0', () => {
    const db = new Database(dir.file('0280.sqlite'));
    migrate(db, migrations.filter((m) => m.version < 280));
    const insert = db.prepare(
      `INSERT INTO outbox (target, kind, order_key, seq, idempotency_key, payload, state, next_attempt_at, created_at, updated_at)
       VALUES ('odoo', 'odoo.dispatch', ?, 1, ?, '{}', ?, 1, 1, 1)`,
    );
    const states = ['pending', 'in_flight', 'dead', 'done', 'discarded'] as const;
    states.forEach((state, i) => insert.run(`order:${i}`, `key:${i}`, state));
    expect(migrate(db, migrations).at(-1)).toBe(280);
    const handOuts = db.prepare('SELECT state, hand_outs AS handOuts FROM outbox ORDER BY id').all();
    expect(handOuts).toEqual([
      { state: 'pending', handOuts: 1 },
      { state: 'in_flight', handOuts: 1 },
      { state: 'dead', handOuts: 1 },
      { state: 'done', handOuts: 0 },
      { state: 'discarded', handOuts: 0 },
    ]);
    const clock = new ManualClock(1000);
    const fresh = inTransaction(db, () => enqueue(db, clock, { target: 'odoo', kind: 'odoo.dispatch', orderKey: 'order:new', payload: {} }));
    expect(getOutboxRow(db, fresh.id)?.handOuts).toBe(0);
    db.close();
  });
});

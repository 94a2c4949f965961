// Migration 0260 on a real SQLite file: sessions are found by order through an index (whether the
// bench opened an order before decides if a fresh local copy may open it without asking Odoo).
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/store/migrate';
import { migrations } from '../../electron/core/store/migrations/index';
import { OPENED_BEFORE_SQL } from '../../electron/core/store/pack-sessions';
import { tempDir } from '../support/temp-dir';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

describe('0260 pack sessions by order', () => {
  it('keeps the sessions already there and finds them by order with an index', () => {
    const db = new Database(dir.file('0260.sqlite'));
    migrate(db, migrations.filter((m) => m.version < 260));
    db.exec(`INSERT INTO orders (id, source_url, source_db, picking_id, name, state, data, write_date, fetched_at) VALUES (1, 'u', 'd', 1, 'WH/OUT/1', 'assigned', '{}', 'x', 1)`);
    db.exec(`INSERT INTO orders (id, source_url, source_db, picking_id, name, state, data, write_date, fetched_at) VALUES (2, 'u', 'd', 2, 'WH/OUT/2', 'assigned', '{}', 'x', 1)`);
    db.exec(`INSERT INTO pack_sessions (id, order_id, packer, step, active, opened_at, updated_at) VALUES (1, 1, 'p', 'cancelled', 0, 1, 1)`);
    expect(migrate(db, migrations.filter((m) => m.version <= 260)).at(-1)).toBe(260);
    expect(db.prepare(OPENED_BEFORE_SQL).get(1)).toBeDefined();
    expect(db.prepare(OPENED_BEFORE_SQL).get(2)).toBeUndefined();
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${OPENED_BEFORE_SQL}`).all(1) as { detail: string }[]).map((r) => r.detail).join(' ');
    expect(plan).toMatch(/USING COVERING INDEX pack_sessions_order/);
    db.close();
  });
});

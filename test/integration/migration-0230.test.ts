// Migration 0230 on a real SQLite file: a shipment written before it keeps its row; the purchase id
// and the void state are new columns, checked.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/store/migrate';
import { migrations } from '../../electron/core/store/migrations/index';
import { tempDir } from '../support/temp-dir';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

describe('0230 shipment voids', () => {
  it("adds the purchase id and the void state to shipments, keeping the rows already there", () => {
    const db = new Database(dir.file('0230.sqlite'));
    migrate(db, migrations.filter((m) => m.version < 230));
    db.exec(`INSERT INTO orders (id, source_url, source_db, picking_id, name, state, data, write_date, fetched_at) VALUES (1, 'u', 'd', 1, 'WH/OUT/1', 'assigned', '{}', 'x', 1)`);
    db.exec(`INSERT INTO pack_sessions (id, order_id, packer, step, opened_at, updated_at) VALUES (1, 1, 'p', 'printed', 1, 1)`);
    db.exec(`INSERT INTO shipments (id, session_id, carrier, service, request, status, tracking_number, created_at, updated_at) VALUES (1, 1, 'ShipEngine', 'Ground', '{}', 'printed', '9400', 1, 1)`);
    expect(migrate(db, migrations.filter((m) => m.version <= 230)).at(-1)).toBe(230);
    expect(db.prepare('SELECT status, provider_ref, void_state, voided_at FROM shipments').get()).toEqual({ status: 'printed', provider_ref: null, void_state: null, voided_at: null });
    db.exec(`UPDATE shipments SET provider_ref = 'se-1', void_state = 'requested'`);
    db.exec(`UPDATE shipments SET void_state = 'voided', voided_at = 2`);
    expect(() => db.exec(`UPDATE shipments SET void_state = 'maybe'`)).toThrow(/CHECK/);
    expect(() => db.exec(`UPDATE shipments SET provider_ref = ''`)).toThrow(/CHECK/);
    expect((db.prepare(`SELECT strict FROM pragma_table_list WHERE name = 'shipments'`).get() as { strict: number }).strict).toBe(1);
    db.close();
  });
});

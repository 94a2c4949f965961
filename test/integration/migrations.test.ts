// The migration runner and every migration, on real SQLite files.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StationFault } from '../../shared/errors';
import { openDatabase } from '../../electron/core/store/db';
import { assertOrdered, migrate, schemaVersion, type Migration } from '../../electron/core/store/migrate';
import { migrations } from '../../electron/core/store/migrations/index';
import { EXCEPTIONS_IN_STATE_SQL } from '../../electron/core/store/exceptions';
import { DUE_HEADS_SQL, IN_FLIGHT_ROWS_SQL, PENDING_HEAD_TIMES_SQL, RETRYING_SUMMARY_SQL } from '../../electron/core/sync/outbox';
import { PACKAGE_TYPE_BY_BARCODE_SQL } from '../../electron/core/store/package-types';
import { LOTS_OF_SESSION_SQL, OPEN_LOT_QUESTION_SQL, SERIAL_TAKEN_SQL } from '../../electron/core/store/packed-lots';
import { tempDir } from '../support/temp-dir';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

const tablesOf = (db: Database.Database) =>
  (db.prepare(`SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'`).all() as {
    name: string;
    strict: number;
  }[]).sort((a, b) => a.name.localeCompare(b.name));

describe('openDatabase', () => {
  it('opens with WAL, synchronous=FULL and foreign keys, at the latest schema version', () => {
    const db = openDatabase(dir.file('s.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    db.close();
  });

  it('creates only STRICT tables', () => {
    const db = openDatabase(dir.file('s.sqlite'));
    const tables = tablesOf(db);
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['audit_log', 'bench_login', 'exceptions', 'outbox', 'pin_guard', 'settings', 'staff']),
    );
    expect(tables.filter((t) => t.strict !== 1)).toEqual([]);
    db.close();
  });

  it('is a no-op when reopened', () => {
    openDatabase(dir.file('s.sqlite')).close();
    const db = new Database(dir.file('s.sqlite'));
    expect(migrate(db, migrations)).toEqual([]);
    db.close();
  });
});

describe('migration runner', () => {
  const step = (version: number, sql: string): Migration => ({ version, name: `v${version}`, up: (db) => db.exec(sql) });

  it('refuses a list that is not strictly increasing', () => {
    expect(() => assertOrdered([step(10, ''), step(30, ''), step(20, '')])).toThrow(/out of order/);
    expect(() => assertOrdered([step(10, ''), step(10, '')])).toThrow(/out of order/);
    const db = new Database(dir.file('o.sqlite'));
    expect(() => migrate(db, [step(20, 'CREATE TABLE a (x INTEGER) STRICT'), step(10, '')])).toThrow();
    expect(schemaVersion(db)).toBe(0);
    db.close();
  });

  it('refuses a database written by a newer build and leaves it untouched', () => {
    const db = new Database(dir.file('n.sqlite'));
    db.exec('CREATE TABLE from_the_future (x INTEGER) STRICT');
    db.pragma('user_version = 9990');
    db.close();
    let fault: unknown;
    try {
      openDatabase(dir.file('n.sqlite'));
    } catch (error) {
      fault = error;
    }
    expect(fault).toBeInstanceOf(StationFault);
    expect((fault as StationFault).code).toBe('database_newer');
    expect((fault as StationFault).message).toMatch(/newer Packbench/);
    const check = new Database(dir.file('n.sqlite'));
    expect(schemaVersion(check)).toBe(9990);
    expect(tablesOf(check).map((t) => t.name)).toEqual(['from_the_future']);
    check.close();
  });

  it('rolls a failed migration back whole and keeps the steps before it', () => {
    const db = new Database(dir.file('f.sqlite'));
    const broken: Migration = {
      version: 20,
      name: 'broken',
      up(d) {
        d.exec('CREATE TABLE half_done (x INTEGER) STRICT');
        d.exec('INSERT INTO no_such_table VALUES (1)');
      },
    };
    expect(() => migrate(db, [step(10, 'CREATE TABLE first (x INTEGER) STRICT'), broken])).toThrow(/no_such_table/);
    expect(schemaVersion(db)).toBe(10);
    expect(tablesOf(db).map((t) => t.name)).toEqual(['first']);
    db.close();
  });

  it('applies each migration in turn, recording its version', () => {
    const db = new Database(dir.file('each.sqlite'));
    const expected: Record<number, string[]> = {
      10: ['settings'],
      20: ['audit_log'],
      30: ['bench_login', 'pin_guard', 'staff'],
      40: ['outbox'],
      50: ['exceptions'],
      60: ['order_lines', 'orders'],
      70: ['labels', 'pack_sessions', 'packed_lines', 'parcels', 'print_jobs', 'shipments'],
      80: [],
      90: ['order_codes', 'prefetch_cursors'],
      120: ['packed_lots'],
      130: ['approval_uses', 'badge_guard'],
      180: ['pack_parcel_lines', 'pack_parcels'],
      190: ['carrier_hints'],
    };
    let seen = new Set<string>();
    for (let i = 0; i < migrations.length; i++) {
      const m = migrations[i]!;
      expect(migrate(db, migrations.slice(0, i + 1))).toEqual([m.version]);
      expect(schemaVersion(db)).toBe(m.version);
      const now = new Set(tablesOf(db).map((t) => t.name));
      const added = [...now].filter((t) => !seen.has(t)).sort();
      if (expected[m.version]) expect(added).toEqual(expected[m.version]);
      seen = now;
    }
    db.close();
  });

  it('finds open exceptions and open outbox rows through their indexes', () => {
    const db = openDatabase(dir.file('plan.sqlite'));
    const plan = (sql: string, ...args: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
    // The queries the exceptions queue and the outbox worker run, not look-alikes.
    const exceptions = plan(EXCEPTIONS_IN_STATE_SQL, 'open');
    expect(exceptions).toMatch(/SEARCH exceptions USING INDEX exceptions_open \(state=\?\)/);
    expect(exceptions).not.toMatch(/TEMP B-TREE/);
    for (const sql of [DUE_HEADS_SQL, PENDING_HEAD_TIMES_SQL]) {
      const heads = plan(sql, ...(sql === DUE_HEADS_SQL ? [0] : []));
      // Only open rows are read for the heads (the partial index), never the whole history of done rows.
      expect(heads).toMatch(/SCAN outbox USING (COVERING )?INDEX outbox_open/);
      expect(heads).toMatch(/SEARCH o USING INDEX sqlite_autoindex_outbox_\d \(order_key=\? AND seq=\?\)/);
      expect(heads).not.toMatch(/SCAN o\b/);
    }
    // Read on every change (the status bar): open rows only, never a scan of the done history.
    const retrying = plan(RETRYING_SUMMARY_SQL, { target: 'odoo' });
    expect(retrying).toMatch(/outbox_retrying/);
    expect(retrying).not.toMatch(/SCAN outbox\b(?! USING)/);
    expect(plan(IN_FLIGHT_ROWS_SQL)).toMatch(/outbox_in_flight/);
    expect(plan(IN_FLIGHT_ROWS_SQL)).not.toMatch(/TEMP B-TREE/);
    expect(plan(`SELECT * FROM orders WHERE name = 'WH/OUT/00001'`)).toMatch(/orders_name/);
    expect(plan(`SELECT * FROM order_lines WHERE barcode = '4006381333931'`)).toMatch(/order_lines_barcode/);
    expect(plan(`SELECT * FROM pack_sessions WHERE active = 1`)).toMatch(/pack_sessions_one_active/);
    db.close();
  });
});

describe('0110 package types', () => {
  const upTo = (version: number) => migrations.filter((m) => m.version <= version);

  it('adds a STRICT package_types table and the session column, keeping sessions already there', () => {
    const db = new Database(dir.file('0110.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.filter((m) => m.version < 110));
    db.prepare(
      `INSERT INTO orders (source_url, source_db, picking_id, name, origin, state, data, write_date, fetched_at, ready)
       VALUES ('http://odoo', 'db', 7, 'WH/OUT/00007', NULL, 'assigned', '{}', '2025-03-03 07:00:00', 1, 1)`,
    ).run();
    db.prepare(`INSERT INTO pack_sessions (order_id, packer, step, opened_at, updated_at) VALUES (1, 'staff:1', 'weighing', 1, 1)`).run();

    expect(migrate(db, upTo(110)).at(-1)).toBe(110);
    expect(schemaVersion(db)).toBe(110);
    expect(tablesOf(db).find((t) => t.name === 'package_types')).toEqual({ name: 'package_types', strict: 1 });
    expect(db.prepare('SELECT package_type_id FROM pack_sessions').all()).toEqual([{ package_type_id: null }]);

    const insert = db.prepare(
      `INSERT INTO package_types (source_url, source_db, type_id, name, barcode, length_mm, width_mm, height_mm, base_weight_g, max_weight_g, carrier_type, sequence, company_id, fetched_at)
       VALUES ('http://odoo', 'db', ?, 'Box', ?, ?, ?, ?, ?, ?, 'none', 1, NULL, 1)`,
    );
    insert.run(1, 'PT-1', 400, 300, 200, 350, 15000);
    insert.run(2, null, null, null, null, 0, null);
    // Dimensions all or none; weights never negative; a limit is positive; one type per id.
    expect(() => insert.run(3, 'PT-3', 400, null, 200, 350, null)).toThrow(/CHECK/);
    expect(() => insert.run(4, 'PT-4', null, null, null, -1, null)).toThrow(/CHECK/);
    expect(() => insert.run(5, 'PT-5', null, null, null, 10, 0)).toThrow(/CHECK/);
    expect(() => insert.run(1, 'PT-1', null, null, null, 10, null)).toThrow(/UNIQUE/);
    expect(() => db.prepare('UPDATE pack_sessions SET package_type_id = 0').run()).toThrow(/CHECK/);
    db.prepare('UPDATE pack_sessions SET package_type_id = 1').run();
    db.close();
  });

  it('finds a box by barcode through its index', () => {
    const db = openDatabase(dir.file('0110-plan.sqlite'));
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${PACKAGE_TYPE_BY_BARCODE_SQL}`).all('PT-1', 'u', 'd') as { detail: string }[])
      .map((r) => r.detail)
      .join(' | ');
    expect(plan).toMatch(/SEARCH package_types USING INDEX package_types_barcode \(barcode=\? AND source_url=\? AND source_db=\?\)/);
    db.close();
  });
});

describe('0120 packed lots', () => {
  const upTo = (version: number) => migrations.filter((m) => m.version <= version);

  it('adds a STRICT packed_lots table: one open question per session, a serial once per session and product', () => {
    const db = new Database(dir.file('0120.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.filter((m) => m.version < 120));
    db.prepare(
      `INSERT INTO orders (source_url, source_db, picking_id, name, origin, state, data, write_date, fetched_at, ready)
       VALUES ('http://odoo', 'db', 7, 'WH/OUT/00007', NULL, 'assigned', '{}', '2025-03-03 07:00:00', 1, 1)`,
    ).run();
    db.prepare(`INSERT INTO pack_sessions (order_id, packer, step, opened_at, updated_at) VALUES (1, 'staff:1', 'packing', 1, 1)`).run();

    expect(migrate(db, upTo(120)).at(-1)).toBe(120);
    expect(schemaVersion(db)).toBe(120);
    expect(tablesOf(db).find((t) => t.name === 'packed_lots')).toEqual({ name: 'packed_lots', strict: 1 });

    const insert = db.prepare(
      `INSERT INTO packed_lots (session_id, move_id, product_id, tracking, lot_name, asked_at, scanned_at) VALUES (?, ?, ?, ?, ?, 1, ?)`,
    );
    insert.run(1, 10, 7, 'lot', 'L-1', 2);
    insert.run(1, 10, 7, 'lot', 'L-1', 3); // a lot holds many units
    insert.run(1, 11, 9, 'serial', 'S-1', 4);
    insert.run(1, 11, 9, 'serial', null, null); // the question for the next serial
    expect(() => insert.run(1, 10, 7, 'lot', null, null)).toThrow(/UNIQUE/); // one question at a time
    expect(() => insert.run(1, 11, 9, 'serial', 'S-1', 5)).toThrow(/UNIQUE/); // a serial once
    insert.run(1, 12, 8, 'serial', 'S-1', 5); // the same serial text for another product is another item
    expect(() => insert.run(1, 10, 7, 'batch', 'L-2', 5)).toThrow(/CHECK/);
    expect(() => insert.run(1, 10, 7, 'lot', '', 5)).toThrow(/CHECK/);
    expect(() => insert.run(1, 10, 7, 'lot', ' L-2', 5)).toThrow(/CHECK/);
    expect(() => insert.run(1, 10, 7, 'lot', 'L'.repeat(129), 5)).toThrow(/CHECK/);
    expect(() => insert.run(1, 10, 7, 'lot', 'L-2', null)).toThrow(/CHECK/); // answered means scanned_at
    expect(() => insert.run(99, 10, 7, 'lot', 'L-2', 5)).toThrow(/FOREIGN KEY/);
    expect(db.prepare(OPEN_LOT_QUESTION_SQL).get(1)).toMatchObject({ move_id: 11, product_id: 9, tracking: 'serial' });
    expect(db.prepare(LOTS_OF_SESSION_SQL).all(1)).toEqual([
      { move_id: 10, lot_name: 'L-1', quantity: 2, first: 1 },
      { move_id: 11, lot_name: 'S-1', quantity: 1, first: 3 },
      { move_id: 12, lot_name: 'S-1', quantity: 1, first: 5 },
    ]);
    db.close();
  });

  it('finds the open question, a packed serial and a session\'s lots through their indexes', () => {
    const db = openDatabase(dir.file('0120-plan.sqlite'));
    const plan = (sql: string, ...args: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan(OPEN_LOT_QUESTION_SQL, 1)).toMatch(/USING INDEX packed_lots_open/);
    expect(plan(SERIAL_TAKEN_SQL, 1, 9, 'S-1')).toMatch(/USING COVERING INDEX packed_lots_serial \(session_id=\? AND product_id=\? AND lot_name=\?\)/);
    expect(plan(LOTS_OF_SESSION_SQL, 1)).toMatch(/USING INDEX packed_lots_session \(session_id=\?\)/);
    db.close();
  });
});

describe('0170 scale zero', () => {
  it('adds a STRICT one-row scale_zero table; a pending zero always names the weight it follows', () => {
    const db = new Database(dir.file('0170.sqlite'));
    migrate(db, migrations.filter((m) => m.version < 170));
    expect(migrate(db, migrations.filter((m) => m.version <= 170)).at(-1)).toBe(170);
    expect(tablesOf(db).find((t) => t.name === 'scale_zero')).toEqual({ name: 'scale_zero', strict: 1 });
    const insert = db.prepare('INSERT INTO scale_zero (id, needs_zero, last_capture_g, updated_at) VALUES (?, ?, ?, 1)');
    expect(() => insert.run(1, 1, null)).toThrow(/CHECK/);
    expect(() => insert.run(1, 2, 500)).toThrow(/CHECK/);
    expect(() => insert.run(2, 0, null)).toThrow(/CHECK/);
    insert.run(1, 1, 1350);
    expect(() => insert.run(1, 0, null)).toThrow(/UNIQUE|PRIMARY KEY/);
    db.close();
  });
});

describe('0180 pack parcels', () => {
  it('adds STRICT pack_parcels and pack_parcel_lines; a parcel line belongs to a closed parcel and counts units', () => {
    const db = new Database(dir.file('0180.sqlite'));
    db.pragma('foreign_keys = ON');
    expect(migrate(db, migrations.filter((m) => m.version <= 180)).at(-1)).toBe(180);
    const tables = tablesOf(db).filter((t) => t.name.startsWith('pack_parcel'));
    expect(tables).toEqual([
      { name: 'pack_parcel_lines', strict: 1 },
      { name: 'pack_parcels', strict: 1 },
    ]);
    db.exec(`INSERT INTO orders (id, source_url, source_db, picking_id, name, state, data, write_date, fetched_at) VALUES (1, 'u', 'd', 1, 'WH/OUT/1', 'assigned', '{}', 'x', 1)`);
    db.exec(`INSERT INTO pack_sessions (id, order_id, packer, step, opened_at, updated_at) VALUES (1, 1, 'p', 'packing', 1, 1)`);
    const line = db.prepare('INSERT INTO pack_parcel_lines (session_id, seq, move_id, units) VALUES (1, 1, ?, ?)');
    expect(() => line.run(7, 1)).toThrow(/FOREIGN KEY/);
    db.exec(`INSERT INTO pack_parcels (session_id, seq, weight_g, package_type_id, closed_at) VALUES (1, 1, 900, NULL, 1)`);
    expect(() => db.exec(`INSERT INTO pack_parcels (session_id, seq, weight_g, closed_at) VALUES (1, 2, 0, 1)`)).toThrow(/CHECK/);
    line.run(7, 2);
    expect(() => line.run(8, 0)).toThrow(/CHECK/);
    db.close();
  });
});

describe('0190 carrier hints', () => {
  it('adds a STRICT carrier_hints table: one hint per provider and shipment key', () => {
    const db = new Database(dir.file('0190.sqlite'));
    migrate(db, migrations.filter((m) => m.version < 190));
    expect(migrate(db, migrations.filter((m) => m.version <= 190)).at(-1)).toBe(190);
    expect(tablesOf(db).find((t) => t.name === 'carrier_hints')).toEqual({ name: 'carrier_hints', strict: 1 });
    const insert = db.prepare('INSERT INTO carrier_hints (provider, idempotency_key, hint, created_at) VALUES (?, ?, ?, 1)');
    insert.run('shippo', 'k1', 'rate_1');
    insert.run('shipengine', 'k1', 'x');
    expect(() => insert.run('shippo', 'k1', 'rate_2')).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert.run('shippo', 'k2', '')).toThrow(/CHECK/);
    db.close();
  });
});

// The migration runner and every migration, on real SQLite files.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StationFault } from '../../shared/errors';
import { openDatabase } from '../../electron/core/store/db';
import { assertOrdered, migrate, schemaVersion, type Migration } from '../../electron/core/store/migrate';
import { migrations } from '../../electron/core/store/migrations/index';
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
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan(`SELECT * FROM exceptions WHERE state = 'open' ORDER BY raised_at`)).toMatch(/exceptions_open/);
    expect(
      plan(`SELECT order_key, min(seq) FROM outbox WHERE state IN ('pending','in_flight','dead') GROUP BY order_key`),
    ).toMatch(/outbox_open/);
    expect(plan(`SELECT * FROM orders WHERE name = 'WH/OUT/00001'`)).toMatch(/orders_name/);
    expect(plan(`SELECT * FROM order_lines WHERE barcode = '4006381333931'`)).toMatch(/order_lines_barcode/);
    expect(plan(`SELECT * FROM pack_sessions WHERE active = 1`)).toMatch(/pack_sessions_one_active/);
    db.close();
  });
});

// The station's SQLite connection keeps each statement prepared once per SQL text (openDatabase):
// the same text gives the same statement, one call site's pluck() never changes what the next one
// reads, and a statement still iterating is not handed out again (a nested read of the same SQL
// gets a statement of its own instead of "This statement is busy executing a query").
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../electron/core/store/db';
import { tempDir } from '../support/temp-dir';

let dir: ReturnType<typeof tempDir>;
let db: Db;
beforeEach(() => {
  dir = tempDir();
  db = openDatabase(dir.file('station.db'));
  db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT; INSERT INTO t (name) VALUES ('a'), ('b');`);
});
afterEach(() => {
  db.close();
  dir.remove();
});

const SQL = 'SELECT id, name FROM t ORDER BY id';

it('prepares a statement once per SQL text', () => {
  expect(db.prepare(SQL)).toBe(db.prepare(SQL));
});

it("resets a kept statement's output mode for each call site", () => {
  expect(db.prepare(SQL).pluck().all()).toEqual([1, 2]);
  expect(db.prepare(SQL).all()).toEqual([
    { id: 1, name: 'a' },
    { id: 2, name: 'b' },
  ]);
  expect(db.prepare(SQL).raw().get()).toEqual([1, 'a']);
  expect(db.prepare(SQL).get()).toEqual({ id: 1, name: 'a' });
});

it('gives a nested read of the same SQL its own statement while the first still iterates', () => {
  const pairs: string[] = [];
  for (const outer of db.prepare(SQL).iterate() as IterableIterator<{ name: string }>) {
    for (const inner of db.prepare(SQL).all() as { name: string }[]) pairs.push(`${outer.name}${inner.name}`);
  }
  expect(pairs).toEqual(['aa', 'ab', 'ba', 'bb']);
});

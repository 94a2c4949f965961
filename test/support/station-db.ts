// A test's own connection to a station's SQLite file, beside the station's (WAL: a second
// connection reads what the station committed, and a write waits for its lock). The station does
// not hand its connection out: tests read (and, where they must, write) the file through this.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { onTestFinished } from 'vitest';
import type { Db } from '../../electron/core/store/db';

const open = new Map<string, Db>();

/**
 * The station's file, opened once per test and closed when the test has finished. No migrations
 * are run: the station already brought the file up to date.
 */
export function stationDb(station: { dataDir: string }): Db {
  const file = join(station.dataDir, 'station.sqlite');
  let db = open.get(file);
  if (!db?.open) {
    db = connect(station);
    open.set(file, db);
    const mine = db;
    onTestFinished(() => {
      mine.close();
      if (open.get(file) === mine) open.delete(file);
    });
  }
  return db;
}

/** Run `read` on a connection of its own, closed at once: for code that runs outside a test (a crash child). */
export function withStationDb<T>(station: { dataDir: string }, read: (db: Db) => T): T {
  const db = connect(station);
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function connect(station: { dataDir: string }): Db {
  const db = new Database(join(station.dataDir, 'station.sqlite'), { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}

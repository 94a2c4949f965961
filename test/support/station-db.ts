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
    db = new Database(file, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    open.set(file, db);
    const mine = db;
    onTestFinished(() => {
      mine.close();
      if (open.get(file) === mine) open.delete(file);
    });
  }
  return db;
}

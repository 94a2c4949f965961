// Migration runner: an ordered list, one transaction per step recorded in user_version,
// and a refusal to touch a database written by a newer build.
import type Database from 'better-sqlite3';
import { StationFault } from '../../../shared/errors';
import { crashPoint } from '../crash-points';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export function assertOrdered(list: readonly Migration[]): void {
  let previous = 0;
  for (const m of list) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(`Migration ${m.version}-${m.name} is out of order (after ${previous})`);
    }
    previous = m.version;
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Apply pending migrations; returns the versions applied. */
export function migrate(db: Database.Database, list: readonly Migration[]): number[] {
  assertOrdered(list);
  const current = schemaVersion(db);
  const latest = list.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new StationFault(
      'database_newer',
      'This bench data was written by a newer Packbench. Start that newer version; nothing was changed.',
      { databaseVersion: current, knownVersion: latest },
    );
  }
  const applied: number[] = [];
  for (const m of list) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      crashPoint('migration');
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    applied.push(m.version);
  }
  return applied;
}

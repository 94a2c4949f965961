// The station's SQLite file: one writer connection per process, WAL, synchronous=FULL, foreign keys.
import { chmodSync, closeSync, openSync } from 'node:fs';
import Database, { type Statement } from 'better-sqlite3';
import { auditCommitted } from './audit-head';
import { migrate, type Migration } from './migrate';
import { migrations as allMigrations } from './migrations/index';

export type Db = Database.Database;

export interface OpenOptions {
  migrations?: readonly Migration[];
  readonly?: boolean;
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (!options.readonly && file !== ':memory:') ownerOnlyFile(file);
  const db = new Database(file, { readonly: options.readonly ?? false });
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    // FULL for the whole connection: SQLite will not change it inside a transaction.
    db.pragma('synchronous = FULL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  keepPreparedStatements(db);
  if (!options.readonly) migrate(db, options.migrations ?? allMigrations);
  return db;
}

/** More distinct statements than the core has: SQL built per call (IN lists) must not grow the memory for ever. */
const KEPT_STATEMENTS = 2000;

/**
 * Each statement is prepared once per SQL text and kept. The core runs the same few hundred
 * statements over and over, and preparing one costs more than running it: a CPU profile of the
 * scale → label bench found prepare the core's top function, about 20 ms of CPU per order.
 * A kept statement is handed out with its output mode reset, because pluck() is per call site.
 * A statement still running an iterate() is never handed out twice; that caller gets a fresh one.
 */
function keepPreparedStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const kept = new Map<string, Statement>();
  db.prepare = ((source: string) => {
    const statement = kept.get(source);
    if (statement && !statement.busy) return statement.reader ? statement.pluck(false).expand(false).raw(false) : statement;
    const fresh = prepare(source);
    if (!statement) {
      if (kept.size >= KEPT_STATEMENTS) kept.clear();
      kept.set(source, fresh);
    }
    return fresh;
  }) as Db['prepare'];
}

/**
 * Run `fn` in one IMMEDIATE transaction (takes the write lock up front); the audit head file follows
 * the commit, at once, or with `auditHead: 'next-turn'` on the next turn of the event loop: for the
 * transactions between a stable weight and the label at the printer, whose turn should not also pay
 * for the head file's fsyncs (a head behind the log by what committed since is fine; it is never ahead).
 */
export function inTransaction<T>(db: Db, fn: () => T, options: { auditHead?: 'at-commit' | 'next-turn' } = {}): T {
  const result = db.transaction(fn).immediate();
  // next-turn: appendAudit inside the transaction already asked for the write on the next turn.
  if (options.auditHead !== 'next-turn') auditCommitted(db);
  return result;
}

/**
 * Create the file owner-only (0600) before SQLite does (it would follow the umask, usually 0644), or
 * close up one an older version left readable. SQLite gives the WAL and shm files the same mode.
 */
function ownerOnlyFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  if (process.platform !== 'win32') chmodSync(file, 0o600);
}

/** The SQLite library's version and the schema's (user_version), for the support bundle. */
export function sqliteVersions(db: Db): { sqlite: string; schema: string } {
  return { sqlite: db.prepare('SELECT sqlite_version()').pluck().get() as string, schema: String(db.pragma('user_version', { simple: true })) };
}

// The audit chain's head (the last committed entry's number and hash) kept outside the SQLite file,
// in audit-head.json beside it: a log cut short, or rewritten with its chain recomputed, no longer
// matches it. Written atomically (temp file, fsync, rename, fsync of the folder).
//
// When: an append outside any transaction writes it at once; one inside inTransaction() writes it
// when that transaction commits; one inside any other db.transaction() writes it on the next turn of
// the event loop (every transaction here is synchronous, so it has committed or rolled back by then);
// the station writes it at start and at stop. The head is read back from the database each time,
// so it is never ahead of what committed; behind by entries committed since is fine.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Db } from './db';
import { errorMessage } from '../error-message';

export const HEAD_FILE = 'audit-head.json';

export const AuditHead = z.object({
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** The time of the head entry itself (ms since the epoch). */
  at: z.number().int(),
});
export type AuditHead = z.infer<typeof AuditHead>;

/** The head file of a writable database file; none for in-memory or read-only handles. */
export function headFileOf(db: Db): string | null {
  return db.memory || db.readonly ? null : join(dirname(db.name), HEAD_FILE);
}

/** The last committed entry, or null for an empty log. */
export function auditHead(db: Db): AuditHead | null {
  const row = db.prepare('SELECT id AS seq, hash, at FROM audit_log ORDER BY id DESC LIMIT 1').get() as AuditHead | undefined;
  return row ?? null;
}

/** What the head file says: null when there is none; an error when it cannot be read or is not a head. */
export function readHeadFile(file: string): AuditHead | null | { unreadable: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { unreadable: errorMessage(error) };
  }
  try {
    const parsed = AuditHead.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : { unreadable: 'it is not an audit head' };
  } catch {
    return { unreadable: 'it is not JSON' };
  }
}

function fsyncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replace the head file whole: a reader, or a power cut, meets the old head or the new one. */
export function writeHeadFile(file: string, head: AuditHead): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(head)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  fsyncPath(dirname(file), 'r');
}

const pending = new WeakSet<Db>();
const reporters = new WeakMap<Db, (line: string) => void>();

/** Where a failed head write is told (default: stderr); the log itself is never held up by one. */
export function reportHeadErrors(db: Db, report: (line: string) => void): void {
  reporters.set(db, report);
}

/** Write the head file from what the database holds now. */
export function writeAuditHead(db: Db): void {
  const file = headFileOf(db);
  if (!file || !db.open) return;
  pending.delete(db);
  try {
    const head = auditHead(db);
    if (head) writeHeadFile(file, head);
  } catch (error) {
    const report = reporters.get(db) ?? ((line: string) => console.error(line));
    report(`audit: could not write ${file}: ${errorMessage(error)}`);
  }
}

/** appendAudit calls this after its insert. */
export function auditAppended(db: Db): void {
  if (!headFileOf(db)) return;
  if (!db.inTransaction) return writeAuditHead(db);
  if (pending.has(db)) return;
  pending.add(db);
  setImmediate(() => writeWhenCommitted(db));
}

function writeWhenCommitted(db: Db): void {
  if (!pending.has(db) || !db.open) return;
  // Still inside a transaction (none here spans a turn of the event loop today): try again shortly.
  if (db.inTransaction) setTimeout(() => writeWhenCommitted(db), 100).unref();
  else writeAuditHead(db);
}

/** inTransaction calls this after its transaction commits. */
export function auditCommitted(db: Db): void {
  if (pending.has(db) && !db.inTransaction) writeAuditHead(db);
}

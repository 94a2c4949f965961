// Append-only audit log, each entry hash-chained to the previous one so an edit is detectable.
import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db } from './db';

export interface AuditEntry {
  /** Who did it: `staff:<id>` for a person, `system` or `sync:<target>` for the station itself. */
  actor: string;
  action: string;
  subject?: string | null;
  data?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  subject: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

export function entryHash(row: Omit<AuditRow, 'hash'>): string {
  // Every column except the hash itself, in a fixed order.
  const material = JSON.stringify([row.id, row.at, row.actor, row.action, row.subject, row.data, row.prev_hash]);
  return createHash('sha256').update(material).digest('hex');
}

/** Append one entry. Call it inside the transaction of the state change it records. */
export function appendAudit(db: Db, clock: Clock, entry: AuditEntry): { id: number; hash: string } {
  const last = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
    | { id: number; hash: string }
    | undefined;
  const row = {
    id: (last?.id ?? 0) + 1,
    at: clock.now(),
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject ?? null,
    data: JSON.stringify(entry.data ?? {}),
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  const hash = entryHash(row);
  db.prepare(
    `INSERT INTO audit_log (id, at, actor, action, subject, data, prev_hash, hash)
     VALUES (@id, @at, @actor, @action, @subject, @data, @prev_hash, @hash)`,
  ).run({ ...row, hash });
  return { id: row.id, hash };
}

export type AuditVerdict =
  | { ok: true; entries: number }
  | { ok: false; entries: number; firstBrokenId: number; reason: string };

/** Walk the chain from the start; report the first entry whose link or content does not hold. */
export function verifyAudit(db: Db): AuditVerdict {
  let previousHash = GENESIS_HASH;
  let expectedId = 1;
  let count = 0;
  for (const row of db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as IterableIterator<AuditRow>) {
    count++;
    if (row.id !== expectedId) {
      return { ok: false, entries: count, firstBrokenId: expectedId, reason: 'entry missing' };
    }
    if (row.prev_hash !== previousHash) {
      return { ok: false, entries: count, firstBrokenId: row.id, reason: 'link to previous entry broken' };
    }
    if (entryHash(row) !== row.hash) {
      return { ok: false, entries: count, firstBrokenId: row.id, reason: 'entry was changed' };
    }
    previousHash = row.hash;
    expectedId++;
  }
  return { ok: true, entries: count };
}

/** The verdict in one line for a person. */
export function describeAuditVerdict(verdict: AuditVerdict): string {
  if (verdict.ok) return `Audit log intact: ${verdict.entries} entries, every link holds.`;
  return (
    `Audit log BROKEN at entry ${verdict.firstBrokenId} (${verdict.reason}). ` +
    `The entries before it hold; from entry ${verdict.firstBrokenId} on the log cannot be trusted.`
  );
}

export function listAudit(db: Db, limit = 100): (Omit<AuditRow, 'data'> & { data: unknown })[] {
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as AuditRow[];
  return rows.map((r) => ({ ...r, data: JSON.parse(r.data) }));
}

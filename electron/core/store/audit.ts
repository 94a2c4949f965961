// Append-only audit log, each entry hash-chained to the previous one so an edit is detectable; its
// end is anchored outside the file (audit-head.ts, and each Odoo dispatch's chatter message) so a
// log cut short or rewritten with its chain recomputed is detectable too.
import { createHash } from 'node:crypto';
import { renameSync } from 'node:fs';
import type { Clock } from '../clock';
import { auditAppended, auditHead, HEAD_FILE, headFileOf, readHeadFile, writeAuditHead } from './audit-head';
import { inTransaction, type Db } from './db';

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
  auditAppended(db);
  return { id: row.id, hash };
}

/** What a dispatch's chatter message carries: enough of the hash to tell a rewrite apart. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/**
 * A point the log is known to have reached: entry `seq` had this hash (all 64 hex digits, or the
 * first 8 or more). `source` names where it was written down, for the verdict.
 */
export interface AuditAnchor {
  seq: number;
  hash: string;
  at?: number;
  source: string;
}

export type AuditVerdict =
  | { ok: true; entries: number }
  | {
      ok: false;
      entries: number;
      firstBrokenId: number;
      reason: string;
      /** Entry `firstBrokenId` is not the one an anchor recorded: the chain was recomputed up to there. */
      rewritten?: true;
    };

type AuditBreak = Extract<AuditVerdict, { ok: false }>;

/** Entries the station appends when it finds at start that the log was cut or rewritten. */
const CUT = 'audit_log_cut';
const REWRITTEN = 'audit_log_rewritten';

const when = (at: number | undefined) => (at === undefined ? '' : ` (at ${new Date(at).toISOString()})`);

/** The log ends at `end`; does an anchor disagree with it? */
function anchorBreak(db: Db, end: number, anchor: AuditAnchor): AuditBreak | null {
  if (anchor.seq > end) {
    return {
      ok: false,
      entries: end,
      firstBrokenId: end + 1,
      reason: `the log ends at entry ${end}, but ${anchor.source} says entry ${anchor.seq} was written${when(anchor.at)}: entries after entry ${end} were removed`,
    };
  }
  const row = db.prepare('SELECT hash FROM audit_log WHERE id = ?').get(anchor.seq) as { hash: string } | undefined;
  if (row && row.hash.startsWith(anchor.hash.toLowerCase())) return null;
  return {
    ok: false,
    entries: end,
    firstBrokenId: anchor.seq,
    rewritten: true,
    reason: `entry ${anchor.seq} is not the one ${anchor.source} recorded${when(anchor.at)}`,
  };
}

/**
 * Walk the chain from the start and report the first entry whose link or content does not hold;
 * then check the log against each anchor (a head file, a chatter message) and against what the
 * station recorded at start about a cut or rewritten log.
 */
export function verifyAudit(db: Db, anchors: readonly AuditAnchor[] = []): AuditVerdict {
  let previousHash = GENESIS_HASH;
  let expectedId = 1;
  let count = 0;
  let recorded: AuditBreak | null = null;
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
    if (!recorded && row.actor === 'system' && (row.action === CUT || row.action === REWRITTEN)) {
      const data = JSON.parse(row.data) as { logEnd: number; anchorSeq: number; anchorAt?: number };
      const found = `entry ${row.id} records that at a start${when(row.at)} `;
      recorded =
        row.action === CUT
          ? {
              ok: false,
              entries: 0,
              firstBrokenId: data.logEnd + 1,
              reason: `${found}the log ended at entry ${data.logEnd}, but ${HEAD_FILE} said entry ${data.anchorSeq} was written${when(data.anchorAt)}: entries after entry ${data.logEnd} were removed`,
            }
          : {
              ok: false,
              entries: 0,
              firstBrokenId: data.anchorSeq,
              rewritten: true,
              reason: `${found}entry ${data.anchorSeq} was not the one ${HEAD_FILE} recorded${when(data.anchorAt)}`,
            };
    }
    previousHash = row.hash;
    expectedId++;
  }
  for (const anchor of anchors) {
    const broken = anchorBreak(db, count, anchor);
    if (broken) return broken;
  }
  if (recorded) return { ...recorded, entries: count };
  return { ok: true, entries: count };
}

/** The verdict in one line for a person. */
export function describeAuditVerdict(verdict: AuditVerdict): string {
  if (verdict.ok) return `Audit log intact: ${verdict.entries} entries, every link holds.`;
  if (verdict.rewritten) {
    return (
      `Audit log BROKEN: ${verdict.reason}: the log was rewritten and its chain recomputed, ` +
      `so none of entries 1 to ${verdict.firstBrokenId} can be trusted.`
    );
  }
  return (
    `Audit log BROKEN at entry ${verdict.firstBrokenId} (${verdict.reason}). ` +
    `The entries before it hold; from entry ${verdict.firstBrokenId} on the log cannot be trusted.`
  );
}

/** The append-only guards, as migration 0020 created them (whitespace aside). */
const GUARDS: Record<string, string> = {
  audit_log_no_update: `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
  audit_log_no_delete: `CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
};
const normal = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** Put back guards that were dropped or changed, and drop any other trigger on the log, with an entry saying so. */
function restoreGuards(db: Db, clock: Clock): string | null {
  const triggers = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'`)
    .all() as { name: string; sql: string }[];
  const restored = Object.keys(GUARDS).filter((name) => {
    const found = triggers.find((t) => t.name === name);
    return !found || normal(found.sql) !== GUARDS[name];
  });
  const dropped = triggers.filter((t) => !(t.name in GUARDS)).map((t) => t.name);
  if (restored.length === 0 && dropped.length === 0) return null;
  inTransaction(db, () => {
    for (const name of [...restored, ...dropped]) db.exec(`DROP TRIGGER IF EXISTS "${name.replace(/"/g, '""')}"`);
    for (const name of restored) db.exec(GUARDS[name]!);
    appendAudit(db, clock, { actor: 'system', action: 'audit_guards_restored', data: { triggers: restored, dropped } });
  });
  return (
    `audit: the log's append-only guards were ${restored.length > 0 ? `missing or changed (${restored.join(', ')}) and were put back` : 'intact'}` +
    (dropped.length > 0 ? `; unexpected triggers on it were dropped (${dropped.join(', ')})` : '')
  );
}

/**
 * At every start, before anything else is appended: compare the log with its head file (a head
 * ahead of the log, or one whose entry has another hash, is recorded in the log itself, and the
 * old head file is kept aside, so the next head written cannot hide it), put back the append-only
 * guards, and write the head file. Returns lines for the station's log.
 */
export function secureAuditLog(db: Db, clock: Clock): string[] {
  const lines: string[] = [];
  const file = headFileOf(db);
  if (file) {
    const head = readHeadFile(file);
    const end = auditHead(db)?.seq ?? 0;
    if (head && !('unreadable' in head)) {
      const broken = anchorBreak(db, end, { ...head, source: HEAD_FILE });
      if (broken) {
        const keptAs = `${file.replace(/\.json$/, '')}-${broken.rewritten ? 'rewritten' : 'cut'}-${clock.now()}.json`;
        renameSync(file, keptAs);
        inTransaction(db, () =>
          appendAudit(db, clock, {
            actor: 'system',
            action: broken.rewritten ? REWRITTEN : CUT,
            data: { logEnd: end, anchorSeq: head.seq, anchorHash: head.hash, anchorAt: head.at, keptAs },
          }),
        );
        lines.push(`audit: ${broken.reason}; recorded in the log, the old head file kept as ${keptAs}`);
      }
    } else if (end > 0) {
      // First start with anchoring, or the file was deleted: say so in the log, start a new one.
      const why = head ? `could not be read (${head.unreadable})` : 'was missing';
      if (head) renameSync(file, `${file.replace(/\.json$/, '')}-unreadable-${clock.now()}.json`);
      inTransaction(db, () => appendAudit(db, clock, { actor: 'system', action: 'audit_head_missing', data: { logEnd: end, why } }));
      lines.push(`audit: ${HEAD_FILE} ${why}; a new one starts at entry ${end + 1}`);
    }
  }
  const guards = restoreGuards(db, clock);
  if (guards) lines.push(guards);
  writeAuditHead(db);
  return lines;
}

export function listAudit(db: Db, limit = 100): (Omit<AuditRow, 'data'> & { data: unknown })[] {
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as AuditRow[];
  return rows.map((r) => ({ ...r, data: JSON.parse(r.data) }));
}

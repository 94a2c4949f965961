// The audit chain: append-only, and any edit or removal is found with the first broken entry, by
// verifyAudit and by the `audit verify` command (dist/core/audit.mjs, run here from its source).
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock';
import { appendAudit, describeAuditVerdict, entryHash, verifyAudit } from '../../electron/core/store/audit';
import { openDatabase, type Db } from '../../electron/core/store/db';
import { tempDir } from '../support/temp-dir';

let dir: ReturnType<typeof tempDir>;
let db: Db;
const clock = new ManualClock();

beforeEach(() => {
  dir = tempDir();
  db = openDatabase(dir.file('station.sqlite'));
  for (let i = 1; i <= 5; i++) {
    clock.advance(1000);
    appendAudit(db, clock, { actor: 'staff:1', action: 'scan', data: { code: `CODE-${i}` } });
  }
});
afterEach(() => {
  db.close();
  dir.remove();
});

/** What someone with the sqlite3 shell could do: drop the guards and change history. */
function tamper(sql: string) {
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  db.exec(sql);
}

describe('audit log', () => {
  it('verifies an untouched chain', () => {
    expect(verifyAudit(db)).toEqual({ ok: true, entries: 5 });
  });

  it('refuses updates and deletes through SQL', () => {
    expect(() => db.exec(`UPDATE audit_log SET actor = 'x' WHERE id = 2`)).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM audit_log WHERE id = 2')).toThrow(/append-only/);
  });

  it('finds an edited entry', () => {
    tamper(`UPDATE audit_log SET data = '{"code":"CODE-X"}' WHERE id = 3`);
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstBrokenId: 3, reason: 'entry was changed' });
  });

  it('finds an edit whose row hash was recomputed, at the next link', () => {
    // A careful forger recomputes the edited row's own hash; the next entry still points at the old one.
    const row = db.prepare('SELECT * FROM audit_log WHERE id = 2').get() as Parameters<typeof entryHash>[0];
    const forged = { ...row, actor: 'staff:9' };
    tamper(`UPDATE audit_log SET actor = 'staff:9', hash = '${entryHash(forged)}' WHERE id = 2`);
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstBrokenId: 3, reason: 'link to previous entry broken' });
  });

  it('finds a removed entry', () => {
    tamper('DELETE FROM audit_log WHERE id = 4');
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstBrokenId: 4, reason: 'entry missing' });
  });

  it('keeps chaining across a reopen of the file', () => {
    db.close();
    db = openDatabase(dir.file('station.sqlite'));
    appendAudit(db, clock, { actor: 'system', action: 'restart' });
    expect(verifyAudit(db)).toEqual({ ok: true, entries: 6 });
  });

  it('reports the first broken entry when several were changed, whichever order they were changed in', () => {
    tamper(`UPDATE audit_log SET action = 'x' WHERE id = 4`);
    db.exec(`UPDATE audit_log SET at = at + 1 WHERE id = 2`);
    db.exec('DELETE FROM audit_log WHERE id = 5');
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstBrokenId: 2, reason: 'entry was changed' });
  });

  it('finds an entry slipped in with a hash of its own, at the entry after it', () => {
    const row = db.prepare('SELECT * FROM audit_log WHERE id = 5').get() as Parameters<typeof entryHash>[0] & { hash: string };
    // Shift the last entry up and forge a new entry 5 that chains correctly to entry 4.
    tamper(`UPDATE audit_log SET id = 6 WHERE id = 5`);
    const prev = (db.prepare('SELECT hash FROM audit_log WHERE id = 4').get() as { hash: string }).hash;
    const forged = { id: 5, at: row.at, actor: 'staff:9', action: 'scan', subject: null, data: '{}', prev_hash: prev };
    db.prepare('INSERT INTO audit_log (id, at, actor, action, subject, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      ...Object.values(forged),
      entryHash(forged),
    );
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstBrokenId: 6, reason: 'link to previous entry broken' });
  });

  it('says in one line whether the log holds, and where it first breaks', () => {
    expect(describeAuditVerdict({ ok: true, entries: 5 })).toBe('Audit log intact: 5 entries, every link holds.');
    expect(describeAuditVerdict({ ok: false, entries: 3, firstBrokenId: 3, reason: 'entry was changed' })).toMatch(
      /^Audit log BROKEN at entry 3 \(entry was changed\)\./,
    );
  });
});

describe('audit verify command', () => {
  const verify = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'electron/core/store/audit-cli.ts', 'verify', ...args], { encoding: 'utf8' });

  it('says the log is intact and exits 0; names the first broken entry and exits 1; leaves the file as it was', () => {
    db.close();
    const good = verify('--data-dir', dir.path);
    expect(good.stdout.trim()).toBe('Audit log intact: 5 entries, every link holds.');
    expect(good.status).toBe(0);

    db = openDatabase(dir.file('station.sqlite'));
    tamper(`UPDATE audit_log SET data = '{"code":"CODE-X"}' WHERE id = 3`);
    db.close();
    const bad = verify('--data-dir', dir.path);
    expect(bad.stderr).toMatch(/^Audit log BROKEN at entry 3 \(entry was changed\)/);
    expect(bad.status).toBe(1);

    db = openDatabase(dir.file('station.sqlite'));
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstBrokenId: 3 });
  });

  it('exits 2 with a reason when there is nothing to check or it was asked wrongly', () => {
    const missing = verify('--data-dir', dir.file('nowhere'));
    expect(missing.stderr).toMatch(/No bench data at/);
    expect(missing.status).toBe(2);
    const wrong = spawnSync(process.execPath, ['--import', 'tsx', 'electron/core/store/audit-cli.ts', 'repair'], { encoding: 'utf8' });
    expect(wrong.stderr).toMatch(/usage: audit verify/);
    expect(wrong.status).toBe(2);
  });
});

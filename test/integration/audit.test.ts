// The audit chain: append-only, and any edit or removal is found with the first broken entry.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock';
import { appendAudit, entryHash, verifyAudit } from '../../electron/core/store/audit';
import { openDatabase, type Db } from '../../electron/core/store/db';
import { tempDir } from '../support/temp-dir';

let dir: ReturnType<typeof tempDir>;
let db: Db;
const clock = new ManualClock();

beforeEach(() => {
  dir = tempDir();
  db = openDatabase(dir.file('a.sqlite'));
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
    db = openDatabase(dir.file('a.sqlite'));
    appendAudit(db, clock, { actor: 'system', action: 'restart' });
    expect(verifyAudit(db)).toEqual({ ok: true, entries: 6 });
  });
});

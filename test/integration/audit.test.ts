// The audit chain: append-only, and any edit or removal is found with the first broken entry, by
// verifyAudit and by the `audit verify` command (dist/core/audit.mjs, run here from its source).
// Its end is anchored outside the file (audit-head.json beside it, and each Odoo dispatch's chatter
// message), so a log cut short or rewritten with its chain recomputed is found too.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock';
import { createStation, type Station } from '../../electron/core/station';
import { appendAudit, describeAuditVerdict, entryHash, listAudit, verifyAudit } from '../../electron/core/store/audit';
import { inTransaction, openDatabase, type Db } from '../../electron/core/store/db';
import { expectedParcelWeight } from '../support/expected-weight';
import { startSandboxRig } from '../support/sandbox-rig';
import { tempDir } from '../support/temp-dir';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';
import { stationDb } from '../support/station-db';

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

const verify = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'electron/core/entry/audit-cli.ts', 'verify', ...args], { encoding: 'utf8' });

describe('audit verify command', () => {
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
    const wrong = spawnSync(process.execPath, ['--import', 'tsx', 'electron/core/entry/audit-cli.ts', 'repair'], { encoding: 'utf8' });
    expect(wrong.stderr).toMatch(/usage: audit verify/);
    expect(wrong.status).toBe(2);
  });
});

type Head = { seq: number; hash: string; at: number };
const headOf = (path: string): Head => JSON.parse(readFileSync(`${path}/audit-head.json`, 'utf8')) as Head;
const hashOf = (d: Db, id: number) => (d.prepare('SELECT hash FROM audit_log WHERE id = ?').get(id) as { hash: string }).hash;

/** Recompute the chain from entry `from` on, as a forger who edited an entry would. */
function rehashFrom(d: Db, from: number) {
  const rows = d.prepare('SELECT * FROM audit_log WHERE id >= ? ORDER BY id').all(from) as (Parameters<typeof entryHash>[0] & { hash: string })[];
  let prev = hashOf(d, from - 1);
  for (const row of rows) {
    const hash = entryHash({ ...row, prev_hash: prev });
    d.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, row.id);
    prev = hash;
  }
}

describe('audit guards at start', () => {
  const start = async () => {
    const station = createStation({ dataDir: dir.path, mode: 'live', identity: { scryptN: 1024 }, log: () => {} });
    await station.start();
    return station;
  };

  it('a station started on a file whose append-only triggers were dropped or defused puts them back, and the log says so', async () => {
    // Someone with the sqlite3 shell drops one guard and swaps the other for one that lets deletes through.
    db.exec(`DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
             CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END;`);
    db.close();
    let station: Station = await start();
    try {
      expect(() => stationDb(station).exec(`UPDATE audit_log SET actor = 'x' WHERE id = 2`)).toThrow(/append-only/);
      expect(() => stationDb(station).exec('DELETE FROM audit_log WHERE id = 2')).toThrow(/append-only/);
      const restored = listAudit(stationDb(station)).filter((e) => e.action === 'audit_guards_restored');
      expect(restored).toHaveLength(1);
      expect(restored[0]).toMatchObject({ actor: 'system', data: { triggers: ['audit_log_no_update', 'audit_log_no_delete'] } });
      expect(verifyAudit(stationDb(station))).toMatchObject({ ok: true });
      // Intact guards are left alone, and not reported again.
      await station.stop();
      station = await start();
      expect(listAudit(stationDb(station)).filter((e) => e.action === 'audit_guards_restored')).toHaveLength(1);
    } finally {
      await station.stop();
      db = openDatabase(dir.file('station.sqlite'));
    }
  });
});

describe('audit head file', () => {
  it('holds the last committed entry, never one a transaction has not committed yet, and is replaced whole each time', () => {
    expect(headOf(dir.path)).toEqual({ seq: 5, hash: hashOf(db, 5), at: expect.any(Number) });
    const inode = statSync(dir.file('audit-head.json')).ino;

    inTransaction(db, () => {
      appendAudit(db, clock, { actor: 'system', action: 'a' });
      appendAudit(db, clock, { actor: 'system', action: 'b' });
      expect(headOf(dir.path).seq).toBe(5);
    });
    expect(headOf(dir.path)).toEqual({ seq: 7, hash: hashOf(db, 7), at: expect.any(Number) });
    // A new file renamed over the old one, so a reader (or a crash) never meets half a head.
    expect(statSync(dir.file('audit-head.json')).ino).not.toBe(inode);
    expect(readdirSync(dir.path).filter((f) => f.startsWith('audit-head'))).toEqual(['audit-head.json']);

    // Rolled back: the head stays where the log is.
    expect(() =>
      inTransaction(db, () => {
        appendAudit(db, clock, { actor: 'system', action: 'c' });
        throw new Error('changed my mind');
      }),
    ).toThrow('changed my mind');
    expect(headOf(dir.path).seq).toBe(7);
  });

  it('catches up right after a transaction that did not go through inTransaction commits', async () => {
    db.transaction(() => appendAudit(db, clock, { actor: 'system', action: 'a' }))();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(headOf(dir.path)).toMatchObject({ seq: 6, hash: hashOf(db, 6) });
  });
});

describe('audit verify against its anchors', () => {
  it('reports a log cut short below its head file as broken', () => {
    tamper('DELETE FROM audit_log WHERE id > 3');
    expect(verifyAudit(db)).toEqual({ ok: true, entries: 3 });
    db.close();
    const result = verify('--data-dir', dir.path);
    expect(result.stderr).toMatch(/^Audit log BROKEN at entry 4 \(the log ends at entry 3, but audit-head.json says entry 5 was written/);
    expect(result.status).toBe(1);
    db = openDatabase(dir.file('station.sqlite'));
  });

  it('reports an edited log whose chain was recomputed as broken: the head file remembers the old hash', async () => {
    tamper(`UPDATE audit_log SET data = '{"code":"CODE-X"}' WHERE id = 2`);
    rehashFrom(db, 2);
    expect(verifyAudit(db)).toEqual({ ok: true, entries: 5 });
    db.close();
    const result = verify('--data-dir', dir.path);
    expect(result.stderr).toMatch(/^Audit log BROKEN: entry 5 is not the one audit-head.json recorded/);
    expect(result.stderr).toMatch(/rewritten/);
    expect(result.status).toBe(1);

    // A station started on it records the rewrite before its own head file replaces the old one.
    const station = createStation({ dataDir: dir.path, mode: 'live', identity: { scryptN: 1024 }, log: () => {} });
    await station.start();
    expect(listAudit(stationDb(station)).find((e) => e.action === 'audit_log_rewritten')).toMatchObject({ data: { logEnd: 5, anchorSeq: 5 } });
    await station.stop();
    const after = verify('--data-dir', dir.path);
    expect(after.stderr).toMatch(/^Audit log BROKEN: entry 6 records that at a start .*entry 5 was not the one audit-head.json recorded/);
    expect(after.status).toBe(1);
    db = openDatabase(dir.file('station.sqlite'));
  });

  it('checks against --anchor SEQ:HASH when the head file is gone, and says when there is nothing to check the end against', () => {
    const anchor = `4:${hashOf(db, 4).slice(0, 12)}`;
    tamper('DELETE FROM audit_log WHERE id > 2');
    db.close();
    rmSync(dir.file('audit-head.json'));
    const unanchored = verify('--data-dir', dir.path);
    expect(unanchored.stdout.trim()).toBe('Audit log intact: 2 entries, every link holds.');
    expect(unanchored.stderr).toMatch(/No audit-head\.json/);
    expect(unanchored.status).toBe(0);

    const anchored = verify('--data-dir', dir.path, '--anchor', anchor);
    expect(anchored.stderr).toMatch(/^Audit log BROKEN at entry 3 \(the log ends at entry 2, but the anchor 4:[0-9a-f]{12} says entry 4 was written/);
    expect(anchored.status).toBe(1);

    const wrong = verify('--data-dir', dir.path, '--anchor', 'four');
    expect(wrong.stderr).toMatch(/--anchor/);
    expect(wrong.status).toBe(2);
    db = openDatabase(dir.file('station.sqlite'));
  });

  it('a station started on a log cut below its head file records the cut, and verify keeps reporting it', async () => {
    tamper('DELETE FROM audit_log WHERE id > 3');
    db.close();
    const station = createStation({ dataDir: dir.path, mode: 'live', identity: { scryptN: 1024 }, log: () => {} });
    await station.start();
    const cut = listAudit(stationDb(station)).find((e) => e.action === 'audit_log_cut');
    expect(cut).toMatchObject({ actor: 'system', data: { logEnd: 3, anchorSeq: 5 } });
    await station.stop();
    const result = verify('--data-dir', dir.path);
    expect(result.stderr).toMatch(/^Audit log BROKEN at entry 4 \(.*entries after entry 3 were removed/);
    expect(result.status).toBe(1);
    db = openDatabase(dir.file('station.sqlite'));
  });
});

describe('audit head in Odoo', () => {
  it("each dispatch's chatter message carries the audit head, so a cut log is caught even with its head file deleted", async () => {
    const rig = await startSandboxRig({ seed: 6 });
    let running = true;
    try {
      const { scale, station, scan, untilStep, readyPickings, odoo } = rig;
      const [picking] = await readyPickings();
      await scan('P-1');
      const opened = await scan(picking!.name);
      for (const code of unitScans(opened.state.order!.lines)) await scan(code);
      await untilStep('weighing');
      scale.setWeight(expectedParcelWeight(station) + 5, { motionMs: 200 });
      await waitForEvent(station.events, 'state', (s) => s.label?.printState === 'confirmed', 15_000);
      await untilStep('done');

      const bodies = odoo.state
        .all('mail.message')
        .filter((m) => m.model === 'stock.picking' && m.res_id === picking!.id)
        .map((m) => String(m.body));
      const anchored = bodies.map((b) => /Audit log entry (\d+) \(([0-9a-f]{12})\)/.exec(b)).find(Boolean);
      expect(anchored, bodies.join('\n')).toBeTruthy();
      const [, seq, short] = anchored!;
      expect(hashOf(stationDb(station), Number(seq)).startsWith(short!)).toBe(true);

      await rig.station.stop();
      running = false;
      // The rig's station keeps its file right in the rig's folder.
      const d = openDatabase(rig.dir.file('station.sqlite'));
      d.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
      d.prepare('DELETE FROM audit_log WHERE id >= ?').run(Number(seq) - 1);
      d.close();
      rmSync(rig.dir.file('audit-head.json'));
      expect(verify('--data-dir', rig.dir.path).status).toBe(0);
      const result = verify('--data-dir', rig.dir.path, '--anchor', `${seq}:${short}`);
      expect(result.stderr).toMatch(/^Audit log BROKEN at entry \d+ \(the log ends at entry \d+, but the anchor/);
      expect(result.status).toBe(1);
    } finally {
      // rig.close() stops the station too; here it may be stopped already.
      if (running) await rig.station.stop();
      await Promise.all([rig.odoo.close(), rig.scale.close(), rig.printer.close()]);
      rig.dir.remove();
    }
  }, 40_000);
});

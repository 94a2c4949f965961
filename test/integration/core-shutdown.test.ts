// Quitting the desktop app: main asks the core to shut down and waits. The core (its real
// utility-process entry, in a child process) finishes, closes the database cleanly (the WAL is
// checkpointed and removed) and exits 0, rather than being killed mid-write.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';
import { startUtilityCore } from '../support/utility-core';

let dir: ReturnType<typeof tempDir>;
let child: ChildProcess | null = null;

beforeEach(() => (dir = tempDir('packbench-shutdown-')));
afterEach(() => {
  child?.kill('SIGKILL');
  dir.remove();
});

describe('core shutdown', () => {
  it('closes the database cleanly and exits 0 when main asks it to shut down', async () => {
    // A live bench whose Odoo is configured but unreachable: no sandbox, nothing to wait for.
    const core = startUtilityCore(['--data-dir', dir.path, '--odoo-url', 'http://127.0.0.1:9', '--odoo-db', 'prod', '--odoo-login', 'bench'], () => ({
      ok: true,
      usable: false,
      message: null,
    }));
    child = core.child;
    await core.until((m) => m.type === 'event' && m.event === 'state', 'state');
    const file = join(dir.path, 'station.sqlite');
    expect(existsSync(`${file}-wal`)).toBe(true); // open, in WAL mode

    core.child.send({ type: 'shutdown' });
    expect(await core.exited).toBe(0);
    child = null;
    // A clean close checkpoints the WAL into the file and removes it.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThan(0);
    db.close();
  });
});

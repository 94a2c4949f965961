// Quitting the desktop app: main asks the core to shut down and waits. The core (its real
// utility-process entry, in a child process) finishes, closes the database cleanly (the WAL is
// checkpointed and removed) and exits 0, rather than being killed mid-write.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';

let dir: ReturnType<typeof tempDir>;
let child: ChildProcess | null = null;

beforeEach(() => (dir = tempDir('packbench-shutdown-')));
afterEach(() => {
  child?.kill('SIGKILL');
  dir.remove();
});

function startCore(): { child: ChildProcess; messages: { type: string; event?: string }[]; exited: Promise<number | null> } {
  const args = ['--import', 'tsx', join(__dirname, '..', 'support', 'utility-child.ts')];
  // A live bench whose Odoo is configured but unreachable: no sandbox, nothing to wait for.
  const flags = ['--data-dir', dir.path, '--odoo-url', 'http://127.0.0.1:9', '--odoo-db', 'prod', '--odoo-login', 'bench'];
  const started = spawn(process.execPath, [...args, ...flags], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const messages: { type: string; event?: string }[] = [];
  started.on('message', (m) => messages.push(m as { type: string }));
  const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
  return { child: started, messages, exited };
}

describe('core shutdown', () => {
  it('closes the database cleanly and exits 0 when main asks it to shut down', async () => {
    const core = startCore();
    child = core.child;
    const deadline = Date.now() + 20_000;
    while (!core.messages.some((m) => m.type === 'event' && m.event === 'state')) {
      if (Date.now() > deadline) throw new Error('the core did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
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

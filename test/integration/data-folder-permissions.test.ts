// The bench's data folder holds the orders, customers' addresses, the audit log and (without a
// keychain) the API keys: another user of the computer must not read it. The folder is created
// owner-only (0700) and the SQLite file (with its WAL and shm) 0600, whatever the umask; a folder an
// older version left readable is closed up when the station opens it.
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStation, type Station } from '../../electron/core/station';
import { tempDir } from '../support/temp-dir';

const posix = process.platform !== 'win32';
const quiet = { log: () => {}, identity: { scryptN: 1024 } };
let dir: ReturnType<typeof tempDir>;
let station: Station | null = null;

beforeEach(() => (dir = tempDir('packbench-perms-')));
afterEach(async () => {
  await station?.stop();
  station = null;
  dir.remove();
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Every file and folder under `root` that a group or other user can reach, with its mode. */
function readableByOthers(root: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if ((modeOf(path) & 0o077) !== 0) found.push(`${name} ${modeOf(path).toString(8)}`);
    if (statSync(path).isDirectory()) found.push(...readableByOthers(path));
  }
  return found;
}

describe.runIf(posix)('the data folder', () => {
  it('is created owner-only, with the SQLite file, its WAL and shm 0600', async () => {
    const dataDir = join(dir.path, 'benches', 'bench-1');
    station = createStation({ ...quiet, dataDir, mode: 'live' });
    await station.start();
    await station.handlers.getState({});
    expect(modeOf(dataDir).toString(8)).toBe('700');
    expect(modeOf(join(dataDir, 'station.sqlite')).toString(8)).toBe('600');
    for (const side of ['station.sqlite-wal', 'station.sqlite-shm']) expect(modeOf(join(dataDir, side)).toString(8), side).toBe('600');
    expect(readableByOthers(dataDir)).toEqual([]);
  });

  it('closes up a folder and database an older version left readable to others', async () => {
    const dataDir = join(dir.path, 'old-bench');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'station.sqlite'), '');
    chmodSync(join(dataDir, 'station.sqlite'), 0o644);
    station = createStation({ ...quiet, dataDir, mode: 'live' });
    await station.start();
    expect(modeOf(dataDir).toString(8)).toBe('700');
    expect(modeOf(join(dataDir, 'station.sqlite')).toString(8)).toBe('600');
  });
});

// The packaging check CI runs here (scripts/package-check.mjs): electron-builder packs the unpacked
// Linux app from a stand-in Electron, and the packed app holds main, preload, renderer and core, no
// sandbox code in the live bundles, native modules unpacked, and the fuses set. A configuration
// check, not a working installer. And the real build refuses a native module Electron cannot load.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(__dirname, '..', '..');
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });

describe('packaging', () => {
  it('packs the app with the configured contents, native modules and fuses', () => {
    const { status, stdout } = run(['scripts/package-check.mjs', '--skip-build']);
    expect(stdout).toMatch(/ok {3}app\.asar holds dist\/electron\/preload\.cjs/);
    expect(stdout).toMatch(/ok {3}fuse RunAsNode is off in the packed executable/);
    expect(stdout).toMatch(/ok {3}better-sqlite3’s native module is unpacked beside app\.asar/);
    expect(stdout).not.toContain('FAIL');
    expect(stdout).toMatch(/Passed: \d+ checks\./);
    expect(status).toBe(0);
  });

  it('refuses to make an installer whose SQLite module Electron could not load', () => {
    const work = mkdtempSync(join(tmpdir(), 'packbench-abi-'));
    try {
      // The same pack without the check's leave: better-sqlite3 here is built for Node's ABI.
      const dist = join(work, 'electron');
      run(['-e', `require('node:fs').mkdirSync(${JSON.stringify(dist)});require('node:fs').writeFileSync(${JSON.stringify(join(dist, 'electron'))}, 'stand-in')`]);
      const { status, stdout, stderr } = run(
        [require.resolve('electron-builder/cli.js'), '--linux', 'dir', '--config', 'build/electron-builder.yml', `-c.electronDist=${dist}`, '-c.npmRebuild=false', `-c.directories.output=${join(work, 'out')}`],
        { PACKBENCH_PACKAGE_CHECK: '' },
      );
      expect(status).not.toBe(0);
      expect(`${stdout}${stderr}`).toMatch(/This build would not start: better_sqlite3\.node is built for ABI \d+, Electron needs 150\./);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

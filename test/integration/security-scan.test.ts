// `npm run security` (scripts/security.mjs): Electronegativity over the desktop shell passes on this
// repo, and fails, naming the check, on a shell that turns a protection off.
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';

const repo = resolve(__dirname, '..', '..');
const script = join(repo, 'scripts', 'security.mjs');
const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, [script, ...args], { cwd: repo, timeout: 60_000 }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );

const dir = tempDir('packbench-security-test-');
afterAll(() => dir.remove());

describe('npm run security', () => {
  it('passes on the shell as it is, listing what it accepted and why', async () => {
    const { code, stdout } = await run();
    expect(stdout).toMatch(/electron\/main\.ts.*electron\/preload\.ts.*renderer\/index\.html/);
    expect(stdout).toMatch(/Passed: \d+ finding\(s\), 0 high, none unaccepted\./);
    expect(code).toBe(0);
  });

  it('fails on a window that shares its JavaScript context with the page', async () => {
    for (const file of ['electron/main.ts', 'electron/preload.ts', 'renderer/index.html', 'package.json']) {
      cpSync(join(repo, file), join(dir.path, file));
    }
    const main = readFileSync(join(repo, 'electron/main.ts'), 'utf8');
    const holed = main.replace('contextIsolation: true', 'contextIsolation: false');
    expect(holed).not.toBe(main);
    writeFileSync(join(dir.path, 'electron/main.ts'), holed);
    const { code, stdout } = await run('--root', dir.path);
    expect(stdout).toMatch(/HIGH\s+CONTEXT_ISOLATION_JS_CHECK electron\/main\.ts:\d+ \(NOT ACCEPTED\)/);
    expect(stdout).toMatch(/FAILED: \d+ high finding\(s\) not accepted/);
    expect(code).toBe(1);
  });
});

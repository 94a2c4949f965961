// The built core: the live bundles (browser-mode CLI, Electron's utility process) do not carry the
// training sandbox; the bundled CLI still starts a training bench by loading dist/core/sandbox.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';

const repo = resolve(__dirname, '..', '..');
const core = join(repo, 'dist', 'core');
// A name only the sandbox Odoo's code has.
const SANDBOX_ONLY = 'SandboxOdooState';

let dir: ReturnType<typeof tempDir>;

beforeAll(() => {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--node-only'], { cwd: repo, encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
  dir = tempDir('packbench-bundle-');
}, 120_000);

afterAll(() => dir.remove());

describe('core bundles', () => {
  it('keep the sandbox out of the live bundles and in its own', () => {
    for (const live of ['cli.mjs', 'utility.cjs']) expect(readFileSync(join(core, live), 'utf8')).not.toContain(SANDBOX_ONLY);
    expect(readFileSync(join(core, 'sandbox.mjs'), 'utf8')).toContain(SANDBOX_ONLY);
  });

  it('start a training bench from the built CLI, which loads the sandbox bundle', async () => {
    const child = spawn(process.execPath, [join(core, 'cli.mjs'), '--data-dir', dir.path, '--port', '0'], { cwd: repo });
    let out = '';
    try {
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no training bench in 20 s:\n${out}`)), 20_000);
        const read = (chunk: Buffer) => {
          out += chunk.toString('utf8');
          if (/Sandbox Odoo: http:\/\/127\.0\.0\.1:\d+/.test(out) && /#token=/.test(out)) {
            clearTimeout(timer);
            done();
          }
        };
        child.stdout.on('data', read);
        child.stderr.on('data', read);
        child.once('exit', (code) => fail(new Error(`the CLI exited (${code}):\n${out}`)));
      });
    } finally {
      child.kill('SIGTERM');
    }
    expect(out).toContain('TRAINING');
  }, 30_000);
});

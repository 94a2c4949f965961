// The `npm test` wrapper must not let a failing test or an empty run look green.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function wrapper(root: string) {
  const result = spawnSync('node', ['scripts/test.mjs', '--stages', 'vitest', '--vitest-root', root], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const lines = result.stdout.trim().split('\n');
  return { status: result.status, last: lines.at(-1), stdout: result.stdout };
}

describe('npm test wrapper', () => {
  it('reports a deliberately failing test and exits non-zero', () => {
    const run = wrapper('test/fixtures/wrapper/failing');
    expect(run.last).toBe('1 passed, 1 failed');
    expect(run.status).not.toBe(0);
  });

  it('counts a test file that cannot be loaded as a failure, though no test in it failed', () => {
    const run = wrapper('test/fixtures/wrapper/broken');
    expect(run.last).toBe('1 passed, 1 failed');
    expect(run.status).not.toBe(0);
  });

  it('fails a run that executed no test, even when the runner itself exits 0', () => {
    const run = wrapper('test/fixtures/wrapper/empty');
    expect(run.last).toBe('0 passed, 0 failed');
    expect(run.stdout).toContain('No test ran');
    expect(run.status).not.toBe(0);
  });
});

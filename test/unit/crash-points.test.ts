// Named crash points: inert unless PACKBENCH_CRASH_AT names one (then a real SIGKILL of the
// process at its nth hit), cheap when inert, and every listed point has a call site in the core.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRASH_POINTS, crashPoint } from '../../electron/core/crash-points';
import { tempDir } from '../support/temp-dir';

const repo = resolve(__dirname, '..', '..');
const module = join(repo, 'electron', 'core', 'crash-points.ts');

/** Run a script that calls every point `times` times, then prints "survived". */
function runPoints(env: Record<string, string>, times: number) {
  const script = `
    const { CRASH_POINTS, crashPoint } = await import(${JSON.stringify(module)});
    for (let i = 0; i < ${times}; i++) for (const name of CRASH_POINTS) { crashPoint(name); process.stdout.write(name + ' ' + (i + 1) + '\\n'); }
    process.stdout.write('survived\\n');
  `;
  const { PACKBENCH_CRASH_AT: _a, PACKBENCH_CRASH_LOG: _l, ...rest } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repo,
    env: { ...rest, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

function coreSources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? coreSources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('crash points', () => {
  it('do nothing when no point is named: every point is passed, the process lives on', () => {
    const run = runPoints({}, 3);
    expect(run.signal).toBeNull();
    expect(run.stdout.trim().split('\n').at(-1)).toBe('survived');
  });

  it('kill the process with SIGKILL at the nth hit of the named point only, and log its name first', () => {
    const dir = tempDir('packbench-crash-points-');
    try {
      const log = join(dir.path, 'hits.log');
      const run = runPoints({ PACKBENCH_CRASH_AT: 'odoo.validated:3', PACKBENCH_CRASH_LOG: log }, 5);
      expect(run.signal).toBe('SIGKILL');
      const lines = run.stdout.trim().split('\n');
      // Died inside its third call: every point before it in the third round passed.
      expect(lines).not.toContain('odoo.validated 3');
      expect(lines).toContain('odoo.validated 2');
      expect(lines.at(-1)).toBe(`${CRASH_POINTS[CRASH_POINTS.indexOf('odoo.validated') - 1]} 3`);
      expect(readFileSync(log, 'utf8')).toBe('odoo.validated\n');
    } finally {
      dir.remove();
    }
  });

  it('leave the process alone when another name is set', () => {
    const dir = tempDir('packbench-crash-points-');
    try {
      const log = join(dir.path, 'hits.log');
      const run = runPoints({ PACKBENCH_CRASH_AT: 'no.such_point', PACKBENCH_CRASH_LOG: log }, 2);
      expect(run.signal).toBeNull();
      expect(run.stdout.trim().split('\n').at(-1)).toBe('survived');
      expect(existsSync(log)).toBe(false);
    } finally {
      dir.remove();
    }
  });

  it('cost nothing measurable when inert (well under a microsecond a call)', () => {
    const calls = 2_000_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) crashPoint(CRASH_POINTS[i % CRASH_POINTS.length]!);
    const nsPerCall = Number(process.hrtime.bigint() - started) / calls;
    expect(nsPerCall).toBeLessThan(1000);
  });

  it('each has a call site in the core', () => {
    const sources = coreSources(join(repo, 'electron', 'core'))
      .filter((f) => !f.endsWith('crash-points.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const missing = CRASH_POINTS.filter((name) => !sources.includes(`crashPoint('${name}')`));
    expect(missing).toEqual([]);
  });
});

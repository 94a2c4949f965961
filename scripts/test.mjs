// `npm test`: typecheck, lint, build, then unit + integration + e2e tests, ending with one line
// `N passed, N failed[, N skipped]`. Each non-test stage counts as one check. The run fails when any
// stage fails, when any test fails, or when no test ran at all.
//   node scripts/test.mjs [--stages typecheck,lint,build,vitest] [--vitest-root DIR] [-- vitest args]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: {
    stages: { type: 'string', default: 'typecheck,lint,build,vitest' },
    'vitest-root': { type: 'string' },
  },
  allowPositionals: true,
});
const stages = values.stages.split(',').map((s) => s.trim()).filter(Boolean);
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

let passed = 0;
let failed = 0;
let skipped = 0;
let testsExecuted = 0;
const failures = [];

function run(label, command, args) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(`=== ${label}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds}s`);
  return ok;
}

function check(label, command, args) {
  if (run(label, command, args)) passed++;
  else {
    failed++;
    failures.push(label);
  }
}

if (stages.includes('typecheck')) check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
if (stages.includes('lint')) check('lint', npx, ['eslint', '.']);
if (stages.includes('build')) check('build', 'node', ['scripts/build.mjs']);

if (stages.includes('vitest')) {
  // Browser tests run after the rest, so Chromium does not compete with socat and sockets for 2 cores.
  const groups = values['vitest-root']
    ? [{ label: 'tests', args: ['--root', resolve(values['vitest-root'])] }]
    : [
        { label: 'unit + integration tests', args: ['--project', 'unit', '--project', 'integration'] },
        { label: 'e2e tests', args: ['--project', 'e2e'] },
      ];
  for (const group of groups) {
    const dir = mkdtempSync(join(tmpdir(), 'packbench-test-'));
    const report = join(dir, 'vitest.json');
    const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...group.args, ...positionals];
    const ok = run(group.label, npx, args);
    let counted = false;
    try {
      const json = JSON.parse(readFileSync(report, 'utf8'));
      passed += json.numPassedTests ?? 0;
      failed += json.numFailedTests ?? 0;
      testsExecuted += (json.numPassedTests ?? 0) + (json.numFailedTests ?? 0);
      skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
      // A file that failed to load has no failed tests but is a failure all the same.
      failed += (json.testResults ?? []).filter(
        (file) => file.status === 'failed' && (file.assertionResults ?? []).every((a) => a.status !== 'failed'),
      ).length;
      counted = true;
    } catch {
      // no report: counted below
    }
    if (!ok) failures.push(group.label);
    if (!counted) failed++;
    rmSync(dir, { recursive: true, force: true });
  }
}

const testsRan = !stages.includes('vitest') || testsExecuted > 0;
if (!testsRan) console.log('\nNo test ran: that counts as a failure.');
if (failures.length) console.log(`\nFailed: ${failures.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || failures.length > 0 || !testsRan ? 1 : 0);

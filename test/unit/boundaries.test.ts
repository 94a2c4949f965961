// Process boundaries: only electron/main* and electron/preload* import 'electron'; the core has no
// UI, the renderer no Node modules, shared/ nothing but zod; every dependency is classed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkImport, importsOf, packageClasses, typeImportsOf } from '../support/import-rules';

const repo = resolve(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(repo, dir))) {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'fixtures') continue;
    if (statSync(join(repo, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx|mjs|js|cjs)$/.test(entry)) out.push(path);
  }
  return out;
}

function violations(files: string[], read: (f: string) => string): string[] {
  const resolved = (file: string, specifier: string) =>
    specifier.startsWith('.') ? relative(repo, resolve(repo, dirname(file), specifier)) : null;
  return files.flatMap((file) => {
    const source = read(file);
    return [
      ...importsOf(source).flatMap((specifier) => checkImport(file, specifier, resolved(file, specifier))),
      ...typeImportsOf(source).flatMap((specifier) => checkImport(file, specifier, resolved(file, specifier), true)),
    ];
  });
}

describe('process boundaries', () => {
  // This file spells out bad imports on purpose, so it is not scanned itself.
  const files = ['electron', 'renderer', 'shared', 'test', 'scripts']
    .flatMap(sourceFiles)
    .filter((f) => f !== 'test/unit/boundaries.test.ts');

  it('finds the source files it is meant to check', () => {
    expect(files).toContain('electron/main.ts');
    expect(files).toContain('shared/api.ts');
    expect(files.some((f) => f.startsWith('renderer/src/'))).toBe(true);
  });

  it('has no import that crosses a boundary', () => {
    expect(violations(files, (f) => readFileSync(join(repo, f), 'utf8'))).toEqual([]);
  });

  it('imports electron only from electron/main* and electron/preload*', () => {
    const importers = files.filter((f) => importsOf(readFileSync(join(repo, f), 'utf8')).includes('electron'));
    expect(importers.length).toBeGreaterThan(0);
    for (const f of importers) expect(f).toMatch(/^electron\/(main|preload)[^/]*\.ts$/);
  });

  it('classes every dependency in package.json', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const all = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
    expect(all.filter((name) => !(name in packageClasses))).toEqual([]);
  });

  it('catches the violations it exists for', () => {
    const fake: Record<string, string> = {
      'electron/core/bad.ts': "import { app } from 'electron';\nimport React from 'react';",
      'renderer/src/bad.tsx': "import { readFileSync } from 'node:fs';\nimport Database from 'better-sqlite3';\nimport { x } from '../../electron/core/station';",
      'shared/bad.ts': "import { join } from 'path';\nimport leftpad from 'left-pad';",
      'electron/preload-bad.ts': "import { readFileSync } from 'node:fs';",
      // Rooms inside the core.
      'electron/core/store/bad.ts': "import { PackSession } from '../pack/pack-session';",
      'electron/core/odoo/dispatch/bad.ts': "import { dispatchRow } from '../../pack/effects';\nimport type { Bench } from '../../pack/bench';",
      'electron/core/devices/printer/bad.ts': "import { zplDpi } from '../../labels/carrier-label';",
      'electron/core/pack/bad.ts': "import { renderShippingLabelZpl } from '../labels/zpl-shipping-label';",
      'electron/core/wiring-bad.ts': "import { startPrinterSink } from '../sandbox/printer-sink';",
      'electron/core/entry/good.ts': "import { loadSandbox } from './sandbox-loader';\nimport type { SandboxOdoo } from '../../sandbox/index';",
    };
    const found = violations(Object.keys(fake), (f) => fake[f]!);
    expect(found).toEqual([
      'electron/core/bad.ts: core code imports electron (electron)',
      'electron/core/bad.ts: core code imports react (renderer)',
      'renderer/src/bad.tsx: renderer code imports the Node module node:fs',
      'renderer/src/bad.tsx: renderer code imports better-sqlite3 (core)',
      'renderer/src/bad.tsx: renderer code imports electron/core/station',
      'shared/bad.ts: shared code imports the Node module path',
      'shared/bad.ts: imports left-pad, which is not classed in test/support/import-rules.ts',
      'electron/preload-bad.ts: a sandboxed preload cannot import node:fs',
      'electron/core/store/bad.ts: store/ imports the higher room pack/ (electron/core/pack/pack-session)',
      'electron/core/odoo/dispatch/bad.ts: adapters import from pack/ only pack/effects (electron/core/pack/bench)',
      'electron/core/devices/printer/bad.ts: devices never import labels; the journal gets an encoder (electron/core/labels/carrier-label)',
      'electron/core/pack/bad.ts: pack never draws a label; it asks the carrier registry (electron/core/labels/zpl-shipping-label)',
      'electron/core/wiring-bad.ts: only the entry points load the sandbox (electron/sandbox/printer-sink)',
    ]);
  });
});

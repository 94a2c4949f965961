// The process boundaries as data, checked by test/unit/boundaries.test.ts.
import { builtinModules } from 'node:module';

export type Side = 'main' | 'preload' | 'core' | 'renderer' | 'shared' | 'test' | 'tooling';
export type PackageClass = 'core' | 'renderer' | 'shared' | 'electron' | 'tooling';

/** Every dependency must be classed; a new one forces a decision here. */
export const packageClasses: Record<string, PackageClass> = {
  // runtime
  'better-sqlite3': 'core',
  serialport: 'core',
  'node-thermal-printer': 'core',
  // barcodes: the core draws labels and the command sheet; the screen draws the calibration barcode and training order lines (bwip-js/browser)
  'bwip-js': 'shared',
  'zpl-renderer-js': 'core',
  pngjs: 'core',
  'opentype.js': 'core',
  '@fontsource/noto-sans': 'core',
  '@fontsource/noto-sans-sc': 'core',
  'pdf-lib': 'core',
  mupdf: 'core',
  ws: 'core',
  // structured logs, rotating in the data folder (the core and the Electron main process)
  pino: 'core',
  // the carrier sandboxes check every request and reply against the providers' OpenAPI documents
  ajv: 'core',
  'ajv-formats': 'core',
  yaml: 'core',
  react: 'renderer',
  'react-dom': 'renderer',
  zod: 'shared',
  // address and shipment checks, run by the screen and the core alike (and the sandbox carriers)
  'libphonenumber-js': 'shared',
  'postcode-validator': 'shared',
  // the bench's languages: the core renders its messages, the screen its strings (shared/i18n)
  i18next: 'shared',
  'react-i18next': 'renderer',
  electron: 'electron',
  // build and test tooling
  '@eslint/js': 'tooling',
  '@types/better-sqlite3': 'tooling',
  '@types/node': 'tooling',
  '@types/pngjs': 'tooling',
  '@types/react': 'tooling',
  '@types/react-dom': 'tooling',
  '@types/ws': 'tooling',
  '@vitejs/plugin-react': 'tooling',
  'electron-builder': 'tooling',
  esbuild: 'tooling',
  eslint: 'tooling',
  'fast-check': 'tooling',
  globals: 'tooling',
  'playwright-core': 'tooling',
  tsx: 'tooling',
  typescript: 'tooling',
  'typescript-eslint': 'tooling',
  vite: 'tooling',
  vitest: 'tooling',
  'zxing-wasm': 'tooling',
  // accessibility checks in the e2e tests (injected into the page through playwright-core)
  'axe-core': 'tooling',
  // npm run security, and the packaged app's fuses
  '@doyensec/electronegativity': 'tooling',
  '@electron/fuses': 'tooling',
};

/** Which package classes each side may import at run time. */
const allowedClasses: Record<Side, PackageClass[]> = {
  main: ['electron', 'shared'],
  preload: ['electron', 'shared'],
  core: ['core', 'shared'],
  renderer: ['renderer', 'shared'],
  shared: ['shared'],
  test: ['core', 'renderer', 'shared', 'tooling'],
  tooling: ['tooling', 'shared', 'renderer'],
};

export function sideOf(file: string): Side | null {
  if (/^electron\/main[^/]*\.ts$/.test(file)) return 'main';
  if (/^electron\/preload[^/]*\.ts$/.test(file)) return 'preload';
  if (file.startsWith('electron/')) return 'core';
  if (file.startsWith('renderer/')) return 'renderer';
  if (file.startsWith('shared/')) return 'shared';
  if (file.startsWith('test/')) return 'test';
  if (file.startsWith('scripts/') || /^[^/]+\.config\.(ts|js|mjs)$/.test(file)) return 'tooling';
  return null;
}

export function importsOf(source: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\bimport\s+(?!type\b)(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?!type\b)[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.add(m[1]!);
  return [...found];
}

/** Type-only imports: no run-time edge, but a dependency between rooms of the core all the same. */
export function typeImportsOf(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/\b(?:import|export)\s+type\b[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g)) found.add(m[1]!);
  return [...found];
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

const builtins = new Set(builtinModules);

/**
 * The rooms inside the core (ARCHITECTURE.md, "Inside the core"), lowest first. A room may import
 * its own and lower rooms, never a higher one; a few pairs are refused on top of that (below).
 */
const ROOM_LEVEL: Record<string, number> = {
  base: 0, // clock, paths, events, serial-queue, crash-points, error-message: imported by anyone
  i18n: 0, // the station's translator and Said (i18n/translator.ts): messages are worded in every room
  store: 1,
  labels: 1,
  sync: 2,
  devices: 2,
  host: 2,
  odoo: 3,
  carriers: 3,
  pack: 4,
  station: 5, // the composition root (station.ts) and what it alone uses
  entry: 6,
};

/** Which room of the core a repo path is in; null outside electron/core and electron/sandbox. */
export function roomOf(path: string): string | null {
  if (path.startsWith('electron/sandbox/')) return 'sandbox';
  const m = /^electron\/core\/(?:([^/]+)\/.+|([^/]+))$/.exec(path);
  if (!m) return null;
  if (m[1]) return m[1] in ROOM_LEVEL ? m[1] : 'station';
  return /^(clock|paths|events|serial-queue|crash-points|error-message)(\.ts)?$/.test(m[2]!) ? 'base' : 'station';
}

/** Problems with a relative import from one room of the core to another. */
function checkRoom(file: string, target: string): string[] {
  const from = roomOf(file);
  const to = roomOf(target.replace(/\.(ts|js|mjs|cjs)$/, '') + '.ts');
  if (!from || !to || from === to) return [];
  if (to === 'sandbox') return from === 'entry' ? [] : [`${file}: only the entry points load the sandbox (${target})`];
  // The sandbox stands in for other systems; it may reuse the core's drawing and device formats only.
  if (from === 'sandbox') return ['base', 'devices', 'labels'].includes(to) ? [] : [`${file}: the sandbox imports ${target}`];
  if ((from === 'odoo' || from === 'carriers') && to === 'pack') {
    return /^electron\/core\/pack\/effects(\.ts)?$/.test(target) ? [] : [`${file}: adapters import from pack/ only pack/effects (${target})`];
  }
  if (from === 'devices' && to === 'labels') return [`${file}: devices never import labels; the journal gets an encoder (${target})`];
  if (from === 'pack' && to === 'labels') return [`${file}: pack never draws a label; it asks the carrier registry (${target})`];
  if (ROOM_LEVEL[to]! > ROOM_LEVEL[from]!) return [`${file}: ${from}/ imports the higher room ${to}/ (${target})`];
  return [];
}

/** Problems with one import of one file, as readable sentences; empty when it is allowed. */
export function checkImport(file: string, specifier: string, resolvedRepoPath: string | null, typeOnly = false): string[] {
  const side = sideOf(file);
  if (!side) return [];
  // A type-only import crosses no process boundary; it still ties one room of the core to another.
  if (typeOnly) return side === 'core' && specifier.startsWith('.') && resolvedRepoPath ? checkRoom(file, resolvedRepoPath) : [];
  const problems: string[] = [];
  if (specifier.startsWith('.')) {
    const target = resolvedRepoPath ? sideOf(resolvedRepoPath) : null;
    if (side === 'renderer' && target && !['renderer', 'shared'].includes(target)) {
      problems.push(`${file}: renderer code imports ${resolvedRepoPath}`);
    }
    if (side === 'shared' && target && target !== 'shared') problems.push(`${file}: shared/ imports ${resolvedRepoPath}`);
    if (side === 'core' && target && ['renderer', 'main', 'preload'].includes(target)) {
      problems.push(`${file}: core imports ${resolvedRepoPath}`);
    }
    if (side === 'core' && resolvedRepoPath) problems.push(...checkRoom(file, resolvedRepoPath));
    return problems;
  }
  if (specifier.startsWith('node:') || builtins.has(specifier.split('/')[0]!)) {
    if (['renderer', 'shared'].includes(side)) problems.push(`${file}: ${side} code imports the Node module ${specifier}`);
    if (side === 'preload') problems.push(`${file}: a sandboxed preload cannot import ${specifier}`);
    return problems;
  }
  const name = packageName(specifier);
  const cls = packageClasses[name];
  if (!cls) return [`${file}: imports ${name}, which is not classed in test/support/import-rules.ts`];
  if (!allowedClasses[side].includes(cls)) problems.push(`${file}: ${side} code imports ${name} (${cls})`);
  return problems;
}

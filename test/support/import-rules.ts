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
  'bwip-js': 'core',
  'zpl-renderer-js': 'core',
  pngjs: 'core',
  'opentype.js': 'core',
  '@fontsource/noto-sans': 'core',
  '@fontsource/noto-sans-sc': 'core',
  'pdf-lib': 'core',
  mupdf: 'core',
  ws: 'core',
  // the carrier sandboxes check every request and reply against the providers' OpenAPI documents
  ajv: 'core',
  'ajv-formats': 'core',
  yaml: 'core',
  react: 'renderer',
  'react-dom': 'renderer',
  zod: 'shared',
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

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

const builtins = new Set(builtinModules);

/** Problems with one import of one file, as readable sentences; empty when it is allowed. */
export function checkImport(file: string, specifier: string, resolvedRepoPath: string | null): string[] {
  const side = sideOf(file);
  if (!side) return [];
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

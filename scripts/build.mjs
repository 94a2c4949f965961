// Builds everything the app runs from: the renderer (vite) and the Node/Electron bundles (esbuild).
//   dist/renderer/        the React UI, served by Electron (file) or the browser-mode host (HTTP)
//   dist/core/cli.mjs     browser mode and administration, plain Node
//   dist/core/sandbox.mjs the training sandbox, loaded by the entry points only when a bench trains
//   dist/core/contracts/  the providers' OpenAPI documents its carrier servers check every request against
//   dist/core/audit.mjs   `audit verify`: checks a bench's hash-chained audit log, read-only
//   dist/core/label-pdf-worker.mjs  the worker thread that draws a label as a PDF
//   dist/core/utility.cjs the core inside Electron's utility process
//   dist/electron/*.cjs   the Electron main process and the sandboxed preload
import { cpSync, readFileSync } from 'node:fs';
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';

const only = process.argv.includes('--renderer-only') ? 'renderer' : process.argv.includes('--node-only') ? 'node' : 'all';

if (only !== 'node') {
  await vite({ configFile: 'vite.config.ts', logLevel: 'warn' });
}

if (only !== 'renderer') {
  cpSync('test/contracts', 'dist/core/contracts', { recursive: true, filter: (src) => !src.endsWith('.md') });
  // The entry points load the sandbox at run time from beside their bundle (entry/sandbox-loader.ts).
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    define: {
      PACKBENCH_SANDBOX_BUNDLE: JSON.stringify('./sandbox.mjs'),
      // The version a support bundle names.
      PACKBENCH_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version),
    },
  };
  // import.meta.url does not exist in CommonJS; derive it from __filename.
  const commonJsModuleUrl = {
    define: { ...common.define, 'import.meta.url': '__packbenchModuleUrl' },
    banner: { js: "const __packbenchModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  };
  await Promise.all([
    esbuild({ ...common, entryPoints: ['electron/core/entry/cli.ts'], outfile: 'dist/core/cli.mjs', format: 'esm', packages: 'external' }),
    esbuild({ ...common, entryPoints: ['electron/sandbox/index.ts'], outfile: 'dist/core/sandbox.mjs', format: 'esm', packages: 'external' }),
    esbuild({ ...common, entryPoints: ['electron/core/entry/audit-cli.ts'], outfile: 'dist/core/audit.mjs', format: 'esm', packages: 'external' }),
    // The worker thread that draws a label as a PDF (label-pdf-thread.ts finds it beside the core bundle).
    esbuild({ ...common, entryPoints: ['electron/core/labels/label-pdf-worker.ts'], outfile: 'dist/core/label-pdf-worker.mjs', format: 'esm', packages: 'external' }),
    esbuild({
      ...common,
      entryPoints: ['electron/core/entry/utility.ts'],
      outfile: 'dist/core/utility.cjs',
      format: 'cjs',
      packages: 'external',
      ...commonJsModuleUrl,
    }),
    // Main reads the data folder's default from core/paths, which uses import.meta.url.
    esbuild({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', format: 'cjs', external: ['electron'], ...commonJsModuleUrl }),
    // A sandboxed preload may require only 'electron'; everything else is bundled in.
    esbuild({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'], platform: 'browser' }),
  ]);
}

// Loads the training sandbox only when a bench starts in training. The specifier is computed at run
// time so the bundler leaves it out of the live bundles: built, it is dist/core/sandbox.mjs beside
// the bundle (scripts/build.mjs defines PACKBENCH_SANDBOX_BUNDLE); from source (tsx, tests), the
// TypeScript module itself.
import { fileURLToPath } from 'node:url';
import type * as SandboxModule from '../../sandbox/index';

type Sandbox = typeof SandboxModule;

declare const PACKBENCH_SANDBOX_BUNDLE: string | undefined;

export async function loadSandbox(): Promise<Sandbox> {
  const relative = typeof PACKBENCH_SANDBOX_BUNDLE === 'string' ? PACKBENCH_SANDBOX_BUNDLE : '../../sandbox/index.ts';
  return (await import(fileURLToPath(new URL(relative, import.meta.url)))) as Sandbox;
}

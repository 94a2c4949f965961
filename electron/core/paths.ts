// Where the station keeps its data and finds its built renderer.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function defaultDataDir(mode: 'live' | 'training', env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  // Training has its own folder so practice never mixes with real shipments.
  return join(base, 'packbench', mode);
}

/** The built renderer: beside the bundled core (dist/core → dist/renderer) or the repo's dist/. */
export function rendererDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PACKBENCH_RENDERER_DIR) return resolve(env.PACKBENCH_RENDERER_DIR);
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'renderer'), join(here, '..', '..', 'dist', 'renderer')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0]!;
}

/**
 * Create `dir` (and its parents) readable by its owner only, and close up one an older version left
 * open to other users of the computer: it holds orders, addresses, the audit log and maybe keys.
 */
export function ensureOwnerOnlyDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(dir, 0o700);
}

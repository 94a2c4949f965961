// `npm start`: the Electron window when the Electron runtime is installed, otherwise browser mode.
// `--browser` forces browser mode. All other flags pass through.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const dir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const electron = args.includes('--browser') ? null : electronBinary();
if (!electron && !args.includes('--browser')) {
  console.log('The Electron runtime is not installed here, so Packbench starts in browser mode.');
  console.log('(Where the internet is reachable, `npx install-electron` installs it.)\n');
}
const child = electron
  ? spawn(electron, ['dist/electron/main.cjs', ...args], { stdio: 'inherit' })
  : spawn(process.execPath, ['dist/core/cli.mjs', ...args.filter((a) => a !== '--browser')], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));

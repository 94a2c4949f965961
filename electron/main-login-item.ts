// Start at login. macOS and Windows have Electron's app.setLoginItemSettings; Linux desktops read
// an XDG autostart entry (~/.config/autostart/packbench.desktop), which Electron does not write.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface LoginItemHost {
  platform: NodeJS.Platform;
  /** The executable a login starts: the AppImage itself when run from one. */
  executable: string;
  env: NodeJS.ProcessEnv;
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

export function autostartFile(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart', 'packbench.desktop');
}

/** A path as a Desktop Entry Exec argument: quoted, with its reserved characters escaped. */
function execArgument(path: string): string {
  return `"${path.replace(/([\\"`$])/g, '\\$1')}"`;
}

export function setStartAtLogin(on: boolean, host: LoginItemHost): void {
  if (host.platform !== 'linux') return host.setLoginItemSettings({ openAtLogin: on });
  const file = autostartFile(host.env);
  if (!on) return rmSync(file, { force: true });
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(
    file,
    ['[Desktop Entry]', 'Type=Application', 'Name=Packbench', 'Comment=Packing and dispatch bench', `Exec=${execArgument(host.executable)}`, 'X-GNOME-Autostart-enabled=true', ''].join('\n'),
  );
}

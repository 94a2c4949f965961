// Start at login: Electron's login item on macOS and Windows, an XDG autostart entry on Linux.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { setStartAtLogin } from '../../electron/main-login-item';
import { tempDir } from '../support/temp-dir';

const dir = tempDir('packbench-autostart-');
afterAll(() => dir.remove());
const env = { XDG_CONFIG_HOME: dir.path };
const entry = join(dir.path, 'autostart', 'packbench.desktop');

describe('start at login', () => {
  it('writes an autostart entry on Linux that starts the AppImage, and removes it when turned off', () => {
    const setLoginItemSettings = vi.fn();
    setStartAtLogin(true, { platform: 'linux', executable: '/opt/Bench Apps/Packbench.AppImage', env, setLoginItemSettings });
    const text = readFileSync(entry, 'utf8');
    expect(text).toContain('[Desktop Entry]');
    expect(text).toContain('Exec="/opt/Bench Apps/Packbench.AppImage"');
    expect(setLoginItemSettings).not.toHaveBeenCalled();
    setStartAtLogin(false, { platform: 'linux', executable: '/opt/Bench Apps/Packbench.AppImage', env, setLoginItemSettings });
    expect(existsSync(entry)).toBe(false);
  });

  it('uses Electron’s login item on Windows and macOS', () => {
    const setLoginItemSettings = vi.fn();
    setStartAtLogin(true, { platform: 'win32', executable: 'C:\\Packbench\\Packbench.exe', env, setLoginItemSettings });
    expect(setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true });
    expect(existsSync(entry)).toBe(false);
  });
});

// electron/main.ts over a bench's whole day, against the recording electron fake: it opens where
// the lead left it, a second start brings it forward, kiosk mode and start at login follow the
// settings, and quitting waits for the core to close its database.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultSettings } from '../../shared/settings';
import { fake, type FakeWindow } from '../support/fake-electron';
import { sampleState } from '../support/fake-handlers';
import { tempDir } from '../support/temp-dir';

vi.mock('electron', async () => (await import('../support/fake-electron')).electronModule);

const dir = tempDir('packbench-main-');
const stateFile = join(dir.path, 'window-state.json');
let window: FakeWindow;
const argv = [...process.argv];

beforeAll(async () => {
  writeFileSync(stateFile, JSON.stringify({ x: 120, y: 60, width: 1100, height: 700, maximized: true }));
  process.argv.push('--data-dir', dir.path);
  await import('../../electron/main');
  await vi.waitFor(() => expect(fake.windows[0]?.loadURL).toHaveBeenCalled());
  window = fake.windows[0]!;
});
afterAll(() => {
  process.argv.splice(0, process.argv.length, ...argv);
  dir.remove();
});

const core = () => fake.cores.at(-1)!;
const settingsWith = (desktop: { kiosk: boolean; startAtLogin: boolean }) => ({ ...defaultSettings(), desktop });

describe('a bench’s day with the desktop app', () => {
  it('opens the window where it was left, maximised as it was', () => {
    expect(window.options).toMatchObject({ x: 120, y: 60, width: 1100, height: 700 });
    expect(window.maximized).toBe(true);
  });

  it('keeps where the window is when it closes, owner-only, in the data folder', () => {
    window.bounds = { x: 40, y: 30, width: 1200, height: 760 };
    window.maximized = false;
    window.emit('close');
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toEqual({ x: 40, y: 30, width: 1200, height: 760, maximized: false });
    expect((statSync(stateFile).mode & 0o777).toString(8)).toBe('600');
  });

  it('brings the window forward when Packbench is started a second time', () => {
    window.minimized = true;
    const focused = window.focused;
    fake.app.emit('second-instance', {}, ['packbench'], '/');
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(focused + 1);
    expect(fake.windows).toHaveLength(1);
  });

  it('reads the desktop settings once the core is up, and follows a lead’s change to kiosk mode', async () => {
    expect(core().posted).toEqual([]);
    core().emit('message', { type: 'event', event: 'state', payload: sampleState });
    const ask = core().posted.at(-1)!;
    expect(ask).toMatchObject({ type: 'call', name: 'getSettings' });
    core().emit('message', { type: 'reply', id: ask.id, result: { ok: true, value: settingsWith({ kiosk: true, startAtLogin: true }) } });
    expect(window.kiosk).toBe(true);
    // Not an installed app: start at login would register the development Electron binary.
    expect(fake.app.loginItem).toBeNull();

    // The lead turns kiosk mode off in Settings (the window's own call, through the relay).
    const call = fake.ipc.get('station:call')!;
    const saving = call(
      { sender: { id: 41 }, senderFrame: window.webContents.mainFrame },
      'updateSettings',
      { patch: { desktop: { kiosk: false } }, approval: { pin: '482913', nonce: 'abcdefghijklmnop' } },
    );
    const update = core().posted.at(-1)!;
    expect(update).toMatchObject({ name: 'updateSettings' });
    core().emit('message', { type: 'reply', id: update.id, result: { ok: true, value: settingsWith({ kiosk: false, startAtLogin: true }) } });
    expect(await saving).toMatchObject({ ok: true });
    expect(window.kiosk).toBe(false);
  });

  it('seals and unseals the core’s keys with the system keychain, answering the core only', () => {
    const sentBefore = window.sent.length;
    core().emit('message', { type: 'keychain', id: 1, op: 'seal', text: 'sk_live_4f9a2c7e1b3d5a6c' });
    const sealed = core().posted.at(-1) as unknown as { type: string; id: number; ok: boolean; text: string };
    expect(sealed).toMatchObject({ type: 'keychain-reply', id: 1, ok: true });
    expect(sealed.text).not.toContain('sk_live_4f9a2c7e1b3d5a6c');
    core().emit('message', { type: 'keychain', id: 2, op: 'unseal', text: sealed.text });
    expect(core().posted.at(-1)).toEqual({ type: 'keychain-reply', id: 2, ok: true, text: 'sk_live_4f9a2c7e1b3d5a6c' });
    expect(window.sent.length).toBe(sentBefore); // nothing of it reaches the window
  });

  it('quits only after the core has closed its database', async () => {
    const preventDefault = vi.fn();
    fake.app.emit('before-quit', { preventDefault });
    expect(preventDefault).toHaveBeenCalled();
    expect(core().posted.at(-1)).toEqual({ type: 'shutdown' });
    fake.app.emit('before-quit', { preventDefault }); // pressed again while waiting: still waits
    expect(fake.app.quit).not.toHaveBeenCalled();
    expect(core().kill).not.toHaveBeenCalled();

    core().emit('exit', 0);
    await vi.waitFor(() => expect(fake.app.quit).toHaveBeenCalledTimes(1));
    const again = vi.fn();
    fake.app.emit('before-quit', { preventDefault: again });
    expect(again).not.toHaveBeenCalled();
    expect(fake.cores).toHaveLength(1); // and no new core was started
  });
});

// electron/main.ts loaded as an installed app (app.isPackaged): no DevTools, no default menu, the
// same app:// page. Its own file, so the fake electron module is fresh.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fake } from '../support/fake-electron';

vi.mock('electron', async () => (await import('../support/fake-electron')).electronModule);

beforeAll(async () => {
  fake.app.isPackaged = true;
  await import('../../electron/main');
  await vi.waitFor(() => expect(fake.windows[0]?.loadURL).toHaveBeenCalled());
});

describe('Electron main process, installed', () => {
  it('gives the window no DevTools', () => {
    expect(fake.windows[0]!.options.webPreferences.devTools).toBe(false);
  });

  it('removes the default menu (DevTools, reload, zoom) before the window opens', () => {
    expect(fake.applicationMenu).toBeNull();
  });

  it('still loads the page from app://packbench', () => {
    expect(fake.windows[0]!.loadURL).toHaveBeenCalledWith('app://packbench/index.html');
  });
});

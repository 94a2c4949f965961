// A second start of the desktop app, while one runs: it opens no window and starts no core; the
// first one is brought forward (main-lifecycle.test.ts).
import { describe, expect, it, vi } from 'vitest';
import { fake } from '../support/fake-electron';

vi.mock('electron', async () => (await import('../support/fake-electron')).electronModule);

describe('a second Packbench', () => {
  it('quits at once without a window or a core of its own', async () => {
    fake.app.gotLock = false;
    await import('../../electron/main');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.app.quit).toHaveBeenCalled();
    expect(fake.windows).toEqual([]);
    expect(fake.forks).toEqual([]);
  });
});

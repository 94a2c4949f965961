// The saved window state: read with zod, used only when it still lands on a connected screen.
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWindowState, saveWindowState, windowStateFile } from '../../electron/main-window-state';
import { tempDir } from '../support/temp-dir';

const dir = tempDir('packbench-window-state-');
const file = windowStateFile(dir.path);
afterAll(() => dir.remove());
const laptop = [{ x: 0, y: 0, width: 1920, height: 1040 }];

describe('window state', () => {
  it('round-trips where the window was', () => {
    saveWindowState(file, { x: 100, y: 80, width: 1280, height: 800, maximized: false });
    expect(loadWindowState(file, laptop)).toEqual({ x: 100, y: 80, width: 1280, height: 800, maximized: false });
  });

  it('ignores a window left on a screen that is no longer connected', () => {
    saveWindowState(file, { x: 2200, y: 100, width: 1280, height: 800, maximized: false });
    expect(loadWindowState(file, [...laptop, { x: 1920, y: 0, width: 1920, height: 1080 }])).not.toBeNull();
    expect(loadWindowState(file, laptop)).toBeNull();
  });

  it('ignores a file that is missing, half written or not a window', () => {
    expect(loadWindowState(`${file}.none`, laptop)).toBeNull();
    for (const text of ['{"x":1,"y":', '{"x":1,"y":2,"width":5,"height":5,"maximized":false}', '{"x":1,"y":2,"width":900,"height":700,"maximized":"yes"}', '[]']) {
      writeFileSync(file, text);
      expect(loadWindowState(file, laptop), text).toBeNull();
    }
  });
});

// Where the window was: its bounds and whether it was maximised, kept in the data folder so the
// bench opens where the lead put it. Read with zod (a hand-edited or half-written file is ignored),
// and only used when it still lands on a screen that is connected now (a bench moved from a
// two-screen desk must not open off-screen). Plain Node: the screens come in as data.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_BOUNDS = { width: 1280, height: 800 } as const;
/** Smaller than this is no use at a bench; larger is a broken file. */
const MIN = { width: 640, height: 480 };
const MAX = 16_384;

export const WindowState = z
  .object({
    x: z.number().int().min(-MAX).max(MAX),
    y: z.number().int().min(-MAX).max(MAX),
    width: z.number().int().min(MIN.width).max(MAX),
    height: z.number().int().min(MIN.height).max(MAX),
    maximized: z.boolean(),
  })
  .strict();
export type WindowState = z.infer<typeof WindowState>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How much of the window must be on one screen for it to count as visible (its title bar, say). */
const VISIBLE = { width: 200, height: 100 };

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

export function windowStateFile(dataDir: string): string {
  return join(dataDir, WINDOW_STATE_FILE);
}

/** The saved state, or null: no file, not valid, or off every connected screen's work area. */
export function loadWindowState(file: string, workAreas: Rect[]): WindowState | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  const parsed = WindowState.safeParse(raw);
  if (!parsed.success) return null;
  const visible = workAreas.some((area) => {
    const seen = overlap(parsed.data, area);
    return seen.width >= VISIBLE.width && seen.height >= VISIBLE.height;
  });
  return visible ? parsed.data : null;
}

/** Save atomically (a power cut leaves the old file or the new one), owner-only. */
export function saveWindowState(file: string, state: WindowState): void {
  const checked = WindowState.parse(state);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(checked));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

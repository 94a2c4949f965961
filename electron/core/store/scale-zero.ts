// The scale's return-to-zero state (table scale_zero), restored when the station (or a new scale
// port) starts. markCaptured runs inside the transaction that records the captured weight, so a
// crash keeps the weight and "take the parcel off first" together or not at all.
import type { Clock } from '../clock';
import type { Db } from './db';

export interface ScaleZeroState {
  /** A weight was captured and the scale has not read (near) zero since. */
  needsZero: boolean;
  lastCaptureG: number | null;
}

export function readScaleZero(db: Db): ScaleZeroState {
  const row = db.prepare('SELECT needs_zero, last_capture_g FROM scale_zero WHERE id = 1').get() as
    | { needs_zero: number; last_capture_g: number | null }
    | undefined;
  return { needsZero: row?.needs_zero === 1, lastCaptureG: row?.last_capture_g ?? null };
}

export function markCaptured(db: Db, clock: Clock, grams: number): void {
  db.prepare(
    `INSERT INTO scale_zero (id, needs_zero, last_capture_g, updated_at) VALUES (1, 1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET needs_zero = 1, last_capture_g = excluded.last_capture_g, updated_at = excluded.updated_at`,
  ).run(Math.max(1, Math.round(grams)), clock.now());
}

export function markBackToZero(db: Db, clock: Clock): void {
  db.prepare('UPDATE scale_zero SET needs_zero = 0, updated_at = ? WHERE id = 1 AND needs_zero = 1').run(clock.now());
}

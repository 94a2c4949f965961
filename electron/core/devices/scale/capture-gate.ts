// When a weight counts as stable and when it is captured: pure, fed one reading at a time with its
// time, so the rules can be checked on any sequence of frames without a port (ref devices.md §2).
import type { ScaleEvent } from '../../../../shared/api';
import type { ScaleReading } from './types';

export interface CaptureGateSettings {
  /**
   * Where the protocol has a stable flag: frames after the first one flagged stable that must also be
   * flagged stable, within stableToleranceG of it, before the weight counts (ref §2: a resting hand).
   */
  confirmFrames: number;
  /** An optional hold on top of the flag (ref §2: 300–500 ms filters a resting hand); 0: the frames decide. */
  holdMs: number;
  /** For scales without a stable flag our window alone decides, so it is longer (ref §2: ≥ 1 s). */
  flaglessWindowMs: number;
  stableToleranceG: number;
  minCaptureG: number;
  zeroBandG: number;
  /** Scales that never report zero (Adam) re-arm when the weight changes by at least this much… */
  rearmChangeG: number;
  /** …or when they report a weight again after this long without a frame (they only answer new weighings). */
  rearmAfterMs: number;
  /** False for scales that never send zero or an unchanged weight (Adam). */
  reportsZero: boolean;
  /** A weight frame is only ever sent once the scale has settled (Adam): one frame is enough. */
  settledFramesOnly: boolean;
}

/**
 * What the scale's status says, as keys of the `core` catalogue: the device manager words a status
 * in the bench's language as it reaches the screen (its `scale` event).
 */
export const scaleMessages = {
  connecting: 'scale.status.connecting',
  motion: 'scale.status.motion',
  belowZero: 'scale.status.belowZero',
  overload: 'scale.status.overload',
  underload: 'scale.status.belowZero',
  busy: 'scale.status.busy',
  unit: 'scale.status.unit',
  communication: 'scale.status.communication',
  silent: 'scale.status.silent',
  other: 'scale.status.other',
  disconnected: 'scale.status.disconnected',
  misframed: 'scale.status.misframed',
  zeroError: 'scale.status.zeroError',
} as const;
// i18n-keys: scale.status.connecting scale.status.motion scale.status.belowZero scale.status.overload scale.status.busy
// i18n-keys: scale.status.unit scale.status.communication scale.status.silent scale.status.other scale.status.disconnected
// i18n-keys: scale.status.misframed scale.status.zeroError

/** What one reading did. */
export interface GateStep {
  status: ScaleEvent;
  /** Grams captured by this reading (armed, stable, ≥ minCaptureG, after a return to zero), else null. */
  captured: number | null;
  /** This reading showed the parcel was taken off: capture is possible again. */
  rearmed: boolean;
  /** The scale flagged this weight stable and more confirming frames are due: ask for the next one now. */
  confirming: boolean;
}

export class CaptureGate {
  /** Current run of stable (or flagless) frames within tolerance of its first one. */
  private run: { anchor: number; since: number; frames: number } | null = null;
  private armed = false;
  /** Set by a capture; cleared only once the weight is back near zero (parcel removed). */
  private needsZero = false;
  private lastCapture: { grams: number; at: number } | null = null;

  constructor(
    private readonly s: CaptureGateSettings,
    awaiting?: { grams: number; at: number },
  ) {
    if (awaiting) {
      this.needsZero = true;
      this.lastCapture = awaiting;
    }
  }

  arm(): void {
    this.armed = true;
  }

  disarm(): void {
    this.armed = false;
  }

  get isArmed(): boolean {
    return this.armed;
  }

  /** Stale, garbled or lost data is never stable: the next weight starts a new run. */
  interrupt(): void {
    this.run = null;
  }

  /** One decoded reading at `now`, `silentFor` ms after the frame before it. */
  reading(reading: Exclude<ScaleReading, { kind: 'malformed' }>, now: number, silentFor: number): GateStep {
    if (reading.kind !== 'weight') {
      this.run = null;
      return { status: problemStatus(reading), captured: null, rearmed: false, confirming: false };
    }
    const { grams } = reading;
    const s = this.s;
    if (reading.stable === false) this.run = null;
    else if (!this.run || Math.abs(grams - this.run.anchor) > s.stableToleranceG) this.run = { anchor: grams, since: now, frames: 1 };
    else this.run.frames += 1;
    const run = this.run;
    // The scale's own flag where it has one (plus confirming frames); our window alone where it has none.
    let stable = false;
    let confirming = false;
    if (run && s.settledFramesOnly) stable = true;
    else if (run && reading.stable === true) {
      stable = run.frames > s.confirmFrames && now - run.since >= s.holdMs;
      confirming = run.frames <= s.confirmFrames;
    } else if (run) stable = now - run.since >= s.flaglessWindowMs;

    let rearmed = false;
    if (Math.abs(grams) <= s.zeroBandG) rearmed = this.clearNeedsZero();
    else if (!s.reportsZero && this.lastCapture) rearmed = this.rearmWithoutZero(grams, silentFor);
    let message: string | null = null;
    if (!stable) message = scaleMessages.motion;
    else if (grams < -s.zeroBandG) message = scaleMessages.belowZero;
    const status: ScaleEvent = { status: stable ? 'ok' : 'motion', grams, stable, message };
    let captured: number | null = null;
    if (stable && this.armed && !this.needsZero && grams >= s.minCaptureG) {
      this.armed = false;
      this.needsZero = true;
      this.lastCapture = { grams, at: now };
      captured = grams;
    }
    return { status, captured, rearmed, confirming };
  }

  /**
   * A scale that never reports zero (Adam) cannot show the parcel was taken off. It only sends a new
   * weighing, so: a weight that differs by rearmChangeG, or any weight after rearmAfterMs of silence,
   * is a new parcel.
   */
  private rearmWithoutZero(grams: number, silentFor: number): boolean {
    const last = this.lastCapture;
    if (!last) return false;
    if (Math.abs(grams - last.grams) >= this.s.rearmChangeG || silentFor >= this.s.rearmAfterMs) return this.clearNeedsZero();
    return false;
  }

  private clearNeedsZero(): boolean {
    if (!this.needsZero) return false;
    this.needsZero = false;
    return true;
  }
}

function problemStatus(reading: Exclude<ScaleReading, { kind: 'weight' | 'malformed' }>): ScaleEvent {
  const base = { grams: null, stable: false } as const;
  switch (reading.kind) {
    case 'motion':
      return { ...base, status: 'motion', message: scaleMessages.motion };
    case 'overload':
      return { ...base, status: 'overload', message: scaleMessages.overload };
    case 'underload':
      return { ...base, status: 'underload', message: scaleMessages.underload };
    case 'error': {
      const byCode: Record<string, string> = {
        busy: scaleMessages.busy,
        unit: scaleMessages.unit,
        transmission: scaleMessages.communication,
        'zero-error': scaleMessages.zeroError,
        'initial-zero-error': scaleMessages.zeroError,
        'zero-range': scaleMessages.zeroError,
      };
      return { ...base, status: 'error', message: byCode[reading.code] ?? scaleMessages.other };
    }
  }
}

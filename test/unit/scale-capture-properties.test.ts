// Properties of capture (issue 14): whatever frames arrive, split however, through each driver and the
// capture gate, a capture only ever follows the scale's own "stable" plus the confirming frames asked for,
// and only ever takes a weight some whole frame in the bytes stated as stable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureGate, type CaptureGateSettings } from '../../electron/core/devices/scale/capture-gate';
import { scaleProtocols, type ScaleProtocolName } from '../../electron/core/devices/scale/protocols';
import { encodeFrame, noiseBurst, type SimSample } from '../../electron/sandbox/scale-simulator';
import { seededRandom } from '../../electron/sandbox/seeded-random';

/** The protocols whose frames carry the scale's own stable flag (Adam sends settled weights only). */
const flagged: ScaleProtocolName[] = ['sics', 'toledo-8217', 'nci', 'sma', 'cas', 'ascii'];

const settings = (confirmFrames: number): CaptureGateSettings => ({
  confirmFrames,
  holdMs: 0,
  flaglessWindowMs: 1000,
  stableToleranceG: 2,
  minCaptureG: 20,
  zeroBandG: 10,
  rearmChangeG: 50,
  rearmAfterMs: 10_000,
  reportsZero: true,
  settledFramesOnly: false,
});

// Weights in whole grams of kg frames at 3 decimals, so a frame's figure is exact.
const sample = fc.record<SimSample>({
  grams: fc.constantFrom(0, 0, 800, 801, 1234, 1500, 40_000),
  motion: fc.boolean(),
  overload: fc.constant(false),
  underload: fc.constant(false),
  unit: fc.constant('kg' as const),
});

interface Part {
  bytes: Buffer;
  /** What a whole frame stands for; null for noise and cut frames. */
  sample: SimSample | null;
}

const part = (name: ScaleProtocolName) =>
  fc.oneof(
    { weight: 6, arbitrary: sample.map((s): Part => ({ bytes: encodeFrame(name, s), sample: s })) },
    {
      weight: 1,
      arbitrary: fc.tuple(sample, fc.double({ min: 0.05, max: 0.95, noNaN: true })).map(([s, f]): Part => {
        const b = encodeFrame(name, s);
        return { bytes: b.subarray(0, Math.floor(f * b.length)), sample: null };
      }),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 1000 }).map((seed): Part => ({ bytes: noiseBurst(seededRandom(seed)), sample: null })) },
  );

describe.each(flagged)('%s: capture by the scale’s stable flag', (name) => {
  it('never captures before the scale said stable, with its confirming frames, nor a weight no frame stated as stable', () => {
    fc.assert(
      fc.property(fc.array(part(name), { maxLength: 40 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), (parts, confirmFrames, rearmEvery) => {
        const parser = scaleProtocols[name].parser();
        const gate = new CaptureGate(settings(confirmFrames));
        gate.arm();
        // Whole frames stated stable so far, most recent last (noise and cut frames break no run here:
        // the gate may keep a run across them, as the scale still said stable either side).
        let stableRun: number[] = [];
        const statedStable = new Set<number>();
        let now = 0;
        for (const p of parts) {
          now += 50;
          const readings = parser.push(p.bytes);
          for (const r of readings) {
            if (r.kind === 'malformed') continue;
            if (r.kind === 'weight' && r.stable === true) {
              statedStable.add(r.grams);
              stableRun = stableRun.length > 0 && Math.abs(r.grams - stableRun[0]!) <= 2 ? [...stableRun, r.grams] : [r.grams];
            } else if (r.kind !== 'weight' || r.stable === false) stableRun = [];
            const step = gate.reading(r, now, 50);
            if (step.captured !== null) {
              expect(statedStable.has(step.captured)).toBe(true);
              expect(stableRun.length).toBeGreaterThanOrEqual(1 + confirmFrames);
              expect(Math.abs(stableRun[0]! - step.captured)).toBeLessThanOrEqual(2);
              if (rearmEvery) gate.arm();
            }
            if (step.status.stable) expect(r.kind === 'weight' && r.stable === true).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('captures on the first stable frame plus exactly the confirming frames asked for, not on a clock', () => {
    for (const confirmFrames of [0, 1, 3]) {
      const parser = scaleProtocols[name].parser();
      const gate = new CaptureGate(settings(confirmFrames));
      gate.arm();
      const feed = (s: SimSample, at: number) => parser.push(encodeFrame(name, s)).flatMap((r) => (r.kind === 'malformed' ? [] : [gate.reading(r, at, 1)]));
      // Moving frames never capture, however long they go on.
      for (let t = 0; t < 5000; t += 100) expect(feed({ grams: 1234, motion: true }, t).some((s) => s.captured !== null)).toBe(false);
      // Then stable frames 1 ms apart: the (1 + confirmFrames)th one captures.
      const steps = Array.from({ length: 6 }, (_, i) => feed({ grams: 1234 }, 5000 + i)).flat();
      expect(steps.findIndex((s) => s.captured !== null)).toBe(confirmFrames);
      expect(steps.filter((s) => s.captured !== null).map((s) => s.captured)).toEqual([1234]);
    }
  });
});

describe('a scale without a stable flag', () => {
  it('keeps the time window: no capture before flaglessWindowMs of steady frames', () => {
    const gate = new CaptureGate(settings(1));
    gate.arm();
    const at = (t: number) => gate.reading({ kind: 'weight', grams: 1500, stable: null, unit: 'kg' }, t, 100);
    for (let t = 0; t < 1000; t += 100) expect(at(t).captured).toBeNull();
    expect(at(1000).captured).toBe(1500);
  });
});

// Issue 14: a capture follows the scale's own stable flag (plus confirming frames), not our clock, and a
// scale that streams (MT-SICS SIR, CAS) is listened to instead of polled. Real socat pty pairs.
import { describe, expect, it } from 'vitest';
import type { ScaleServiceOptions } from '../../electron/core/devices/scale/scale-service';
import type { ScaleSimulatorOptions } from '../../electron/sandbox/scale-simulator';
import { nextCapture, okAt, startScaleRig, statusWhere } from '../support/scale-rig';

const rig = (simulator: Omit<ScaleSimulatorOptions, 'dir'>, service: Partial<ScaleServiceOptions> = {}) =>
  startScaleRig({ prefix: 'packbench-stable-flag-', simulator: { seed: 5, ...simulator }, service });

/**
 * Puts a parcel on that settles for settleMs and resolves, once captured, with the capture and the time
 * from the first frame the scale flagged stable at that weight, and how many such frames came before.
 */
async function weigh(r: Awaited<ReturnType<typeof rig>>, grams: number, settleMs: number) {
  let firstStableAt: number | null = null;
  let stableFrames = 0;
  const off = r.sim.onFrame((sample, at) => {
    if (sample.motion || Math.round(sample.grams) !== grams) return;
    stableFrames += 1;
    firstStableAt ??= at;
  });
  try {
    r.scale.arm();
    const captured = nextCapture(r.scale);
    r.sim.setWeight(grams, { motionMs: settleMs });
    const got = await captured;
    const capturedAt = performance.now();
    return { got, afterStableMs: firstStableAt === null ? null : capturedAt - firstStableAt, stableFrames };
  } finally {
    off();
  }
}

describe('capture by the scale’s stable flag', () => {
  it('MT-SICS polled: captured right after the confirming reply, not a 600 ms window later', async () => {
    const r = await rig({ protocol: 'sics' }, { stream: false });
    try {
      await okAt(r.scale, 0);
      for (const grams of [1234, 2500]) {
        const { got, afterStableMs, stableFrames } = await weigh(r, grams, 400);
        expect(got).toBe(grams);
        // The stable reply and one confirming reply, asked for at once (not a 250 ms poll later).
        expect(stableFrames).toBe(2);
        expect(afterStableMs).not.toBeNull();
        expect(afterStableMs!).toBeLessThan(150);
        r.sim.setWeight(0);
        await okAt(r.scale, 0);
      }
      expect(r.captures).toEqual([1234, 2500]);
    } finally {
      await r.close();
    }
  });

  it('waits for as many confirming frames as the bench is set to', async () => {
    const r = await rig({ protocol: 'nci' }, { confirmFrames: 3, pollIntervalMs: 100 });
    try {
      await okAt(r.scale, 0);
      const { got, stableFrames } = await weigh(r, 1800, 300);
      expect(got).toBe(1800);
      expect(stableFrames).toBe(4);
    } finally {
      await r.close();
    }
  });

  it('never captures a weight the scale keeps flagging as moving, however long it holds still', async () => {
    const r = await rig({ protocol: 'sics' }, { stream: false, pollIntervalMs: 50 });
    try {
      await okAt(r.scale, 0);
      r.scale.arm();
      r.sim.setWeight(900, { motionMs: 60_000, steady: true });
      await statusWhere(r.scale, (e) => e.status === 'motion' && e.grams === 900, 'motion at 900 g');
      await r.sim.waitForFrames(r.sim.frames() + 30);
      expect(r.captures).toEqual([]);
      const settled = nextCapture(r.scale);
      r.sim.setWeight(900);
      expect(await settled).toBe(900);
    } finally {
      await r.close();
    }
  });
});

describe('continuous output', () => {
  it('MT-SICS: streams with SIR instead of polling, captures within a frame of the confirming one, and streams again after a zero', async () => {
    const r = await rig({ protocol: 'sics', frameIntervalMs: 25 });
    try {
      await okAt(r.scale, 0);
      expect(r.sim.streaming()).toBe(true);
      expect(r.scale.streaming).toBe(true);
      const { got, afterStableMs, stableFrames } = await weigh(r, 1234, 300);
      expect(got).toBe(1234);
      expect(stableFrames).toBe(2);
      // Two frames at 25 ms, plus a margin for a loaded machine.
      expect(afterStableMs!).toBeLessThan(100);
      // Zero ends the repeat on a real balance; the service asks for it again.
      r.sim.setWeight(0);
      await okAt(r.scale, 0);
      expect(r.scale.zero()).toBe(true);
      await r.sim.waitForFrames(r.sim.frames() + 5);
      expect(r.sim.streaming()).toBe(true);
      const again = await weigh(r, 2000, 200);
      expect(again.got).toBe(2000);
      // Let go of the port: the stream ends, so whoever opens it next is not flooded.
      await r.scale.stop();
      const until = Date.now() + 2000;
      while (r.sim.streaming() && Date.now() < until) await new Promise((ok) => setTimeout(ok, 10));
      expect(r.sim.streaming()).toBe(false);
    } finally {
      await r.close();
    }
  });

  it('MT-SICS without SIR: falls back to polling, without showing an error', async () => {
    const r = await rig({ protocol: 'sics', sir: false }, { pollIntervalMs: 100 });
    try {
      await okAt(r.scale, 0);
      expect(r.sim.streaming()).toBe(false);
      expect(r.scale.streaming).toBe(false);
      const { got } = await weigh(r, 1500, 200);
      expect(got).toBe(1500);
      expect(r.readings.map((e) => e.status)).not.toContain('error');
    } finally {
      await r.close();
    }
  });

  it('MT-SICS switched on after the port opened: polled once it answers, then asked to stream again', async () => {
    const r = await rig({ protocol: 'sics', frameIntervalMs: 25, off: true }, { pollIntervalMs: 100 });
    try {
      await statusWhere(r.scale, (e) => e.status === 'error', 'not answering');
      expect(r.scale.streaming).toBe(false);
      r.sim.setOff(false);
      await okAt(r.scale, 0);
      const until = Date.now() + 3000;
      while (!r.sim.streaming() && Date.now() < until) await new Promise((ok) => setTimeout(ok, 10));
      expect(r.sim.streaming()).toBe(true);
      expect(r.scale.streaming).toBe(true);
      const { got } = await weigh(r, 1750, 200);
      expect(got).toBe(1750);
    } finally {
      await r.close();
    }
  });

  it('CAS: captured on the confirming streamed frame', async () => {
    const r = await rig({ protocol: 'cas', frameIntervalMs: 40 });
    try {
      await okAt(r.scale, 0);
      const { got, afterStableMs, stableFrames } = await weigh(r, 3210, 300);
      expect(got).toBe(3210);
      expect(stableFrames).toBe(2);
      expect(afterStableMs!).toBeLessThan(40 + 80);
    } finally {
      await r.close();
    }
  });
});

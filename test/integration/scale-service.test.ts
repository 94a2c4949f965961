// ScaleService against the simulated MT-SICS scale over a real socat pty pair.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScaleEvent } from '../../shared/api';
import { scaleMessages, type ScaleService } from '../../electron/core/devices/scale/scale-service';
import { createTranslator } from '../../electron/core/i18n/translator';
import type { ScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { nextCapture as nextCaptureOn, okAt, startScaleRig, statusWhere as statusWhereOn, type ScaleRig } from '../support/scale-rig';

/** Polls from a settled weight to its capture: the window is 600 ms at one SI per 250 ms, so the 4th
 *  stable frame captures; one more allows for the request already in flight when the weight changed. */
const CAPTURE_WITHIN_POLLS = 5;

let rig: ScaleRig;
let sim: ScaleSimulator;
let scale: ScaleService;
let seen: ScaleEvent[];
let captures: number[];

const statusWhere = (match: (e: ScaleEvent) => boolean, what: string) => statusWhereOn(scale, match, what);
const nextCapture = () => nextCaptureOn(scale);
const settledAt = (grams: number) => okAt(scale, grams);

beforeEach(async () => {
  rig = await startScaleRig({ prefix: 'packbench-scale-' });
  ({ sim, scale, readings: seen, captures } = rig);
  await settledAt(0);
});

afterEach(() => rig.close());

describe('ScaleService over a socat pty with the MT-SICS simulator', () => {
  it(`captures a settled weight within ${CAPTURE_WITHIN_POLLS} polls, once`, async () => {
    scale.arm();
    const before = sim.polls();
    const captured = nextCapture();
    sim.setWeight(1234);
    expect(await captured).toBe(1234);
    const polls = sim.polls() - before;
    console.info(`scale: captured after ${polls} polls`);
    expect(polls).toBeLessThanOrEqual(CAPTURE_WITHIN_POLLS);
    expect(scale.latest()).toEqual({ status: 'ok', grams: 1234, stable: true, message: null });
    // Not armed any more: the same parcel sitting there is not captured again.
    await sim.waitForPolls(sim.polls() + CAPTURE_WITHIN_POLLS);
    expect(captures).toEqual([1234]);
  });

  it('never captures while the scale reports motion, and captures once it settles', async () => {
    scale.arm();
    sim.setWeight(800, { motionMs: 60_000 });
    await statusWhere((e) => e.status === 'motion', 'motion');
    await sim.waitForPolls(sim.polls() + 3 * CAPTURE_WITHIN_POLLS);
    expect(captures).toEqual([]);
    expect(scale.latest()).toMatchObject({ status: 'motion', stable: false, message: scaleMessages.motion });
    expect(seen.filter((e) => e.grams !== null && e.grams >= 20).every((e) => !e.stable)).toBe(true);

    const captured = nextCapture();
    sim.setWeight(800);
    expect(await captured).toBe(800);
  });

  it('does not capture a second parcel until the scale went back to zero', async () => {
    scale.arm();
    let captured = nextCapture();
    sim.setWeight(1000);
    expect(await captured).toBe(1000);

    // Parcel swapped without emptying the scale: armed again, still no capture.
    scale.arm();
    sim.setWeight(1500, { motionMs: 300 });
    await settledAt(1500);
    await sim.waitForPolls(sim.polls() + 2 * CAPTURE_WITHIN_POLLS);
    expect(captures).toEqual([1000]);

    // Emptied: the return to zero re-enables capture, and the arm from before still holds.
    sim.setWeight(0, { motionMs: 300 });
    await settledAt(0);
    captured = nextCapture();
    sim.setWeight(2000, { motionMs: 300 });
    expect(await captured).toBe(2000);
    expect(captures).toEqual([1000, 2000]);
  });

  it('tares and zeroes the scale through the port; the net weight is what gets captured', async () => {
    sim.setWeight(300); // an empty box on the platform
    await settledAt(300);
    expect(scale.tare()).toBe(true);
    await settledAt(0);

    scale.arm();
    const captured = nextCapture();
    sim.setWeight(1500); // box plus contents
    expect(await captured).toBe(1200);

    sim.setWeight(0); // emptied: the tare shows as a negative net weight until zeroed
    expect(await settledAt(-300)).toMatchObject({ message: scaleMessages.belowZero });
    expect(scale.zero()).toBe(true);
    await settledAt(0);
    // SICS has no clear-tare command of its own here; nothing is sent for it.
    expect(scale.clearTare()).toBe(false);
  });

  it('reports disconnected on unplug and resumes readings on replug', async () => {
    sim.setWeight(500);
    await settledAt(500);

    await sim.unplug();
    const down = await statusWhere((e) => e.status === 'disconnected', 'disconnected');
    expect(down).toEqual({ status: 'disconnected', grams: null, stable: false, message: scaleMessages.disconnected });
    expect(createTranslator('en').t(down.message!)).toBe('Scale disconnected — check the cable');

    // While unplugged there is no port: zero and tare are refused, not queued for later.
    expect(scale.zero()).toBe(false);
    expect(scale.tare()).toBe(false);

    await sim.replug();
    await settledAt(500);
    expect(scale.latest().status).toBe('ok');
  });
});

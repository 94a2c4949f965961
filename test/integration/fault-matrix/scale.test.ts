// Fault matrix, scale row: unplugged, garbage on the line and stuck in motion, each while one packed
// order waits at the scale, through a real station reading the MT-SICS scale simulator over a socat
// pty. Each cell says what the packer sees (the scale's line, the reply to CLOSE-ORDER), where the
// fault lands (the order held at the scale, nothing captured) and how it recovers (the fault gone or
// the lead's typed weight), with the printer sink as the witness: one label, for the true weight.
import { afterEach, describe, expect, it } from 'vitest';
import type { ScaleEvent, StationState } from '../../../shared/api';
import { dispatch } from '../../../shared/bridge';
import { leadPin } from '../../support/approval';
import { expectedParcelWeight } from '../../support/expected-weight';
import { LEAD, packOrder, startFaultBench, type FaultBench } from '../../support/fault-matrix-rig';
import { waitForEvent } from '../../support/wait';
import type { ScaleSimulator } from '../../../electron/sandbox/scale-simulator';

let bench: FaultBench<ScaleSimulator> | null = null;
afterEach(async () => {
  await bench?.close();
  bench = null;
});

/** How long a cell watches for a capture that must not happen: many polls and stability windows. */
const WATCH_MS = 2_000;

/** The bench with the pty scale; the first ready order packed and waiting at the scale, the scale empty. */
async function atTheScale(): Promise<{ b: FaultBench<ScaleSimulator>; sim: ScaleSimulator; name: string; grams: number }> {
  bench = await startFaultBench({ seed: 6, scale: true });
  const b = bench;
  const [picking] = await b.rig.readyPickings();
  await packOrder(b, picking!.name, false);
  const grams = expectedParcelWeight(b.rig.station) + 10;
  return { b, sim: b.rig.scale, name: picking!.name, grams };
}

const scaleSays = (b: FaultBench, match: (e: ScaleEvent) => boolean, what: string) => waitForEvent(b.rig.station.events, 'scale', match, 10_000, what);

/** The station's step and its weighing parcel count stay as they are for a while: nothing was captured. */
async function nothingCaptured(b: FaultBench): Promise<void> {
  let left: StationState | null = null;
  const off = b.rig.station.events.subscribe((name, payload) => {
    if (name === 'state' && (payload as StationState).step !== 'weighing') left = payload as StationState;
  });
  await new Promise((r) => setTimeout(r, WATCH_MS));
  off();
  expect(left, 'the order left the scale').toBeNull();
  expect(b.rig.station.pack.step()).toBe('weighing');
  expect(b.rig.printer.jobs).toHaveLength(0);
}

/** One label, for the parcel at `grams`, and the order ends. */
async function oneLabelAt(b: FaultBench, grams: number): Promise<void> {
  const done = await b.rig.untilStep('done', 30_000);
  expect(done.label?.weightG).toBe(grams);
  expect(b.rig.printer.jobs).toHaveLength(1);
}

const closeOrder = async (b: FaultBench) => (await b.rig.scan('*PB*CLOSE-ORDER')).message;

describe('fault matrix: scale', () => {
  it("unplugged: the scale line says so, CLOSE-ORDER asks for the cable or the lead; the lead's typed weight prints one label; plugged back in, the parcel is not weighed again", async () => {
    const { b, sim, grams } = await atTheScale();
    await sim.unplug();
    const lost = await scaleSays(b, (e) => e.status === 'disconnected', 'the scale disconnected');
    expect(lost.message).toBe('Scale disconnected — check the cable');
    expect(await closeOrder(b)).toMatchObject({ tone: 'error', text: 'No scale reading. Check the scale cable, or ask the shift lead to enter the weight.' });
    await nothingCaptured(b);

    const typed = await dispatch(b.rig.station.handlers, 'enterWeight', { grams, reason: 'Scale cable pulled', approval: leadPin(LEAD.pin) });
    expect(typed.ok).toBe(true);
    await oneLabelAt(b, grams);

    // Back on, with the parcel still on it: the order is done, nothing is weighed or printed again.
    await sim.replug();
    sim.setWeight(grams, { motionMs: 200 });
    await scaleSays(b, (e) => e.status === 'ok' && e.grams === grams && e.stable, 'the scale back, reading the parcel');
    await new Promise((r) => setTimeout(r, WATCH_MS));
    expect(b.rig.printer.jobs).toHaveLength(1);
    expect(b.rig.station.pack.step()).toBe('done');
  }, 60_000);

  it('garbage: unreadable bytes on the line are never a weight; the line says to check the serial settings; readable again, the true weight is captured once', async () => {
    const { b, sim, grams } = await atTheScale();
    sim.setMisframe(true);
    sim.setWeight(grams, { motionMs: 200 });
    const garbled = await scaleSays(b, (e) => e.status === 'error', 'the scale unreadable');
    expect(garbled).toEqual({ status: 'error', grams: null, stable: false, message: "No readable weight — check the scale's serial settings (baud rate, parity)" });
    // Not "still moving": the packer would wait for a scale that cannot be read.
    expect(await closeOrder(b)).toMatchObject({
      tone: 'error',
      text: "No readable weight — check the scale's serial settings (baud rate, parity). Then scan again, or ask the shift lead to enter the weight.",
    });
    await nothingCaptured(b);

    sim.setMisframe(false);
    await oneLabelAt(b, grams);
  }, 60_000);

  it('stuck in motion: a scale that never settles is never captured; CLOSE-ORDER says to let it settle; settled, it is captured once', async () => {
    const { b, sim, grams } = await atTheScale();
    sim.setWeight(grams, { motionMs: 10 * 60_000 });
    const moving = await scaleSays(b, (e) => e.status === 'motion', 'the scale moving');
    expect(moving).toMatchObject({ stable: false, message: 'The scale is moving — let the parcel settle' });
    expect(await closeOrder(b)).toMatchObject({ tone: 'warning', text: 'The scale is still moving. Let the parcel settle, then scan again.' });
    await nothingCaptured(b);

    sim.setWeight(grams, { motionMs: 0 });
    await oneLabelAt(b, grams);
  }, 60_000);
});

// The variance gate inside a real station: held parcels, reweigh, lead override with a reason,
// and manual weight entry, all audited. Sandbox Odoo over HTTP; weights come in as the scale
// service would deliver them (pack.weighed), or typed by a lead (enterWeight).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallResult, ExceptionView, OrderView, StationState } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import type { Station } from '../../electron/core/station';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { unitScans } from '../support/unit-scans';
import { leadPin, leadBadge } from '../support/approval';
import { stationDb } from '../support/station-db';

let rig: SandboxRig<null>;
/** The rig's station, for the helpers and tests below. */
let station: Station;

const call = async <T>(name: string, request: unknown): Promise<CallResult<T>> =>
  (await dispatch(station.handlers, name, request)) as CallResult<T>;
const ok = async <T>(name: string, request: unknown): Promise<T> => {
  const r = await call<T>(name, request);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value;
};

/** Open the first sandbox order and scan all its items; returns the expected weight in grams. */
async function packUntilWeighing(): Promise<number> {
  await ok('scan', { code: 'P-1' });
  const opened = await ok<{ state: StationState }>('scan', { code: rig.odoo.state.sampleNames()[0]! });
  for (const code of unitScans(opened.state.order!.lines)) await ok('scan', { code });
  expect(station.pack.step()).toBe('weighing');
  const row = stationDb(station)
    .prepare(`SELECT sum(unit_weight_g * quantity) AS g FROM order_lines l JOIN pack_sessions s ON s.order_id = l.order_id WHERE s.active = 1`)
    .get() as { g: number };
  return Math.round(row.g) + 150;
}

beforeEach(async () => {
  rig = await startSandboxRig({ seed: 3, scale: false, staff: [{ badge: 'L-1', name: 'Lena', role: 'lead', pin: '482913' }] });
  station = rig.station;
});
afterEach(() => rig.close());

const openHolds = () => station.exceptions.list('open').filter((e) => e.kind === 'weight_variance');

describe('weight-variance gate in the pack session', () => {
  it('ships a parcel within tolerance', async () => {
    const expected = await packUntilWeighing();
    const outcome = station.pack.weighed(expected + 30);
    expect(outcome?.tone).toBe('success');
    expect(station.pack.step()).toBe('labelling');
    expect(openHolds()).toEqual([]);
  });

  it('holds a parcel above tolerance, with a clear message and an exception', async () => {
    const expected = await packUntilWeighing();
    const outcome = station.pack.weighed(expected + 600);
    expect(outcome?.tone).toBe('error');
    expect(outcome?.text).toMatch(/600 g above the expected/);
    expect(station.pack.step()).toBe('weighing');
    expect(station.pack.nextAction()).toBe('Weight is off: check the box and weigh again, or call the shift lead');
    expect(openHolds()).toHaveLength(1);
    expect(openHolds()[0]!.context).toMatchObject({ actualG: expected + 600, expectedG: expected });
  });

  it('holds a parcel below tolerance, and a good reweigh clears the hold', async () => {
    const expected = await packUntilWeighing();
    expect(station.pack.weighed(Math.round(expected * 0.5))?.text).toMatch(/below the expected/);
    expect(openHolds()).toHaveLength(1);
    expect(station.pack.weighed(expected)?.tone).toBe('success');
    expect(openHolds()).toEqual([]);
    expect(station.exceptions.list('resolved')[0]).toMatchObject({ kind: 'weight_variance', resolution: 'reweigh' });
  });

  it('lets only a shift lead override, with a reason, and audits who and why', async () => {
    const expected = await packUntilWeighing();
    station.pack.weighed(expected + 900);
    const [hold] = openHolds();
    const byPacker = await call('resolveException', { id: hold!.id, resolution: 'override', note: 'looks fine', approval: leadBadge('P-1') });
    expect(byPacker).toMatchObject({ ok: false, error: { code: 'not_a_lead' } });
    const noReason = await call('resolveException', { id: hold!.id, resolution: 'override', approval: leadBadge('L-1') });
    expect(noReason).toMatchObject({ ok: false, error: { code: 'reason_required' } });
    expect(station.pack.step()).toBe('weighing');

    const done = await call<ExceptionView>('resolveException', {
      id: hold!.id,
      resolution: 'override',
      note: 'Customer added a cast-iron pan by phone',
      approval: leadPin('482913'),
    });
    expect(done).toMatchObject({ ok: true, value: { state: 'resolved', resolution: 'override', resolvedBy: 'staff:2' } });
    expect(station.pack.step()).toBe('labelling');
    const audit = stationDb(station)
      .prepare(`SELECT actor, data FROM audit_log WHERE action = 'pack.weighed' ORDER BY id DESC LIMIT 1`)
      .get() as { actor: string; data: string };
    expect(audit.actor).toBe('staff:2');
    expect(JSON.parse(audit.data)).toMatchObject({
      weightG: expected + 900,
      override: { reason: 'Customer added a cast-iron pan by phone', exception: hold!.id },
    });
  });

  it('accepts a typed weight only with a lead approval and a reason, audited', async () => {
    const expected = await packUntilWeighing();
    const noApproval = await call('enterWeight', { grams: expected, reason: 'Scale broken', approval: leadBadge('P-1') });
    expect(noApproval).toMatchObject({ ok: false, error: { code: 'not_a_lead' } });
    const noReason = await call('enterWeight', { grams: expected, reason: '', approval: leadBadge('L-1') });
    expect(noReason).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const typed = await call<StationState>('enterWeight', { grams: expected, reason: 'Scale cable cut', approval: leadBadge('L-1') });
    expect(typed).toMatchObject({ ok: true, value: { step: 'labelling' } });
    const audit = stationDb(station)
      .prepare(`SELECT actor, data FROM audit_log WHERE action = 'pack.weighed' ORDER BY id DESC LIMIT 1`)
      .get() as { actor: string; data: string };
    expect(audit.actor).toBe('staff:2');
    expect(JSON.parse(audit.data)).toMatchObject({ manual: { reason: 'Scale cable cut' } });
  });
});

describe('an order in several parcels (NEW-PARCEL)', () => {
  /** Unit weights (g) of the open order's moves. */
  const unitWeights = () =>
    new Map(
      (
        stationDb(station)
          .prepare(`SELECT l.move_id, l.unit_weight_g FROM order_lines l JOIN pack_sessions s ON s.order_id = l.order_id WHERE s.active = 1`)
          .all() as { move_id: number; unit_weight_g: number }[]
      ).map((r) => [r.move_id, r.unit_weight_g]),
    );

  it('weighs each parcel against the items in it, holds one that is off, and resumes mid-order after a restart', async () => {
    await ok('scan', { code: 'P-1' });
    // An order of two units or more.
    let lines: OrderView['lines'] = [];
    for (const name of rig.odoo.state.sampleNames()) {
      const opened = await ok<{ state: StationState }>('scan', { code: name });
      lines = opened.state.order!.lines;
      if (lines.reduce((n, l) => n + l.quantity, 0) >= 2) break;
      await ok('scan', { code: '*PB*CANCEL' });
    }
    const [first, ...rest] = unitScans(lines);
    const weights = unitWeights();
    await ok('scan', { code: first! });
    const newParcel = await ok<{ message: { text: string } }>('scan', { code: '*PB*NEW-PARCEL' });
    expect(newParcel.message.text).toBe('Parcel 1: put it on the scale.');
    expect(station.pack.step()).toBe('weighing');

    // Parcel 1 holds one unit of the first line: that, with the box, is what it should weigh.
    const expected1 = Math.round(weights.get(lines[0]!.moveId)!) + 150;
    const held = station.pack.weighed(expected1 + 600);
    expect(held?.text).toMatch(new RegExp(`600 g above the expected ${(expected1 / 1000).toFixed(3)} kg`));
    expect(openHolds()).toHaveLength(1);
    expect(openHolds()[0]!.context).toMatchObject({ parcel: 1, actualG: expected1 + 600 });

    const closed = station.pack.weighed(expected1 + 10);
    expect(closed?.text).toMatch(/^Parcel 1 closed at \d+\.\d{3} kg\. Pack parcel 2: Scan each item: \d+ left\.$/);
    expect(station.pack.step()).toBe('packing');
    expect(openHolds()).toEqual([]);

    // A restart finds parcel 1 closed and parcel 2 open.
    station = await rig.restart();
    expect(station.pack.step()).toBe('packing');
    expect(station.pack.orderView()!.parcels).toEqual([
      { seq: 1, weightG: expected1 + 10, box: null, items: 1, open: false },
      { seq: 2, weightG: null, box: null, items: 0, open: true },
    ]);

    for (const code of rest) await ok('scan', { code });
    expect(station.pack.step()).toBe('weighing');
    const all = lines.reduce((g, l) => g + weights.get(l.moveId)! * l.quantity, 0);
    const expected2 = Math.round(all - weights.get(lines[0]!.moveId)!) + 150;
    const shipped = station.pack.weighed(expected2 + 20);
    expect(shipped?.text).toMatch(/^Parcel 2 of 2: \d+\.\d{3} kg captured\. Getting 2 labels…$/);
    expect(station.pack.step()).toBe('labelling');
    const parcels = stationDb(station).prepare('SELECT seq, weight_g FROM parcels ORDER BY seq').all();
    expect(parcels).toEqual([
      { seq: 1, weight_g: expected1 + 10 },
      { seq: 2, weight_g: expected2 + 20 },
    ]);
  });

  it('refuses NEW-PARCEL on an empty parcel', async () => {
    await ok('scan', { code: 'P-1' });
    await ok('scan', { code: rig.odoo.state.sampleNames()[0]! });
    const reply = await ok<{ message: { text: string } }>('scan', { code: '*PB*NEW-PARCEL' });
    expect(reply.message.text).toBe('Parcel 1 is empty. Scan its items first.');
    expect(station.pack.step()).toBe('packing');
  });
});

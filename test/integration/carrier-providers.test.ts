// ShipEngine and Shippo through the station: the provider and service come from settings (Odoo's
// carrier mapped, else the default), and what a provider answers becomes what a person sees: a
// refused address is a carrier rejection naming the order and the field, a 429 waits as long as
// Retry-After says, refused credentials stop that provider alone while the local carrier prints,
// and a provider that is down parks the order waiting for its label instead of stopping the bench.
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsPatch } from '../../shared/settings';
import type { CarrierServer, Purchase } from '../../electron/sandbox/carriers/http';
import { startSandboxShipEngine } from '../../electron/sandbox/carriers/shipengine';
import { startSandboxShippo } from '../../electron/sandbox/carriers/shippo';
import { expectedParcelWeight } from '../support/expected-weight';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { withStationDb } from '../support/station-db';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

const KEY = 'TEST_provider_key';
let rig: SandboxRig | null = null;
let carrier: (CarrierServer & { purchases: Purchase[] }) | null = null;

afterEach(async () => {
  await rig?.close();
  await carrier?.close();
  rig = carrier = null;
});

async function shipEngineRig(carriers: (url: string) => NonNullable<SettingsPatch['carriers']>, apiKey = KEY) {
  carrier = await startSandboxShipEngine({ apiKey: KEY });
  rig = await startSandboxRig({ seed: 6, mode: 'live', tuning: { carrierApiKeys: { shipengine: apiKey }, carriers: carriers(carrier.url) } });
  return { rig, carrier };
}

/** Pack one picking up to its weight (in Box S, so every provider knows the parcel's size). */
async function pack(r: SandboxRig, name: string, badge = true): Promise<void> {
  if (badge) await r.scan('P-1');
  const opened = await r.scan(name);
  for (const code of unitScans(opened.state.order!.lines)) await r.scan(code);
  await r.untilStep('weighing');
  await r.scan('PT-BOX-S');
  r.scale.setWeight(expectedParcelWeight(r.station) + 30, { motionMs: 200 });
}

const shipEngineDefault = (url: string) => ({ default: { provider: 'shipengine' as const, service: 'sandbox_ground' }, shipengine: { baseUrl: url, carrierId: 'se-123456' } });

describe('carrier providers through the station', () => {
  it('a refused address is a carrier rejection naming the order and the field, not retried, nothing bought', async () => {
    const { rig: r, carrier: se } = await shipEngineRig(shipEngineDefault);
    se.setKnobs({ rejectAddress: { field: 'postal_code' } });
    const [picking] = await r.readyPickings();
    await pack(r, picking!.name);
    await waitForEvent(r.station.events, 'queue', (q) => q.openExceptions > 0, 15_000, 'an open exception');
    const [rejection] = r.station.exceptions.list('open');
    expect(rejection).toMatchObject({
      kind: 'carrier_rejection',
      orderRef: picking!.name,
      context: { provider: 'shipengine', reason: 'address', field: 'ship_to.postal_code', target: 'carrier:shipengine' },
    });
    expect(rejection!.title).toContain(picking!.name);
    expect(rejection!.title).toContain('address');
    expect(rejection!.title).toContain('ship_to.postal_code');
    expect(se.purchases).toEqual([]);
    const row = withStationDb(r.station, (db) => db.prepare(`SELECT state, attempts FROM outbox WHERE target = 'carrier:shipengine'`).get());
    expect(row).toEqual({ state: 'dead', attempts: 1 });
  });

  it('a 429 waits as long as Retry-After says before the label is asked for again', async () => {
    carrier = await startSandboxShippo({ apiKey: KEY, knobs: { tooManyRequests: 1, retryAfterS: 120 } });
    const url = carrier.url;
    rig = await startSandboxRig({ seed: 6, mode: 'live', tuning: { carrierApiKeys: { shippo: KEY }, carriers: { default: { provider: 'shippo', service: 'shippo_ground' }, shippo: { baseUrl: url } } } });
    const [picking] = await rig.readyPickings();
    // The 429 comes after this; the next attempt is due Retry-After from when it came, or later.
    const beforeReply = Date.now();
    await pack(rig, picking!.name);
    const status = await waitForEvent(rig.station.events, 'connectivity', (c) => c.targets.some((t) => t.target === 'carrier:shippo' && t.status === 'retrying'), 15_000, 'Shippo retrying');
    expect(status.targets.find((t) => t.target === 'carrier:shippo')!.message).toMatch(/slow down/);
    const row = withStationDb(rig.station, (db) => db.prepare(`SELECT state, attempts, next_attempt_at AS next FROM outbox WHERE target = 'carrier:shippo'`).get()) as {
      state: string;
      attempts: number;
      next: number;
    };
    expect(row).toMatchObject({ state: 'pending', attempts: 1 });
    // (Not against updated_at: that is stamped a moment after the reply was read, so a loaded machine
    // could put it a few ms past the time the wait was counted from.)
    expect(row.next - beforeReply).toBeGreaterThanOrEqual(120_000);
    expect(row.next - Date.now()).toBeLessThanOrEqual(121_000);
    expect(carrier.purchases).toEqual([]);
  });

  it("maps Odoo's carrier to the local carrier; a refused ShipEngine key stops ShipEngine alone, with an alert", async () => {
    const { rig: r, carrier: se } = await shipEngineRig(shipEngineDefault, 'TEST_wrong_key');
    const ready = (await r.rpc.executeKw('stock.picking', 'search_read', [[['state', '=', 'assigned']]], { fields: ['name', 'carrier_id'], order: 'id asc' })) as {
      name: string;
      carrier_id: [number, string] | false;
    }[];
    // Two orders with different Odoo carriers; the first one's carrier is mapped to the local carrier.
    const local = ready.find((p) => p.carrier_id)!;
    const viaShipEngine = ready.find((p) => !p.carrier_id || p.carrier_id[1] !== (local.carrier_id as [number, string])[1])!;
    r.station.settings.update({ carriers: { byOdooCarrier: [{ odooCarrier: (local.carrier_id as [number, string])[1], provider: 'local', service: 'standard' }] } }, 'test');

    await pack(r, local.name);
    const done = await r.untilStep('done', 20_000);
    expect(done.label).toMatchObject({ carrier: 'Local delivery', trackingNumber: expect.stringMatching(/^PB/) });
    // The parcel comes off the scale: the next one is captured only after a return to zero.
    r.scale.setWeight(0, { motionMs: 0 });
    await waitForEvent(r.station.events, 'scale', (e) => e.stable && Math.abs(e.grams ?? 99) <= 5, 10_000, 'the scale back at zero');

    await pack(r, viaShipEngine.name, false);
    const stopped = await waitForEvent(r.station.events, 'connectivity', (c) => c.targets.some((t) => t.target === 'carrier:shipengine' && t.status === 'stopped'), 15_000, 'ShipEngine stopped');
    expect(stopped.targets.find((t) => t.target === 'carrier:shipengine')!.message).toMatch(/ShipEngine refused the bench's credentials/);
    expect(stopped.targets.find((t) => t.target === 'carrier:local')!.status).toBe('ok');
    expect(r.station.exceptions.list('open')).toMatchObject([{ kind: 'sync_auth', context: { target: 'carrier:shipengine' } }]);
    expect(se.purchases).toEqual([]);
  });

  it('a ShipEngine that is down parks the orders waiting for their labels, through a restart; the next order opens; the labels print when it answers', async () => {
    carrier = await startSandboxShipEngine({ apiKey: KEY, knobs: { serverErrors: 1_000_000 } });
    rig = await startSandboxRig({
      seed: 6,
      mode: 'live',
      tuning: { carrierApiKeys: { shipengine: KEY }, carriers: shipEngineDefault(carrier.url), syncDelays: { baseMs: 100, maxMs: 500 } },
    });
    const r = rig;
    const [first, second, third] = await r.readyPickings();
    const parkedText = (name: string) => `${name} is waiting for its label from ShipEngine: put the parcel on the shelf and scan the next order`;
    const parkedOf = () =>
      withStationDb(r.station, (db) => db.prepare(`SELECT subject, json_extract(data, '$.why') AS why FROM audit_log WHERE action = 'pack.parked' ORDER BY id`).all());

    await pack(r, first!.name);
    const labelling = await r.untilStep('labelling');
    expect(labelling.nextAction).toBe('Waiting for the label');
    const waitedFrom = Date.now();
    await waitForEvent(r.station.events, 'state', (s) => s.nextAction === parkedText(first!.name), 10_000, 'the first order parked');
    const parkedAfterMs = Date.now() - waitedFrom;
    expect(parkedAfterMs).toBeGreaterThanOrEqual(2500);
    r.scale.setWeight(0, { motionMs: 0 });
    await waitForEvent(r.station.events, 'scale', (e) => e.stable && Math.abs(e.grams ?? 99) <= 5, 10_000, 'the scale back at zero');

    // ShipEngine is known to be failing now: the second order is parked as soon as it is weighed.
    await pack(r, second!.name, false);
    await waitForEvent(r.station.events, 'state', (s) => s.nextAction === parkedText(second!.name), 10_000, 'the second order parked');
    expect(parkedOf()).toEqual([
      { subject: first!.name, why: 'slow' },
      { subject: second!.name, why: 'retrying' },
    ]);
    const open = () => r.station.exceptions.list('open').map((e) => ({ kind: e.kind, orderRef: e.orderRef }));
    expect(open()).toEqual([
      { kind: 'awaiting_label', orderRef: first!.name },
      { kind: 'awaiting_label', orderRef: second!.name },
    ]);

    // A restart keeps them parked: the bench still lets the next order in.
    await r.restart();
    expect((await r.station.handlers.getState({})).nextAction).toBe(parkedText(second!.name));
    expect(open()).toHaveLength(2);
    if (!r.station.identities.current()) await r.scan('P-1');
    const again = await r.scan(first!.name);
    expect(again.message.text).toContain(`${first!.name} is already packed here and is waiting for its label from ShipEngine`);
    const opened = await r.scan(third!.name);
    expect(opened.state.order?.name).toBe(third!.name);
    expect(opened.state.step).toBe(r.station.effectiveSettings().packing.verifyItems ? 'packing' : 'weighing');
    const step = opened.state.step;

    // ShipEngine answers: both labels print by themselves, each says which parcel on the shelf it is for.
    const told = (name: string) =>
      waitForEvent(r.station.events, 'state', (s) => s.message?.text === `Label for ${name} — put it on the parcel on the shelf.`, 20_000, `the label of ${name}`);
    const toldBoth = Promise.all([told(first!.name), told(second!.name)]);
    carrier.setKnobs({ serverErrors: 0 });
    await toldBoth;
    await waitForEvent(r.station.events, 'queue', (q) => q.openExceptions === 0, 10_000, 'the awaiting-label exceptions settled');
    expect(r.station.exceptions.list('resolved').map((e) => [e.kind, e.orderRef, e.resolution])).toEqual([
      ['awaiting_label', first!.name, 'printed'],
      ['awaiting_label', second!.name, 'printed'],
    ]);
    expect(carrier.purchases).toHaveLength(2);
    // The order on screen is as it was.
    const now = await r.station.handlers.getState({});
    expect([now.order?.name, now.step]).toEqual([third!.name, step]);
    const shipments = withStationDb(r.station, (db) => db.prepare(`SELECT status FROM shipments ORDER BY id`).all());
    expect(shipments).toEqual([{ status: 'printed' }, { status: 'printed' }]);
  });
});

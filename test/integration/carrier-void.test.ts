// A label bought for an order that is repacked or cancelled is voided through its provider: through
// the station (real SQLite, pty scale, TCP printer), the sandbox Odoo and the sandbox ShipEngine and
// Shippo, whose purchase logs witness each void. The lead's repack voids the old label and buys a new
// one; an order cancelled in Odoo after its label was bought has it voided when the dispatch finds
// the cancel, and the lead reads so; a refused void is an exception in plain words; a void whose
// reply was lost is asked again and counts once.
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../shared/bridge';
import type { SettingsPatch } from '../../shared/settings';
import type { CarrierKnobs, CarrierServer, Purchase } from '../../electron/sandbox/carriers/http';
import { startSandboxShipEngine } from '../../electron/sandbox/carriers/shipengine';
import { startSandboxShippo } from '../../electron/sandbox/carriers/shippo';
import { leadPin } from '../support/approval';
import { expectedParcelWeight } from '../support/expected-weight';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { withStationDb } from '../support/station-db';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

const KEY = 'TEST_void_key';
let rig: SandboxRig | null = null;
let carrier: (CarrierServer & { purchases: Purchase[] }) | null = null;

afterEach(async () => {
  await rig?.close();
  await carrier?.close();
  rig = carrier = null;
});

type Provider = 'shipengine' | 'shippo';

async function start(provider: Provider, knobs: CarrierKnobs = {}): Promise<{ r: SandboxRig; fake: CarrierServer & { purchases: Purchase[] } }> {
  const fake = provider === 'shipengine' ? await startSandboxShipEngine({ apiKey: KEY, knobs }) : await startSandboxShippo({ apiKey: KEY, knobs });
  carrier = fake;
  const carriers: NonNullable<SettingsPatch['carriers']> =
    provider === 'shipengine'
      ? { default: { provider: 'shipengine', service: 'sandbox_ground' }, shipengine: { baseUrl: fake.url, carrierId: 'se-123456' } }
      : { default: { provider: 'shippo', service: 'shippo_ground' }, shippo: { baseUrl: fake.url } };
  rig = await startSandboxRig({
    seed: 6,
    mode: 'live',
    staff: [{ badge: 'L-1', name: 'Lena', role: 'lead', pin: '482913' }],
    tuning: { carrierApiKeys: { [provider]: KEY }, carriers, syncDelays: { baseMs: 100, maxMs: 400 } },
  });
  return { r: rig, fake };
}

/** Pack an order up to its weight; resolves with the label's bytes as the printer got them. */
async function packAndPrint(r: SandboxRig, name: string, beforeWeight: () => void = () => {}): Promise<string> {
  if (!r.station.identities.current()) await r.scan('P-1');
  const opened = await r.scan(name);
  expect(opened.kind).toBe('order');
  for (const code of unitScans(opened.state.order!.lines)) await r.scan(code);
  await r.untilStep('weighing');
  await r.scan('PT-BOX-S');
  beforeWeight();
  const printed = r.printer.nextJob();
  r.scale.setWeight(expectedParcelWeight(r.station) + 30, { motionMs: 200 });
  return (await printed).toString('utf8');
}

async function scaleBackToZero(r: SandboxRig): Promise<void> {
  r.scale.setWeight(0, { motionMs: 0 });
  await waitForEvent(r.station.events, 'scale', (e) => e.stable && Math.abs(e.grams ?? 99) <= 5, 10_000, 'the scale back at zero');
}

const told = (r: SandboxRig, text: string) => waitForEvent(r.station.events, 'state', (s) => s.message?.text === text, 20_000, `"${text}"`);

/**
 * Pack with Odoo unreachable from the weight on, so the label is bought and printed while the
 * dispatch waits; then the picking is cancelled in Odoo and Odoo comes back.
 */
async function cancelAfterPurchase(r: SandboxRig, picking: { id: number; name: string }): Promise<void> {
  await packAndPrint(r, picking.name, () => r.odoo.setOffline(true));
  r.odoo.state.update('stock.picking', picking.id, { state: 'cancel' });
  r.odoo.setOffline(false);
}

const voidRows = (r: SandboxRig) =>
  withStationDb(r.station, (db) => db.prepare(`SELECT state, target, order_key AS orderKey FROM outbox WHERE kind = 'carrier.void_label' ORDER BY id`).all());
const shipmentsOf = (r: SandboxRig) =>
  withStationDb(r.station, (db) => db.prepare(`SELECT status, void_state AS voidState, provider_ref AS providerRef FROM shipments ORDER BY id`).all());

describe('voiding bought labels', () => {
  it("the lead's repack voids the ShipEngine label once and a new label is bought for the repacked order", async () => {
    const { r, fake } = await start('shipengine');
    const [picking] = await r.readyPickings();
    // Re-addressed in Odoo while the packer works: the dispatch comes back as a conflict.
    const partnerId = r.odoo.state.get('stock.picking', picking!.id)!.partner_id as number;
    await packAndPrint(r, picking!.name, () => r.odoo.state.update('res.partner', partnerId, { street: 'Corso Como 2', zip: '20154' }));
    await waitForEvent(r.station.events, 'queue', (q) => q.openExceptions > 0, 15_000, 'the conflict');
    // The label came out (its print is confirmed) before the lead looks at the conflict.
    await r.untilStep('printed');
    const [conflict] = r.station.exceptions.list('open');
    expect(conflict).toMatchObject({ kind: 'odoo_conflict', context: { change: 'readdressed' } });
    expect(fake.purchases).toHaveLength(1);
    expect(fake.purchases[0]!.voided).toBe(false);

    const voided = told(r, `The label for ${picking!.name} was voided with ShipEngine.`);
    const resolved = await dispatch(r.station.handlers, 'resolveException', { id: conflict!.id, resolution: 'repack', note: 'customer moved', approval: leadPin('482913') });
    expect(resolved.ok).toBe(true);
    await voided;
    expect(fake.purchases[0]).toMatchObject({ voided: true, voidRequests: 1 });
    expect(shipmentsOf(r)).toEqual([{ status: 'cancelled', voidState: 'voided', providerRef: fake.purchases[0]!.id }]);

    // Packed again: a new label, for the new street, bought once and not voided.
    await scaleBackToZero(r);
    const zpl = await packAndPrint(r, picking!.name);
    expect(zpl).toContain('Corso Como 2');
    await r.untilStep('done', 20_000);
    expect(fake.purchases).toHaveLength(2);
    expect(fake.purchases.map((p) => [p.voided, p.voidRequests])).toEqual([
      [true, 1],
      [false, 0],
    ]);
    expect(voidRows(r)).toEqual([{ state: 'done', target: 'carrier:shipengine', orderKey: expect.stringMatching(/:void$/) }]);
    expect(r.station.exceptions.list('open')).toEqual([]);
    expect(fake.contractFailures).toEqual([]);
  });

  it('an order cancelled in Odoo after its label was bought has the label voided, and the lead is told', async () => {
    const { r, fake } = await start('shipengine');
    const [picking] = await r.readyPickings();
    const voided = told(r, `The label for ${picking!.name} was voided with ShipEngine.`);
    await cancelAfterPurchase(r, picking!);
    await voided;
    const [conflict] = r.station.exceptions.list('open');
    expect(conflict).toMatchObject({ kind: 'odoo_conflict', orderRef: picking!.name, context: { change: 'cancelled' } });
    expect(conflict!.title).toContain('was cancelled in Odoo');
    expect(conflict!.title).toContain(`The label for ${picking!.name} is being voided with ShipEngine.`);
    expect(fake.purchases).toHaveLength(1);
    expect(fake.purchases[0]).toMatchObject({ voided: true, voidRequests: 1 });
    expect(shipmentsOf(r)).toMatchObject([{ voidState: 'voided' }]);
    // Nothing was written to the cancelled picking.
    expect(r.odoo.state.get('stock.picking', picking!.id)).toMatchObject({ state: 'cancel', carrier_tracking_ref: false });
    // The voided label is not printed again: scanning the order says it was cancelled.
    const again = await r.scan(picking!.name);
    expect(again.message.text).toContain('was cancelled in Odoo');
    const reprint = await r.scan('*PB*REPRINT-DAMAGED');
    expect(reprint.message.text).toBe(`The label for ${picking!.name} was voided, so it is not printed. Do not ship this parcel; ask the shift lead.`);
    expect(r.printer.jobs).toHaveLength(1);
    expect(fake.contractFailures).toEqual([]);
  });

  it('a void ShipEngine refuses is an exception for the lead in plain words; the label stays marked', async () => {
    const { r, fake } = await start('shipengine', { refuseVoid: { reasonCode: 'label_already_used' } });
    const [picking] = await r.readyPickings();
    await cancelAfterPurchase(r, picking!);
    await waitForEvent(r.station.events, 'queue', (q) => q.openExceptions >= 2, 20_000, 'the conflict and the refused void');
    const refused = r.station.exceptions.list('open').find((e) => e.context.kind === 'carrier.void_label');
    const [tracking] = fake.purchases[0]!.trackingNumbers;
    expect(refused).toMatchObject({ kind: 'dead_letter', orderRef: picking!.name, context: { target: 'carrier:shipengine', void: true } });
    expect(refused!.title).toContain(`ShipEngine would not void label ${tracking} for ${picking!.name}: already in transit.`);
    expect(refused!.choices).toEqual(['retry', 'discard']);
    expect(fake.purchases[0]).toMatchObject({ voided: false, voidRequests: 1 });
    expect(shipmentsOf(r)).toMatchObject([{ voidState: 'requested' }]);

    // The lead had it sorted with ShipEngine: retried, it goes through.
    fake.setKnobs({ refuseVoid: false });
    const voided = told(r, `The label for ${picking!.name} was voided with ShipEngine.`);
    const retried = await dispatch(r.station.handlers, 'resolveException', { id: refused!.id, resolution: 'retry', note: 'sorted out with ShipEngine', approval: leadPin('482913') });
    expect(retried.ok).toBe(true);
    await voided;
    expect(fake.purchases[0]).toMatchObject({ voided: true, voidRequests: 2 });
    expect(fake.contractFailures).toEqual([]);
  });

  it('Shippo: a cancelled order’s label is refunded', async () => {
    const { r, fake } = await start('shippo');
    const [picking] = await r.readyPickings();
    const voided = told(r, `The label for ${picking!.name} was voided with Shippo.`);
    await cancelAfterPurchase(r, picking!);
    await voided;
    expect(fake.purchases).toHaveLength(1);
    expect(fake.purchases[0]).toMatchObject({ voided: true, voidRequests: 1 });
    expect(r.station.exceptions.list('open')).toMatchObject([{ kind: 'odoo_conflict', context: { change: 'cancelled' } }]);
    expect(fake.contractFailures).toEqual([]);
  });

  it('a void whose reply was lost is asked again, found already voided, and done once', async () => {
    const { r, fake } = await start('shipengine', { dropAfterVoid: 1 });
    const [picking] = await r.readyPickings();
    const voided = told(r, `The label for ${picking!.name} was voided with ShipEngine.`);
    await cancelAfterPurchase(r, picking!);
    await voided;
    // Voided by the first request (its reply dropped); the second was answered "already voided".
    expect(fake.purchases).toHaveLength(1);
    expect(fake.purchases[0]).toMatchObject({ voided: true, voidRequests: 2 });
    expect(voidRows(r)).toMatchObject([{ state: 'done' }]);
    expect(r.station.exceptions.list('open').map((e) => e.kind)).toEqual(['odoo_conflict']);
    expect(fake.contractFailures).toEqual([]);
  });

  it("the lead's send-back (voidShipment) while the purchase is on its way: the label that comes later is voided, never printed", async () => {
    const { r, fake } = await start('shipengine', { serverErrors: 1_000_000 });
    const [picking] = await r.readyPickings();
    if (!r.station.identities.current()) await r.scan('P-1');
    const opened = await r.scan(picking!.name);
    for (const code of unitScans(opened.state.order!.lines)) await r.scan(code);
    await r.untilStep('weighing');
    await r.scan('PT-BOX-S');
    r.scale.setWeight(expectedParcelWeight(r.station) + 30, { motionMs: 200 });
    await r.untilStep('labelling');
    const [shipment] = withStationDb(r.station, (db) => db.prepare('SELECT id FROM shipments').all()) as { id: number }[];

    const sentBack = r.station.pack.voidShipment(shipment!.id, 'the lead sent the order back to the packer', 'lead:Lena');
    expect(sentBack).toEqual({ kind: 'nothing_bought', text: `No label was bought for ${picking!.name} yet; if one comes, it is voided.` });
    expect(r.station.pack.voidShipment(shipment!.id, 'again', 'lead:Lena')?.kind).toBe('already');

    const voided = told(r, `The label for ${picking!.name} was voided with ShipEngine.`);
    fake.setKnobs({ serverErrors: 0 });
    await voided;
    expect(fake.purchases).toHaveLength(1);
    expect(fake.purchases[0]).toMatchObject({ voided: true, voidRequests: 1 });
    expect(shipmentsOf(r)).toEqual([{ status: 'labelled', voidState: 'voided', providerRef: fake.purchases[0]!.id }]);
    expect(r.printer.jobs).toEqual([]);
    expect(withStationDb(r.station, (db) => db.prepare(`SELECT count(*) AS n FROM outbox WHERE kind = 'odoo.dispatch_picking'`).get())).toEqual({ n: 0 });
  });

  it('a voided label that did not print is not printed by PRINT afterwards', async () => {
    const { r, fake } = await start('shipengine');
    const [picking] = await r.readyPickings();
    r.printer.setStatus('paper_out');
    if (!r.station.identities.current()) await r.scan('P-1');
    const opened = await r.scan(picking!.name);
    for (const code of unitScans(opened.state.order!.lines)) await r.scan(code);
    await r.untilStep('weighing');
    await r.scan('PT-BOX-S');
    r.scale.setWeight(expectedParcelWeight(r.station) + 30, { motionMs: 200 });
    await waitForEvent(r.station.events, 'state', (s) => /did not print/.test(s.message?.text ?? ''), 20_000, 'the print failure');
    const [shipment] = withStationDb(r.station, (db) => db.prepare('SELECT id FROM shipments').all()) as { id: number }[];

    const voided = told(r, `The label for ${picking!.name} was voided with ShipEngine.`);
    expect(r.station.pack.voidShipment(shipment!.id, 'the lead sent the order back to the packer', 'lead:Lena')?.kind).toBe('requested');
    await voided;
    r.printer.setStatus('ok');
    const print = await r.scan('*PB*PRINT');
    expect(print.message.text).toBe(`The label for ${picking!.name} was voided, so it is not printed. Do not ship this parcel; ask the shift lead.`);
    expect(r.printer.jobs).toEqual([]);
    expect(fake.purchases[0]).toMatchObject({ voided: true, voidRequests: 1 });
  });
});

// A label the carrier refuses, fixed by the shift lead, through the station's API on the training
// sandbox (real SQLite, the sandbox Odoo, the sandbox ShipEngine over HTTP, the printer sink): the
// refused order is parked at once with the carrier's reason for the packer, who packs another order
// meanwhile; the lead's corrected address goes to ShipEngine, the label prints "for the parcel on
// the shelf", and Odoo's chatter notes the change once. An address still wrong is refused field by
// field; an order sent back is packed again from the start; another service buys with that service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInput, CallResult, CommandName, CommandReply, CommandRequest, ExceptionView, ScanReply, StationState } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { bootStation, parseFlags, TRAINING_LEAD_PIN, TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { openDatabase } from '../../electron/core/store/db';
import { leadPin } from '../support/approval';
import { tempDir } from '../support/temp-dir';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

describe('a label the carrier refused, fixed by the shift lead', { timeout: 60_000 }, () => {
  let booted: BootedStation;
  const dir = tempDir();

  beforeAll(async () => {
    booted = await bootStation(parseFlags(['--sandbox', '--data-dir', dir.path]), {
      log: () => {},
      identity: { scryptN: 1024 },
      scaleOptions: { stableWindowMs: 300 },
      syncDelays: { baseMs: 200, maxMs: 1000 },
    });
  }, 60_000);
  afterAll(async () => {
    await booted?.close();
    dir.remove();
  });

  const station = () => booted.station;
  const odoo = () => booted.sandbox!.odoo;
  const shipengine = () => booted.sandbox!.shipengine;

  /** A command through the contract, as either bridge would carry it (request and reply validated). */
  async function call<N extends CommandName>(name: N, request: CommandRequest<N>): Promise<CallResult<CommandReply<N>>> {
    return (await dispatch(station().handlers, name, request)) as CallResult<CommandReply<N>>;
  }
  async function scan(code: string): Promise<ScanReply> {
    const result = await call('scan', { code });
    if (!result.ok) throw new Error(result.error.message);
    return result.value as ScanReply;
  }
  const untilState = (what: string, predicate: (s: StationState) => boolean, timeoutMs = 20_000) =>
    waitForEvent(station().events, 'state', predicate, timeoutMs, what);

  /** Open the order and scan every unit; the sandbox scale weighs the parcel by itself. */
  async function packOrder(name: string): Promise<void> {
    // The last parcel is off the scale first, as at a real bench (the scale captures once per parcel).
    await waitForEvent(station().events, 'scale', (s) => s.grams !== null && Math.abs(s.grams) <= 10, 10_000, 'an empty scale');
    await scan(name);
    await untilState(`${name} open`, (s) => s.order?.name === name && s.step === 'packing');
    for (const code of unitScans(station().pack.orderView()!.lines)) await scan(code);
  }

  const pickingOf = (name: string) => odoo().state.all('stock.picking').find((p) => p.name === name)!;
  /** The sandbox's deliveries sent through ShipEngine (Odoo carrier 1), each to a customer of its own. */
  function shipEngineOrders(count: number): string[] {
    const seen = new Set<unknown>();
    const picked: string[] = [];
    for (const name of odoo().state.sampleNames()) {
      const p = pickingOf(name);
      if (p.carrier_id !== 1 || seen.has(p.partner_id)) continue;
      seen.add(p.partner_id);
      picked.push(name);
    }
    return picked.slice(0, count);
  }
  /** The delivery goes to a copy of its customer in Germany with this postcode (its customer stays as it was). */
  function readdress(name: string, zip: string): void {
    const picking = pickingOf(name);
    const partner = odoo().state.get('res.partner', picking.partner_id as number)!;
    const germany = odoo().state.all('res.country').find((c) => c.code === 'DE')!.id as number;
    const { id: _id, ...values } = partner;
    const copy = odoo().state.insert('res.partner', { ...(values as Record<string, never>), zip, country_id: germany, state_id: false, city: 'Berlin' });
    odoo().state.update('stock.picking', picking.id as number, { partner_id: copy });
  }
  // A postcode that cannot exist is found by the bench's own checks: ShipEngine is never asked.
  const refusalText = (name: string) =>
    `ShipEngine would refuse the label for ${name}: the postcode is not valid. Put the parcel on the shelf and scan the next order; the shift lead will fix it.`;
  const openRefusal = (name: string): ExceptionView | undefined =>
    station().exceptions.list('open').find((e) => e.kind === 'carrier_rejection' && e.orderRef === name);
  const recipientOf = (ex: ExceptionView): AddressInput => {
    const r = (ex.context.payload as { request: { recipient: AddressInput } }).request.recipient;
    return { name: r.name, company: r.company, street1: r.street1, street2: r.street2, postalCode: r.postalCode, city: r.city, region: r.region, country: r.country, phone: r.phone, email: r.email };
  };
  const chatterWith = (text: string) =>
    odoo()
      .state.all('mail.message')
      .filter((m) => typeof m.body === 'string' && m.body.includes(text));

  let names: string[];

  it('parks the refused order at once with the carrier’s reason, and the packer packs another order meanwhile', async () => {
    names = shipEngineOrders(6);
    expect(names).toHaveLength(6);
    for (const name of names.slice(0, 2)) readdress(name, '1011');
    const local = odoo().state.sampleNames().find((n) => [false, 2, 3].includes(pickingOf(n).carrier_id as number | false))!;

    await scan(TRAINING_PACKER_BADGE);
    await packOrder(names[0]!);
    const parked = await untilState('the refusal on screen', (s) => s.nextAction === refusalText(names[0]!));
    expect(parked.step).toBe('labelling');
    const refusal = openRefusal(names[0]!)!;
    expect(refusal.context).toMatchObject({ provider: 'shipengine', reason: 'address', field: 'recipient.postalCode', checkedBy: 'bench' });
    expect(refusal.choices).toEqual(expect.arrayContaining(['retry', 'discard', 'fix_address', 'change_service', 'send_back']));
    // Not also "waiting for its label … prints by itself": the lead has one item for the order.
    expect(station().exceptions.list('open').filter((e) => e.orderRef === names[0])).toHaveLength(1);
    expect(shipengine().purchases).toHaveLength(0);
    expect(shipengine().labelRequests).toHaveLength(0);

    // The packer goes on with the next order; its label comes from the local carrier at once.
    await packOrder(local);
    await untilState(`${local} printed`, (s) => s.order?.name === local && (s.step === 'printed' || s.step === 'done') && s.label?.printState === 'confirmed');
  });

  it('refuses a corrected address that is still wrong, field by field, and leaves the approval unspent', async () => {
    const refusal = openRefusal(names[0]!)!;
    const approval = leadPin(TRAINING_LEAD_PIN);
    const wrong = await call('fixRejectedShipment', {
      id: refusal.id,
      recipient: { ...recipientOf(refusal), postalCode: '1O115', phone: '12' },
      approval,
    });
    expect(wrong.ok).toBe(false);
    if (wrong.ok) return;
    expect(wrong.error.code).toBe('invalid_address');
    expect(wrong.error.detail).toMatchObject({ fields: { postalCode: expect.stringContaining('is not valid for Germany (DE)'), phone: expect.stringContaining('is not a valid number') } });
    expect(openRefusal(names[0]!)).toBeDefined();
    expect(shipengine().labelRequests).toHaveLength(0);
    // A well-formed address the service would still refuse (to Switzerland: ShipEngine needs the
    // recipient's phone and a customs declaration) is refused at the form too, not after another try.
    const abroad = await call('fixRejectedShipment', {
      id: refusal.id,
      recipient: { ...recipientOf(refusal), postalCode: '8001', city: 'Zürich', country: 'CH', region: null, phone: null },
      approval,
    });
    expect(abroad.ok).toBe(false);
    if (abroad.ok) return;
    expect(abroad.error.code).toBe('invalid_address');
    expect(abroad.error.message).toMatch(/needs the recipient's phone number/);
    expect(abroad.error.detail).toMatchObject({ fields: { phone: expect.stringContaining('Switzerland (CH)') } });
    expect(shipengine().labelRequests).toHaveLength(0);
    // The same approval still works for the right address: nothing was spent on the refused one.
    const right = await call('fixRejectedShipment', { id: refusal.id, recipient: { ...recipientOf(refusal), postalCode: '10115', phone: null }, approval });
    expect(right.ok, right.ok ? '' : right.error.message).toBe(true);
  });

  it('asks ShipEngine again with the corrected address; the label prints for the parcel on the shelf; Odoo’s chatter notes it once', async () => {
    const name = names[0]!;
    await untilState('the shelf message', (s) => s.message?.text === `Label for ${name} — put it on the parcel on the shelf.`, 30_000);
    const sent = shipengine().labelRequests.at(-1) as { shipment: { ship_to: { postal_code: string } } };
    expect(sent.shipment.ship_to.postal_code).toBe('10115');
    expect(shipengine().purchases).toHaveLength(1);
    expect(station().exceptions.list('resolved').find((e) => e.kind === 'carrier_rejection' && e.orderRef === name)).toMatchObject({ resolution: 'fix_address', resolvedBy: expect.stringMatching(/^staff:/) });

    // Odoo gets the note, then the dispatch with the tracking number, and the order is done.
    await waitForEvent(station().events, 'queue', (q) => q.pending === 0 && q.inFlight === 0, 30_000, 'the outbox drained');
    const notes = chatterWith('Address corrected at the bench by Trainee Lead: postcode 1011 → 10115');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.res_id).toBe(pickingOf(name).id);
    expect(pickingOf(name).carrier_tracking_ref).toBe(shipengine().purchases[0]!.trackingNumbers[0]);

    const db = openDatabase(`${booted.dataDir}/station.sqlite`, { readonly: true });
    try {
      const fixed = db.prepare(`SELECT actor, data FROM audit_log WHERE action = 'shipment.fixed'`).all() as { actor: string; data: string }[];
      expect(fixed).toHaveLength(1);
      expect(JSON.parse(fixed[0]!.data)).toMatchObject({ resolution: 'fix_address', changes: [{ field: 'postcode', before: '1011', after: '10115' }, { field: 'phone' }] });
    } finally {
      db.close();
    }
  });

  it('sends an order back to the packer: packed again from the start, it gets its label once the address is right', async () => {
    const name = names[1]!;
    await packOrder(name);
    await untilState('the refusal on screen', (s) => s.nextAction === refusalText(name));
    const refusal = openRefusal(name)!;
    const sentBack = await call('resolveException', { id: refusal.id, resolution: 'send_back', note: 'Customer calls back with the address', approval: leadPin(TRAINING_LEAD_PIN) });
    expect(sentBack.ok, sentBack.ok ? '' : sentBack.error.message).toBe(true);
    await untilState('the order off the screen', (s) => s.step === 'idle');
    expect(station().exceptions.list('open').filter((e) => e.orderRef === name)).toEqual([]);

    // Fixed in Odoo meanwhile; scanned again, it is packed from the start.
    odoo().state.update('res.partner', pickingOf(name).partner_id as number, { zip: '10117' });
    await packOrder(name);
    expect(station().pack.orderView()!.lines.every((l) => l.packed === l.quantity)).toBe(true);
    const done = await untilState(`${name} printed`, (s) => s.order?.name === name && s.label?.printState === 'confirmed', 30_000);
    expect(done.label?.trackingNumber).toBe(shipengine().purchases.at(-1)!.trackingNumbers[0]);
    expect((shipengine().labelRequests.at(-1) as { shipment: { ship_to: { postal_code: string } } }).shipment.ship_to.postal_code).toBe('10117');
  });

  it('a refusal after the order was parked as slow replaces its "waiting"; tried again as is, the label prints for the shelf', async () => {
    const name = names[3]!;
    // ShipEngine answers slower than the bench waits, then refuses (the knob the sandbox keeps for any address).
    shipengine().setKnobs({ latencyMs: 4000, rejectAddress: { field: 'street1' } });
    await packOrder(name);
    await untilState('parked as waiting', (s) => s.nextAction === `${name} is waiting for its label from ShipEngine: put the parcel on the shelf and scan the next order`);
    const street = `ShipEngine refused the label for ${name}: the street is not valid. Put the parcel on the shelf and scan the next order; the shift lead will fix it.`;
    await untilState('the refusal on screen', (s) => s.nextAction === street);
    expect(station().exceptions.list('open').filter((e) => e.orderRef === name)).toMatchObject([{ kind: 'carrier_rejection' }]);
    expect(station().exceptions.list('resolved').filter((e) => e.orderRef === name)).toMatchObject([{ kind: 'awaiting_label', resolution: 'refused' }]);

    // Fixed on ShipEngine's side (in Odoo, say): tried again as it is.
    shipengine().setKnobs({ latencyMs: 0, rejectAddress: false });
    const retried = await call('resolveException', { id: openRefusal(name)!.id, resolution: 'retry', approval: leadPin(TRAINING_LEAD_PIN) });
    expect(retried.ok, retried.ok ? '' : retried.error.message).toBe(true);
    await untilState('the shelf message', (s) => s.message?.text === `Label for ${name} — put it on the parcel on the shelf.`, 30_000);
  });

  it('changes the service: the label is bought with the service the lead chose', async () => {
    const name = names[2]!;
    // ShipEngine itself refuses this one (an address the bench cannot judge): the lead ships it with another service.
    shipengine().setKnobs({ rejectAddress: { field: 'street1' } });
    await packOrder(name);
    await untilState('the refusal on screen', (s) => s.nextAction === `ShipEngine refused the label for ${name}: the street is not valid. Put the parcel on the shelf and scan the next order; the shift lead will fix it.`);
    shipengine().setKnobs({ rejectAddress: false });
    const services = await call('carrierServices', {});
    expect(services.ok && services.value.providers.find((p) => p.code === 'local')?.services[0]).toMatchObject({ code: 'standard' });
    const refusal = openRefusal(name)!;
    const asked = shipengine().labelRequests.length;
    const changed = await call('fixRejectedShipment', { id: refusal.id, service: { provider: 'local', service: 'standard' }, approval: leadPin(TRAINING_LEAD_PIN) });
    expect(changed.ok, changed.ok ? '' : changed.error.message).toBe(true);
    const printed = await untilState('the shelf message', (s) => s.message?.text === `Label for ${name} — put it on the parcel on the shelf.`, 30_000);
    expect(printed.label).toMatchObject({ carrier: 'Local delivery', trackingNumber: expect.stringMatching(/^PB/) });
    // ShipEngine was not asked again.
    expect(shipengine().labelRequests).toHaveLength(asked);
  });

  it('drops a refused label request: the order ends, is not left waiting on the shelf, and can be packed again', async () => {
    const name = names[4]!;
    shipengine().setKnobs({ rejectAddress: { field: 'city' } });
    await packOrder(name);
    await untilState('the refusal on screen', (s) => s.nextAction.startsWith(`ShipEngine refused the label for ${name}`));
    shipengine().setKnobs({ rejectAddress: false });
    const refusal = openRefusal(name)!;
    expect(refusal.choices).toContain('discard');
    const dropped = await call('resolveException', { id: refusal.id, resolution: 'discard', note: 'Customer cancelled by phone', approval: leadPin(TRAINING_LEAD_PIN) });
    expect(dropped.ok, dropped.ok ? '' : dropped.error.message).toBe(true);
    await untilState('the order off the screen', (s) => s.step === 'idle');
    expect(station().exceptions.list('open').filter((e) => e.orderRef === name)).toEqual([]);
    // Scanned again it opens to be packed, not "its label is on its way".
    const bought = shipengine().purchases.length;
    await packOrder(name);
    await untilState(`${name} printed`, (s) => s.order?.name === name && s.label?.printState === 'confirmed', 30_000);
    expect(shipengine().purchases).toHaveLength(bought + 1);
  });

  it('gives up waiting for a label that does not come: sent back, the label bought later is voided and never printed', async () => {
    const name = names[5]!;
    const before = shipengine().purchases.length;
    shipengine().setKnobs({ serverErrors: 1_000 });
    await packOrder(name);
    await untilState('parked as waiting', (s) => s.nextAction === `${name} is waiting for its label from ShipEngine: put the parcel on the shelf and scan the next order`, 20_000);
    const waiting = station().exceptions.list('open').find((e) => e.kind === 'awaiting_label' && e.orderRef === name)!;
    expect(waiting.choices).toEqual(['send_back']);
    const sentBack = await call('resolveException', { id: waiting.id, resolution: 'send_back', approval: leadPin(TRAINING_LEAD_PIN) });
    expect(sentBack.ok, sentBack.ok ? '' : sentBack.error.message).toBe(true);
    await untilState('the order off the screen', (s) => s.step === 'idle');

    // ShipEngine comes back: the request still queued buys its label, which is voided at once.
    const printed = booted.sandbox!.printer!.jobs.length;
    shipengine().setKnobs({ serverErrors: 0 });
    await waitForEvent(station().events, 'queue', (q) => q.pending === 0 && q.inFlight === 0, 30_000, 'the outbox drained');
    const ofOrder = shipengine().purchases.slice(before);
    expect(ofOrder).toHaveLength(1);
    expect(ofOrder[0]).toMatchObject({ voided: true });
    expect(booted.sandbox!.printer!.jobs).toHaveLength(printed);

    // Scanned again, it is packed from the start and gets a label of its own.
    await packOrder(name);
    await untilState(`${name} printed`, (s) => s.order?.name === name && s.label?.printState === 'confirmed', 30_000);
  });
});

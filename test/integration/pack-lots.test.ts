// Lot and serial numbers captured at the bench reach Odoo: a delivery with a lot-tracked and a
// serial-tracked product packed through the real station (pack session, SQLite, outbox, local
// carrier, printer sink) against the sandbox Odoo 16, 17 and 19 over HTTP; the picking's move lines
// are then read in the sandbox. Also: a serial scanned twice is refused, a restart between an item
// and its lot keeps the question, and with item verification off Odoo's reserved lots ship.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScanReply, StationState } from '../../shared/api';
import type { SettingsPatch } from '../../shared/settings';
import { dispatch } from '../../shared/bridge';
import { ODOO_DISPATCH, type DispatchPayload } from '../../electron/core/pack/effects';
import { connectOdoo } from '../../electron/core/odoo/connect';
import { OdooError } from '../../electron/core/odoo/errors';
import { GS } from '../../electron/core/pack/gs1';
import { createStation, type Station } from '../../electron/core/station';
import { startSandboxOdoo, type Rec, type SandboxOdoo, type SandboxVersion } from '../../electron/sandbox/odoo/server';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { expectedParcelWeight } from '../support/expected-weight';
import { tempDir } from '../support/temp-dir';
import { waitForEvent } from '../support/wait';
import { stationDb } from '../support/station-db';

const apiKey = randomBytes(16).toString('hex');
const ORDER = 'WH/OUT/00001';

describe.each([16, 17, 19] as SandboxVersion[])('lots and serials at the bench, Odoo %i', (version) => {
  let dir: ReturnType<typeof tempDir>;
  let odoo: SandboxOdoo;
  let printer: PrinterSink;
  let station: Station;
  let running = false;
  let espresso: Rec;
  let speaker: Rec;

  const product = (code: string) => odoo.state.all('product.product').find((p) => p.default_code === code)!;
  const gtin = (p: Rec) => String(p.barcode).padStart(14, '0');

  /**
   * WH/OUT/00001 becomes 3 × Espresso Beans (lot-tracked, its seeded lot reserved) and
   * 2 × Bluetooth Speaker (serial-tracked, two serials reserved), as Odoo's reservation leaves it.
   */
  function reshapeOrder(): void {
    const picking = odoo.state.all('stock.picking').find((p) => p.name === ORDER)!;
    for (const l of odoo.state.all('stock.move.line').filter((x) => x.picking_id === picking.id)) odoo.state.remove('stock.move.line', l.id);
    for (const m of odoo.state.all('stock.move').filter((x) => x.picking_id === picking.id)) odoo.state.remove('stock.move', m.id);
    const lotOf = (p: Rec) => odoo.state.all('stock.lot').find((l) => l.product_id === p.id)!.id;
    const secondSerial = odoo.state.insert('stock.lot', { name: 'SPK-RES-2', product_id: speaker.id });
    const reservedLine = (qty: number): Record<string, number | boolean> =>
      version === 16 ? { reserved_uom_qty: qty, qty_done: 0 } : { quantity: qty, picked: false };
    const addMove = (p: Rec, reservations: [qty: number, lot: number][]) => {
      const qty = reservations.reduce((n, [q]) => n + q, 0);
      const move = odoo.state.insert('stock.move', {
        name: String(p.name),
        picking_id: picking.id,
        product_id: p.id,
        product_uom_qty: qty,
        product_uom: 1,
        location_id: 8,
        location_dest_id: 5,
        state: 'assigned',
      });
      for (const [q, lot] of reservations) {
        odoo.state.insert('stock.move.line', {
          move_id: move,
          picking_id: picking.id,
          product_id: p.id,
          ...reservedLine(q),
          location_id: 8,
          location_dest_id: 5,
          product_uom_id: 1,
          lot_id: lot,
          lot_name: false,
          result_package_id: false,
          state: 'assigned',
        });
      }
    };
    addMove(espresso, [[3, lotOf(espresso)]]);
    addMove(speaker, [
      [1, lotOf(speaker)],
      [1, secondSerial],
    ]);
  }

  function openStation(overrides: SettingsPatch = {}): Station {
    return createStation({
      dataDir: dir.path,
      mode: 'training',
      identity: { scryptN: 1024 },
      log: () => {},
      odooApiKey: apiKey,
      overrides: { odoo: { url: odoo.url, db: odoo.db, login: odoo.login }, printer: { uri: printer.uri }, ...overrides },
    });
  }

  async function start(overrides: SettingsPatch = {}): Promise<void> {
    station = openStation(overrides);
    await station.start();
    running = true;
  }

  async function stop(): Promise<void> {
    if (running) await station.stop();
    running = false;
  }

  async function scan(code: string): Promise<ScanReply> {
    const r = await dispatch(station.handlers, 'scan', { code });
    if (!r.ok) throw new Error(`scan ${code}: ${r.error.message}`);
    return r.value as ScanReply;
  }

  const lineOf = (reply: ScanReply, p: Rec) => reply.state.order!.lines.find((l) => l.name === p.name)!;

  /** The lines Odoo processed for the picking: lot name → quantity (lot_id read through stock.lot). */
  function shippedLots(): Record<string, number> {
    const picking = odoo.state.all('stock.picking').find((p) => p.name === ORDER)!;
    const out: Record<string, number> = {};
    for (const l of odoo.state.all('stock.move.line').filter((x) => x.picking_id === picking.id)) {
      const qty = Number(version === 16 ? l.qty_done : l.quantity) || 0;
      if (qty <= 0) continue;
      // Every processed line of a tracked product points at a stock.lot of that product.
      expect(typeof l.lot_id, `line ${l.id} has a lot`).toBe('number');
      const lot = odoo.state.get('stock.lot', l.lot_id as number)!;
      expect(lot.product_id).toBe(l.product_id);
      out[String(lot.name)] = (out[String(lot.name)] ?? 0) + qty;
    }
    return out;
  }

  const untilDone = () => waitForEvent(station.events, 'state', (s) => s.step === 'done', 20_000, 'step done');

  beforeEach(async () => {
    dir = tempDir();
    odoo = await startSandboxOdoo({ port: 0, apiKey, seed: 4, version });
    espresso = product('FOOD-ESP-1K');
    speaker = product('ELEC-SPK-01');
    expect([espresso.tracking, speaker.tracking]).toEqual(['lot', 'serial']);
    reshapeOrder();
    printer = await startPrinterSink({ port: 0 });
  });
  afterEach(async () => {
    await stop();
    await Promise.all([odoo.close(), printer.close()]);
    dir.remove();
  });

  it('asks for each lot and serial, refuses a serial twice, and Odoo ships exactly the scanned ones', async () => {
    // Another company of the same Odoo has a lot of this name: it is not this delivery's.
    const foreignLot = odoo.state.insert('stock.lot', { name: 'ESP-B2', product_id: espresso.id, company_id: 2 });
    await start();
    station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
    await scan('P-1');
    const opened = await scan(ORDER);
    expect(opened.state.step).toBe('packing');
    expect(lineOf(opened, espresso)).toMatchObject({ tracking: 'lot', quantity: 3, lots: [] });
    expect(lineOf(opened, speaker)).toMatchObject({ tracking: 'serial', quantity: 2, lots: [] });
    // What Odoo reserved is on the line, for the packer to pick (the scanned lots will win).
    expect(lineOf(opened, espresso).reserved).toEqual([{ name: 'FOOD-ESP-1K-L2503', quantity: 3 }]);

    // An item, then its lot.
    let r = await scan(String(espresso.barcode));
    expect(r.message).toMatchObject({ tone: 'success', text: 'Espresso Beans 1 kg: 1 of 3. Scan the lot number of Espresso Beans 1 kg.' });
    expect(r.state.nextAction).toBe('Scan the lot number of Espresso Beans 1 kg');
    // Another item or the order's own barcode is not taken as the lot.
    r = await scan(String(speaker.barcode));
    expect(r.message.tone).toBe('warning');
    expect(r.message.text).toMatch(/^First the lot number of the Espresso Beans 1 kg you just packed/);
    expect(lineOf(r, speaker).packed).toBe(0);
    r = await scan(ORDER);
    expect(r.message.text).toMatch(/not a lot number\. Scan the lot number of Espresso Beans 1 kg\.$/);
    r = await scan('ESP-B2');
    expect(r.message).toMatchObject({ tone: 'success', text: 'Lot ESP-B2 for Espresso Beans 1 kg. Scan each item: 4 left.' });
    expect(lineOf(r, espresso)).toMatchObject({ packed: 1, lots: [{ name: 'ESP-B2', quantity: 1 }] });
    await scan(String(espresso.barcode));
    await scan('ESP-B2');
    // One GS1 scan: the item and its lot together (human-readable form), here the lot Odoo reserved.
    r = await scan(`(01)${gtin(espresso)}(10)FOOD-ESP-1K-L2503`);
    expect(r.message).toMatchObject({ tone: 'success', text: 'Espresso Beans 1 kg (lot FOOD-ESP-1K-L2503): 3 of 3.' });
    expect(lineOf(r, espresso).lots).toEqual([
      { name: 'ESP-B2', quantity: 2 },
      { name: 'FOOD-ESP-1K-L2503', quantity: 1 },
    ]);

    // Serials: a GS1 code with GS separators, then a plain serial scan.
    r = await scan(`]C101${gtin(speaker)}21SN-1001${GS}`);
    expect(r.message).toMatchObject({ tone: 'success', text: 'Bluetooth Speaker (serial SN-1001): 1 of 2.' });
    // The same serial again, in one scan: refused, nothing counted.
    r = await scan(`01${gtin(speaker)}21SN-1001`);
    expect(r.message.tone).toBe('error');
    expect(r.message.text).toMatch(/^Serial number SN-1001 of Bluetooth Speaker is already packed in WH\/OUT\/00001\./);
    expect(lineOf(r, speaker).packed).toBe(1);
    // …or as the answer to the question: refused, the question stays.
    r = await scan(String(speaker.barcode));
    expect(r.message.text).toBe('Bluetooth Speaker: 2 of 2. Scan the serial number of Bluetooth Speaker.');
    r = await scan('SN-1001');
    expect(r.message.tone).toBe('error');
    expect(r.message.text).toMatch(/already packed/);
    expect(r.state.step).toBe('packing');
    expect(r.state.nextAction).toBe('Scan the serial number of Bluetooth Speaker');
    r = await scan('SN-1002');
    expect(r.message).toMatchObject({ tone: 'success', text: 'Serial number SN-1002 for Bluetooth Speaker: all items packed. Put the parcel on the scale.' });
    expect(r.state.step).toBe('weighing');
    expect(lineOf(r, speaker).lots).toEqual([
      { name: 'SN-1001', quantity: 1 },
      { name: 'SN-1002', quantity: 1 },
    ]);

    // Each lot was committed with its audit entry.
    const audited = stationDb(station)
      .prepare(`SELECT action, json_extract(data, '$.lot') AS lot FROM audit_log WHERE action IN ('pack.item', 'pack.lot') ORDER BY id`)
      .all() as { action: string; lot: string | null }[];
    expect(audited.filter((a) => a.lot !== null).map((a) => a.lot)).toEqual(['ESP-B2', 'ESP-B2', 'FOOD-ESP-1K-L2503', 'SN-1001', 'SN-1002']);

    station.pack.weighed(expectedParcelWeight(station));
    await untilDone();

    // The dispatch carried the lots, and Odoo shipped exactly them: no reserved lot that was not scanned.
    const payload = JSON.parse(
      (stationDb(station).prepare('SELECT payload FROM outbox WHERE kind = ?').get(ODOO_DISPATCH) as { payload: string }).payload,
    ) as DispatchPayload;
    expect(payload.lines.map((l) => l.lots)).toEqual([
      [
        { name: 'ESP-B2', quantity: 2 },
        { name: 'FOOD-ESP-1K-L2503', quantity: 1 },
      ],
      [
        { name: 'SN-1001', quantity: 1 },
        { name: 'SN-1002', quantity: 1 },
      ],
    ]);
    expect(odoo.state.all('stock.picking').find((p) => p.name === ORDER)!.state).toBe('done');
    expect(shippedLots()).toEqual({ 'ESP-B2': 2, 'FOOD-ESP-1K-L2503': 1, 'SN-1001': 1, 'SN-1002': 1 });
    // The line the bench added for the second lot (Odoo had reserved one) goes from stock to the customer.
    const pickingId = odoo.state.all('stock.picking').find((p) => p.name === ORDER)!.id;
    const beanLines = odoo.state.all('stock.move.line').filter((l) => l.picking_id === pickingId && l.product_id === espresso.id);
    expect(beanLines).toHaveLength(2);
    for (const l of beanLines) expect([l.location_id, l.location_dest_id, l.product_uom_id]).toEqual([8, 5, 1]);
    const b2 = beanLines.map((l) => odoo.state.get('stock.lot', l.lot_id as number)!).find((lot) => lot.name === 'ESP-B2')!;
    expect(b2.id).not.toBe(foreignLot);
    expect(b2.company_id).toBe(1);
    // New names became lots of their product; the reserved one was reused, not duplicated.
    expect(odoo.state.all('stock.lot').filter((l) => l.name === 'FOOD-ESP-1K-L2503')).toHaveLength(1);
    expect(odoo.state.all('stock.lot').find((l) => l.name === 'SN-1002')!.product_id).toBe(speaker.id);
    const chatter = odoo.state.all('mail.message').filter((m) => m.model === 'stock.picking' && String(m.body).includes('Lots and serials'));
    expect(String(chatter[0]?.body)).toContain('ESP-B2 (2), FOOD-ESP-1K-L2503, SN-1001, SN-1002');
  });

  /** Odoo's own default for deliveries: only lots Odoo has may leave (no new lots at validation). */
  function existingLotsOnly(): void {
    const picking = odoo.state.all('stock.picking').find((p) => p.name === ORDER)!;
    odoo.state.update('stock.picking.type', picking.picking_type_id as number, { use_create_lots: false, use_existing_lots: true });
  }

  it('where only lots Odoo has may ship, refuses an unknown lot or serial at the scan and ships the known ones', async () => {
    existingLotsOnly();
    await start();
    station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
    await scan('P-1');
    await scan(ORDER);
    const lotsBefore = odoo.state.all('stock.lot').length;

    // The answer to the question: refused, the question stays, nothing recorded.
    await scan(String(espresso.barcode));
    let r = await scan('ESP-NOT-IN-ODOO');
    expect(r.message.tone).toBe('error');
    expect(r.message.text).toBe(
      'Lot ESP-NOT-IN-ODOO of Espresso Beans 1 kg is not in Odoo, and WH/OUT/00001 can only ship lot numbers Odoo has. ' +
        'Check the lot number on the item and scan it again, or ask the shift lead. Scan the lot number of Espresso Beans 1 kg.',
    );
    expect(r.state.nextAction).toBe('Scan the lot number of Espresso Beans 1 kg');
    r = await scan('FOOD-ESP-1K-L2503');
    expect(r.message.tone).toBe('success');
    // A GS1 code with an unknown lot: refused whole, the unit not counted.
    r = await scan(`(01)${gtin(espresso)}(10)ESP-NOT-IN-ODOO`);
    expect(r.message.tone).toBe('error');
    expect(lineOf(r, espresso).packed).toBe(1);
    await scan(`(01)${gtin(espresso)}(10)FOOD-ESP-1K-L2503`);
    await scan(`(01)${gtin(espresso)}(10)FOOD-ESP-1K-L2503`);
    // Serials: one Odoo does not have, then the two it has.
    r = await scan(`(01)${gtin(speaker)}(21)SN-UNKNOWN`);
    expect(r.message.text).toMatch(/^Serial number SN-UNKNOWN of Bluetooth Speaker is not in Odoo/);
    await scan(`(01)${gtin(speaker)}(21)ELEC-SPK-01-L2503`);
    r = await scan(`(01)${gtin(speaker)}(21)SPK-RES-2`);
    expect(r.state.step).toBe('weighing');

    station.pack.weighed(expectedParcelWeight(station));
    await untilDone();
    expect(odoo.state.all('stock.picking').find((p) => p.name === ORDER)!.state).toBe('done');
    expect(shippedLots()).toEqual({ 'FOOD-ESP-1K-L2503': 3, 'ELEC-SPK-01-L2503': 1, 'SPK-RES-2': 1 });
    expect(odoo.state.all('stock.lot').length).toBe(lotsBefore);
  });

  it('where only lots Odoo has may ship, a lot scanned while Odoo was unreachable is checked at dispatch: held, nothing written', async () => {
    existingLotsOnly();
    await start();
    station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
    await scan('P-1');
    await scan(ORDER);
    odoo.setOffline(true);
    const r = await scan(`(01)${gtin(espresso)}(10)ESP-OFFLINE`);
    expect(r.message.tone).toBe('warning');
    expect(r.message.text).toMatch(/Odoo could not be asked whether it has lot number ESP-OFFLINE: it is checked when the order is sent\.$/);
    await scan(`(01)${gtin(espresso)}(10)ESP-OFFLINE`);
    await scan(`(01)${gtin(espresso)}(10)ESP-OFFLINE`);
    await scan(`(01)${gtin(speaker)}(21)ELEC-SPK-01-L2503`);
    await scan(`(01)${gtin(speaker)}(21)SPK-RES-2`);
    odoo.setOffline(false);
    const lotsBefore = odoo.state.all('stock.lot').length;
    station.pack.weighed(expectedParcelWeight(station));
    const held = await waitForEvent(station.events, 'queue', (q) => q.openExceptions > 0, 20_000, 'an exception');
    expect(held.openExceptions).toBe(1);
    const [exception] = station.exceptions.list('open');
    expect(exception!.title).toBe(
      'WH/OUT/00001 can only ship lots and serial numbers Odoo has, and these are not in Odoo: ESP-OFFLINE ([FOOD-ESP-1K] Espresso Beans 1 kg). ' +
        'The shift lead creates them in Odoo (or corrects the order), then retries.',
    );
    const picking = odoo.state.all('stock.picking').find((p) => p.name === ORDER)!;
    expect(picking.state).toBe('assigned');
    expect(picking.carrier_tracking_ref).toBe(false);
    expect(odoo.state.all('stock.lot').length).toBe(lotsBefore);
  });

  it('keeps the question for the lot across a restart between the item and its lot', async () => {
    await start();
    station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
    await scan('P-1');
    await scan(ORDER);
    const asked = await scan(String(espresso.barcode));
    expect(asked.state.nextAction).toBe('Scan the lot number of Espresso Beans 1 kg');

    await stop();
    await start();

    const state = (await dispatch(station.handlers, 'getState', {})) as { ok: true; value: StationState };
    expect(state.value.step).toBe('packing');
    expect(state.value.nextAction).toBe('Scan the lot number of Espresso Beans 1 kg');
    expect(state.value.order!.lines.find((l) => l.name === espresso.name)).toMatchObject({ packed: 1, lots: [] });

    const answered = await scan('ESP-AFTER-RESTART');
    expect(answered.message.text).toBe('Lot ESP-AFTER-RESTART for Espresso Beans 1 kg. Scan each item: 4 left.');
    expect(lineOf(answered, espresso).lots).toEqual([{ name: 'ESP-AFTER-RESTART', quantity: 1 }]);
    expect(stationDb(station).prepare('SELECT lot_name FROM packed_lots').all()).toEqual([{ lot_name: 'ESP-AFTER-RESTART' }]);
  });

  it('the sandbox takes a lot by name (an existing one or a new one) and still refuses a line with none', async () => {
    const { transport } = await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey });
    const picking = odoo.state.all('stock.picking').find((p) => p.name === ORDER)!;
    const lines = odoo.state.all('stock.move.line').filter((l) => l.picking_id === picking.id);
    const [beans] = lines.filter((l) => l.product_id === espresso.id);
    const serials = lines.filter((l) => l.product_id === speaker.id);
    const packed = (qty: number) => (version === 16 ? { qty_done: qty } : { quantity: qty, picked: true });
    const validate = () => transport.call('stock.picking', 'button_validate', { ids: [picking.id], context: { skip_backorder: true } });

    await transport.call('stock.move.line', 'write', { ids: [beans!.id], vals: { ...packed(3), lot_id: false, lot_name: false } });
    await transport.call('stock.move.line', 'write', { ids: serials.map((l) => l.id), vals: packed(1) });
    const refused = await validate().then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(OdooError);
    expect((refused as OdooError).message).toContain('You need to supply a Lot/Serial number for products:\n - [FOOD-ESP-1K] Espresso Beans 1 kg');
    expect(odoo.state.get('stock.picking', picking.id)!.state).toBe('assigned');

    const lotsBefore = odoo.state.all('stock.lot').length;
    await transport.call('stock.move.line', 'write', { ids: [beans!.id], vals: { lot_name: 'FOOD-ESP-1K-L2503' } });
    await transport.call('stock.move.line', 'write', { ids: [serials[0]!.id], vals: { lot_id: false, lot_name: 'SN-NEW-1' } });
    await validate();
    expect(odoo.state.get('stock.picking', picking.id)!.state).toBe('done');
    expect(shippedLots()).toEqual({ 'FOOD-ESP-1K-L2503': 3, 'SN-NEW-1': 1, 'SPK-RES-2': 1 });
    // The existing lot was found by name; only the new serial became a stock.lot.
    expect(odoo.state.all('stock.lot').length).toBe(lotsBefore + 1);
  });

  it('the sandbox, like Odoo, takes a lot by name only where the operation type creates lots', async () => {
    existingLotsOnly();
    const { transport } = await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey });
    const picking = odoo.state.all('stock.picking').find((p) => p.name === ORDER)!;
    const lines = odoo.state.all('stock.move.line').filter((l) => l.picking_id === picking.id);
    const [beans] = lines.filter((l) => l.product_id === espresso.id);
    const packed = (qty: number) => (version === 16 ? { qty_done: qty } : { quantity: qty, picked: true });
    const validate = () => transport.call('stock.picking', 'button_validate', { ids: [picking.id], context: { skip_backorder: true } });
    for (const l of lines) await transport.call('stock.move.line', 'write', { ids: [l.id], vals: packed(Number(version === 16 ? l.reserved_uom_qty : l.quantity)) });
    // Even a name Odoo has counts for nothing here: only lot_id does.
    await transport.call('stock.move.line', 'write', { ids: [beans!.id], vals: { lot_id: false, lot_name: 'FOOD-ESP-1K-L2503' } });
    const refused = await validate().then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(OdooError);
    expect((refused as OdooError).message).toContain('You need to supply a Lot/Serial number for products:\n - [FOOD-ESP-1K] Espresso Beans 1 kg');
    const lot = odoo.state.all('stock.lot').find((l) => l.name === 'FOOD-ESP-1K-L2503')!;
    await transport.call('stock.move.line', 'write', { ids: [beans!.id], vals: { lot_id: lot.id } });
    await validate();
    expect(odoo.state.get('stock.picking', picking.id)!.state).toBe('done');
  });

  it('with item verification off, ships the lots Odoo reserved', async () => {
    await start({ packing: { verifyItems: false } });
    station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
    await scan('P-1');
    const opened = await scan(ORDER);
    expect(opened.state.step).toBe('weighing');
    // The screen shows the lots that will ship: those Odoo reserved, per line.
    expect(lineOf(opened, espresso).reserved).toEqual([{ name: 'FOOD-ESP-1K-L2503', quantity: 3 }]);
    expect(lineOf(opened, speaker).reserved).toEqual([
      { name: 'ELEC-SPK-01-L2503', quantity: 1 },
      { name: 'SPK-RES-2', quantity: 1 },
    ]);
    station.pack.weighed(expectedParcelWeight(station));
    await untilDone();
    const payload = JSON.parse(
      (stationDb(station).prepare('SELECT payload FROM outbox WHERE kind = ?').get(ODOO_DISPATCH) as { payload: string }).payload,
    ) as DispatchPayload;
    expect(payload.lines.every((l) => l.lots === undefined)).toBe(true);
    expect(shippedLots()).toEqual({ 'FOOD-ESP-1K-L2503': 3, 'ELEC-SPK-01-L2503': 1, 'SPK-RES-2': 1 });
  });
});

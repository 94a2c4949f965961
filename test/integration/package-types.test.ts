// Package types end to end, through real SQLite and the sandbox Odoo over HTTP: stock.package.type
// as Odoo 16–19 have it, its local copy (by barcode, the default, offline, retired types), and a
// box scanned while packing: its empty weight is the tare at the weight gate, its size goes on the
// shipment, a parcel over its limit is held, Odoo's package gets its type, a restart keeps it.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScanReply } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { systemClock } from '../../electron/core/clock';
import { connectOdoo } from '../../electron/core/odoo/connect';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { readPackageTypes } from '../../electron/core/odoo/package-types';
import { scopedOdooTransport, type OdooScope } from '../../electron/core/odoo/pickings';
import { Prefetcher } from '../../electron/core/odoo/prefetch';
import { createStation, type Station } from '../../electron/core/station';
import { openDatabase, type Db } from '../../electron/core/store/db';
import { OrderCache } from '../../electron/core/store/order-cache';
import { PackageTypeStore } from '../../electron/core/store/package-types';
import { ShipmentRequest } from '../../shared/shipment';
import { startSandboxOdoo, type SandboxOdoo, type SandboxVersion } from '../../electron/sandbox/odoo/server';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { dispatchRig } from '../support/dispatch-rig';
import { tempDir } from '../support/temp-dir';
import { waitForEvent } from '../support/wait';
import { leadPin } from '../support/approval';
import { stationDb } from '../support/station-db';

const apiKey = randomBytes(16).toString('hex');
let dir: ReturnType<typeof tempDir>;
let odoo: SandboxOdoo;

afterEach(async () => {
  await odoo.close();
  dir.remove();
});

const BOX_M = {
  typeId: 2,
  name: 'Box M',
  barcode: 'PT-BOX-M',
  dimsMm: { l: 400, w: 300, h: 200 },
  baseWeightG: 350,
  maxWeightG: 15_000,
  carrierType: 'none',
  sequence: 2,
  companyId: null,
};

describe.each([16, 17, 18, 19] as SandboxVersion[])('Odoo %i: stock.package.type', (version) => {
  beforeEach(async () => {
    dir = tempDir();
    odoo = await startSandboxOdoo({ port: 0, apiKey, seed: 20, version });
  });

  it('is read whole and mapped to grams and millimetres; the package model takes its id', async () => {
    const { transport, dialect } = await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey });
    const fields = (await transport.call('stock.package.type', 'fields_get', {})) as Record<string, { type: string }>;
    // 16 keeps the dimensions as integers; floats since 17. 19 moved package_use onto the type.
    expect(fields.packaging_length!.type).toBe(version === 16 ? 'integer' : 'float');
    expect('package_use' in fields).toBe(version >= 19);

    const read = await readPackageTypes(transport);
    expect(read.skipped).toEqual([]);
    expect(read.types.map((t) => [t.name, t.barcode])).toEqual([
      ['Box S', 'PT-BOX-S'],
      ['Box M', 'PT-BOX-M'],
      ['Box L', 'PT-BOX-L'],
      ['Mailer bag', 'PT-MAILER'],
    ]);
    expect(read.types[1]).toEqual(BOX_M);

    const created = await transport.call(dialect.packageModel, 'create', { vals_list: [{ name: 'PB-TEST-1', package_type_id: 2 }] });
    const [pkg] = (await transport.call(dialect.packageModel, 'read', { ids: created as number[], fields: ['package_type_id'] })) as {
      package_type_id: unknown;
    }[];
    expect(pkg!.package_type_id).toEqual([2, 'Box M']);
  });

  it('write-back sets package_type_id on the package it creates (and none when no box was scanned)', async () => {
    const rig = await dispatchRig(odoo);
    try {
      const untracked = odoo.state
        .all('stock.picking')
        .filter((p) => odoo.state.all('stock.move').every((m) => m.picking_id !== p.id || odoo.state.get('product.product', Number(m.product_id))!.tracking === 'none'));
      const [boxed, plain] = [await rig.cache(String(untracked[0]!.name)), await rig.cache(String(untracked[1]!.name))];
      rig.queue(boxed, { packageTypeId: 3 });
      rig.queue(plain);
      await rig.drain();
      expect(rig.exceptions.list('open')).toEqual([]);
      const packages = odoo.state.all(dialect(version));
      const of = (trackingRef: string) => packages.find((p) => p.name === trackingRef)!;
      expect(of(rig.dispatched.find((d) => d.pickingId === boxed.pickingId)!.trackingRef).package_type_id).toBe(3);
      expect(of(rig.dispatched.find((d) => d.pickingId === plain.pickingId)!.trackingRef).package_type_id ?? false).toBe(false);
    } finally {
      rig.close();
    }
  });
});

const dialect = (version: SandboxVersion) => (version >= 19 ? 'stock.package' : 'stock.quant.package');

describe('the local copy', () => {
  let db: Db;
  let store: PackageTypeStore;
  let rpc: JsonRpcTransport;
  let scope: OdooScope;
  const binding = () => ({ url: odoo.url, db: odoo.db });
  const prefetcher = (refreshEveryMs = 60 * 60_000) =>
    new Prefetcher({
      transport: scopedOdooTransport(rpc, () => scope),
      binding: binding(),
      cache: new OrderCache(db, systemClock),
      packageTypes: store,
      clock: systemClock,
      scope: () => scope,
      refreshEveryMs,
    });

  beforeEach(async () => {
    dir = tempDir();
    odoo = await startSandboxOdoo({ port: 0, apiKey, seed: 8 });
    rpc = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey });
    db = openDatabase(dir.file('station.sqlite'));
    store = new PackageTypeStore(db, systemClock);
    scope = { companyId: null, warehouseId: null, pickingTypeIds: [] };
  });
  afterEach(() => db.close());

  it('is filled by the prefetch, found by barcode and default, offline too; incremental runs do not ask again', async () => {
    const p = prefetcher();
    expect(await p.runOnce()).toMatchObject({ full: true, packageTypes: 4 });
    expect(odoo.rpcLog.filter((e) => e.model === 'stock.package.type')).toHaveLength(1);

    odoo.rpcLog.length = 0;
    expect((await p.runOnce()).packageTypes).toBeUndefined();
    expect(odoo.rpcLog.filter((e) => e.model === 'stock.package.type')).toEqual([]);

    odoo.setOffline(true);
    expect(store.byBarcode('PT-BOX-M', binding())).toEqual(BOX_M);
    expect(store.byBarcode(' PT-BOX-M ', binding())).toEqual(BOX_M);
    expect(store.byBarcode('4006381333931', binding())).toBeNull();
    expect(store.byBarcode('PT-BOX-M', { url: 'https://other.example', db: odoo.db })).toBeNull();
    // Odoo's default is the first in the sequence.
    expect(store.defaultType(binding())).toMatchObject({ name: 'Box S', baseWeightG: 180, maxWeightG: 5000 });
    expect(store.list(binding()).map((t) => t.typeId)).toEqual([1, 2, 3, 4]);
  });

  it('follows Odoo on a full pull: a type gone is retired (kept by id), a new default, a changed size', async () => {
    await prefetcher().runOnce();
    odoo.state.remove('stock.package.type', 4);
    odoo.state.update('stock.package.type', 1, { sequence: 10 });
    odoo.state.update('stock.package.type', 2, { packaging_length: 0, base_weight: 0.4 });
    // The periodic full pull (here: every run) reads them again.
    expect(await prefetcher(0).runOnce()).toMatchObject({ full: true, packageTypes: 3 });

    expect(store.byBarcode('PT-MAILER', binding())).toBeNull();
    expect(store.byId(4, binding())).toMatchObject({ name: 'Mailer bag', baseWeightG: 30 });
    expect(store.defaultType(binding())).toMatchObject({ name: 'Box M' });
    // Without all three dimensions there is no size to declare.
    expect(store.byBarcode('PT-BOX-M', binding())).toMatchObject({ dimsMm: null, baseWeightG: 400 });
  });

  it('keeps to the bench company: another company’s box types are not seen', async () => {
    const other = odoo.state.insert('res.company', { name: 'Packbench Süd GmbH', partner_id: 1 });
    odoo.state.insert('stock.package.type', { name: 'Wien Karton', sequence: 5, barcode: 'PT-VIE', packaging_length: 300, width: 300, height: 300, base_weight: 0.25, max_weight: 10, company_id: other, package_carrier_type: 'none' });
    scope = { companyId: 1, warehouseId: null, pickingTypeIds: [] };
    expect(await prefetcher().runOnce()).toMatchObject({ packageTypes: 4 });
    expect(store.byBarcode('PT-VIE', binding())).toBeNull();

    scope = { companyId: other, warehouseId: null, pickingTypeIds: [] };
    await prefetcher().runOnce();
    // Shared types (no company) and the company's own.
    expect(store.byBarcode('PT-VIE', binding())).toMatchObject({ name: 'Wien Karton', companyId: other });
    expect(store.byBarcode('PT-BOX-S', binding())).toMatchObject({ name: 'Box S' });
  });
});

describe('packing with a package type', () => {
  let printer: PrinterSink;
  let station: Station;

  beforeEach(async () => {
    dir = tempDir();
    odoo = await startSandboxOdoo({ port: 0, apiKey, seed: 30 });
    printer = await startPrinterSink({ port: 0 });
    await open();
  });
  afterEach(async () => {
    await station.stop();
    await printer.close();
  });

  async function open(): Promise<void> {
    station = createStation({
      dataDir: dir.path,
      mode: 'training',
      identity: { scryptN: 1024 },
      log: () => {},
      odooApiKey: apiKey,
      overrides: { odoo: { url: odoo.url, db: odoo.db, login: odoo.login }, printer: { uri: printer.uri } },
    });
    if (!station.identities.findByBadge('P-1')) {
      station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
      station.identities.addStaff({ badge: 'L-1', name: 'Lena', role: 'lead', pin: '482913' });
    }
    await station.start();
  }

  async function scan(code: string): Promise<ScanReply> {
    const result = await dispatch(station.handlers, 'scan', { code });
    if (!result.ok) throw new Error(`scan ${code} failed: ${result.error.message}`);
    return result.value as ScanReply;
  }

  /** A ready delivery of untracked products that all have a weight, lighter than maxG; with its products' weight. */
  function lightOrder(maxG: number): { name: string; productsG: number } {
    for (const p of odoo.state.all('stock.picking')) {
      const moves = odoo.state.all('stock.move').filter((m) => m.picking_id === p.id);
      const products = moves.map((m) => odoo.state.get('product.product', Number(m.product_id))!);
      if (p.state !== 'assigned' || products.some((x) => x.tracking !== 'none' || !(Number(x.weight) > 0))) continue;
      const productsG = moves.reduce((g, m, i) => g + Math.round(Number(products[i]!.weight) * 1000) * Number(m.product_uom_qty), 0);
      if (productsG <= maxG) return { name: String(p.name), productsG };
    }
    throw new Error(`no ready delivery under ${maxG} g`);
  }

  /** Log in, wait for the package types, open the order and scan every item. */
  async function packItems(name: string): Promise<void> {
    await waitForEvent(station.events, 'state', (s) => s.cacheAge !== null, 15_000, 'first prefetch');
    await scan('P-1');
    const opened = await scan(name);
    expect(opened.state.step).toBe('packing');
    for (const line of opened.state.order!.lines) for (let i = 0; i < line.quantity; i++) await scan(line.barcode!);
    expect(station.pack.step()).toBe('weighing');
  }

  const openHolds = () => station.exceptions.list('open').filter((e) => e.kind === 'weight_variance');
  const shipmentRequest = () =>
    ShipmentRequest.parse(JSON.parse((stationDb(station).prepare('SELECT request FROM shipments ORDER BY id DESC LIMIT 1').get() as { request: string }).request));

  it('weighs against the box’s tare, puts its size on the shipment and its type on Odoo’s package', async () => {
    const order = lightOrder(2500);
    await packItems(order.name);
    // In a Box L (700 g empty) the parcel is 550 g over what the bench's 150 g tare expects: held.
    const inBoxL = order.productsG + 700;
    expect(station.pack.weighed(inBoxL)?.tone).toBe('error');
    expect(openHolds()[0]!.context).toMatchObject({ actualG: inBoxL, expectedG: order.productsG + 150, packageTypeId: null });

    const box = await scan('PT-BOX-L');
    expect(box.kind).toBe('package_type');
    expect(box.message.text).toBe(`Box L (600×400×400 mm, 0.700 kg empty, up to 30.000 kg) for ${order.name}. Put the parcel on the scale.`);
    expect(box.state.order?.box).toEqual({ name: 'Box L', dimsMm: { l: 600, w: 400, h: 400 }, maxWeightG: 30_000 });
    expect(station.pack.weighed(inBoxL)?.tone).toBe('success');
    expect(openHolds()).toEqual([]);
    expect(station.exceptions.list('resolved')[0]).toMatchObject({ kind: 'weight_variance', resolution: 'reweigh' });

    expect(shipmentRequest().parcels[0]).toMatchObject({ weightG: inBoxL, dimsMm: { l: 600, w: 400, h: 400 } });
    const done = await waitForEvent(station.events, 'state', (s) => s.step === 'done', 15_000, 'step done');
    const trackingRef = done.label!.trackingNumber!;
    const pkg = odoo.state.all('stock.quant.package').find((p) => p.name === trackingRef)!;
    expect(pkg).toMatchObject({ package_type_id: 3, shipping_weight: inBoxL / 1000 });
  });

  it('holds a parcel heavier than its box may carry, with a clear message, until it is in a bigger box', async () => {
    const order = lightOrder(4000);
    await waitForEvent(station.events, 'state', (s) => s.cacheAge !== null, 15_000, 'first prefetch');
    await scan('P-1');
    // No order open: a box barcode is not an order.
    expect((await scan('PT-MAILER')).message.text).toBe('Nothing matches "PT-MAILER". Check the barcode and scan it again.');
    const opened = await scan(order.name);
    const box = await scan('PT-MAILER');
    expect(box.message.text).toMatch(new RegExp(`^Mailer bag \\(350×250×30 mm, 0\\.030 kg empty, up to 1\\.000 kg\\) for ${order.name.replace('/', '\\/')}\\. Scan each item: \\d+ left\\.$`));
    expect(box.state.step).toBe('packing');
    for (const line of opened.state.order!.lines) for (let i = 0; i < line.quantity; i++) await scan(line.barcode!);

    const heavy = 1400;
    const held = station.pack.weighed(heavy)!;
    expect(held).toMatchObject({ tone: 'error' });
    expect(held.text).toBe(
      'The parcel weighs 1.400 kg, more than a Mailer bag may carry (1.000 kg). Use a bigger box and scan its barcode, or split the parcel, then weigh it again; or call the shift lead.',
    );
    expect(station.pack.step()).toBe('weighing');
    expect(openHolds()).toHaveLength(1);
    expect(openHolds()[0]).toMatchObject({
      title: `${order.name} weighs 1.400 kg, over the 1.000 kg a Mailer bag may carry.`,
      context: { actualG: heavy, maxWeightG: 1000, overG: 400, packageType: 'Mailer bag', packageTypeId: 4 },
    });
    const audit = stationDb(station).prepare(`SELECT data FROM audit_log WHERE action = 'pack.weight_held' ORDER BY id DESC LIMIT 1`).pluck().get() as string;
    expect(JSON.parse(audit)).toMatchObject({ actualG: heavy, maxWeightG: 1000, packageTypeId: 4 });

    await scan('PT-BOX-M');
    expect(station.pack.weighed(order.productsG + 350)?.tone).toBe('success');
    expect(openHolds()).toEqual([]);
    expect(station.pack.step()).toBe('labelling');
  });

  it('a lead may still ship an over-limit parcel, with a reason, through the same hold', async () => {
    const order = lightOrder(4000);
    await packItems(order.name);
    await scan('PT-MAILER');
    station.pack.weighed(1400);
    const [hold] = openHolds();
    const done = await dispatch(station.handlers, 'resolveException', {
      id: hold!.id,
      resolution: 'override',
      note: 'Reinforced mailer, carrier accepts it',
      approval: leadPin('482913'),
    });
    expect(done).toMatchObject({ ok: true, value: { state: 'resolved', resolution: 'override' } });
    expect(station.pack.step()).toBe('labelling');
    expect(shipmentRequest().parcels[0]).toMatchObject({ weightG: 1400, dimsMm: { l: 350, w: 250, h: 30 } });
  });

  it('keeps the box across a restart, and understands its barcode with Odoo offline', async () => {
    const order = lightOrder(2500);
    await packItems(order.name);
    odoo.setOffline(true);
    const box = await scan('PT-BOX-L');
    expect(box.kind).toBe('package_type');

    await station.stop();
    await open();
    expect(station.pack.step()).toBe('weighing');
    expect(station.pack.orderView()?.box?.name).toBe('Box L');
    // Box L's 700 g, not the bench's 150 g: this weight passes only in the box chosen before the restart.
    expect(station.pack.weighed(order.productsG + 700)?.tone).toBe('success');
    expect(shipmentRequest().parcels[0]!.dimsMm).toEqual({ l: 600, w: 400, h: 400 });
  });
});

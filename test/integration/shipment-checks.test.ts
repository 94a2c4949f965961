// The canonical shipment through the station: the bench's own checks stop a shipment a carrier
// would refuse before anything is bought (the sandbox carrier's purchase log is the witness), and
// a delivery of the second warehouse ships from that warehouse's own address, with its customs
// declaration when it leaves the EU, in a request the sandbox ShipEngine validates against its
// OpenAPI document.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandboxShipEngine, type SandboxShipEngine } from '../../electron/sandbox/carriers/shipengine';
import { startSandboxShippo, type SandboxShippo } from '../../electron/sandbox/carriers/shippo';
import { dispatch } from '../../shared/bridge';
import type { StationState } from '../../shared/api';
import { leadPin } from '../support/approval';
import { expectedParcelWeight } from '../support/expected-weight';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { withStationDb } from '../support/station-db';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

const KEY = 'TEST_checks_key';
let rig: SandboxRig | null = null;
let carrier: SandboxShipEngine | SandboxShippo | null = null;

afterEach(async () => {
  await rig?.close();
  await carrier?.close();
  rig = carrier = null;
});

async function shipEngineRig(seed: number, staff?: Parameters<typeof startSandboxRig>[0]['staff']): Promise<{ r: SandboxRig; se: SandboxShipEngine }> {
  const se = await startSandboxShipEngine({ apiKey: KEY });
  carrier = se;
  rig = await startSandboxRig({
    seed,
    mode: 'live',
    ...(staff ? { staff } : {}),
    tuning: {
      carrierApiKeys: { shipengine: KEY },
      carriers: { default: { provider: 'shipengine', service: 'sandbox_ground' }, shipengine: { baseUrl: carrier.url, carrierId: 'se-123456' } },
    },
  });
  return { r: rig, se };
}

async function shippoRig(seed: number): Promise<{ r: SandboxRig; sp: SandboxShippo }> {
  const sp = await startSandboxShippo({ apiKey: KEY });
  carrier = sp;
  rig = await startSandboxRig({
    seed,
    mode: 'live',
    tuning: { carrierApiKeys: { shippo: KEY }, carriers: { default: { provider: 'shippo', service: 'shippo_ground' }, shippo: { baseUrl: sp.url } } },
  });
  return { r: rig, sp };
}

async function pack(r: SandboxRig, name: string): Promise<void> {
  await r.scan('P-1');
  const opened = await r.scan(name);
  for (const code of unitScans(opened.state.order!.lines)) await r.scan(code);
  await r.untilStep('weighing');
  await r.scan('PT-BOX-S');
  r.scale.setWeight(expectedParcelWeight(r.station) + 30, { motionMs: 200 });
}

describe('shipment checks and the canonical request through the station', () => {
  it('an order to a postcode that is not valid for its country is a carrier rejection naming the field; nothing is bought', async () => {
    const { r, se } = await shipEngineRig(6);
    const [picking] = await r.readyPickings();
    // The customer's postcode loses a digit in Odoo (Italian postcodes have five).
    const partnerId = (r.odoo.state.get('stock.picking', picking!.id)!.partner_id as number);
    const partner = r.odoo.state.get('res.partner', partnerId)!;
    const country = r.odoo.state.get('res.country', partner.country_id as number)!;
    const bad = String(partner.zip).replace(/\s/g, '').slice(0, -1);
    await r.rpc.executeKw('res.partner', 'write', [[partnerId], { zip: bad }]);

    await pack(r, picking!.name);
    await waitForEvent(r.station.events, 'queue', (q) => q.openExceptions > 0, 15_000, 'an open exception');
    const [rejection] = r.station.exceptions.list('open');
    const message = `The postcode ${bad} is not valid for ${new Intl.DisplayNames(['en'], { type: 'region' }).of(String(country.code))} (${String(country.code)}): check the recipient's address`;
    expect(rejection).toMatchObject({
      kind: 'carrier_rejection',
      orderRef: picking!.name,
      context: { provider: 'shipengine', reason: 'address', field: 'recipient.postalCode', fields: [{ field: 'recipient.postalCode', message }], target: 'carrier:shipengine' },
    });
    expect(rejection!.title).toContain(picking!.name);
    expect(rejection!.title).toContain(message);
    // Not asked, not bought, not retried.
    expect(se.purchases).toEqual([]);
    const row = withStationDb(r.station, (db) => db.prepare(`SELECT state, attempts FROM outbox WHERE target = 'carrier:shipengine'`).get());
    expect(row).toEqual({ state: 'dead', attempts: 1 });
  });

  it('on a German bench the refused postcode is said in German, to the packer and in the lead’s list', async () => {
    const { r, se } = await shipEngineRig(6, [{ badge: 'L-1', name: 'Lena', role: 'lead', pin: '482913' }]);
    const set = await dispatch(r.station.handlers, 'updateSettings', { patch: { bench: { language: 'de' } }, approval: leadPin('482913') });
    expect(set.ok).toBe(true);
    const [picking] = await r.readyPickings();
    const partnerId = (r.odoo.state.get('stock.picking', picking!.id)!.partner_id as number);
    const partner = r.odoo.state.get('res.partner', partnerId)!;
    const code = String(r.odoo.state.get('res.country', partner.country_id as number)!.code);
    const bad = String(partner.zip).replace(/\s/g, '').slice(0, -1);
    await r.rpc.executeKw('res.partner', 'write', [[partnerId], { zip: bad }]);

    await pack(r, picking!.name);
    await waitForEvent(r.station.events, 'queue', (q) => q.openExceptions > 0, 15_000, 'an open exception');
    const [rejection] = r.station.exceptions.list('open');
    const country = `${new Intl.DisplayNames(['de'], { type: 'region' }).of(code)} (${code})`;
    expect(rejection!.title).toContain(`Die Postleitzahl ${bad} ist für ${country} ungültig: die Adresse des Empfängers prüfen`);
    // The outbox keeps its error in English; the packer reads the fault in German.
    expect(rejection!.context).toMatchObject({ fields: [{ field: 'recipient.postalCode', message: expect.stringMatching(/^The postcode /) }] });
    const state = await dispatch(r.station.handlers, 'getState', {});
    expect((state as { ok: true; value: StationState }).value.nextAction).toBe(
      `ShipEngine würde das Etikett für ${picking!.name} ablehnen: die Postleitzahl ist ungültig. Paket ins Regal stellen und nächsten Auftrag scannen; die Schichtleitung klärt das.`,
    );
    expect(se.purchases).toEqual([]);
  });

  it("a delivery of the Berlin warehouse ships from the Berlin warehouse's address, with customs for a customer outside the EU", async () => {
    const { r, se } = await shipEngineRig(12);
    // The first delivery of the second warehouse (its delivery type is 4).
    const pickings = r.odoo.state.all('stock.picking').filter((p) => p.state === 'assigned').sort((a, b) => a.id - b.id);
    const berlin = pickings.find((p) => p.picking_type_id === 4)!;
    const warehouse = r.odoo.state.get('stock.warehouse', 2)!;
    const address = r.odoo.state.get('res.partner', warehouse.partner_id as number)!;
    const company = r.odoo.state.get('res.partner', r.odoo.state.get('res.company', 1)!.partner_id as number)!;
    expect(address.city).not.toBe(company.city);
    const customer = r.odoo.state.get('res.partner', berlin.partner_id as number)!;
    const customerCountry = String(r.odoo.state.get('res.country', customer.country_id as number)!.code);

    await pack(r, String(berlin.name));
    const done = await r.untilStep('done', 20_000);
    expect(se.purchases).toHaveLength(1);
    expect(done.label).toMatchObject({ trackingNumber: se.purchases[0]!.trackingNumbers[0] });

    // The label the sandbox carrier drew (from the request it received) names the Berlin warehouse as sender.
    const printed = r.printer.jobs.map((j) => j.toString('latin1')).join('\n');
    expect(printed).toContain(String(address.street));
    expect(printed).not.toContain(String(company.street));

    // The request the bench committed: shipper from the warehouse, customs from the products in Odoo.
    const stored = withStationDb(r.station, (db) => db.prepare(`SELECT payload FROM outbox WHERE target = 'carrier:shipengine'`).get()) as { payload: string };
    const request = JSON.parse(stored.payload).request;
    expect(request.shipper).toMatchObject({ name: address.name, company: company.name, street1: address.street, city: address.city, postalCode: address.zip, phone: address.phone });
    expect(request.references).toEqual({ picking: berlin.name, saleOrder: berlin.origin });
    expect(request.parcels[0].packageType).toEqual({ name: 'Box S', code: null });
    expect(['CH', 'GB', 'US']).toContain(customerCountry);
    const moves = r.odoo.state.all('stock.move').filter((m) => m.picking_id === berlin.id);
    expect(request.customs.items).toHaveLength(moves.length);
    for (const move of moves) {
      const product = r.odoo.state.get('product.product', move.product_id as number)!;
      const origin = String(r.odoo.state.get('res.country', product.country_of_origin as number)!.code);
      expect(request.customs.items).toContainEqual(
        expect.objectContaining({ description: product.name, qty: move.product_uom_qty, hsCode: product.hs_code, originCountry: origin, unitValue: { amount: (product.lst_price as number).toFixed(2), currency: 'EUR' } }),
      );
    }
  });

  it('Shippo takes the customs declaration inline for a customer outside the EU (its contract checked by the sandbox); one purchase', async () => {
    const { r, sp } = await shippoRig(12);
    const outside = r.odoo.state
      .all('stock.picking')
      .filter((p) => p.state === 'assigned')
      .sort((a, b) => a.id - b.id)
      .find((p) => ['CH', 'GB', 'US'].includes(String(r.odoo.state.get('res.country', r.odoo.state.get('res.partner', p.partner_id as number)!.country_id as number)!.code)))!;
    await pack(r, String(outside.name));
    const done = await r.untilStep('done', 20_000);
    expect(sp.purchases).toHaveLength(1);
    expect(done.label).toMatchObject({ trackingNumber: sp.purchases[0]!.trackingNumbers[0] });
    expect(r.station.exceptions.list('open')).toEqual([]);
    const stored = withStationDb(r.station, (db) => db.prepare(`SELECT payload FROM outbox WHERE target = 'carrier:shippo'`).get()) as { payload: string };
    expect(JSON.parse(stored.payload).request.customs.items.length).toBeGreaterThan(0);
  });
});

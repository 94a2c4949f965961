// Labels from Odoo's own carrier connector (provider `odoo`), through the station against the
// sandbox Odoo over HTTP: its GLS carrier buys ZPL labels, its UPS carrier PDF labels, when the
// picking is validated. The bench validates once, prints the connector's labels (the barcode is the
// connector's number) and leaves Odoo with one package per parcel and no label attached twice. A
// connector that refuses the address becomes a rejection for the shift lead; nothing is printed.
// And for the API carriers, every parcel's label is attached in Odoo, not just the first.
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderView } from '../../shared/api';
import type { SettingsPatch } from '../../shared/settings';
import type { SandboxShipEngine } from '../../electron/sandbox/carriers/shipengine';
import { startSandboxShipEngine } from '../../electron/sandbox/carriers/shipengine';
import type { Rec } from '../../electron/sandbox/odoo/server';
import { decodeBarcodes, renderZplToPng } from '../support/label-decode';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { withStationDb } from '../support/station-db';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

const CONNECTORS: NonNullable<SettingsPatch['carriers']> = {
  byOdooCarrier: [
    { odooCarrier: 'GLS Business Parcel', provider: 'odoo', service: 'connector' },
    { odooCarrier: 'UPS Standard', provider: 'odoo', service: 'connector' },
  ],
};

let rig: SandboxRig<null> | null = null;
let shipengine: SandboxShipEngine | null = null;

afterEach(async () => {
  await rig?.close();
  await shipengine?.close();
  rig = shipengine = null;
});

async function startRig(carriers: NonNullable<SettingsPatch['carriers']>, carrierApiKeys?: { shipengine?: string }): Promise<SandboxRig<null>> {
  rig = await startSandboxRig({ seed: 40, scale: false, tuning: { carriers, syncDelays: { baseMs: 50, maxMs: 500 }, ...(carrierApiKeys ? { carrierApiKeys } : {}) } });
  return rig;
}

/** A ready delivery with Odoo carrier `carrier` (any when null), at least `units` units, its customer reachable by phone. */
function pickingWith(r: SandboxRig<null>, carrier: string | null, units: number): Rec {
  const state = r.odoo.state;
  const carrierId = carrier === null ? null : state.all('delivery.carrier').find((c) => c.name === carrier)!.id;
  const found = state.all('stock.picking').find((p) => {
    if (p.state !== 'assigned' || (carrierId !== null && p.carrier_id !== carrierId)) return false;
    const partner = state.get('res.partner', Number(p.partner_id))!;
    const qty = state.all('stock.move').filter((m) => m.picking_id === p.id).reduce((n, m) => n + Number(m.product_uom_qty), 0);
    return Boolean(partner.phone || partner.mobile) && qty >= units && (state.get('stock.picking.type', Number(p.picking_type_id))?.code === 'outgoing');
  });
  if (!found) throw new Error(`no ready delivery with ${carrier ?? 'any carrier'} and ${units}+ units`);
  return found;
}

/** The printer sink's jobs once it has `n` (every parcel's label is printed; the session is done at the first). */
async function printedJobs(r: SandboxRig<null>, n: number): Promise<Buffer[]> {
  for (const until = Date.now() + 20_000; r.printer.jobs.length < n && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 50));
  return r.printer.jobs;
}

const validations = (r: SandboxRig<null>) => r.odoo.rpcLog.filter((e) => e.model === 'stock.picking' && e.method === 'button_validate');

/**
 * Pack the order in `parcels` parcels through the station: the first parcels one unit each
 * (NEW-PARCEL), the last the rest; each weighed at what its items and box should weigh.
 */
async function pack(r: SandboxRig<null>, name: string, parcels = 1, beforeLastWeight: () => void = () => {}): Promise<void> {
  await r.scan('P-1');
  const opened = await r.scan(name);
  const lines: OrderView['lines'] = opened.state.order!.lines;
  const scans = unitScans(lines);
  const moves = lines.flatMap((l) => Array.from({ length: l.quantity - l.packed }, () => l.moveId));
  const unitWeight = new Map(
    withStationDb(r.station, (db) =>
      db
        .prepare(`SELECT l.move_id, l.unit_weight_g FROM order_lines l JOIN pack_sessions s ON s.order_id = l.order_id WHERE s.active = 1`)
        .all() as { move_id: number; unit_weight_g: number | null }[],
    ).map((x) => [x.move_id, x.unit_weight_g ?? 0]),
  );
  const tare = r.station.effectiveSettings().packing.boxTareG;
  const weightOf = (from: number, to: number) => Math.round(moves.slice(from, to).reduce((g, m) => g + unitWeight.get(m)!, 0)) + tare;
  for (let i = 0; i < parcels - 1; i++) {
    await r.scan(scans[i]!);
    await r.scan('*PB*NEW-PARCEL');
    expect(r.station.pack.weighed(weightOf(i, i + 1))?.text).toMatch(/closed/);
  }
  for (const code of scans.slice(parcels - 1)) await r.scan(code);
  expect(r.station.pack.step()).toBe('weighing');
  beforeLastWeight();
  r.station.pack.weighed(weightOf(parcels - 1, scans.length));
}

async function read<T>(r: SandboxRig<null>, model: string, domain: unknown[], fields: string[]): Promise<T[]> {
  return (await r.rpc.executeKw(model, 'search_read', [domain], { fields, order: 'id asc' })) as T[];
}

/** What Odoo holds for a picking: state, refs, packages (name, kg), label attachments, messages. */
async function odooSide(r: SandboxRig<null>, pickingId: number) {
  const [picking] = await read<{ state: string; carrier_tracking_ref: string | false }>(r, 'stock.picking', [['id', '=', pickingId]], ['state', 'carrier_tracking_ref']);
  const lines = await read<{ result_package_id: [number, string] | false }>(r, 'stock.move.line', [['picking_id', '=', pickingId]], ['result_package_id']);
  const packageIds = [...new Set(lines.flatMap((l) => (l.result_package_id ? [l.result_package_id[0]] : [])))];
  const packages = await read<{ name: string; shipping_weight: number }>(r, 'stock.quant.package', [['id', 'in', packageIds]], ['name', 'shipping_weight']);
  const attachments = await read<{ name: string }>(r, 'ir.attachment', [['res_model', '=', 'stock.picking'], ['res_id', '=', pickingId]], ['name']);
  const messages = await read<{ body: string }>(r, 'mail.message', [['model', '=', 'stock.picking'], ['res_id', '=', pickingId]], ['body']);
  return {
    state: picking!.state,
    refs: picking!.carrier_tracking_ref ? picking!.carrier_tracking_ref.split(',') : [],
    packages,
    linesWithoutPackage: lines.filter((l) => !l.result_package_id).length,
    attachments: attachments.map((a) => a.name).sort(),
    messages: messages.map((m) => m.body),
  };
}

describe("provider odoo: the label from Odoo's carrier connector", () => {
  it.each([1, 3])('%i parcel(s) with GLS (ZPL): one validation, the connector’s numbers printed, one package per parcel in Odoo', async (parcels) => {
    const r = await startRig(CONNECTORS);
    const picking = pickingWith(r, 'GLS Business Parcel', parcels);
    await pack(r, String(picking.name), parcels);
    const done = await r.untilStep('done', 30_000);

    const odoo = await odooSide(r, picking.id);
    expect(validations(r)).toHaveLength(1);
    expect(odoo.state).toBe('done');
    expect(odoo.refs).toHaveLength(parcels);
    for (const ref of odoo.refs) expect(ref).toMatch(/^GL\d{12}$/);
    expect(done.label?.trackingNumber).toBe(odoo.refs[0]);
    // The printed labels are the connector's: each decodes to its number, in parcel order.
    const jobs = await printedJobs(r, parcels);
    expect(jobs).toHaveLength(parcels);
    for (const [i, job] of jobs.entries()) {
      const zpl = job.toString('utf8');
      expect(await decodeBarcodes(await renderZplToPng(zpl))).toContainEqual({ format: 'Code128', text: odoo.refs[i] });
    }
    // One package per parcel with its weight, every line in one; the labels attached once, by the connector.
    expect(odoo.packages).toHaveLength(parcels);
    for (const p of odoo.packages) expect(p.shipping_weight).toBeGreaterThan(0);
    expect(odoo.linesWithoutPackage).toBe(0);
    expect(odoo.attachments).toEqual(odoo.refs.map((ref) => `LabelShipping-gls-${ref}.zpl`).sort());
    // The connector's message and the bench's own line (tracking marker, audit anchor).
    expect(odoo.messages.filter((b) => b.includes('Shipment created into GLS'))).toHaveLength(1);
    expect(odoo.messages.filter((b) => b.includes(`Tracking ${odoo.refs.join(', ')}`) && /Audit log entry \d+/.test(b))).toHaveLength(1);
  });

  it('UPS (PDF labels): the PDF is converted for the ZPL printer and its barcode still reads as the connector’s number', async () => {
    const r = await startRig(CONNECTORS);
    const picking = pickingWith(r, 'UPS Standard', 1);
    await pack(r, String(picking.name));
    await r.untilStep('done', 30_000);
    const odoo = await odooSide(r, picking.id);
    expect(validations(r)).toHaveLength(1);
    expect(odoo.refs).toEqual([expect.stringMatching(/^1Z\d{12}$/)]);
    expect(odoo.attachments).toEqual([`LabelShipping-ups-${odoo.refs[0]}.pdf`]);
    const zpl = r.printer.jobs[0]!.toString('utf8');
    expect(zpl).toMatch(/\^GFA/);
    expect(await decodeBarcodes(await renderZplToPng(zpl))).toContainEqual({ format: 'Code128', text: odoo.refs[0] });
  });

  it('Odoo unreachable when the label is asked for: an outage, retried, and validated once when Odoo is back', async () => {
    const r = await startRig(CONNECTORS);
    const picking = pickingWith(r, 'GLS Business Parcel', 1);
    await pack(r, String(picking.name), 1, () => r.odoo.setOffline(true));
    await waitForEvent(r.station.events, 'connectivity', (c) => c.targets.some((t) => t.target === 'carrier:odoo' && t.status === 'retrying'), 20_000, 'carrier:odoo retrying');
    expect(r.station.exceptions.list('open').filter((x) => x.kind === 'carrier_rejection')).toEqual([]);
    expect(validations(r)).toEqual([]);
    r.odoo.setOffline(false);
    const done = await r.untilStep('done', 30_000);
    expect(validations(r)).toHaveLength(1);
    expect(done.label?.trackingNumber).toBe(String(r.odoo.state.get('stock.picking', picking.id)!.carrier_tracking_ref));
  });

  // A missing phone: the bench cannot know what a connector needs (a bad postcode it finds itself,
  // test/integration/shipment-checks.test.ts), so the connector's UserError is what the lead reads.
  it("a connector's refusal (no phone for the recipient) goes to the shift lead in its words; the picking stays open, nothing prints", async () => {
    const r = await startRig(CONNECTORS);
    const picking = pickingWith(r, 'GLS Business Parcel', 1);
    await r.rpc.executeKw('res.partner', 'write', [[Number(picking.partner_id)], { phone: false, mobile: false }]);
    await pack(r, String(picking.name));
    await waitForEvent(r.station.events, 'queue', (q) => q.openExceptions > 0, 20_000, 'an open exception');

    const [rejection] = r.station.exceptions.list('open');
    expect(rejection).toMatchObject({ kind: 'carrier_rejection', orderRef: picking.name });
    expect(rejection!.title).toMatch(/the address is wrong \(recipient\.phone\)/);
    expect(rejection!.title).toContain("the recipient's phone number is missing");
    expect(rejection!.context).toMatchObject({ provider: 'odoo', reason: 'address', field: 'recipient.phone' });
    expect(validations(r)).toEqual([expect.objectContaining({ error: 'odoo.exceptions.UserError' })]);
    const odoo = await odooSide(r, picking.id);
    expect(odoo).toMatchObject({ state: 'assigned', refs: [], attachments: [] });
    expect(r.printer.jobs).toEqual([]);
  });
});

describe('API carriers: every parcel’s label attached in Odoo', () => {
  it('three parcels bought from ShipEngine: three attachments, one per parcel, named by its tracking number', async () => {
    shipengine = await startSandboxShipEngine({ apiKey: 'TEST_connector_suite' });
    const r = await startRig(
      { default: { provider: 'shipengine', service: 'sandbox_ground' }, shipengine: { baseUrl: shipengine.url, carrierId: 'se-123456' } },
      { shipengine: 'TEST_connector_suite' },
    );
    // A fixed-price carrier's order (or none): the label is the API carrier's.
    const picking = pickingWith(r, 'DPD Classic', 3);
    await pack(r, String(picking.name), 3);
    await r.untilStep('done', 30_000);

    expect(shipengine.purchases).toHaveLength(1);
    const bought = shipengine.purchases[0]!.trackingNumbers;
    expect(bought).toHaveLength(3);
    const odoo = await odooSide(r, picking.id);
    expect(odoo.refs).toEqual(bought);
    expect(odoo.attachments).toEqual(bought.map((ref) => `LabelShipping-shipengine-${ref}.zpl`).sort());
    expect(validations(r)).toHaveLength(1);
    // The bench's message carries all three.
    expect(odoo.messages.filter((b) => b.includes(`Tracking ${bought.join(', ')}, 3 labels attached`))).toHaveLength(1);
  });
});

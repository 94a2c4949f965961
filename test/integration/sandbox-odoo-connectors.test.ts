// The sandbox Odoo's carrier connectors, spoken to as the bench would (JSON-RPC on 17, JSON-2 on
// 19): validating a delivery whose carrier is set to "rate and ship" and that has no tracking ref
// yet buys its labels (a tracking ref per package, a LabelShipping attachment each, one message);
// a missing phone or a postcode wrong for the country is the connector's UserError and the picking
// stays as it was; a fixed-price carrier, or a picking with a ref already, ships nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectOdoo } from '../../electron/core/odoo/connect';
import type { OdooError } from '../../electron/core/odoo/errors';
import type { OdooTransport } from '../../electron/core/odoo/transport';
import { startSandboxOdoo, type Rec, type SandboxOdoo, type SandboxVersion } from '../../electron/sandbox/odoo/server';

const API_KEY = 'sandbox-connectors-key-0123456789';

describe.each([17, 19] as SandboxVersion[])('sandbox Odoo %i carrier connectors', (version) => {
  let odoo: SandboxOdoo;
  let t: OdooTransport;
  beforeEach(async () => {
    odoo = await startSandboxOdoo({ version, apiKey: API_KEY, seed: 40 });
    t = (await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: API_KEY })).transport;
  });
  afterEach(async () => odoo.close());

  const carrierId = (name: string) => odoo.state.all('delivery.carrier').find((c) => c.name === name)!.id;
  const phoneOf = (p: Rec) => {
    const partner = odoo.state.get('res.partner', Number(p.partner_id))!;
    return partner.phone || partner.mobile;
  };
  const ready = (carrier: string, withPhone: boolean) =>
    odoo.state.all('stock.picking').find((p) => p.state === 'assigned' && p.carrier_id === carrierId(carrier) && Boolean(phoneOf(p)) === withPhone)!;
  const attachmentsOf = (id: number) => odoo.state.all('ir.attachment').filter((a) => a.res_model === 'stock.picking' && a.res_id === id);
  const refused = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as OdooError);

  it('UPS (PDF): one label per package, refs joined by ",", a message with the attachments', async () => {
    const picking = ready('UPS Standard', true);
    const lines = odoo.state.all('stock.move.line').filter((l) => l.picking_id === picking.id);
    const model = version >= 19 ? 'stock.package' : 'stock.quant.package';
    const pkgs = (await t.call(model, 'create', { vals_list: [{ name: 'P-A', shipping_weight: 1.2 }, { name: 'P-B', shipping_weight: 0.8 }] })) as number[];
    // Every line into the first package, the last line into the second (if there are two).
    await t.call('stock.picking', 'write', {
      ids: [picking.id],
      vals: { move_line_ids: lines.map((l, i) => [1, l.id, { result_package_id: i === lines.length - 1 && lines.length > 1 ? pkgs[1] : pkgs[0] }]) },
    });
    await t.call('stock.picking', 'button_validate', { ids: [picking.id], context: { skip_backorder: true } });
    const after = odoo.state.get('stock.picking', picking.id)!;
    const refs = String(after.carrier_tracking_ref).split(',');
    expect(after.state).toBe('done');
    expect(refs).toHaveLength(lines.length > 1 ? 2 : 1);
    const files = attachmentsOf(picking.id);
    expect(files.map((a) => a.name).sort()).toEqual(refs.map((r) => `LabelShipping-ups-${r}.pdf`).sort());
    for (const f of files) expect(Buffer.from(String(f.datas), 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const [message] = odoo.state.all('mail.message').filter((m) => m.res_id === picking.id && m.model === 'stock.picking');
    expect(String(message!.body)).toContain(refs.join(','));
    expect([...(message!.attachment_ids as number[])].sort()).toEqual(files.map((f) => f.id).sort());
  });

  it('a missing phone and a postcode wrong for the country are UserErrors; nothing changes', async () => {
    const noPhone = ready('GLS Business Parcel', true);
    await t.call('res.partner', 'write', { ids: [Number(noPhone.partner_id)], vals: version >= 19 ? { phone: false } : { phone: false, mobile: false } });
    const before = JSON.stringify(odoo.state.all('stock.move.line').filter((l) => l.picking_id === noPhone.id));
    const error = await refused(t.call('stock.picking', 'button_validate', { ids: [noPhone.id], context: { skip_backorder: true } }));
    expect(error).toMatchObject({ kind: 'permanent', odooName: 'odoo.exceptions.UserError' });
    expect(error!.message).toMatch(/phone number is missing/);
    expect(odoo.state.get('stock.picking', noPhone.id)).toMatchObject({ state: 'assigned', carrier_tracking_ref: false });
    expect(JSON.stringify(odoo.state.all('stock.move.line').filter((l) => l.picking_id === noPhone.id))).toBe(before);

    const badZip = odoo.state.all('stock.picking').find((p) => p.state === 'assigned' && p.carrier_id === carrierId('GLS Business Parcel') && p.partner_id !== noPhone.partner_id && Boolean(phoneOf(p)))!;
    await t.call('res.partner', 'write', { ids: [Number(badZip.partner_id)], vals: { zip: 'ABC' } });
    const zipError = await refused(t.call('stock.picking', 'button_validate', { ids: [badZip.id], context: { skip_backorder: true } }));
    expect(zipError!.message).toMatch(/postcode "ABC" is not valid/);
    expect(attachmentsOf(badZip.id)).toEqual([]);
    expect(odoo.rpcLog.filter((e) => e.method === 'button_validate').map((e) => e.error)).toEqual(['odoo.exceptions.UserError', 'odoo.exceptions.UserError']);
  });

  it('a fixed-price carrier, or a picking with a tracking ref already, ships nothing on validation', async () => {
    const dpd = ready('DPD Classic', false);
    await t.call('stock.picking', 'button_validate', { ids: [dpd.id], context: { skip_backorder: true } });
    expect(odoo.state.get('stock.picking', dpd.id)).toMatchObject({ state: 'done', carrier_tracking_ref: false });
    const gls = ready('GLS Business Parcel', true);
    await t.call('stock.picking', 'write', { ids: [gls.id], vals: { carrier_tracking_ref: 'PB-OWN-1' } });
    await t.call('stock.picking', 'button_validate', { ids: [gls.id], context: { skip_backorder: true } });
    expect(odoo.state.get('stock.picking', gls.id)).toMatchObject({ state: 'done', carrier_tracking_ref: 'PB-OWN-1' });
    expect([...attachmentsOf(dpd.id), ...attachmentsOf(gls.id)]).toEqual([]);
  });
});

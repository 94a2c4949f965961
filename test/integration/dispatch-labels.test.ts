// Every parcel's label attached in Odoo, each found by name before it is made again: a dispatch of
// three parcels whose first attachment took effect before the bench lost the reply adds only the
// other two, and its one chatter message carries all three. Rows of older builds (one `label`)
// still attach their one label. Against the sandbox Odoo over JSON-RPC (17) and JSON-2 (19).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandboxOdoo, type Rec, type SandboxOdoo, type SandboxVersion } from '../../electron/sandbox/odoo/server';
import { dispatchRig, type DispatchRig } from '../support/dispatch-rig';

const API_KEY = 'dispatch-labels-key-0123456789';

describe.each([17, 19] as SandboxVersion[])('Odoo %i: one attachment per parcel', (version) => {
  let odoo: SandboxOdoo;
  let rig: DispatchRig;

  beforeEach(async () => {
    odoo = await startSandboxOdoo({ version, apiKey: API_KEY, seed: 30 });
    rig = await dispatchRig(odoo);
  });
  afterEach(async () => {
    rig.close();
    await odoo.close();
  });

  const untracked = (p: Rec) =>
    odoo.state.all('stock.move').every((m) => m.picking_id !== p.id || odoo.state.get('product.product', Number(m.product_id))!.tracking === 'none');
  const ready = () => odoo.state.all('stock.picking').filter((p) => p.state === 'assigned' && untracked(p));
  const attachmentsOf = (pickingId: number) => odoo.state.all('ir.attachment').filter((a) => a.res_model === 'stock.picking' && a.res_id === pickingId);
  const messagesOf = (pickingId: number) => odoo.state.all('mail.message').filter((m) => m.model === 'stock.picking' && m.res_id === pickingId);
  const zpl = (ref: string) => Buffer.from(`^XA^FO50,50^BCN,100^FD${ref}^FS^XZ`).toString('base64');

  it('replayed after the first of three attachments took effect: the other two are added, none twice, one message with all three', async () => {
    const [p] = ready();
    const order = await rig.cache(String(p!.name));
    const refs = ['1ZLABELS0001', '1ZLABELS0002', '1ZLABELS0003'];
    const lines = order.lines.map((l) => ({ moveId: l.moveId, quantity: l.quantity }));
    // Validated with the three refs, and the first parcel's label attached, before the reply was lost.
    odoo.state.update('stock.picking', p!.id, { state: 'done', carrier_tracking_ref: refs.join(',') });
    odoo.state.insert('ir.attachment', { name: `LabelShipping-local-${refs[0]}.zpl`, type: 'binary', datas: zpl(refs[0]!), mimetype: 'application/x-zpl', res_model: 'stock.picking', res_id: p!.id });
    const id = rig.queue(order, {
      trackingRef: refs[0]!,
      parcels: refs.map((ref, i) => ({ trackingRef: ref, weightG: 1000 + i, lines: i === 0 ? lines : [] })),
      labels: refs.map((ref, i) => ({ labelId: 10 + i, trackingRef: ref, format: 'ZPL', base64: zpl(ref) })),
    });
    await rig.drain();
    expect(rig.state(id)).toBe('done');

    const attached = attachmentsOf(p!.id);
    expect(attached.map((a) => a.name).sort()).toEqual(refs.map((ref) => `LabelShipping-local-${ref}.zpl`));
    expect(attached.find((a) => a.name === `LabelShipping-local-${refs[2]}.zpl`)?.datas).toBe(zpl(refs[2]!));
    const [message] = messagesOf(p!.id);
    expect(messagesOf(p!.id)).toHaveLength(1);
    expect(String(message!.body)).toContain(`Tracking ${refs.join(', ')}, 3 labels attached`);
    expect([...(message!.attachment_ids as number[])].sort()).toEqual(attached.map((a) => a.id).sort());

    // The reply of that run lost too: the lookup finds every step taken and writes nothing.
    rig.db.prepare(`UPDATE outbox SET state = 'in_flight' WHERE id = ?`).run(id);
    const before = odoo.rpcLog.length;
    await rig.worker.recover();
    expect(rig.state(id)).toBe('done');
    expect(odoo.rpcLog.slice(before).every((e) => ['read', 'search_count', 'authenticate'].includes(e.method))).toBe(true);
    expect(attachmentsOf(p!.id)).toHaveLength(3);
  });

  it('a row queued by an older build (one `label`) attaches that label, as before', async () => {
    const [p] = ready();
    const order = await rig.cache(String(p!.name));
    const id = rig.queue(order);
    await rig.drain();
    expect(rig.state(id)).toBe('done');
    const attached = attachmentsOf(p!.id);
    expect(attached).toHaveLength(1);
    expect(String(attached[0]!.name)).toBe(`LabelShipping-local-${String(odoo.state.get('stock.picking', p!.id)!.carrier_tracking_ref)}.zpl`);
  });
});

// The client contract: the same cases against the sandbox Odoo emulating 16, 17, 18 and 19, over
// the transport connectOdoo picks (JSON-RPC for 16–18, JSON-2 for 19). Includes one test per
// refusal each version makes: qty_done on 17+, stock.package on ≤18, mobile on 19, validation with
// no quantities, lot-tracked products without a lot (plus a done delivery validated again); the
// backorder wizard when the operation type asks; the production write-back (the outbox dispatch
// target, driven through the worker and through apply/lookup); the fields read as Odoo computes them (picking weight, package_ids on 17–18 only,
// mail.message.subtype_id, ir.attachment.file_size); and, last, a check that 19 was spoken to over
// JSON-2 only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOdoo, type OdooConnection } from '../../electron/core/odoo/connect';
import { OdooError } from '../../electron/core/odoo/errors';
import { findPickingByName } from '../../electron/core/odoo/pickings';
import type { OdooParams } from '../../electron/core/odoo/transport';
import { idsOf } from '../../electron/core/odoo/versions';
import { startSandboxOdoo, type Rec, type SandboxOdoo, type SandboxVersion } from '../../electron/sandbox/odoo/server';
import { dispatchRig } from '../support/dispatch-rig';
import { createTranslator, sayIn } from '../../electron/core/i18n/translator';

const API_KEY = 'contract-key-0123456789';
const READ_ONLY_KEY = 'contract-viewer-key-42';
const BASE = Date.UTC(2025, 5, 1, 8, 0, 0);

async function odooError(promise: Promise<unknown>): Promise<OdooError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OdooError);
  return error as OdooError;
}

describe.each([16, 17, 18, 19] as SandboxVersion[])('Odoo %i', (version) => {
  let odoo: SandboxOdoo;
  let odooConn: OdooConnection;
  let viewer: OdooConnection;
  const used = new Set<number>();
  const json2 = version >= 19;
  /** Paths the contract connection asked for, in order (the wire it really spoke). */
  const paths: string[] = [];
  const recordingFetch = ((input: string | URL | Request, init?: RequestInit) => {
    paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
    return fetch(input, init);
  }) as typeof fetch;

  beforeAll(async () => {
    let tick = 0;
    odoo = await startSandboxOdoo({
      version,
      apiKey: API_KEY,
      seed: 40,
      users: [{ login: 'viewer', apiKey: READ_ONLY_KEY, access: 'read' }],
      // Every timestamp one second after the last, so write_date always moves.
      now: () => new Date(BASE + tick++ * 1000),
    });
    odooConn = await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: API_KEY, fetch: recordingFetch });
    viewer = await connectOdoo({ url: odoo.url, db: odoo.db, login: 'viewer', apiKey: READ_ONLY_KEY });
  });
  afterAll(async () => {
    await odoo.close();
  });

  const call = (model: string, method: string, params?: OdooParams) => odooConn.transport.call(model, method, params);
  const source = () => ({ url: odoo.url, db: odoo.db });
  const movesOf = (pickingId: number) => odoo.state.all('stock.move').filter((m) => m.picking_id === pickingId);
  const productOf = (move: Rec) => odoo.state.get('product.product', move.product_id as number)!;

  /** A ready delivery no other test has touched, optionally matching a condition. */
  function freshPicking(test: (p: Rec) => boolean = () => true): Rec {
    const p = odoo.state.all('stock.picking').find((r) => r.state === 'assigned' && !used.has(r.id) && test(r));
    if (!p) throw new Error('the seed has no such delivery left');
    used.add(p.id);
    return p;
  }
  const untracked = (p: Rec) => movesOf(p.id).every((m) => productOf(m).tracking === 'none');

  it('detects the version and speaks JSON-2 to 19, JSON-RPC before', async () => {
    expect(odooConn.version).toMatchObject({ major: version, minor: 0, saas: false });
    expect(odooConn.dialect.major).toBe(version);
    expect(odooConn.transport.protocol).toBe(json2 ? 'json-2' : 'json-rpc');
    const start = odoo.rpcLog.length;
    await call('stock.picking', 'search_count', { domain: [] });
    expect(odoo.rpcLog.slice(start).map((e) => e.transport)).toEqual(json2 ? ['json-2'] : ['json-rpc', 'json-rpc']);
    expect(odooConn.dialect.packageModel).toBe(json2 ? 'stock.package' : 'stock.quant.package');
  });

  it('maps a picking into the canonical Order; the phone comes from mobile where only that is set', async () => {
    const jurgen = odoo.state.all('res.partner').find((p) => p.name === 'Jürgen Müller')!;
    const p = freshPicking((r) => r.partner_id === jurgen.id);
    const order = (await findPickingByName(odooConn.transport, String(p.name), source()))!;
    expect(order).toMatchObject({
      pickingId: p.id,
      name: p.name,
      state: 'assigned',
      shipTo: { name: 'Jürgen Müller', city: 'Stuttgart', country: 'DE', phone: '+49 171 5550 123' },
      shipFrom: { name: 'Packbench Demo GmbH', country: 'DE' },
    });
    expect(order.lines.map((l) => l.moveId).sort()).toEqual(movesOf(p.id).map((m) => m.id).sort());
    expect(await findPickingByName(odooConn.transport, 'WH/OUT/99999', source())).toBeNull();
  });

  it('writes a packed delivery back with the version’s fields (the dispatch target), then sending it again writes nothing', async () => {
    const p = freshPicking(untracked);
    const rig = await dispatchRig(odoo, { transport: odooConn.transport });
    try {
      const order = (await findPickingByName(odooConn.transport, String(p.name), source()))!;
      const row = rig.row(order, { trackingRef: `TRK-${version}-1`, weightG: 2500, lines: order.lines.map((l) => ({ moveId: l.moveId, quantity: l.quantity })) });
      const start = odoo.rpcLog.length;
      expect(await rig.target.apply([row])).toEqual([{ status: 'done', result: { trackingRef: `TRK-${version}-1` } }]);
      const methods = odoo.rpcLog.slice(start).map((e) => `${e.model ?? ''}.${e.method}`);
      expect(methods).toContain('stock.picking.button_validate');
      // Quantities go in the picking's one write, as one2many commands on its move lines (or moves).
      expect(methods).toContain('stock.picking.write');
      expect(await call('stock.picking', 'read', { ids: [order.pickingId], fields: ['state', 'carrier_tracking_ref', 'shipping_weight'] })).toEqual([
        { id: order.pickingId, state: 'done', carrier_tracking_ref: `TRK-${version}-1`, shipping_weight: 2.5 },
      ]);
      // 16 records done quantities in qty_done; 17+ in quantity with picked.
      const fields = version === 16 ? ['quantity_done', 'state'] : ['quantity', 'picked', 'state'];
      const moves = (await call('stock.move', 'read', { ids: order.lines.map((l) => l.moveId), fields })) as Record<string, unknown>[];
      for (const line of order.lines) {
        const move = moves.find((m) => m.id === line.moveId)!;
        expect(move.state).toBe('done');
        expect(move[version === 16 ? 'quantity_done' : 'quantity']).toBe(line.quantity);
      }
      // The reply lost: the lookup finds every step done; sent again anyway, it only reads.
      expect(await rig.target.lookup(row)).toEqual({
        applied: true,
        result: { trackingRef: `TRK-${version}-1` },
        steps: { validated: true, labelAttached: true, messagePosted: true },
      });
      const again = odoo.rpcLog.length;
      expect(await rig.target.apply([row])).toEqual([{ status: 'done', result: { trackingRef: `TRK-${version}-1` } }]);
      expect(odoo.rpcLog.slice(again).filter((e) => !['read', 'search_read', 'search_count'].includes(e.method))).toEqual([]);
      expect(odoo.state.all('mail.message').filter((m) => m.model === 'stock.picking' && m.res_id === p.id && String(m.body).includes('Tracking'))).toHaveLength(1);
    } finally {
      rig.close();
    }
  });

  it('the production write-back (the outbox dispatch target) uses this version’s package model and quantity fields', async () => {
    const p = freshPicking(untracked);
    const rig = await dispatchRig(odoo);
    try {
      const order = await rig.cache(String(p.name));
      const id = rig.queue(order);
      const start = odoo.rpcLog.length;
      await rig.drain();
      expect(rig.state(id)).toBe('done');
      expect(rig.exceptions.list('open')).toEqual([]);
      const sent = odoo.rpcLog.slice(start);
      // Nothing refused on the way, all over the version's transport.
      expect(sent.filter((e) => e.error !== undefined)).toEqual([]);
      expect(new Set(sent.map((e) => e.transport))).toEqual(new Set([json2 ? 'json-2' : 'json-rpc']));
      const calls = sent.map((e) => `${e.model ?? e.service}.${e.method}`);
      expect(calls).toContain(`${odooConn.dialect.packageModel}.create`);
      expect(calls).toContain('stock.picking.button_validate');

      const payload = rig.dispatched[0]!;
      const after = odoo.state.get('stock.picking', p.id)!;
      expect(after).toMatchObject({ state: 'done', carrier_tracking_ref: payload.trackingRef });
      const lines = odoo.state.all('stock.move.line').filter((l) => l.picking_id === p.id);
      const [pkgId] = new Set(lines.map((l) => l.result_package_id));
      expect(odoo.state.get(json2 ? 'stock.package' : 'stock.quant.package', pkgId as number)).toMatchObject({ name: payload.trackingRef, shipping_weight: 1.25 });
      // 16 records done quantities in qty_done; 17+ in quantity with picked.
      const fields = version === 16 ? ['quantity_done', 'state'] : ['quantity', 'picked', 'state'];
      const moves = (await call('stock.move', 'read', { ids: order.lines.map((l) => l.moveId), fields })) as Record<string, unknown>[];
      for (const line of order.lines) {
        const move = moves.find((m) => m.id === line.moveId)!;
        expect(move).toMatchObject(version === 16 ? { quantity_done: line.quantity, state: 'done' } : { quantity: line.quantity, picked: true, state: 'done' });
      }
      const attachments = odoo.state.all('ir.attachment').filter((a) => a.res_model === 'stock.picking' && a.res_id === p.id);
      expect(attachments.map((a) => a.name)).toEqual([`LabelShipping-local-${payload.trackingRef}.zpl`]);
      const messages = odoo.state.all('mail.message').filter((m) => m.model === 'stock.picking' && m.res_id === p.id);
      expect(messages.map((m) => m.attachment_ids)).toEqual([[attachments[0]!.id]]);
    } finally {
      rig.close();
    }
  });

  it('returns the backorder wizard for a short pack; skip_backorder keeps a backorder', async () => {
    const shortable = (r: Rec) => untracked(r) && (movesOf(r.id)[0]?.product_uom_qty as number) > 1;
    const p = freshPicking(shortable);
    const order = (await findPickingByName(odooConn.transport, String(p.name), source()))!;
    const [first] = order.lines;
    const qty = first!.quantity - 1;
    await call('stock.move', 'write', { ids: [first!.moveId], vals: version === 16 ? { quantity_done: qty } : { quantity: qty, picked: true } });
    const action = await call('stock.picking', 'button_validate', { ids: [order.pickingId] });
    expect(action).toMatchObject({
      type: 'ir.actions.act_window',
      res_model: 'stock.backorder.confirmation',
      target: 'new',
      context: { button_validate_picking_ids: [order.pickingId], default_pick_ids: [[4, order.pickingId]] },
    });
    expect(await call('stock.picking', 'button_validate', { ids: [order.pickingId], context: { skip_backorder: true } })).toBe(true);
    const backorders = (await call('stock.picking', 'search_read', {
      domain: [['backorder_id', '=', order.pickingId]],
      fields: ['state', 'move_ids'],
    })) as { state: string; move_ids: number[] }[];
    expect(backorders).toEqual([{ id: expect.any(Number), state: 'assigned', move_ids: [expect.any(Number)] }]);
  });

  it('the dispatch target never leaves the backorder question open: a short pack is validated with the rest as a backorder', async () => {
    const shortable = (r: Rec) => untracked(r) && (movesOf(r.id)[0]?.product_uom_qty as number) > 1;
    const p = freshPicking(shortable);
    const rig = await dispatchRig(odoo, { transport: odooConn.transport });
    try {
      const order = await rig.cache(String(p.name));
      const [first, ...rest] = order.lines;
      const row = rig.row(order, {
        lines: [
          { moveId: first!.moveId, quantity: first!.quantity - 1, ordered: first!.quantity },
          ...rest.map((l) => ({ moveId: l.moveId, quantity: l.quantity, ordered: l.quantity })),
        ],
      });
      expect(await rig.target.apply([row])).toEqual([{ status: 'done', result: { trackingRef: row.payload.trackingRef } }]);
      expect(odoo.state.get('stock.picking', p.id)).toMatchObject({ state: 'done', carrier_tracking_ref: row.payload.trackingRef });
      const backorders = (await call('stock.picking', 'search_read', {
        domain: [['backorder_id', '=', order.pickingId]],
        fields: ['state', 'move_ids'],
      })) as { state: string; move_ids: number[] }[];
      expect(backorders).toEqual([{ id: expect.any(Number), state: 'assigned', move_ids: [expect.any(Number)] }]);
      const [message] = odoo.state.all('mail.message').filter((m) => m.model === 'stock.picking' && m.res_id === p.id && String(m.body).includes('Tracking'));
      expect(String(message!.body)).toContain('Not everything was packed: the rest stays as a backorder.');
    } finally {
      rig.close();
    }
  });

  it('the backorder question follows the operation type: ask returns the wizard; always and never decide without asking', async () => {
    const shortable = (r: Rec) => untracked(r) && (movesOf(r.id)[0]?.product_uom_qty as number) > 1;
    /** Pack one unit less of the first line than ordered, on a delivery of an operation type with this policy. */
    async function shortPack(policy: 'ask' | 'always' | 'never'): Promise<Rec> {
      const p = freshPicking(shortable);
      const { id: _id, ...type } = odoo.state.get('stock.picking.type', p.picking_type_id as number)!;
      const typeId = odoo.state.insert('stock.picking.type', { ...type, name: `Delivery Orders (${policy})`, create_backorder: policy });
      odoo.state.update('stock.picking', p.id, { picking_type_id: typeId });
      const [move] = movesOf(p.id);
      const qty = Number(move!.product_uom_qty) - 1;
      await call('stock.move', 'write', { ids: [move!.id], vals: version === 16 ? { quantity_done: qty } : { quantity: qty, picked: true } });
      return p;
    }
    const backordersOf = (p: Rec) => odoo.state.all('stock.picking').filter((b) => b.backorder_id === p.id);

    const ask = await shortPack('ask');
    expect(await call('stock.picking', 'button_validate', { ids: [ask.id] })).toMatchObject({
      type: 'ir.actions.act_window',
      res_model: 'stock.backorder.confirmation',
      context: { button_validate_picking_ids: [ask.id], default_pick_ids: [[4, ask.id]] },
    });
    expect(odoo.state.get('stock.picking', ask.id)!.state).toBe('assigned');

    // 'always' keeps a backorder even when told not to.
    const always = await shortPack('always');
    expect(await call('stock.picking', 'button_validate', { ids: [always.id], context: { picking_ids_not_to_backorder: [always.id] } })).toBe(true);
    expect(odoo.state.get('stock.picking', always.id)!.state).toBe('done');
    expect(backordersOf(always)).toHaveLength(1);

    const never = await shortPack('never');
    expect(await call('stock.picking', 'button_validate', { ids: [never.id] })).toBe(true);
    expect(odoo.state.get('stock.picking', never.id)!.state).toBe('done');
    expect(backordersOf(never)).toEqual([]);
  });

  it(`refusal: validating a done delivery again ${json2 ? 'is a no-op in 19' : 'is refused up to 18 (no quantities)'}`, async () => {
    const p = freshPicking(untracked);
    expect(await call('stock.picking', 'button_validate', { ids: [p.id], context: { skip_immediate: true } })).toBe(true);
    expect(odoo.state.get('stock.picking', p.id)!.state).toBe('done');
    const again = call('stock.picking', 'button_validate', { ids: [p.id], context: { skip_immediate: true } });
    if (json2) {
      expect(await again).toBe(true);
    } else {
      const error = await odooError(again);
      expect(error).toMatchObject({ kind: 'permanent', odooName: 'odoo.exceptions.UserError' });
      expect(error.message).toContain('You cannot validate a transfer if no quantities are reserved nor done');
    }
    expect(odoo.state.all('stock.picking').filter((b) => b.backorder_id === p.id)).toEqual([]);
  });

  it(`name_search takes its filter as "${version >= 19 ? 'domain' : 'args'}"; the other name is refused`, async () => {
    const param = odooConn.dialect.nameSearchDomainParam;
    const found = (await call('res.partner', 'name_search', { name: 'Hofer', [param]: [['is_company', '=', false]], limit: 5 })) as [number, string][];
    expect(found).toEqual([[expect.any(Number), expect.stringContaining('Lukas Hofer')]]);
    const other = param === 'domain' ? 'args' : 'domain';
    const error = await odooError(call('res.partner', 'name_search', { name: 'Hofer', [other]: [] }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain(`name_search() got an unexpected keyword argument '${other}'`);
    if (json2) expect(error.status).toBe(422);
    else expect(error.odooName).toBe('builtins.TypeError');
  });

  it(version === 16 ? 'asks the immediate-transfer question when nothing is done' : 'picks everything reserved when nothing is picked', async () => {
    const p = freshPicking(untracked);
    const reply = await call('stock.picking', 'button_validate', { ids: [p.id] });
    if (version === 16) {
      expect(reply).toMatchObject({ type: 'ir.actions.act_window', res_model: 'stock.immediate.transfer', target: 'new' });
      expect(odoo.state.get('stock.picking', p.id)!.state).toBe('assigned');
      expect(await call('stock.picking', 'button_validate', { ids: [p.id], context: { skip_immediate: true } })).toBe(true);
    } else {
      expect(reply).toBe(true);
    }
    expect(odoo.state.get('stock.picking', p.id)!.state).toBe('done');
  });

  it(`refusal: qty_done on stock.move.line is ${version === 16 ? 'the done quantity in 16' : 'gone since 17'}`, async () => {
    const p = freshPicking(untracked);
    const lineIds = (await call('stock.move.line', 'search', { domain: [['picking_id', '=', p.id]] })) as number[];
    const write = call('stock.move.line', 'write', { ids: lineIds, vals: { qty_done: 1 } });
    if (version === 16) {
      expect(await write).toBe(true);
      return;
    }
    const error = await odooError(write);
    expect(error).toMatchObject({ kind: 'permanent', odooName: 'builtins.ValueError' });
    expect(error.message).toContain("Invalid field 'qty_done' on model 'stock.move.line'");
    if (json2) expect(error.status).toBe(500);
  });

  it(`refusal: the package model is ${json2 ? 'stock.package (stock.quant.package is gone)' : 'stock.quant.package (no stock.package yet)'}`, async () => {
    const create = { vals_list: [{ name: 'PACK-1', shipping_weight: 1.5 }] };
    const ok = await call(odooConn.dialect.packageModel, 'create', create);
    expect(idsOf(ok)).toEqual([expect.any(Number)]);
    const other = json2 ? 'stock.quant.package' : 'stock.package';
    const error = await odooError(call(other, 'search_read', { domain: [], fields: ['name'] }));
    expect(error.kind).toBe('permanent');
    if (json2) {
      expect(error).toMatchObject({ status: 404, odooName: 'werkzeug.exceptions.NotFound' });
    } else {
      expect(error).toMatchObject({ odooName: 'odoo.exceptions.UserError' });
      expect(error.message).toContain(`Object ${other} doesn't exist`);
    }
    // Package levels exist up to 18 only.
    const levels = call('stock.picking', 'read', { ids: [1], fields: ['package_level_ids'] });
    if (json2) expect((await odooError(levels)).odooName).toBe('builtins.ValueError');
    else expect(await levels).toEqual([{ id: 1, package_level_ids: [] }]);
  });

  it(`refusal: res.partner.mobile ${json2 ? 'is gone in 19' : 'is readable up to 18'}`, async () => {
    const read = call('res.partner', 'search_read', { domain: [['name', '=', 'Lukas Hofer']], fields: ['phone', 'mobile'] });
    if (!json2) {
      expect(await read).toEqual([{ id: expect.any(Number), phone: false, mobile: '+43 664 555 0101' }]);
      return;
    }
    const error = await odooError(read);
    expect(error).toMatchObject({ kind: 'permanent', odooName: 'builtins.ValueError', status: 500 });
    expect(error.message).toContain("Invalid field 'mobile' on model 'res.partner'");
    // The upgrade moved the number into phone.
    expect(await call('res.partner', 'search_read', { domain: [['name', '=', 'Lukas Hofer']], fields: ['phone'] })).toEqual([
      { id: expect.any(Number), phone: '+43 664 555 0101' },
    ]);
  });

  it('refusal: validation with no quantities', async () => {
    const p = freshPicking(untracked);
    const lineIds = (await call('stock.move.line', 'search', { domain: [['picking_id', '=', p.id]] })) as number[];
    await call('stock.move.line', 'write', { ids: lineIds, vals: version === 16 ? { reserved_uom_qty: 0, qty_done: 0 } : { quantity: 0 } });
    const error = await odooError(call('stock.picking', 'button_validate', { ids: [p.id] }));
    expect(error).toMatchObject({ kind: 'permanent', odooName: 'odoo.exceptions.UserError' });
    expect(sayIn(createTranslator('en').t, error.packerSaid)).toMatch(/^Odoo refused this change: You cannot validate a transfer if no quantities/);
    if (json2) expect(error.status).toBe(422);
    expect(odoo.state.get('stock.picking', p.id)!.state).toBe('assigned');
  });

  it('refusal: a lot-tracked product without a lot', async () => {
    const p = freshPicking((r) => movesOf(r.id).some((m) => productOf(m).tracking === 'lot'));
    const move = movesOf(p.id).find((m) => productOf(m).tracking === 'lot')!;
    const lineIds = (await call('stock.move.line', 'search', { domain: [['move_id', '=', move.id]] })) as number[];
    await call('stock.move.line', 'write', { ids: lineIds, vals: { lot_id: false } });
    const before = (await call('stock.move.line', 'read', { ids: lineIds, fields: version === 16 ? ['qty_done'] : ['picked'] })) as Record<string, unknown>[];
    const error = await odooError(call('stock.picking', 'button_validate', { ids: [p.id], context: { skip_immediate: true } }));
    expect(error).toMatchObject({ kind: 'permanent', odooName: 'odoo.exceptions.UserError' });
    expect(error.message).toContain(`You need to supply a Lot/Serial number for products:\n - [${String(productOf(move).default_code)}]`);
    // Refused before anything changed: no auto-pick, no done quantities.
    expect(await call('stock.move.line', 'read', { ids: lineIds, fields: version === 16 ? ['qty_done'] : ['picked'] })).toEqual(before);
    expect(odoo.state.get('stock.picking', p.id)!.state).toBe('assigned');
    // With the lot back, the same delivery validates.
    await call('stock.move.line', 'write', { ids: lineIds, vals: { lot_id: move.product_id } });
    expect(await call('stock.picking', 'button_validate', { ids: [p.id], context: { skip_immediate: true } })).toBe(true);
  });

  it('bumps write_date on every write', async () => {
    const p = freshPicking();
    const read = async () => ((await call('stock.picking', 'read', { ids: [p.id], fields: ['write_date'] })) as { write_date: string }[])[0]!.write_date;
    const first = await read();
    await call('stock.picking', 'write', { ids: [p.id], vals: { carrier_tracking_ref: 'WD-1' } });
    const second = await read();
    await call('stock.picking', 'write', { ids: [p.id], vals: { carrier_tracking_ref: 'WD-2' } });
    const third = await read();
    expect(second > first && third > second).toBe(true);
    expect(third).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('a read-only key reads but may not write (AccessError → access, not retried)', async () => {
    const p = freshPicking(untracked);
    expect(await findPickingByName(viewer.transport, String(p.name), source())).toMatchObject({ pickingId: p.id });
    const start = odoo.rpcLog.length;
    const error = await odooError(viewer.transport.call('stock.picking', 'write', { ids: [p.id], vals: { carrier_tracking_ref: 'NOPE' } }));
    expect(error).toMatchObject({ kind: 'access', odooName: 'odoo.exceptions.AccessError', permanent: true, retryable: false });
    expect(error.message).toContain("You are not allowed to modify 'Transfer' (stock.picking) records");
    if (json2) expect(error.status).toBe(403);
    expect(odoo.rpcLog.slice(start).filter((e) => e.method === 'write')).toHaveLength(1);
    expect(odoo.state.get('stock.picking', p.id)!.carrier_tracking_ref).toBe(false);
  });

  it('a wrong key is an auth failure, sent once and never retried', async () => {
    const bad = await connectOdoo({
      url: odoo.url,
      db: odoo.db,
      login: odoo.login,
      apiKey: 'revoked-key',
      retry: { attempts: 5, baseDelayMs: 1 },
    });
    const start = odoo.rpcLog.length;
    const error = await odooError(bad.transport.call('stock.picking', 'search_count', { domain: [] }));
    expect(error).toMatchObject({ kind: 'auth', retryable: false, permanent: false });
    expect(sayIn(createTranslator('en').t, error.packerSaid)).toMatch(/refused the bench's login/);
    const sent = odoo.rpcLog.slice(start);
    // JSON-RPC: one authenticate answered false; JSON-2: one call answered 401.
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject(json2 ? { method: 'search_count', error: 'werkzeug.exceptions.Unauthorized' } : { method: 'authenticate' });
  });

  it('answers with the real error shapes', async () => {
    const jsonrpc = await fetch(`${odoo.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method: 'call',
        id: 9,
        params: { service: 'object', method: 'execute_kw', args: [odoo.db, 2, API_KEY, 'stock.picking', 'button_validate', [[99999]]] },
      }),
    });
    expect(jsonrpc.status).toBe(200);
    expect(await jsonrpc.json()).toMatchObject({
      jsonrpc: '2.0',
      id: 9,
      error: { message: 'Odoo Server Error', data: { name: 'odoo.exceptions.MissingError', arguments: [expect.any(String)], debug: expect.stringMatching(/^Traceback/) } },
    });
    const json2Route = await fetch(`${odoo.url}/json/2/stock.picking/search_count`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'bearer wrong', 'X-Odoo-Database': odoo.db },
      body: '{"domain":[]}',
    });
    if (!json2) {
      expect(json2Route.status).toBe(404);
      expect(json2Route.headers.get('content-type')).toMatch(/text\/html/);
      return;
    }
    expect(json2Route.status).toBe(401);
    expect(json2Route.headers.get('www-authenticate')).toBe('bearer');
    expect(await json2Route.json()).toMatchObject({ name: 'werkzeug.exceptions.Unauthorized', message: 'Invalid apikey', arguments: ['Invalid apikey'], context: {} });
    // ids on an @api.model method: 422.
    const withIds = await odooError(call('stock.picking', 'search_count', { ids: [1], domain: [] }));
    expect(withIds).toMatchObject({ kind: 'permanent', status: 422 });
  });

  it(`message_post returns ${json2 ? '[id]' : 'an int'}; both normalise to ids`, async () => {
    const p = freshPicking();
    const reply = await call('stock.picking', 'message_post', { ids: [p.id], body: 'Packed on bench 1', message_type: 'comment', subtype_xmlid: 'mail.mt_note' });
    expect(json2 ? Array.isArray(reply) : typeof reply === 'number').toBe(true);
    const [id] = idsOf(reply)!;
    expect(odoo.state.get('mail.message', id!)).toMatchObject({ res_id: p.id, body: 'Packed on bench 1' });
  });

  it('stock.picking.weight is the sum of its moves’ weights (product weight × quantity), as Odoo stores it', async () => {
    const p = freshPicking((r) => movesOf(r.id).length > 1);
    const moves = movesOf(p.id);
    const expected = moves.map((m) => Number(productOf(m).weight) * Number(m.product_uom_qty));
    const [picking] = (await call('stock.picking', 'read', { ids: [p.id], fields: ['weight'] })) as { weight: number }[];
    expect(picking!.weight).toBeCloseTo(expected.reduce((a, b) => a + b, 0), 6);
    expect(picking!.weight).toBeGreaterThan(0);
    const read = (await call('stock.move', 'read', { ids: moves.map((m) => m.id), fields: ['weight'] })) as { id: number; weight: number }[];
    for (const [i, m] of moves.entries()) expect(read.find((r) => r.id === m.id)!.weight).toBeCloseTo(expected[i]!, 6);
    // Stored in Odoo, so a domain can use it.
    const heavier = (await call('stock.picking', 'search', { domain: [['id', '=', p.id], ['weight', '>', 0]] })) as number[];
    expect(heavier).toEqual([p.id]);
  });

  const hasPackageIds = version === 17 || version === 18;
  it(`stock.picking.package_ids ${hasPackageIds ? 'lists the packages its move lines go into' : `is refused (not on ${version})`}`, async () => {
    const p = freshPicking(untracked);
    const read = call('stock.picking', 'read', { ids: [p.id], fields: ['package_ids'] });
    if (!hasPackageIds) {
      const error = await odooError(read);
      expect(error.odooName).toBe('builtins.ValueError');
      expect(error.message).toContain(`Invalid field 'package_ids' on model 'stock.picking'`);
      return;
    }
    expect(await read).toEqual([{ id: p.id, package_ids: [] }]);
    const [packageId] = idsOf(await call(odooConn.dialect.packageModel, 'create', { vals_list: [{ name: `PACK-${p.id}` }] }))!;
    const lines = odoo.state.all('stock.move.line').filter((l) => l.picking_id === p.id);
    await call('stock.move.line', 'write', { ids: lines.map((l) => l.id), vals: { result_package_id: packageId } });
    expect(await call('stock.picking', 'read', { ids: [p.id], fields: ['package_ids'] })).toEqual([{ id: p.id, package_ids: [packageId] }]);
  });

  it('mail.message has subtype_id (a mail.message.subtype), set from message_post’s subtype_xmlid; no subtype_xmlid field', async () => {
    const p = freshPicking();
    const [note] = idsOf(await call('stock.picking', 'message_post', { ids: [p.id], body: 'Packed', message_type: 'comment', subtype_xmlid: 'mail.mt_note' }))!;
    const [comment] = idsOf(await call('stock.picking', 'message_post', { ids: [p.id], body: 'Shipped', message_type: 'comment', subtype_xmlid: 'mail.mt_comment' }))!;
    const read = (await call('mail.message', 'read', { ids: [note!, comment!], fields: ['subtype_id'] })) as { id: number; subtype_id: [number, string] }[];
    const byId = new Map(read.map((r) => [r.id, r.subtype_id]));
    expect(byId.get(note!)).toEqual([expect.any(Number), 'Note']);
    expect(byId.get(comment!)).toEqual([expect.any(Number), 'Discussions']);
    const [subtype] = (await call('mail.message.subtype', 'read', { ids: [byId.get(note!)![0]], fields: ['name', 'internal'] })) as Record<string, unknown>[];
    expect(subtype).toMatchObject({ name: 'Note', internal: true });
    const gone = await odooError(call('mail.message', 'read', { ids: [note!], fields: ['subtype_xmlid'] }));
    expect(gone.odooName).toBe('builtins.ValueError');
  });

  it('ir.attachment.file_size is the stored file’s size in bytes (an integer)', async () => {
    const bytes = Buffer.from('^XA^FO50,50^FDPB0123456789^FS^XZ\n', 'latin1');
    const created = await call('ir.attachment', 'create', {
      vals_list: [{ name: 'LabelShipping-local-PB0123456789.zpl', type: 'binary', datas: bytes.toString('base64'), mimetype: 'text/plain', res_model: 'stock.picking', res_id: 1 }],
    });
    const [id] = idsOf(created)!;
    expect(await call('ir.attachment', 'read', { ids: [id!], fields: ['file_size'] })).toEqual([{ id, file_size: bytes.length }]);
  });

  // Runs last: every call the contract connection made above, on the wire.
  it(json2 ? 'spoke JSON-2 for every call of the suite (only the version probe went to /jsonrpc)' : 'spoke JSON-RPC for every call of the suite', () => {
    expect(paths[0]).toBe('/jsonrpc'); // common.version, which every version answers
    const rest = paths.slice(1);
    expect(rest.length).toBeGreaterThan(40);
    if (json2) {
      expect(rest.filter((path) => !/^\/json\/2\/[\w.]+\/\w+$/.test(path))).toEqual([]);
      // The sandbox served them as JSON-2 too: bearer key, no execute_kw.
      expect(odoo.rpcLog.filter((e) => e.transport === 'json-2').length).toBeGreaterThanOrEqual(rest.length);
    } else {
      expect(new Set(rest)).toEqual(new Set(['/jsonrpc']));
      expect(odoo.rpcLog.some((e) => e.transport === 'json-2')).toBe(false);
    }
  });
});

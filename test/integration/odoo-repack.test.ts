// A delivery re-addressed in Odoo while its parcel was being packed: the dispatch is refused as a
// conflict (never overwritten), and the shift lead's "repack" frees the order so the packer scans it
// again and gets a label for the new address, which then reaches Odoo. Real SQLite, pty scale, TCP
// printer and the sandbox Odoo over HTTP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../shared/bridge';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { unitScans } from '../support/unit-scans';
import { expectedParcelWeight } from '../support/expected-weight';
import { waitForEvent } from '../support/wait';
import { leadPin } from '../support/approval';
import { stationDb } from '../support/station-db';

let rig: SandboxRig;

beforeEach(async () => {
  rig = await startSandboxRig({ seed: 6 });
});

afterEach(() => rig.close());

describe('repack after an Odoo conflict', () => {
  it('a re-addressed delivery is held, repacked with a label for the new address, then shipped', async () => {
    const { odoo, scale, printer, station, rpc, scan, untilStep, readyPickings } = rig;
    const [picking] = await readyPickings();
    await scan('P-1');
    const opened = await scan(picking!.name);
    expect(opened.kind).toBe('order');

    // Someone changes the customer's street in Odoo while the packer works.
    const partnerId = (odoo.state.get('stock.picking', picking!.id)!.partner_id as number);
    odoo.state.update('res.partner', partnerId, { street: 'Corso Como 2', zip: '20154' });

    for (const code of unitScans(opened.state.order!.lines)) await scan(code);
    await untilStep('weighing');
    scale.setWeight(expectedParcelWeight(station) + 12, { motionMs: 300 });
    await printer.nextJob();

    // The dispatch is refused as a conflict: Odoo is not touched.
    await waitForEvent(station.events, 'queue', (q) => q.openExceptions > 0, 15_000, 'a conflict');
    const [conflict] = station.exceptions.list('open');
    expect(conflict).toMatchObject({ kind: 'odoo_conflict', orderRef: picking!.name, choices: ['retry', 'discard', 'repack'] });
    expect(conflict!.context).toMatchObject({ change: 'readdressed' });
    expect(odoo.state.get('stock.picking', picking!.id)).toMatchObject({ state: 'assigned', carrier_tracking_ref: false });

    const lead = station.identities.addStaff({ badge: 'L-1', name: 'Lena', role: 'lead', pin: '482913' });
    expect(lead).toBeTruthy();
    const resolved = await dispatch(station.handlers, 'resolveException', {
      id: conflict!.id,
      resolution: 'repack',
      note: 'customer moved',
      approval: leadPin('482913'),
    });
    expect(resolved.ok).toBe(true);
    expect(station.pack.step()).toBe('idle');
    expect(stationDb(station).prepare(`SELECT state FROM outbox WHERE id = ?`).get(conflict!.context.outboxId)).toEqual({ state: 'discarded' });

    // Scanned again: the order comes from Odoo as it is now, and the new label carries the new street.
    scale.setWeight(0);
    await waitForEvent(station.events, 'scale', (s) => s.stable && (s.grams ?? 1) === 0, 10_000);
    const again = await scan(picking!.name);
    expect(again.kind).toBe('order');
    for (const code of unitScans(again.state.order!.lines)) await scan(code);
    await untilStep('weighing');
    scale.setWeight(expectedParcelWeight(station) + 12, { motionMs: 300 });
    const zpl = (await printer.nextJob()).toString('utf8');
    expect(zpl).toContain('Corso Como 2');
    const done = await untilStep('done');
    const [after] = (await rpc.executeKw('stock.picking', 'read', [[picking!.id]], { fields: ['state', 'carrier_tracking_ref'] })) as {
      state: string;
      carrier_tracking_ref: string;
    }[];
    expect(after).toEqual({ id: picking!.id, state: 'done', carrier_tracking_ref: done.label!.trackingNumber });
    expect(station.exceptions.list('open')).toEqual([]);
  });
});

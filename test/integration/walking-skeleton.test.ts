// One order from scan to Odoo through real SQLite, a real pty serial port (socat + serialport),
// a real TCP printer socket and the sandbox Odoo over HTTP. The label bytes the printer received
// are rendered and decoded independently.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScanReply, StationState } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { decodeBarcodes, renderZplToPng } from '../support/label-decode';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { unitScans } from '../support/unit-scans';
import { expectedParcelWeight } from '../support/expected-weight';
import { waitForEvent } from '../support/wait';

let rig: SandboxRig;

beforeEach(async () => {
  rig = await startSandboxRig({ seed: 6 });
});

afterEach(() => rig.close());

describe('walking skeleton', () => {
  it('packs one order from scan to a printed, decodable label and a done picking in Odoo', async () => {
    const { scale, printer, station, rpc, scan, untilStep, readyPickings } = rig;
    const [picking] = await readyPickings();
    await scan('P-1');
    const opened = await scan(picking!.name);
    expect(opened.kind).toBe('order');
    expect(opened.state.step).toBe('packing');
    const lines = opened.state.order!.lines;

    for (const code of unitScans(lines)) {
      const reply = await scan(code);
      expect(reply.kind).toBe('product');
    }
    await untilStep('weighing');

    // The parcel goes on the scale: it swings, settles, and is captured by itself.
    const weight = expectedParcelWeight(station) + 12;
    scale.setWeight(weight, { motionMs: 500 });
    // Printed and dispatched race each other; either way the label is confirmed at the printer.
    const printed = await waitForEvent(station.events, 'state', (s) => s.label?.printState === 'confirmed', 15_000);
    const tracking = printed.label!.trackingNumber!;
    expect(tracking).toMatch(/^PB[0-9A-F]{10}$/);
    expect(printed.label!.weightG).toBe(weight);
    expect(printed.label!.printState).toBe('confirmed');

    // What the printer received decodes, by an independent renderer and reader, to the tracking number.
    const job = await printer.nextJob();
    const zpl = job.toString('utf8');
    expect(zpl.startsWith('^XA')).toBe(true);
    const codes = await decodeBarcodes(await renderZplToPng(zpl));
    expect(codes.map((c) => c.text)).toContain(tracking);

    // Odoo is told through the outbox: the picking is done with our tracking ref and weight.
    await untilStep('done');
    const [after] = (await rpc.executeKw('stock.picking', 'read', [[picking!.id]], {
      fields: ['state', 'carrier_tracking_ref', 'shipping_weight'],
    })) as { state: string; carrier_tracking_ref: string; shipping_weight: number }[];
    expect(after).toMatchObject({ state: 'done', carrier_tracking_ref: tracking });
    expect(after!.shipping_weight).toBeCloseTo(weight / 1000, 3);
    expect(printer.jobs).toHaveLength(1);
  });

  it('resumes the same order at the same step after a restart', async () => {
    const { scan, readyPickings } = rig;
    const pickings = await readyPickings();
    await scan('P-1');
    // Pick an order with more than one item so a restart can land in the middle of it.
    let opened: ScanReply | null = null;
    for (const p of pickings) {
      const reply = await scan(p.name);
      const items = reply.state.order!.lines.reduce((n, l) => n + l.quantity, 0);
      if (items > 1) {
        opened = reply;
        break;
      }
      await scan('*PB*CANCEL');
    }
    expect(opened).not.toBeNull();
    const first = opened!.state.order!.lines[0]!;
    await scan(first.barcode!);

    const station = await rig.restart();

    const state = (await dispatch(station.handlers, 'getState', {})) as { ok: true; value: StationState };
    expect(state.value.step).toBe('packing');
    expect(state.value.packer?.name).toBe('Pia');
    expect(state.value.order?.name).toBe(opened!.state.order!.name);
    expect(state.value.order?.lines.find((l) => l.moveId === first.moveId)?.packed).toBe(1);
  });

  it('says so when the scale is still moving, and captures nothing', async () => {
    const { scale, printer, station, scan, untilStep, readyPickings } = rig;
    const [picking] = await readyPickings();
    await scan('P-1');
    const opened = await scan(picking!.name);
    for (const code of unitScans(opened.state.order!.lines)) await scan(code);
    await untilStep('weighing');
    scale.setWeight(expectedParcelWeight(station), { motionMs: 60_000 });
    await waitForEvent(station.events, 'scale', (s) => s.status === 'motion');
    const reply = await scan('*PB*CLOSE-ORDER');
    expect(reply.message.text).toBe('The scale is still moving. Let the parcel settle, then scan again.');
    expect(reply.state.step).toBe('weighing');
    expect(printer.jobs).toHaveLength(0);
  });

  it('keeps packing from the local copy when Odoo is unreachable, and sends later', async () => {
    const { odoo, scale, station, scan, untilStep, readyPickings } = rig;
    const [picking] = await readyPickings();
    await scan('P-1');
    // Cache the order, then put it aside.
    await scan(picking!.name);
    await scan('*PB*CANCEL');
    odoo.setOffline(true);

    const unknown = await scan('WH/OUT/99999');
    expect(unknown.message.text).toMatch(/Odoo cannot be reached/);
    expect(unknown.message.text).toMatch(/not in the local copy/);

    const reopened = await scan(picking!.name);
    expect(reopened.message.tone).toBe('warning');
    expect(reopened.message.text).toMatch(/Odoo is offline: using the local copy/);
    for (const code of unitScans(reopened.state.order!.lines)) await scan(code);
    scale.setWeight(expectedParcelWeight(station), { motionMs: 300 });
    const printed = await untilStep('printed');
    expect(printed.label!.printState).toBe('confirmed');
    // The dispatch waits in the outbox, retrying; nothing is lost.
    await waitForEvent(station.events, 'queue', (q) => q.pending >= 1);
    odoo.setOffline(false);
    station.worker.kick();
    await untilStep('done', 60_000);
  });
  it('an order put aside at the scale does not steal the next order’s weight', async () => {
    const { scale, station, scan, untilStep, readyPickings } = rig;
    const [a, b] = await readyPickings();
    await scan('P-1');
    const first = await scan(a!.name);
    for (const code of unitScans(first.state.order!.lines)) await scan(code);
    await untilStep('weighing');
    await scan('*PB*CANCEL');

    // The next parcel goes on the scale while its items are still being scanned.
    const second = await scan(b!.name);
    expect(second.state.order?.name).toBe(b!.name);
    const codes = unitScans(second.state.order!.lines);
    for (const code of codes.slice(0, -1)) await scan(code);
    scale.setWeight(expectedParcelWeight(station) + 12, { motionMs: 200 });
    await waitForEvent(station.events, 'scale', (s) => s.stable && (s.grams ?? 0) > 0, 10_000, 'parcel settled');
    await new Promise((r) => setTimeout(r, 700)); // longer than the stability window: an armed scale would capture now
    await scan(codes.at(-1)!);
    // Its own weight is taken once its items are in: the label prints and the order is done.
    await untilStep('done', 20_000);
  });
});

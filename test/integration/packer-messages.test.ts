// What a newcomer is told off the main path, through the station's handlers against the sandbox
// Odoo: an extra unit, another order while one is open, a product of another order, an order
// already shipped (when, tracking, and a reprint), logout hiding the customer, the bench commands
// by button, undo of the last scan (audited), and the command sheet made from the scanner's list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReply, StationState } from '../../shared/api';
import { BENCH_COMMANDS, type BenchCommand } from '../../shared/bench-commands';
import { dispatch } from '../../shared/bridge';
import { commandSheetPdf, commandSheetZpl } from '../../electron/core/labels/command-sheet';
import { classifyScan } from '../../electron/core/pack/scan-code';
import { decodeBarcodes, renderZplToPng } from '../support/label-decode';
import { expectedParcelWeight } from '../support/expected-weight';
import { stationDb } from '../support/station-db';
import { leadPin } from '../support/approval';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

let rig: SandboxRig;

beforeAll(async () => {
  rig = await startSandboxRig({ seed: 8, staff: [{ badge: 'L-1', name: 'Lena', role: 'lead', pin: '482913' }] });
  // The local copy is filled: products and orders the bench can name without asking Odoo.
  await waitForEvent(rig.station.events, 'state', (s) => s.cacheAge !== null, 20_000, 'order sync');
});
afterAll(() => rig?.close());

const press = (command: BenchCommand): Promise<ScanReply> => rig.command(command);
const getState = async () => ((await dispatch(rig.station.handlers, 'getState', {})) as { ok: true; value: StationState }).value;

/** The ready orders with their lines, as the bench opens them (each put aside again). */
async function openedOrders(): Promise<NonNullable<StationState['order']>[]> {
  const orders: NonNullable<StationState['order']>[] = [];
  for (const p of await rig.readyPickings()) {
    const reply = await rig.scan(p.name);
    if (reply.state.order?.name === p.name) orders.push(reply.state.order);
    await press('CANCEL');
  }
  return orders;
}

describe('packer messages', () => {
  let orders: NonNullable<StationState['order']>[];

  it('names what is wrong and what to do', async () => {
    await rig.scan('P-1');
    orders = await openedOrders();
    const plain = (o: (typeof orders)[number]) => o.lines.filter((l) => l.tracking === 'none' && l.barcode);
    const target = orders.find((o) => plain(o).length > 0)!;
    const line = plain(target)[0]!;
    // A product of another order that is not in this one.
    const stranger = orders
      .filter((o) => o.name !== target.name)
      .flatMap((o) => o.lines)
      .find((l) => l.barcode && !target.lines.some((t) => t.barcode === l.barcode))!;
    const other = orders.find((o) => o.name !== target.name)!;

    await rig.scan(target.name);
    for (let i = 0; i < line.quantity; i++) await rig.scan(line.barcode!);
    const extra = await rig.scan(line.barcode!);
    expect(extra.message.text).toBe(`${target.name} needs only ${line.quantity} ${line.name}. Take this one out.`);

    const wrong = await rig.scan(stranger.barcode!);
    expect(wrong.message.tone).toBe('error');
    expect(wrong.message.text).toContain(`${stranger.name} is not in ${target.name}`);

    const another = await rig.scan(other.name);
    expect(another.message.text).toContain(`Finish ${target.name} or put it aside first`);
    expect(another.state.order?.name).toBe(target.name);

    // Undo last scan takes one unit off, and says so; the audit log has who and which scan.
    const undone = await press('UNDO');
    expect(undone.message.text).toContain(`one ${line.name} taken off ${target.name} (${line.quantity - 1} of ${line.quantity})`);
    expect(undone.state.order!.lines.find((l) => l.moveId === line.moveId)!.packed).toBe(line.quantity - 1);
    const audit = stationDb(rig.station)
      .prepare(`SELECT actor, data FROM audit_log WHERE action = 'pack.undo' ORDER BY id DESC LIMIT 1`)
      .get() as { actor: string; data: string };
    expect(audit.actor).toMatch(/^staff:/);
    expect(JSON.parse(audit.data)).toMatchObject({ moveId: line.moveId, packed: line.quantity - 1 });

    // Put aside by button: the same as scanning CANCEL.
    const aside = await press('CANCEL');
    expect(aside.message.text).toBe('Order put aside. Scan the next order.');
    expect(aside.state.order).toBeNull();
  });

  it('hides the last customer at logout, and says when an order was shipped with its tracking and offers a reprint', async () => {
    const { scale, station, scan, untilStep } = rig;
    // An order not touched by the test above (put aside there, but a put-aside order opens again).
    const order = orders.at(-1)!;
    const opened = await scan(order.name);
    expect(opened.state.order?.name).toBe(order.name);
    for (const code of unitScans(opened.state.order!.lines)) await scan(code);
    await untilStep('weighing');
    scale.setWeight(expectedParcelWeight(station) + 10, { motionMs: 200 });
    const done = await untilStep('done', 20_000);
    const tracking = done.label!.trackingNumber!;

    const out = await press('LOGOUT');
    expect(out.state.packer).toBeNull();
    expect(out.state.order).toBeNull();
    expect(out.state.label).toBeNull();
    expect(JSON.stringify(await getState())).not.toContain(order.shipTo.name);

    await scan('P-1');
    const again = await scan(order.name);
    expect(again.message.tone).toBe('error');
    expect(again.message.text).toMatch(new RegExp(`^${order.name} was already shipped on .+, tracking ${tracking}\\. Do not pack it again\\. For another copy of its label, press Reprint`));
    // The reprint is offered at once, by button, and is that order's label.
    expect(again.state.order?.name).toBe(order.name);
    const jobs = rig.printer.jobs.length;
    const reprint = await press('REPRINT-LOST');
    expect(reprint.message.tone).not.toBe('error');
    await waitForEvent(station.events, 'state', () => rig.printer.jobs.length > jobs, 10_000, 'reprint');
    const copy = rig.printer.jobs.at(-1)!.toString('utf8');
    expect(copy).toContain(tracking);
    // The copy says REPRINT on paper; the first print did not, and the stored label is the same one.
    expect(copy).toContain('^FDREPRINT^FS');
    expect(rig.printer.jobs.some((j) => j.toString('utf8').includes(tracking) && !j.toString('utf8').includes('REPRINT'))).toBe(true);
    expect(await decodeBarcodes(await renderZplToPng(copy))).toContainEqual(expect.objectContaining({ text: tracking }));
  });

  it('weighs again by itself after the box is changed, and clears the old variance text on "Weigh again"', async () => {
    const { scale, station, scan, untilStep } = rig;
    await scan('P-1');
    const order = orders.find((o) => o.lines.every((l) => l.tracking === 'none'))!;
    const opened = await scan(order.name);
    expect(opened.state.order?.name).toBe(order.name);
    for (const code of unitScans(opened.state.order!.lines)) await scan(code);
    await untilStep('weighing');
    // Packed in Box L (700 g empty) while the bench expects its usual 150 g box: held.
    const itemsG = expectedParcelWeight(station) - station.effectiveSettings().packing.boxTareG;
    // The last parcel comes off the scale first (the scale takes a new parcel after zero).
    scale.setWeight(0);
    await waitForEvent(station.events, 'scale', (s) => s.grams === 0 && s.stable, 5_000, 'empty scale');
    scale.setWeight(itemsG + 700, { motionMs: 100 });
    const held = await waitForEvent(station.events, 'state', (s) => s.message?.tone === 'error' && /expected/.test(s.message.text), 10_000, 'held');
    expect(held.step).toBe('weighing');
    const [hold] = station.exceptions.list('open').filter((e) => e.kind === 'weight_variance');

    // The lead chooses "Weigh again": the old variance text leaves the message line.
    const again = await dispatch(station.handlers, 'resolveException', { id: hold!.id, resolution: 'reweigh', approval: leadPin('482913') });
    expect(again.ok).toBe(true);
    const told = await waitForEvent(station.events, 'state', (s) => /^Weigh again/.test(s.message?.text ?? ''), 5_000, 'weigh again told');
    expect(told.message!.text).not.toMatch(/expected/);

    // The packer scans the box it is really in: the parcel resting on the scale is weighed again at once.
    const boxed = await scan('PT-BOX-L');
    expect(boxed.message.text).toContain('weighed again');
    expect(boxed.message.tone).not.toBe('error');
    expect(['labelling', 'printed', 'done']).toContain(boxed.state.step);
    await untilStep('done', 20_000);
  });

  it('refuses a product barcode (a valid EAN-13) offered as a lot', async () => {
    const order = orders.find((o) => o.lines.some((l) => l.tracking === 'lot' && l.barcode))!;
    const line = order.lines.find((l) => l.tracking === 'lot' && l.barcode)!;
    const opened = await rig.scan(order.name);
    expect(opened.state.order?.name).toBe(order.name);
    const asked = await rig.scan(line.barcode!);
    expect(asked.message.text).toMatch(/lot/i);
    const refused = await rig.scan('9780201379624');
    expect(refused.message.tone).toBe('error');
    expect(refused.message.text).toContain('"9780201379624" is a product barcode (EAN-13), not a lot number. Scan the lot number of');
    expect(refused.state.order!.lines.find((l) => l.moveId === line.moveId)!.lots).toEqual([]);
    await press('CANCEL');
  });

  it('prints the command sheet from the list the scanner understands', async () => {
    const zpl = commandSheetZpl('*PB*', 'Bench 1');
    const codes = (await decodeBarcodes(await renderZplToPng(zpl))).map((c) => c.text);
    expect(codes.length).toBe(BENCH_COMMANDS.length - 1);
    for (const code of codes) expect(classifyScan(code, '*PB*').kind).toBe('command');
    expect(new Set(codes)).toEqual(new Set(BENCH_COMMANDS.filter((c) => c !== 'REPRINT').map((c) => `*PB*${c}`)));
    const pdf = await commandSheetPdf('*PB*', 'Bench 1');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    const sent = rig.printer.jobs.length;
    const result = await dispatch(rig.station.handlers, 'printCommandSheet', { format: 'label' });
    expect(result.ok && (result.value as { ok: boolean }).ok).toBe(true);
    await waitForEvent(rig.station.events, 'state', () => rig.printer.jobs.length > sent, 5_000, 'sheet printed').catch(() => undefined);
    expect(rig.printer.jobs.at(-1)!.toString('utf8')).toContain('^FD*PB*LOGOUT^FS');
  });
});

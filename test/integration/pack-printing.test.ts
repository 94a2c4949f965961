// The closed print loop at the bench: paper out blocks with a clear message, a print cut off after
// the bytes went out is uncertain and the packer answers, reprints need a reason. Real TCP sink.
import { markReprint } from '../../electron/core/labels/carrier-label';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../shared/bridge';
import type { Station } from '../../electron/core/station';
import type { PrinterSink } from '../../electron/sandbox/printer-sink';
import { expectedParcelWeight } from '../support/expected-weight';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';
import { decodeBarcodes, renderZplToPng } from '../support/label-decode';
import { escposRasterToPng } from '../support/escpos-raster';
import { leadBadge } from '../support/approval';
import { stationDb } from '../support/station-db';

let rig: SandboxRig<null>;
/** The rig's station and printer sink, for the helpers and tests below. */
let station: Station;
let printer: PrinterSink;

const scan = (code: string) => rig.scan(code);

/** Pack the first order up to the weight; the label goes to the printer after this. */
async function packAndWeigh(): Promise<void> {
  await scan('P-1');
  const opened = await scan(rig.odoo.state.sampleNames()[0]!);
  for (const code of unitScans(opened.state.order!.lines)) await scan(code);
  station.pack.weighed(expectedParcelWeight(station));
}

const untilPrint = (state: 'confirmed') =>
  waitForEvent(station.events, 'state', (s) => s.label?.printState === state, 10_000, `print state ${state}`);

beforeEach(async () => {
  // A faulty printer is asked again every 100 ms here, not every few seconds.
  rig = await startSandboxRig({ seed: 2, scale: false, tuning: { printerRecheckMs: 100 } });
  ({ station, printer } = rig);
});
afterEach(() => rig.close());

describe('printing at the bench', () => {
  it('blocks the label when the printer is out of paper, and prints it after PRINT', async () => {
    printer.setStatus('paper_out');
    await packAndWeigh();
    const failed = await waitForEvent(station.events, 'state', (s) => s.label?.printState === 'failed' && /did not print/.test(s.message?.text ?? ''), 10_000);
    expect(failed.message?.text).toMatch(/out of labels/i);
    expect(printer.jobs).toHaveLength(0);
    expect(station.exceptions.list('open').map((e) => e.kind)).toContain('print_failure');

    printer.setStatus('ok');
    const reply = await scan('*PB*PRINT');
    expect(reply.message.tone).toBe('success');
    expect(printer.jobs).toHaveLength(1);
  });

  it('asks the packer after a print cut off mid-way, and never prints it again by itself', async () => {
    printer.failNext('reset_after_read');
    await packAndWeigh();
    const uncertain = await waitForEvent(station.events, 'state', (s) => s.label?.printState === 'uncertain' && /whole label/.test(s.message?.text ?? ''), 10_000);
    expect(uncertain.message?.text).toMatch(/Did a whole label come out\? Scan PRINTED if yes, PRINT if not/);
    station.worker.kick();
    await scan('*PB*CANCEL'); // nothing the packer does reprints it unasked
    expect(printer.jobs.length).toBeLessThanOrEqual(1);
    const before = printer.jobs.length;

    const answered = await scan('*PB*PRINTED');
    expect(answered.state.label?.printState).toBe('confirmed');
    expect(printer.jobs.length).toBe(before);
    const audit = stationDb(station).prepare(`SELECT actor FROM audit_log WHERE action = 'print.confirmed_by_packer'`).all();
    expect(audit).toEqual([{ actor: 'staff:1' }]);
  });

  it('reprints only with a reason, audited, exactly one more copy', async () => {
    await packAndWeigh();
    await untilPrint('confirmed');
    expect(printer.jobs).toHaveLength(1);
    const ask = await scan('*PB*REPRINT');
    expect(ask.message.text).toMatch(/Why reprint\? Scan REPRINT-DAMAGED, REPRINT-JAMMED, REPRINT-LOST/);
    expect(printer.jobs).toHaveLength(1);
    const reprinted = await scan('*PB*REPRINT-DAMAGED');
    expect(reprinted.message.tone).toBe('success');
    expect(printer.jobs).toHaveLength(2);
    // The same label, marked REPRINT on paper.
    expect(printer.jobs[1]!.toString('utf8')).toBe(markReprint(printer.jobs[0]!.toString('utf8')));
    const audit = stationDb(station)
      .prepare(`SELECT actor, data FROM audit_log WHERE action LIKE 'print.reprint%' OR (action = 'print.queued' AND data LIKE '%damaged%')`)
      .all() as { actor: string; data: string }[];
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.some((a) => a.actor === 'staff:1' && a.data.includes('label damaged'))).toBe(true);
  });
  it('draws the label for a 300 dpi printer when set so: full 4x6 size, barcode readable, preview to match', async () => {
    const lead = () => leadBadge('L-9');
    station.identities.addStaff({ badge: 'L-9', name: 'Lena', role: 'lead' });
    const saved = await dispatch(station.handlers, 'updateSettings', { patch: { printer: { dpi: 300 } }, approval: lead() });
    expect(saved.ok).toBe(true);
    await packAndWeigh();
    const printed = await untilPrint('confirmed');
    const zpl = printer.jobs[0]!.toString('utf8');
    expect(zpl).toContain('^PW1200');
    expect(zpl).toContain('^LL1800');
    const codes = await decodeBarcodes(await renderZplToPng(zpl, { dpmm: 12 }));
    expect(codes.map((c) => c.text)).toContain(printed.label!.trackingNumber);
    const preview = await dispatch(station.handlers, 'labelImage', {});
    const png = Buffer.from(String((preview as { ok: true; value: { png: string } }).value.png).split(',')[1]!, 'base64');
    // PNG header: width and height at bytes 16-23. The renderer draws 4x6 in at 12 dots/mm
    // (1220 x 1829 px); at 203 dpi it would be about 812 x 1218.
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(1200);
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(1800);
  });

  it('prints on a receipt printer (ESC/POS) when set so: the label as raster bands, barcode readable, no ZPL sent', async () => {
    station.identities.addStaff({ badge: 'L-9', name: 'Lena', role: 'lead' });
    const saved = await dispatch(station.handlers, 'updateSettings', { patch: { printer: { language: 'escpos' } }, approval: leadBadge('L-9') });
    expect(saved.ok).toBe(true);
    await packAndWeigh();
    const printed = await untilPrint('confirmed');
    const job = printer.jobs[0]!;
    // ESC @ to start, paper cut at the end; no ZPL, and the printer was never asked ~HS (it would print it).
    expect(job.subarray(0, 2)).toEqual(Buffer.from([0x1b, 0x40]));
    expect(job.includes(Buffer.from([0x1d, 0x56, 0x00]))).toBe(true);
    expect(job.includes(Buffer.from('^XA'))).toBe(false);
    expect(printer.statusAnswers).toBe(0);
    const { png, bands, width } = escposRasterToPng(job);
    expect(bands).toBeGreaterThan(3);
    expect(width).toBeLessThanOrEqual(576);
    expect((await decodeBarcodes(png)).map((c) => c.text)).toContain(printed.label!.trackingNumber);
    // The label kept for Odoo and for reprints is still the ZPL label.
    const label = stationDb(station).prepare('SELECT format FROM labels').get() as { format: string };
    expect(label.format).toBe('ZPL');

    // The test print in settings speaks ESC/POS too.
    const test = await dispatch(station.handlers, 'testDevice', { device: 'printer' });
    expect(test).toMatchObject({ ok: true, value: { ok: true, printer: { before: null, after: null } } });
    expect(printer.jobs).toHaveLength(2);
    expect(printer.jobs[1]!.subarray(0, 2)).toEqual(Buffer.from([0x1b, 0x40]));
    expect(printer.statusAnswers).toBe(0);
  });

  it('prints names in other scripts with the font stored on the printer when one is set, as pictures otherwise', async () => {
    const [firstName, secondName] = rig.odoo.state.sampleNames();
    const picking = rig.odoo.state.all('stock.picking').find((p) => p.name === firstName)!;
    rig.odoo.state.update('res.partner', picking.partner_id as number, { name: '王小明 Σοφία' });
    await packAndWeigh();
    await untilPrint('confirmed');
    const drawn = printer.jobs[0]!.toString('utf8');
    // No printer font: the name is a graphic, its text nowhere in the ZPL.
    expect(drawn).not.toContain('^CW');
    expect(drawn).not.toContain('王小明');
    expect(drawn).toMatch(/\^GFA,/);

    station.identities.addStaff({ badge: 'L-9', name: 'Lena', role: 'lead' });
    const refused = await dispatch(station.handlers, 'updateSettings', { patch: { printer: { unicodeFont: 'NOTOSANS' } }, approval: leadBadge('L-9') });
    expect(refused).toMatchObject({ ok: false });
    const saved = await dispatch(station.handlers, 'updateSettings', { patch: { printer: { unicodeFont: 'E:NOTOSANS.TTF' } }, approval: leadBadge('L-9') });
    expect(saved.ok).toBe(true);
    await scan('*PB*CLOSE-ORDER');
    const second = rig.odoo.state.all('stock.picking').find((p) => p.name === secondName)!;
    rig.odoo.state.update('res.partner', second.partner_id as number, { name: '王小明 Σοφία' });
    const opened = await scan(second.name as string);
    for (const code of unitScans(opened.state.order!.lines)) await scan(code);
    station.pack.weighed(expectedParcelWeight(station));
    await waitForEvent(station.events, 'state', (s) => s.label?.printState === 'confirmed' && s.order?.name === second.name, 10_000, 'second label printed');
    const withFont = printer.jobs.at(-1)!.toString('utf8');
    // The font is assigned once, and the name goes to the printer as text in it.
    expect(withFont).toContain('^CWJ,E:NOTOSANS.TTF');
    expect(withFont).toMatch(/\^AJN,\d+,\d+\^FH\^FD王小明 Σοφία\^FS/);
  });
});

describe('the print loop after a fault', () => {
  const openPrintFailures = () => station.exceptions.list('open').filter((e) => e.kind === 'print_failure');
  const untilFailed = (text: RegExp = /did not print/) =>
    waitForEvent(station.events, 'state', (s) => s.label?.printState === 'failed' && text.test(s.message?.text ?? ''), 20_000, 'print failed');

  it('resolves the print-failure exception by itself, audited, when that label prints', async () => {
    printer.setStatus('paper_out');
    await packAndWeigh();
    await untilFailed();
    const [raised] = openPrintFailures();
    expect(raised).toBeDefined();

    printer.setStatus('ok');
    expect((await scan('*PB*PRINT')).message.tone).toBe('success');
    expect(printer.jobs).toHaveLength(1);
    expect(openPrintFailures()).toEqual([]);
    expect(station.exceptions.get(raised!.id)).toMatchObject({ state: 'resolved', resolution: 'printed', resolvedBy: 'system' });
    const audit = stationDb(station).prepare(`SELECT actor, data FROM audit_log WHERE action = 'exception.resolved'`).all() as { actor: string; data: string }[];
    expect(audit.map((a) => ({ actor: a.actor, data: JSON.parse(a.data) as unknown }))).toEqual([
      { actor: 'system', data: expect.objectContaining({ id: raised!.id, kind: 'print_failure', resolution: 'printed' }) },
    ]);
  });

  it('asks the printer again every few seconds after a fault, shows it, and says "Printer ready — scan PRINT" without reprinting', async () => {
    printer.setStatus('head_open');
    await packAndWeigh();
    await untilFailed();
    const asked = printer.statusAnswers;
    // The bench keeps asking while the head is open, and shows what the printer says.
    let told = 0;
    const still = await waitForEvent(station.events, 'printer', (p) => p.status === 'head_open' && ++told >= 3, 10_000, 'the printer asked again');
    expect(still.message).toMatch(/head is open/);
    expect(printer.statusAnswers).toBeGreaterThan(asked + 1);

    printer.setStatus('ok');
    const ready = await waitForEvent(station.events, 'state', (s) => /Printer ready — scan PRINT/.test(s.message?.text ?? ''), 10_000, 'printer ready');
    expect((await waitForEvent(station.events, 'printer', () => true)).status).toBe('ready');
    // It never prints by itself: the label waits for the packer's PRINT.
    expect(ready.label?.printState).toBe('failed');
    expect(printer.jobs).toHaveLength(0);
    expect((await scan('*PB*PRINT')).message.tone).toBe('success');
    expect(printer.jobs).toHaveLength(1);
  });

  it('prints on a ZPL printer that never answers ~HS once its status is set to "do not ask"; the test print detects such a printer', async () => {
    printer.setStatus('silent');
    station.identities.addStaff({ badge: 'L-9', name: 'Lena', role: 'lead' });
    const test = await dispatch(station.handlers, 'testDevice', { device: 'printer' });
    expect(test).toMatchObject({ ok: true, value: { ok: false } });
    const said = (test as { ok: true; value: { message: string } }).value.message;
    expect(said).toMatch(/does not answer status questions/);
    expect(said).toMatch(/Printer status.*Do not ask/);
    expect(printer.jobs).toHaveLength(1); // the test label went out without the question

    const saved = await dispatch(station.handlers, 'updateSettings', { patch: { printer: { statusQuery: 'do_not_ask' } }, approval: leadBadge('L-9') });
    expect(saved.ok).toBe(true);
    const answersBefore = printer.statusAnswers;
    await packAndWeigh();
    await untilPrint('confirmed');
    expect(printer.jobs).toHaveLength(2);
    expect(printer.jobs[1]!.toString('utf8')).toContain('^XA');
    const again = await dispatch(station.handlers, 'testDevice', { device: 'printer' });
    expect(again).toMatchObject({ ok: true, value: { ok: true, printer: { before: null, after: null } } });
    expect(printer.statusAnswers).toBe(answersBefore);
  });

  it('with no printer left, offers the saved PDF as a link the page can open (not a file path) and says "scan PRINT" once', async () => {
    printer.setStatus('head_open');
    await packAndWeigh();
    const failed = await untilFailed(/PDF/);
    const message = failed.message!;
    expect(message.text).not.toContain(rig.dir.path);
    expect(message.text).not.toMatch(/\.pdf/);
    expect(message.text.match(/scan PRINT/gi)).toHaveLength(1);
    expect(message.link).toEqual({
      href: expect.stringMatching(/^\/files\/last-resort\/label-\d+-[0-9a-f]{8}\.pdf$/),
      text: expect.stringMatching(/PDF/),
    });
  });
});

// Fault matrix, printer row: a refused connection (printer off), paper out and head open (ZPL ~HS
// flags), a reset mid-job and a printer silent to ~HS, each hitting the label of one packed order
// through a real station and the TCP printer sink. Each cell says what the packer sees, where the
// fault lands (print journal row, lead's exception) and how it recovers, with the sink's received
// jobs as the witness: a label never comes out twice unless someone asked for a copy.
import { afterEach, describe, expect, it } from 'vitest';
import type { PrinterEvent } from '../../../shared/api';
import { waitForEvent } from '../../support/wait';
import { openExceptions, packOrder, printJobs, startFaultBench, stateWhere, told, type FaultBench } from '../../support/fault-matrix-rig';

let bench: FaultBench | null = null;
afterEach(async () => {
  await bench?.close();
  bench = null;
});

const READY = 'Printer ready — scan PRINT.';

/** The bench (no scale: the weight is handed over as a capture would) with the first ready order. */
async function bench0(): Promise<{ b: FaultBench; name: string }> {
  bench = await startFaultBench({ seed: 6 });
  const [picking] = await bench.rig.readyPickings();
  return { b: bench, name: picking!.name };
}

const printerSays = (b: FaultBench, match: (p: PrinterEvent) => boolean, what: string) =>
  waitForEvent(b.rig.station.events, 'printer', match, 10_000, what);

const SAVED = ' The label is saved as a PDF that any printer can print.';

/**
 * The label failed to print: the packer is told why at once (`problem`, then what to do), before the
 * last-resort PDF is drawn, then again with the PDF to open; a print_failure for the lead; nothing came out.
 */
async function failedWith(b: FaultBench, name: string, problem: string): Promise<void> {
  const fix = /scan PRINT\.$/.test(problem) ? '' : ' Fix it, then scan PRINT.';
  const first = await stateWhere(b, (s) => /did not print/.test(s.message?.text ?? ''), 'the print failed');
  expect(first.message?.text).toBe(`The label for ${name} did not print: ${problem}${fix}`);
  // Drawing the PDF on a worker takes seconds on a loaded machine.
  const failed = await stateWhere(b, (s) => s.label?.printState === 'failed' && /saved as a PDF/.test(s.message?.text ?? ''), 'the PDF saved', 60_000);
  expect(failed.message).toMatchObject({ text: `The label for ${name} did not print: ${problem}${SAVED}${fix}`, link: { text: 'Open the label as a PDF' } });
  expect(failed.step).toBe('labelling');
  expect(printJobs(b).map((j) => j.state)).toEqual(['failed']);
  expect(openExceptions(b).map((e) => [e.kind, e.orderRef])).toEqual([['print_failure', name]]);
  expect(b.rig.printer.jobs).toHaveLength(0);
}

/** The printer is fine again: the bench says so by itself, never prints unasked; PRINT makes one copy and settles the exception. */
async function printAfterFix(b: FaultBench, name: string): Promise<void> {
  const ready = await told(b, READY);
  expect(ready.nextAction).toBe('Check the printer, then scan PRINT');
  expect(b.rig.printer.jobs).toHaveLength(0);
  const reply = await b.rig.scan('*PB*PRINT');
  expect(reply.message.tone).toBe('success');
  await stateWhere(b, (s) => s.label?.printState === 'confirmed', 'the label confirmed');
  expect(b.rig.printer.jobs).toHaveLength(1);
  expect(printJobs(b).map((j) => j.state)).toEqual(['confirmed']);
  expect(openExceptions(b)).toEqual([]);
  expect(b.rig.station.exceptions.list('resolved').map((e) => [e.kind, e.orderRef, e.resolution])).toEqual([['print_failure', name, 'printed']]);
  await b.rig.untilStep('done');
}

describe('fault matrix: printer', () => {
  it('refused: a printer that is off (connection refused) fails the print, shown offline; switched on, PRINT makes one copy', async () => {
    const { b, name } = await bench0();
    await b.rig.printer.setOff(true);
    await packOrder(b, name);
    await failedWith(b, name, `The printer at 127.0.0.1:${b.rig.printer.port} does not answer. Is it on and connected to the network?`);
    await printerSays(b, (p) => p.status === 'offline', 'the printer offline');

    await b.rig.printer.setOff(false);
    await printAfterFix(b, name);
  }, 120_000);

  it('paper out: ~HS says out of paper before the label, nothing is sent; labels loaded, PRINT makes one copy', async () => {
    const { b, name } = await bench0();
    b.rig.printer.setStatus('paper_out');
    await packOrder(b, name);
    await failedWith(b, name, 'The printer is out of labels. Load a roll and scan PRINT.');
    expect((await printerSays(b, (p) => p.status === 'paper_out', 'paper out')).message).toBe('The printer is out of labels. Load a roll and scan PRINT.');

    b.rig.printer.setStatus('ok');
    await printAfterFix(b, name);
  }, 120_000);

  it('head open: ~HS says the head is open, nothing is sent; closed, PRINT makes one copy', async () => {
    const { b, name } = await bench0();
    b.rig.printer.setStatus('head_open');
    await packOrder(b, name);
    await failedWith(b, name, 'The printer head is open. Close it until it clicks, then scan PRINT.');
    expect((await printerSays(b, (p) => p.status === 'head_open', 'head open')).message).toBe('The printer head is open. Close it until it clicks, then scan PRINT.');

    b.rig.printer.setStatus('ok');
    await printAfterFix(b, name);
  }, 120_000);

  it('reset mid-job: the label went out and the connection was reset, so it is uncertain; never sent again by itself; the packer says it came out', async () => {
    const { b, name } = await bench0();
    b.rig.printer.failNext('reset_after_read');
    await packOrder(b, name);
    const uncertain = await stateWhere(b, (s) => s.label?.printState === 'uncertain' && /whole label/.test(s.message?.text ?? ''), 'the print uncertain');
    expect(uncertain.message?.text).toBe(`The printer stopped mid-label for ${name}. Did a whole label come out? Scan PRINTED if yes, PRINT if not.`);
    expect(printJobs(b).map((j) => j.state)).toEqual(['uncertain']);
    expect(b.rig.printer.jobs).toHaveLength(1);
    // Not sent again while nobody answers, whatever else wakes the bench.
    b.rig.station.worker.kick();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(b.rig.printer.jobs).toHaveLength(1);

    const answered = await b.rig.scan('*PB*PRINTED');
    expect(answered.state.label?.printState).toBe('confirmed');
    expect(printJobs(b).map((j) => j.state)).toEqual(['confirmed']);
    expect(b.rig.printer.jobs).toHaveLength(1);
    await b.rig.untilStep('done');
    expect(openExceptions(b)).toEqual([]);
  }, 120_000);

  it('no status: a printer silent to ~HS is not taken as ready, nothing is sent; answering again, PRINT makes one copy', async () => {
    const { b, name } = await bench0();
    b.rig.printer.setStatus('silent');
    await packOrder(b, name);
    await failedWith(
      b,
      name,
      `The printer at 127.0.0.1:${b.rig.printer.port} does not answer status checks. Look at its display for paper, ribbon or an open head, then scan PRINT.`,
    );
    expect((await printerSays(b, (p) => p.status === 'error', 'no status')).message).toBe(
      `The printer at 127.0.0.1:${b.rig.printer.port} does not answer status checks. Look at its display for paper, ribbon or an open head, then scan PRINT.`,
    );

    b.rig.printer.setStatus('ok');
    await printAfterFix(b, name);
  }, 120_000);

});

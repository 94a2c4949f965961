// Test print from settings: a real label over TCP, and an honest answer when the printer cannot print.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testPrint } from '../../electron/core/devices/printer/test-print';
import { createLabelEncoder } from '../../electron/core/labels/label-encoder';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { decodeBarcodes, renderZplToPng } from '../support/label-decode';
import { createTranslator } from '../../electron/core/i18n/translator';

const encoder = createLabelEncoder();
let sink: PrinterSink;
beforeEach(async () => (sink = await startPrinterSink({ port: 0 })));
afterEach(async () => sink.close());

describe('test print', () => {
  it('sends a label that scans', async () => {
    const result = await testPrint(createTranslator('en').t, sink.uri, 'Dock 3 · Łódź', encoder);
    expect(result.ok).toBe(true);
    expect(result.message).toMatch(/A test label was sent to 127\.0\.0\.1:/);
    const job = await sink.nextJob();
    const codes = await decodeBarcodes(await renderZplToPng(job.toString('utf8')));
    expect(codes.map((c) => c.text)).toContain('PACKBENCH-TEST');
  });

  it('says why when the printer is out of labels, and sends nothing', async () => {
    sink.setStatus('paper_out');
    const result = await testPrint(createTranslator('en').t, sink.uri, 'Dock 3', encoder);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/out of labels/i);
    expect(sink.jobs).toHaveLength(0);
  });

  it('says so when the address cannot be used on this computer, instead of failing', async () => {
    const result = await testPrint(createTranslator('en').t, `${sink.uri}?status=bogus`, 'Dock 3', encoder);
    expect(result).toEqual({ ok: false, message: `The printer address "${sink.uri}?status=bogus" is not valid. Check the printer settings.` });
    expect(sink.connections).toBe(0);
  });

  it('says so when nothing answers at that address', async () => {
    const port = sink.port;
    await sink.close();
    const result = await testPrint(createTranslator('en').t, `tcp://127.0.0.1:${port}`, 'Dock 3', encoder);
    expect(result).toMatchObject({ ok: false });
    expect(result.message).toMatch(/does not answer/);
    sink = await startPrinterSink({ port: 0 });
  });
});

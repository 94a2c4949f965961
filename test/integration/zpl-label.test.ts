// The shipping label end to end: ZPL → raw TCP → fake printer → rendered PNG → decoded barcode.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderShippingLabelZpl, type ShippingLabelData } from '../../electron/core/labels/zpl-shipping-label';
import { PrinterError } from '../../electron/core/devices/printer/errors';
import { sendRaw } from '../../electron/core/devices/printer/raw-transport';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { decodeBarcodes, renderZplToPng } from '../support/label-decode';
import { tempDir } from '../support/temp-dir';
import { party } from '../support/label-data';
import { createTranslator, sayIn, type Said } from '../../electron/core/i18n/translator';

/** A printer's message as the packer reads it in English. */
const english = (said: Said) => sayIn(createTranslator('en').t, said);

const label: ShippingLabelData = {
  shipFrom: party({
    name: 'Packbench Warehouse',
    company: 'ACME_Goods ^XZ Co',
    street1: 'ul. Przemysłowa 12',
    city: 'Poznań',
    postalCode: '61-001',
    country: 'PL',
  }),
  shipTo: party({
    name: 'Małgorzata Wójcik-Żółć',
    company: 'Ünder~Score_Shop ^FS^XZ Ltd',
    street1: 'ul. Świętokrzyska 30/12',
    street2: 'Klatka B\\&piętro 3 ~JA',
    city: 'Łódź',
    postalCode: '90-001',
    country: 'PL',
    phone: '+48 601 234 567',
  }),
  carrier: 'DHL Parcel',
  service: 'Standard',
  trackingNumber: 'JJD0012345678901234',
  reference: 'WH/OUT/00042',
  weightG: 2350,
  parcelIndex: 1,
  parcelCount: 2,
};

/** Field data of every ^FH field, with `_hh` escapes decoded as UTF-8 bytes. */
function fieldTexts(zpl: string): string[] {
  return [...zpl.matchAll(/\^FH\^FD(.*?)\^FS/gs)].map(([, data]) => {
    const parts = (data ?? '').split(/_([0-9A-Fa-f]{2})/);
    // split() with a capture group alternates literal text and hex byte codes.
    const bytes = parts.map((part, i) => (i % 2 === 1 ? Buffer.from([parseInt(part, 16)]) : Buffer.from(part, 'utf8')));
    return Buffer.concat(bytes).toString('utf8');
  });
}

/** A port nothing listens on: bind, note it, close. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A raw TCP server with custom behaviour per connection, for failure cases. */
async function rawServer(
  onConnection: (s: net.Socket) => void,
  opts: net.ServerOpts = {},
): Promise<{ uri: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer(opts, (s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    onConnection(s);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  return {
    uri: `tcp://127.0.0.1:${port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => srv.close(() => r()));
    },
  };
}

async function printerError(p: Promise<unknown>): Promise<PrinterError> {
  const err = await p.then(
    () => new Error('expected sendRaw to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PrinterError);
  return err as PrinterError;
}

describe('4x6 ZPL shipping label through a raw TCP printer', () => {
  let sink: PrinterSink;
  let zpl: string;
  let received: Buffer;
  let png: Buffer;

  beforeAll(async () => {
    sink = await startPrinterSink();
    zpl = renderShippingLabelZpl(label);
    const result = await sendRaw(sink.uri, Buffer.from(zpl, 'utf8'));
    received = await sink.nextJob();
    expect(result.bytesSent).toBe(Buffer.byteLength(zpl, 'utf8'));
    png = await renderZplToPng(received.toString('utf8'));
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/label-sample.png', png);
  });

  afterAll(async () => {
    await sink.close();
  });

  it('delivers the exact bytes as one job', () => {
    expect(sink.jobs).toHaveLength(1);
    expect(received.equals(Buffer.from(zpl, 'utf8'))).toBe(true);
  });

  it('is one 4x6 in UTF-8 label', () => {
    const text = received.toString('utf8');
    expect(text.startsWith('^XA')).toBe(true);
    expect(text.endsWith('^XZ')).toBe(true);
    expect(text.match(/\^XA/g)).toHaveLength(1);
    expect(text.match(/\^XZ/g)).toHaveLength(1);
    expect(text).toContain('^CI28');
    expect(text).toContain('^PW812');
    expect(text).toContain('^LL1218');
  });

  it('encodes the tracking number as a Code 128 that decodes back', async () => {
    const codes = await decodeBarcodes(png);
    expect(codes).toContainEqual({ format: 'Code128', text: label.trackingNumber });
  });

  it('escapes ^, ~, _ and backslashes so field data cannot inject commands', () => {
    const text = received.toString('utf8');
    for (const [, data] of text.matchAll(/\^FD(.*?)\^FS/gs)) {
      expect(data).not.toMatch(/[\^~\\]/);
    }
    // Every field goes through ^FH, and the texts round-trip.
    expect(text.match(/\^FD/g)?.length).toBe(text.match(/\^FH\^FD/g)?.length);
    const fields = fieldTexts(text);
    for (const value of [
      label.shipTo.name,
      label.shipTo.company,
      label.shipTo.street2,
      label.shipFrom.company,
      'Poznań',
      '90-001 Łódź',
      'Parcel 1 of 2',
      '2.35 kg',
      'DHL Parcel',
      `Ref: ${label.reference}`,
    ]) {
      expect(fields.some((f) => f.includes(value as string))).toBe(true);
    }
  });

  it('prints an all-digit tracking number in subset C, sized to fit, and it decodes', async () => {
    const tracking = '00340434161234567890';
    const second = renderShippingLabelZpl({ ...label, trackingNumber: tracking, parcelIndex: 2, weightG: 350 });
    expect(second).toContain('^FH^FD>;00340434161234567890^FS');
    expect(fieldTexts(second)).toContain('0.35 kg');
    expect(fieldTexts(second)).toContain('Parcel 2 of 2');
    const codes = await decodeBarcodes(await renderZplToPng(second));
    expect(codes).toContainEqual({ format: 'Code128', text: tracking });
  });

  it('rejects parcel numbers that make no sense', () => {
    expect(() => renderShippingLabelZpl({ ...label, parcelIndex: 3 })).toThrow(/parcel index/i);
    expect(() => renderShippingLabelZpl({ ...label, trackingNumber: 'ŻÓŁW' })).toThrow(/ASCII/);
  });
});

describe('sendRaw failures', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('a closed port is unreachable, with a message a packer can act on', async () => {
    const port = await closedPort();
    const err = await printerError(sendRaw(`tcp://127.0.0.1:${port}`, Buffer.from('^XA^XZ')));
    expect(err.kind).toBe('unreachable');
    expect(english(err.packerSaid)).toContain(`127.0.0.1:${port}`);
    expect(english(err.packerSaid)).toMatch(/does not answer/);
  });

  it('a printer that drops the connection right after accept: reset before send', async () => {
    const srv = await rawServer((s) => s.destroy());
    cleanups.push(srv.close);
    const err = await printerError(sendRaw(srv.uri, Buffer.from(renderShippingLabelZpl(label))));
    expect(err.kind).toBe('reset_before_send');
    expect(english(err.packerSaid)).toMatch(/try again/);
  });

  it('a printer that resets after taking every byte: reset after send (may have printed)', async () => {
    const srv = await rawServer((s) => {
      s.resume();
      s.on('end', () => s.resetAndDestroy());
    });
    cleanups.push(srv.close);
    const err = await printerError(sendRaw(srv.uri, Buffer.from(renderShippingLabelZpl(label))));
    expect(err.kind).toBe('reset_after_send');
    expect(english(err.packerSaid)).toMatch(/whether it printed/);
  });

  it('a printer that never closes the connection times out', async () => {
    // Half-open allowed: the server keeps its side open after the client's FIN.
    const srv = await rawServer((s) => s.resume(), { allowHalfOpen: true });
    cleanups.push(srv.close);
    const err = await printerError(sendRaw(srv.uri, Buffer.from('^XA^XZ'), { timeoutMs: 300 }));
    expect(err.kind).toBe('timeout');
  });

  it('writes to a device file and appends job after job', async () => {
    const dir = tempDir();
    cleanups.push(async () => dir.remove());
    const path = dir.file('lp0');
    await sendRaw(`file:${path}`, Buffer.from('^XA^XZ'));
    const { bytesSent } = await sendRaw(`file:${path}`, Buffer.from('^XA^FDż^FS^XZ'));
    expect(bytesSent).toBe(Buffer.byteLength('^XA^FDż^FS^XZ'));
    expect(readFileSync(path, 'utf8')).toBe('^XA^XZ^XA^FDż^FS^XZ');
  });

  it('a missing device file is unreachable', async () => {
    const err = await printerError(sendRaw('file:/nonexistent-packbench/lp0', Buffer.from('^XA^XZ')));
    expect(err.kind).toBe('unreachable');
    expect(english(err.packerSaid)).toMatch(/not connected/);
  });
});

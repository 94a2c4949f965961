// Printer transports over real sockets, files, a socat pty and a fake CUPS `lp` on PATH.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { SerialPort } from 'serialport';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PrinterError } from '../../electron/core/devices/printer/errors';
import { transportFor } from '../../electron/core/devices/printer/transports';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { tempDir } from '../support/temp-dir';
import { createTranslator, sayIn, type Said } from '../../electron/core/i18n/translator';
import type { PrinterStatus } from '../../electron/core/devices/printer/host-status';

/** A printer's message as the packer reads it in English. */
const english = (said: Said) => sayIn(createTranslator('en').t, said);
/** A printer's status with its message as the packer reads it in English. */
const worded = async (status: Promise<PrinterStatus | null>) => {
  const s = await status;
  return s && { ...s, message: s.message ? english(s.message) : null };
};

const LABEL = Buffer.from('^XA^PW812^LL1218^FO50,50^A0N,40,40^FH^FDPaczka 1/1 Łódź^FS^XZ', 'utf8');
const fast = { timeoutMs: 3000, statusTimeoutMs: 300 };
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sinkFor(test: Parameters<typeof startPrinterSink>[0] = {}): Promise<PrinterSink> {
  const sink = await startPrinterSink(test);
  cleanups.push(() => sink.close());
  return sink;
}

function thrown(fn: () => unknown): PrinterError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PrinterError);
    return e as PrinterError;
  }
  throw new Error('expected a PrinterError');
}

async function rejection(p: Promise<unknown>): Promise<PrinterError> {
  const err = await p.then(
    () => new Error('expected a PrinterError'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PrinterError);
  return err as PrinterError;
}

describe('raw TCP with ZPL ~HS', () => {
  it('asks status before and after the label on the same connection; the printer gets the label alone', async () => {
    const sink = await sinkFor();
    const result = await transportFor(sink.uri, fast).send(LABEL);
    expect(result).toMatchObject({ bytesSent: LABEL.length, before: { status: 'ready' }, after: { status: 'ready' } });
    expect(sink.connections).toBe(1);
    expect(sink.statusAnswers).toBe(2);
    expect(sink.jobs).toEqual([LABEL]);
  });

  it('reports each printer condition from status()', async () => {
    const sink = await sinkFor();
    const t = transportFor(sink.uri, fast);
    expect(await worded(t.status())).toMatchObject({ status: 'ready', message: null });
    sink.setStatus('paper_out');
    expect(await worded(t.status())).toMatchObject({ status: 'paper_out', message: 'The printer is out of labels. Load a roll and scan PRINT.' });
    sink.setStatus('head_open');
    expect(await t.status()).toMatchObject({ status: 'head_open' });
    sink.setStatus('paused');
    expect(await t.status()).toMatchObject({ status: 'paused' });
    sink.setStatus('silent');
    expect(await worded(t.status())).toMatchObject({ status: 'error', message: expect.stringMatching(/does not answer status checks/) });
    expect(sink.jobs).toEqual([]); // status queries are not jobs
  });

  it('a printer that is off is offline', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as net.AddressInfo;
    await new Promise<void>((r) => srv.close(() => r()));
    expect(await worded(transportFor(`tcp://127.0.0.1:${port}`, fast).status())).toMatchObject({
      status: 'offline',
      message: expect.stringMatching(/does not answer\. Is it on/),
    });
  });

  it('paper out or head open before the job: blocked, not one byte of the label sent', async () => {
    for (const status of ['paper_out', 'head_open'] as const) {
      const sink = await sinkFor({ status });
      let wrote = false;
      const err = await rejection(transportFor(sink.uri, fast).send(LABEL, { beforeWrite: () => (wrote = true) }));
      expect(err).toMatchObject({ kind: 'blocked', delivery: 'none', status: { status } });
      expect(wrote).toBe(false);
      expect(sink.jobs).toEqual([]);
    }
  });

  it('silence before the job is an error, not "ok"', async () => {
    const sink = await sinkFor({ faults: ['silent'] });
    const err = await rejection(transportFor(sink.uri, fast).send(LABEL));
    expect(err).toMatchObject({ kind: 'no_status', delivery: 'none' });
    expect(sink.jobs).toEqual([]);
  });

  it('a reset before the printer read anything: nothing delivered', async () => {
    const sink = await sinkFor({ faults: ['reset_before_read'] });
    const err = await rejection(transportFor(sink.uri, fast).send(LABEL));
    expect(err).toMatchObject({ kind: 'reset_before_send', delivery: 'none' });
    expect(english(err.packerSaid)).toMatch(/Nothing should have printed/);
  });

  it('a reset after the printer read everything: all delivered, may have printed', async () => {
    for (const checkStatus of [true, false]) {
      const sink = await sinkFor({ faults: ['reset_after_read'] });
      const err = await rejection(transportFor(sink.uri, fast).send(LABEL, { checkStatus }));
      expect(err).toMatchObject({ kind: 'reset_after_send', delivery: 'all' });
      expect(sink.jobs).toEqual([LABEL]);
    }
  });

  it('?status=none sends blind: no ~HS on the wire, status() is null', async () => {
    const seen: Buffer[] = [];
    const sink = await sinkFor({ onData: (chunk) => seen.push(chunk) });
    const t = transportFor(`${sink.uri}?status=none`, fast);
    expect(await t.status()).toBeNull();
    expect(await t.send(LABEL)).toMatchObject({ before: null, after: null });
    expect(Buffer.concat(seen).equals(LABEL)).toBe(true);
    expect(sink.statusAnswers).toBe(0);
  });
});

describe('device file', () => {
  it('appends job after job to the device, with no status to ask', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const path = dir.file('lp0');
    writeFileSync(path, '');
    let sentMarked = 0;
    const t = transportFor(`file:${path}`, fast);
    expect(t.kind).toBe('file');
    expect(await t.status()).toBeNull();
    await t.send(LABEL, { beforeWrite: () => sentMarked++ });
    await transportFor(`file://${path}`, fast).send(Buffer.from('^XA^XZ'));
    expect(readFileSync(path).equals(Buffer.concat([LABEL, Buffer.from('^XA^XZ')]))).toBe(true);
    expect(sentMarked).toBe(1);
  });

  it('a device that is not there: unreachable, nothing delivered', async () => {
    const err = await rejection(transportFor('file:/nonexistent-packbench/lp0', fast).send(LABEL));
    expect(err).toMatchObject({ kind: 'unreachable', delivery: 'none' });
    expect(english(err.packerSaid)).toMatch(/not connected/);
  });
});

describe('serial port over a socat pty pair', () => {
  let socat: ChildProcess;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    dir = tempDir();
    socat = spawn('socat', [`pty,raw,echo=0,link=${dir.file('printer')}`, `pty,raw,echo=0,link=${dir.file('device')}`], { stdio: 'ignore' });
    const deadline = Date.now() + 5000;
    while (!(existsSync(dir.file('printer')) && existsSync(dir.file('device')))) {
      if (Date.now() > deadline) throw new Error('socat did not create the pty links');
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  afterAll(() => {
    socat.kill();
    dir.remove();
  });

  it('delivers the exact bytes at the given baud rate', async () => {
    const device = new SerialPort({ path: dir.file('device'), baudRate: 19200, autoOpen: false });
    await new Promise<void>((resolve, reject) => device.open((e) => (e ? reject(e) : resolve())));
    const received: Buffer[] = [];
    const all = new Promise<void>((resolve) =>
      device.on('data', (chunk: Buffer) => {
        received.push(chunk);
        if (Buffer.concat(received).length >= LABEL.length) resolve();
      }),
    );
    const t = transportFor(`serial:${dir.file('printer')}?baud=19200`, fast);
    expect(t.kind).toBe('serial');
    expect(await t.send(LABEL)).toMatchObject({ bytesSent: LABEL.length, before: null, after: null });
    await all;
    expect(Buffer.concat(received).equals(LABEL)).toBe(true);
    await new Promise<void>((resolve) => device.close(() => resolve()));
  });

  it('a missing port is unreachable', async () => {
    const err = await rejection(transportFor(`serial:${dir.file('nothing')}`, fast).send(LABEL));
    expect(err).toMatchObject({ kind: 'unreachable', delivery: 'none' });
  });
});

describe('CUPS queue through a fake lp on PATH', () => {
  let dir: ReturnType<typeof tempDir>;
  let savedPath: string | undefined;

  beforeAll(() => {
    dir = tempDir();
    // Records its argv (one per line) and stdin; refuses the queue "Missing" like real lp.
    writeFileSync(
      dir.file('lp'),
      `#!/bin/sh
printf '%s\\n' "$@" > '${dir.file('argv')}'
cat > '${dir.file('stdin')}'
if [ "$2" = "Missing" ]; then echo "lp: The printer or class does not exist." >&2; exit 1; fi
echo "request id is $2-42 (0 file(s))"
`,
    );
    writeFileSync(
      dir.file('lpstat'),
      `#!/bin/sh
case "$2" in
  Zebra) echo "printer Zebra is idle.  enabled since Mon 01 Jan 2025 08:00:00";;
  Stopped) echo "printer Stopped disabled since Mon 01 Jan 2025 08:00:00 -"; echo "	Paused";;
  *) echo "lpstat: Invalid destination name in list \\"$2\\"!" >&2; exit 1;;
esac
`,
    );
    chmodSync(dir.file('lp'), 0o755);
    chmodSync(dir.file('lpstat'), 0o755);
    savedPath = process.env.PATH;
    process.env.PATH = `${dir.path}:${savedPath ?? ''}`;
  });

  afterAll(() => {
    process.env.PATH = savedPath;
    dir.remove();
  });

  it('pipes the raw label into lp -d NAME -o raw, without a shell', async () => {
    const t = transportFor('cups:Zebra', { ...fast, platform: 'linux' });
    expect(t.kind).toBe('cups');
    const result = await t.send(LABEL, { title: 'Packbench label 7' });
    expect(result).toMatchObject({ bytesSent: LABEL.length, detail: 'CUPS job Zebra-42', before: null, after: null });
    expect(readFileSync(dir.file('argv'), 'utf8').split('\n').slice(0, -1)).toEqual(['-d', 'Zebra', '-o', 'raw', '-t', 'Packbench label 7']);
    expect(readFileSync(dir.file('stdin')).equals(LABEL)).toBe(true);
  });

  it('passes a queue name with shell characters as one literal argument', async () => {
    const name = 'Zeb;ra$(touch_pwned)';
    await transportFor(`cups:${encodeURIComponent(name)}`, fast).send(LABEL);
    expect(readFileSync(dir.file('argv'), 'utf8').split('\n')[1]).toBe(name);
    expect(existsSync('touch_pwned')).toBe(false);
  });

  it('a queue lp refuses: nothing queued, a message for the bench', async () => {
    const err = await rejection(transportFor('cups:Missing', fast).send(LABEL));
    expect(err).toMatchObject({ kind: 'unreachable', delivery: 'none' });
    expect(english(err.packerSaid)).toMatch(/print queue "Missing" refused the label/);
    expect(err.message).toMatch(/does not exist/);
  });

  it('reads the queue state from lpstat', async () => {
    expect(await transportFor('cups:Zebra', fast).status()).toMatchObject({ status: 'ready' });
    expect(await worded(transportFor('cups:Stopped', fast).status())).toMatchObject({ status: 'paused', message: expect.stringMatching(/stopped/) });
    expect(await transportFor('cups:Gone', fast).status()).toMatchObject({ status: 'offline' });
  });

  it('refuses names lp would read as an option, and Windows has no CUPS queue', () => {
    expect(() => transportFor('cups:-oraw')).toThrow(PrinterError);
    expect(english(thrown(() => transportFor('cups:Zebra', { platform: 'win32' })).packerSaid)).toMatch(/no CUPS print queue/);
  });
});

describe('transportFor', () => {
  it('picks a transport from the URI and refuses what it does not know', () => {
    expect(transportFor('tcp://192.168.1.50').where).toBe('192.168.1.50:9100');
    expect(transportFor('tcp://[::1]:9101').where).toBe('[::1]:9101');
    expect(transportFor('file:/dev/usb/lp0').where).toBe('/dev/usb/lp0');
    expect(transportFor('serial:/dev/ttyUSB0?baud=115200').kind).toBe('serial');
    expect(english(thrown(() => transportFor('ipp://printer/queue')).packerSaid)).toMatch(/not valid\. Check the printer settings/);
    expect(() => transportFor('tcp://printer?status=epl')).toThrow(PrinterError);
    expect(() => transportFor('serial:/dev/ttyUSB0?baud=fast')).toThrow(PrinterError);
  });
});

// From flags to a running station: the sandbox (its own data folder, training badge) only when no
// Odoo is configured, by flag or in the stored settings; with one configured, the live bench and
// never the sandbox, even when that Odoo cannot be reached. The API key is never a flag.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StationFault } from '../../shared/errors';
import { bootStation, parseFlags, TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { createStation } from '../../electron/core/station';
import { decodeBarcodes, renderZplToPng } from '../support/label-decode';
import { scanOn } from '../support/sandbox-rig';
import { tempDir } from '../support/temp-dir';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

let dir: ReturnType<typeof tempDir>;
let booted: BootedStation | null = null;
const quiet = { log: () => {}, identity: { scryptN: 1024 } };

beforeEach(() => (dir = tempDir('packbench-boot-')));
afterEach(async () => {
  await booted?.close();
  booted = null;
  dir.remove();
});

describe('flags', () => {
  it('reads every flag the README lists, with its setting', () => {
    expect(
      parseFlags([
        '--browser', '--port', '4300', '--data-dir', '/srv/pb', '--printer', 'tcp://10.0.0.5:9100',
        '--scale', '/dev/ttyUSB0', '--scale-protocol', 'toledo-8217', '--scale-baud', '4800',
        '--odoo-url', 'https://odoo.example.com', '--odoo-db', 'prod', '--odoo-login', 'bench2',
      ]),
    ).toEqual({
      browser: true,
      sandbox: false,
      port: 4300,
      dataDir: '/srv/pb',
      printer: 'tcp://10.0.0.5:9100',
      scale: '/dev/ttyUSB0',
      scaleProtocol: 'toledo-8217',
      scaleBaud: 4800,
      odooUrl: 'https://odoo.example.com',
      odooDb: 'prod',
      odooLogin: 'bench2',
    });
    expect(parseFlags([])).toMatchObject({ browser: false, sandbox: false, port: 4280 });
  });

  it('has no flag for the API key, and refuses unknown or malformed ones', () => {
    for (const argv of [['--odoo-api-key', 'k'], ['--api-key', 'k'], ['--port', 'eighty'], ['--odoo-url', 'not a url'], ['--scale-baud', '4801'], ['stray']]) {
      expect(() => parseFlags(argv), argv.join(' ')).toThrow();
    }
  });
});

describe('bootStation', () => {
  it('starts the sandbox in its own training folder when no Odoo is configured', async () => {
    booted = await bootStation(parseFlags(['--data-dir', dir.path]), quiet);
    expect(booted.mode).toBe('training');
    expect(booted.dataDir).toBe(join(dir.path, 'training'));
    expect(booted.sandbox?.odoo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(booted.station.handlers.getState({})).toMatchObject({ mode: 'training', bench: 'Training bench' });
    expect(booted.station.identities.findByBadge(TRAINING_PACKER_BADGE)).toMatchObject({ role: 'packer' });
    expect(booted.notes[0]).toMatch(/^TRAINING/);
    // The notes are shown to whoever started it: the sandbox Odoo's key is not among them.
    expect(booted.notes.join('\n')).not.toMatch(/key/i);
  });

  it('starts the live bench, never the sandbox, when an Odoo is given by flag, even one that cannot be reached', async () => {
    booted = await bootStation(
      parseFlags(['--data-dir', dir.path, '--odoo-url', 'http://127.0.0.1:9', '--odoo-db', 'prod', '--odoo-login', 'bench2']),
      quiet,
    );
    expect(booted.mode).toBe('live');
    expect(booted.dataDir).toBe(dir.path);
    expect(booted.sandbox).toBeUndefined();
    expect(booted.station.effectiveSettings().odoo).toMatchObject({ url: 'http://127.0.0.1:9', db: 'prod', login: 'bench2' });
    expect(booted.station.handlers.getState({})).toMatchObject({ mode: 'live' });
  });

  it('starts the live bench when the stored settings name an Odoo, with no flag at all', async () => {
    const station = createStation({ dataDir: dir.path, mode: 'live', ...quiet });
    station.settings.update({ odoo: { url: 'http://127.0.0.1:9', db: 'prod', login: 'bench2' } }, 'system');
    await station.stop();
    booted = await bootStation(parseFlags(['--data-dir', dir.path]), quiet);
    expect(booted.mode).toBe('live');
    expect(booted.sandbox).toBeUndefined();
  });

  it('refuses --sandbox together with --odoo-url', async () => {
    const attempt = bootStation(parseFlags(['--data-dir', dir.path, '--sandbox', '--odoo-url', 'http://127.0.0.1:9']), quiet);
    await expect(attempt).rejects.toBeInstanceOf(StationFault);
    await expect(attempt).rejects.toMatchObject({ code: 'bad_flags' });
  });

  it("buys the training orders of Odoo's DHL Parcel from the sandbox ShipEngine: the printed label's barcode is its tracking number, and Odoo gets it", async () => {
    booted = await bootStation(parseFlags(['--data-dir', dir.path]), { ...quiet, scaleOptions: { stableWindowMs: 300, reconnectMs: 200 } });
    const { odoo, shipengine, printer } = booted.sandbox!;
    const dhl = odoo.state.all('delivery.carrier').find((c) => c.name === 'DHL Parcel')!;
    const name = odoo.state.sampleNames().find((n) => odoo.state.all('stock.picking').find((p) => p.name === n)!.carrier_id === dhl.id)!;
    const { station } = booted;
    await scanOn(station, TRAINING_PACKER_BADGE);
    const opened = await scanOn(station, name);
    for (const code of unitScans(opened.state.order!.lines)) await scanOn(station, code);
    // The simulated scale puts the parcel down by itself.
    const done = await waitForEvent(station.events, 'state', (s) => s.step === 'done', 30_000, 'step done');

    expect(shipengine.purchases).toHaveLength(1);
    const [tracking] = shipengine.purchases[0]!.trackingNumbers;
    expect(done.label).toMatchObject({ carrier: 'ShipEngine', trackingNumber: tracking });
    expect(await decodeBarcodes(await renderZplToPng(printer!.jobs[0]!.toString('utf8')))).toContainEqual({ format: 'Code128', text: tracking });
    expect(odoo.state.all('stock.picking').find((p) => p.name === name)).toMatchObject({ state: 'done', carrier_tracking_ref: tracking });
  });
});

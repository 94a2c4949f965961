// Found by the crash harness: killed after the print journal recorded the label as printed and
// before the pack session moved on (crash point print.confirmed), the bench comes back with the
// order at "Getting the label…" for good: the label is out, Odoo is told, yet the packer cannot
// open the next order until they scan REPRINT (a second copy). Nothing at start reconciled a
// confirmed print with a session still labelling.
// Fixed: at start the bench finds the newest label of a session still labelling confirmed printed
// and moves the order on as that print would have.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScanReply, StationState } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { createStation, type Station } from '../../electron/core/station';
import { EnvSecretStore } from '../../electron/core/store/secret-store';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { startScaleSimulator, type ScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { startChildStation, type ChildStation } from '../support/child-station';
import { tempDir } from '../support/temp-dir';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

const apiKey = randomBytes(16).toString('hex');
let dir: ReturnType<typeof tempDir> | null = null;
let odoo: SandboxOdoo | null = null;
let scale: ScaleSimulator | null = null;
let printer: PrinterSink | null = null;
let child: ChildStation | null = null;
let station: Station | null = null;

afterEach(async () => {
  await child?.kill9();
  await station?.stop();
  await Promise.all([odoo?.close(), scale?.close(), printer?.close()]);
  dir?.remove();
  child = station = odoo = scale = printer = dir = null;
});

async function waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('kill -9 between the printed label and the session moving on', () => {
  it('moves the order on by itself after the restart, without a second copy', { timeout: 60_000 }, async () => {
    dir = tempDir('packbench-print-confirmed-');
    odoo = await startSandboxOdoo({ port: 0, apiKey, seed: 3 });
    scale = await startScaleSimulator({});
    printer = await startPrinterSink({ port: 0 });
    const config = { dataDir: dir.path, odoo: { url: odoo.url, db: odoo.db, login: odoo.login }, printerUri: printer.uri, scalePath: scale.appPath };
    const hits = dir.file('crash-points.log');
    child = await startChildStation(config, apiKey, 30_000, { PACKBENCH_CRASH_AT: 'print.confirmed', PACKBENCH_CRASH_LOG: hits });

    const [name] = odoo.state.sampleNames();
    await child.call('scan', { code: 'P-1' });
    const opened = await child.call<ScanReply>('scan', { code: name! });
    for (const code of unitScans(opened.state.order!.lines)) await child.call('scan', { code });
    await child.waitFor('state', (s) => s.step === 'weighing', 15_000, 'step weighing');
    scale.setWeight(await child.call<number>('__expectedWeight'), { motionMs: 300 });
    // It dies by its own hand at the crash point, the label at the printer.
    await waitUntil(() => existsSync(hits) && readFileSync(hits, 'utf8') === 'print.confirmed\n', 20_000, 'the crash point');
    expect(await child.kill9()).toBe('SIGKILL');
    child = null;
    expect(printer.jobs).toHaveLength(1);

    station = createStation({
      dataDir: config.dataDir,
      mode: 'live',
      identity: { scryptN: 1024 },
      log: () => {},
      secrets: new EnvSecretStore({ PACKBENCH_SECRET_ODOO_API_KEY: apiKey }),
      overrides: { odoo: config.odoo, printer: { uri: config.printerUri }, scale: { path: config.scalePath, protocol: 'sics' } },
      scaleOptions: { stableWindowMs: 300, reconnectMs: 200 },
    });
    await station.start();
    const state = (await dispatch(station.handlers, 'getState', {})) as { ok: true; value: StationState };
    expect(state.value.label?.printState).toBe('confirmed');
    // The packer waits for the bench: the order should reach printed (or done) on its own.
    await waitForEvent(station.events, 'state', (s) => s.step === 'printed' || s.step === 'done', 10_000, 'the order moved on');
    expect(printer.jobs).toHaveLength(1);
  });
});

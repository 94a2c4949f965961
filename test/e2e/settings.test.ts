// The Settings panel in the browser, on the training sandbox: a test print answered by the
// sandbox printer, a change refused for a wrong PIN and saved with the right one, a bad printer
// address refused in the schema's words, and a scan kept out of the form.
// The default carrier and its service are chosen there too.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootStation, parseFlags, TRAINING_LEAD_PIN, TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import type { SettingsInForce } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { ARTIFACTS, startBrowserStation, type BrowserStation } from '../support/browser-station';
import { PackPage } from './pages/pack-page';
import { SettingsPage } from './pages/settings-page';
import { stationDb } from '../support/station-db';

const URI_MESSAGE = 'A printer is tcp://host:port, file:PATH, serial:PATH?baud=9600 or cups:QUEUE';

describe('settings in the browser', () => {
  let bench: BrowserStation;
  let booted: BootedStation;
  let settings: SettingsPage;
  let pack: PackPage;

  const getSettings = async () => {
    const reply = await dispatch(bench.station.handlers, 'getSettings', {});
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value as SettingsInForce;
  };

  beforeAll(async () => {
    bench = await startBrowserStation({
      boot: async (dataDir) =>
        (booted = await bootStation(parseFlags(['--sandbox', '--data-dir', dataDir]), {
          log: () => {},
          identity: { scryptN: 1024 },
        })),
    });
    settings = new SettingsPage(bench.page);
    pack = new PackPage(bench.page);
    await bench.page.getByTestId('training-badge').waitFor();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => bench?.close());

  it('opens from the top bar and shows the settings in force, never a secret', async () => {
    await settings.open();
    expect(await settings.field('bench.name').inputValue()).toBe('Training bench');
    // The sandbox's printer and scale are set for this run: shown, not editable.
    const printer = settings.field('printer.uri');
    expect(await printer.inputValue()).toBe(booted.sandbox!.printer!.uri);
    expect(await printer.getAttribute('readonly')).not.toBeNull();
    expect(await settings.field('scale.protocol').inputValue()).toBe('sics');
    expect(await settings.field('scale.protocol').locator('option').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^toledo-8217/), expect.stringMatching(/^ascii/)]),
    );
    expect(await settings.field('odoo.url').textContent()).toContain(booted.sandbox!.odoo.url);
    expect(await settings.field('odoo.login').textContent()).toContain('admin');
    expect(await settings.field('odoo.backorder').inputValue()).toBe('create');
    expect(await bench.page.getByTestId('api-key-note').textContent()).toContain('PACKBENCH_SECRET_ODOO_API_KEY');
    // Nothing asks for a key or a password until a change needs a lead's approval.
    expect(await settings.panel().locator('input[type=password]').count()).toBe(0);
    expect(await settings.changes().textContent()).toBe('No changes.');
    await settings.field('odoo.backorder').scrollIntoViewIfNeeded();
    await bench.page.screenshot({ path: join(ARTIFACTS, 'settings-odoo.png') });
  });

  it('prints a test label and shows the sandbox printer’s answer', async () => {
    const jobsBefore = booted.sandbox!.printer!.jobs.length;
    await settings.testButton('printer').click();
    const result = settings.testResult('printer');
    await result.filter({ hasText: 'A test label was sent to' }).waitFor();
    expect(await result.textContent()).toContain(booted.sandbox!.printer!.uri.replace('tcp://', ''));
    expect(await bench.page.getByTestId('test-printer-status').textContent()).toBe(
      'Printer before the test: ready · after: ready',
    );
    expect(booted.sandbox!.printer!.jobs.length).toBe(jobsBefore + 1);
    expect(booted.sandbox!.printer!.jobs.at(-1)!.toString('utf8')).toContain('Packbench test print');
    await bench.page.screenshot({ path: join(ARTIFACTS, 'settings-test-print.png') });

    // Out of labels: the test says so, and nothing was sent.
    booted.sandbox!.printer!.setStatus('paper_out');
    try {
      await settings.testButton('printer').click();
      await result.filter({ hasText: 'out of labels' }).waitFor();
      expect(await result.getAttribute('class')).toContain('tone-error');
      expect(await bench.page.getByTestId('test-printer-status').textContent()).toBe(
        'Printer before the test: out of labels · after: out of labels',
      );
      expect(booted.sandbox!.printer!.jobs.length).toBe(jobsBefore + 1);
    } finally {
      booted.sandbox!.printer!.setStatus('ok');
    }
  });

  it('checks the scale port', async () => {
    await settings.testButton('scale').click();
    await settings.testResult('scale').filter({ hasText: `The scale port ${booted.sandbox!.scale!.appPath} is there.` }).waitFor();
  });

  it('finds the protocol the scale answers in, and weighs again after', async () => {
    await bench.page.getByTestId('detect-scale').click();
    const result = bench.page.getByTestId('detect-scale-result');
    await result.filter({ hasText: `The scale on ${booted.sandbox!.scale!.appPath} answers in MT-SICS (Mettler Toledo) at 9600 baud.` }).waitFor();
    expect(await result.getAttribute('class')).toContain('tone-success');
    // The sandbox's scale settings are its own (read-only): nothing to take over into the form.
    expect(await bench.page.getByTestId('detect-scale-use').count()).toBe(0);
    await result.scrollIntoViewIfNeeded();
    await bench.page.screenshot({ path: join(ARTIFACTS, 'settings-detect-scale.png') });
    // The bench polls the scale again once the probe has let go of the port.
    const polls = booted.sandbox!.scale!.polls();
    await expect.poll(() => booted.sandbox!.scale!.polls(), { timeout: 10_000 }).toBeGreaterThan(polls + 2);
    await bench.page.getByTestId('scale-now').filter({ hasText: /Reading now: \d/ }).waitFor({ timeout: 10_000 });
  });

  it('refuses a change for a wrong PIN, then saves only what changed with the right one', async () => {
    await settings.field('bench.name').fill('Dock 7');
    await settings.field('packing.tolerancePct').fill('12,5');
    await settings.changes().filter({ hasText: 'Changed: Bench name, Weight tolerance.' }).waitFor();

    await settings.saveWithPin('0000');
    await settings.notice().filter({ hasText: 'That PIN is not right' }).waitFor();
    expect(await settings.notice().getAttribute('role')).toBe('alert');
    expect(await bench.page.getByTestId('approval-pin').inputValue()).toBe(''); // to be given again
    expect((await getSettings()).bench.name).toBe('Training bench');
    expect(await settings.topBarBench().textContent()).toBe('Training bench');

    await settings.saveWithPin(TRAINING_LEAD_PIN);
    await settings.notice().filter({ hasText: 'Saved: Bench name, Weight tolerance.' }).waitFor();
    await settings.topBarBench().filter({ hasText: 'Dock 7' }).waitFor();
    const now = await getSettings();
    expect(now.bench.name).toBe('Dock 7');
    expect(now.packing).toEqual({ verifyItems: true, tolerancePct: 12.5, toleranceMinG: 50, boxTareG: 150 });
    expect(await settings.changes().textContent()).toBe('No changes.');
    expect(await bench.page.getByTestId('approval-pin').count()).toBe(0); // no approval left on screen
    // The audit names the lead and holds only the two fields that changed.
    const audit = stationDb(bench.station)
      .prepare(`SELECT actor, data FROM audit_log WHERE action = 'settings.updated' ORDER BY id DESC LIMIT 1`)
      .get() as { actor: string; data: string };
    expect(audit.actor).toMatch(/^staff:\d+$/);
    expect(JSON.parse(audit.data)).toEqual({ patch: { bench: { name: 'Dock 7' }, packing: { tolerancePct: 12.5 } } });
  });

  it('refuses a bad printer address with the schema’s message', async () => {
    await settings.field('printer.fallbackUri').fill('http://printer.local/print');
    await settings.saveWithPin(TRAINING_LEAD_PIN);
    await settings.fieldError('printer.fallbackUri').filter({ hasText: URI_MESSAGE }).waitFor();
    expect(await settings.notice().textContent()).toBe(`Nothing was saved. Fallback printer: ${URI_MESSAGE}.`);
    expect(await settings.field('printer.fallbackUri').getAttribute('aria-invalid')).toBe('true');
    expect((await getSettings()).printer.fallbackUri).toBeNull();
    await bench.page.screenshot({ path: join(ARTIFACTS, 'settings-refused-uri.png') });

    // Put right, it saves (the PIN was never checked, so it is still there).
    await settings.field('printer.fallbackUri').fill('tcp://10.0.0.9:9100');
    await bench.page.getByTestId('settings-save').click();
    await settings.notice().filter({ hasText: 'Saved: Fallback printer.' }).waitFor();
    expect((await getSettings()).printer.fallbackUri).toBe('tcp://10.0.0.9:9100');
  });

  it('keeps a scan out of a settings field; with no field selected the scan reaches the bench', async () => {
    const name = settings.field('bench.name');
    await name.click();
    await pack.scan(TRAINING_PACKER_BADGE);
    await settings.notice().filter({ hasText: 'That was a barcode scan, so it was kept out of “Bench name”.' }).waitFor();
    expect(await name.inputValue()).toBe('Dock 7');
    expect(await settings.changes().textContent()).toBe('No changes.');
    expect(await pack.packer().textContent()).toBe('Nobody logged in');

    await settings.panel().locator('legend', { hasText: 'Packing' }).click(); // nothing focused that takes text
    await pack.scan(TRAINING_PACKER_BADGE);
    await pack.packer().filter({ hasText: 'Trainee Packer' }).waitFor();
    expect(await name.inputValue()).toBe('Dock 7');
  });

  it('sets the default carrier and its service, with a lead’s approval; the training mapping stays', async () => {
    const before = (await getSettings()).carriers;
    expect(await settings.field('carriers.default.provider').inputValue()).toBe('local');
    await settings.field('carriers.default.provider').selectOption('shipengine');
    await settings.field('carriers.default.service').fill('sandbox_ground');
    await settings.changes().filter({ hasText: 'Changed: Default carrier, Default carrier service.' }).waitFor();
    await settings.saveWithPin(TRAINING_LEAD_PIN);
    await settings.notice().filter({ hasText: 'Saved: Default carrier, Default carrier service.' }).waitFor();
    const after = (await getSettings()).carriers;
    expect(after).toEqual({ ...before, default: { provider: 'shipengine', service: 'sandbox_ground' } });
    // The sandbox's Odoo carriers still go to the sandbox providers.
    expect(after.byOdooCarrier.map((m) => m.provider)).toEqual(['shipengine', 'shippo', 'odoo']);
  });

  it('exports a support bundle with a lead’s PIN and says where the file is', async () => {
    await settings.open();
    await bench.page.getByTestId('support-bundle-start').click();
    const section = bench.page.getByTestId('support-bundle');
    await section.getByTestId('approval-pin').fill(TRAINING_LEAD_PIN);
    await bench.page.getByTestId('support-bundle-export').click();
    const notice = bench.page.getByTestId('support-bundle-notice');
    await notice.filter({ hasText: 'Give this file to support.' }).waitFor();
    const file = /^Saved (.+\.json) \(\d+ KB\)/.exec((await notice.textContent()) ?? '')?.[1] ?? '';
    expect(file.startsWith(booted.dataDir)).toBe(true);
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as { format: string; mode: string };
    expect(bundle).toMatchObject({ format: 'packbench-support-bundle/1', mode: 'training' });
    expect(await section.getByTestId('approval-pin').count()).toBe(0); // the approval was spent and is gone
    await section.scrollIntoViewIfNeeded();
    await bench.page.screenshot({ path: join(ARTIFACTS, 'settings-support-bundle.png') });
  });
});

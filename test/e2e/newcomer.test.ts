// A newcomer in the training sandbox, in headless Chromium, with nothing but the screen: the idle
// screen shows the badges and orders to try (as barcodes with their text), each order line its
// item barcode; the commands are buttons. Put aside, new parcel, reprint and logout work by button
// and by scan; a wrong scan is heard (sound) and named. Screenshots in test-results/newcomer-*.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAINING_LEAD_PIN, type BootedStation } from '../../electron/core/entry/boot';
import { dispatch } from '../../shared/bridge';
import { leadPin } from '../support/approval';
import { ARTIFACTS, type BrowserStation } from '../support/browser-station';
import { startSandboxBench } from '../support/sandbox-bench';
import type { PackPage } from './pages/pack-page';

describe('a newcomer packs from the screen alone', () => {
  let bench: BrowserStation;
  let pack: PackPage;
  let booted: BootedStation;
  const shot = (name: string) => bench.page.screenshot({ path: join(ARTIFACTS, `newcomer-${name}.png`) });
  const button = (command: string) => bench.page.getByTestId(`command-${command}`);
  const shows = (text: string | RegExp, timeout = 10_000) => pack.message().filter({ hasText: text }).waitFor({ timeout });
  const printerJobs = () => booted.sandbox!.printer!.jobs.length;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ({ bench, booted, pack } = await startSandboxBench());
    // The done screen must fit a 1366x768 bench monitor.
    await bench.page.setViewportSize({ width: 1366, height: 768 });
  });
  afterAll(async () => bench?.close());

  /** The orders the idle screen offered, as the trainee read them there. */
  let offered: string[] = [];
  const packed = new Set<string>();

  /** Open, from the screen's list, an order whose items need no lot (a newcomer's first order). */
  async function openPlainOrder(): Promise<string> {
    if ((await bench.page.getByTestId('training-order').count()) > 0) {
      offered = await bench.page.getByTestId('training-order').locator('.line-barcode-text').allTextContents();
    }
    expect(offered.length).toBeGreaterThan(0);
    for (const name of offered.filter((n) => !packed.has(n))) {
      await pack.scan(name);
      await bench.page.getByTestId('order-name').filter({ hasText: name }).waitFor();
      if ((await bench.page.getByTestId('line-lots').count()) === 0) return name;
      await button('CANCEL').click();
      await shows('Order put aside');
    }
    throw new Error('no order without lots on the training screen');
  }

  /** Scan every item as the screen shows it: each line's barcode text, as many times as it says. */
  async function scanLinesFromScreen(limit = Infinity): Promise<number> {
    const rows = bench.page.getByTestId('order-line');
    let scanned = 0;
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      const code = await row.locator('.line-barcode-text').textContent();
      const [packed, quantity] = ((await row.getByTestId('line-count').textContent()) ?? '').split('/').map((n) => Number.parseInt(n, 10));
      for (let n = packed!; n < quantity! && scanned < limit; n++, scanned++) await pack.scan(code!);
    }
    return scanned;
  }

  it('starts from the idle screen, packs, reprints and logs out, by button and by scan', async () => {
    // The idle screen says how to start: badges and orders, each as a barcode with its text.
    await bench.page.getByTestId('training-start').waitFor();
    expect(await bench.page.getByTestId('training-badge-code').locator('img').count()).toBeGreaterThan(0);
    await shot('idle');
    const badge = await bench.page.getByTestId('training-badge-code').first().locator('.line-barcode-text').textContent();
    await pack.scan(badge!);
    await pack.packer().filter({ hasText: 'Trainee Packer' }).waitFor();

    const name = await openPlainOrder();
    // Every line shows its barcode drawn on screen, with the text.
    const rows = await bench.page.getByTestId('order-line').count();
    expect(await bench.page.getByTestId('line-barcode').locator('img').count()).toBe(rows);
    await expect.poll(() => bench.page.getByTestId('command-buttons').textContent()).toContain('Put aside');
    await shot('packing');

    // A wrong scan: named and heard (the error sound at the bench's volume).
    await pack.scan('NOT-A-THING-42');
    await shows(`is not an item of ${name}`);
    await expect.poll(() => bench.page.evaluate(() => document.body.dataset.lastSound ?? '')).toMatch(/^error@/);

    await scanLinesFromScreen();
    packed.add(name);
    // The sandbox scale settles by itself; the label prints.
    await bench.page.getByTestId('print-state').filter({ hasText: 'Printed' }).waitFor({ timeout: 30_000 });
    await bench.page.getByTestId('label-image').waitFor({ timeout: 15_000 });
    await bench.page.getByTestId('command-REPRINT-LOST').waitFor();
    // The done screen fits 1366x768 without scrolling.
    const fits = await bench.page.evaluate(() => [document.documentElement.scrollHeight, window.innerHeight]);
    expect(fits[0]).toBeLessThanOrEqual(fits[1]!);
    await shot('done-1366x768');

    // Reprint by button, then by scan: each one more copy.
    const before = printerJobs();
    await button('REPRINT-LOST').click();
    await expect.poll(printerJobs, { timeout: 10_000 }).toBe(before + 1);
    await pack.scan('*PB*REPRINT-DAMAGED');
    await expect.poll(printerJobs, { timeout: 10_000 }).toBe(before + 2);

    // Log out by button: the customer leaves the screen.
    const customer = booted.station.pack.orderView()!;
    expect(customer.name).toBe(name);
    await button('LOGOUT').click();
    await pack.packer().filter({ hasText: 'Nobody logged in' }).waitFor();
    expect(await bench.page.getByTestId('order').count()).toBe(0);
    expect(await bench.page.locator('body').textContent()).not.toContain(customer.shipTo.name);
    await shot('logged-out');
  });

  it('puts aside and starts a new parcel by button and by scan, and logs out by scan', async () => {
    await pack.scan('TRAIN-PACKER');
    await pack.packer().filter({ hasText: 'Trainee Packer' }).waitFor();

    // Put aside by button.
    await openPlainOrder();
    await button('CANCEL').click();
    await shows('Order put aside');
    await bench.page.getByTestId('training-start').waitFor();

    // New parcel by button: the first item goes on the scale as parcel 1, packing goes on.
    const name = await openPlainOrder();
    const total = booted.station.pack.orderView()!.lines.reduce((n, l) => n + l.quantity, 0);
    await scanLinesFromScreen(1);
    await button('NEW-PARCEL').click();
    await shows(/Parcel 1: put it on the scale/);
    if (total > 1) {
      await bench.page.getByTestId('parcel').filter({ hasText: '✓' }).first().waitFor({ timeout: 20_000 });
      await shot('new-parcel-button');
      // New parcel by scan, once another item is in.
      await scanLinesFromScreen(1);
      if (total > 2) {
        await pack.scan('*PB*NEW-PARCEL');
        await shows(/Parcel 2: put it on the scale/);
      }
    }
    // Put aside by scan: back to the idle screen. (A weighed parcel waits for the scale first.)
    await bench.page.getByTestId('step').filter({ hasText: /Packing|Weighing/ }).waitFor();
    await pack.scan('*PB*CANCEL');
    await shows(/Order put aside|Not yet/);
    expect(name.length).toBeGreaterThan(0);

    // Log out by scan.
    await pack.scan('*PB*LOGOUT');
    await pack.packer().filter({ hasText: 'Nobody logged in' }).waitFor();
    await shot('logged-out-by-scan');
  });

  it('prints the command sheet from Settings, closes the panel with Escape, and is silent at volume 0', async () => {
    await bench.page.getByTestId('settings-open').click();
    await bench.page.getByTestId('command-sheet').waitFor();
    const before = printerJobs();
    await bench.page.getByTestId('command-sheet-label').click();
    await bench.page.getByTestId('command-sheet-result').filter({ hasText: 'was sent to' }).waitFor();
    await expect.poll(printerJobs, { timeout: 10_000 }).toBe(before + 1);
    expect(booted.sandbox!.printer!.jobs.at(-1)!.toString('utf8')).toContain('^FD*PB*LOGOUT^FS');
    await bench.page.getByTestId('command-sheet-a4').click();
    await bench.page.getByTestId('command-sheet-pdf').waitFor();
    await bench.page.getByTestId('command-sheet').scrollIntoViewIfNeeded();
    await shot('command-sheet-settings');
    await bench.page.keyboard.press('Escape');
    await bench.page.getByTestId('settings-panel').waitFor({ state: 'detached' });

    // The sound setting: at 0 a wrong scan makes no sound.
    const saved = await dispatch(booted.station.handlers, 'updateSettings', { patch: { sound: { volume: 0 } }, approval: leadPin(TRAINING_LEAD_PIN) });
    expect(saved.ok).toBe(true);
    const lastSound = () => bench.page.evaluate(() => document.body.dataset.lastSound ?? '');
    const heard = await lastSound();
    await pack.scan('TRAIN-PACKER');
    await pack.packer().filter({ hasText: 'Trainee Packer' }).waitFor();
    await pack.scan('*PB*NOPE');
    await shows('is not a bench command');
    await bench.page.waitForTimeout(300);
    expect(await lastSound()).toBe(heard);
  });
});

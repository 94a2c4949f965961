// A mangled scanner calibrated in the browser: a scanner set to US on a German keyboard types
// WH-OUT-00001 for WH/OUT/00001 and swaps Y and Z. Before calibration the bench does not know the
// order; the lead scans the calibration barcode shown in Settings (it decodes to its text), saves
// what was found with the PIN, and from then on the same scanner opens the order.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAINING_LEAD_BADGE, TRAINING_LEAD_PIN, TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { CALIBRATION_TEXT } from '../../renderer/src/scanner/calibration';
import { ARTIFACTS, type BrowserStation } from '../support/browser-station';
import { decodeBarcodes } from '../support/label-decode';
import { startSandboxBench } from '../support/sandbox-bench';
import type { PackPage } from './pages/pack-page';
import { SettingsPage } from './pages/settings-page';

// The keys a US-set scanner presses, read through a German layout (main block, unshifted then shifted).
const US = ['`1234567890-=', '~!@#$%^&*()_+', 'qwertyuiop[]\\', 'QWERTYUIOP{}|', "asdfghjkl;'", 'ASDFGHJKL:"', 'zxcvbnm,./', 'ZXCVBNM<>?'];
const DE = ['^1234567890ß´', '°!"§$%&/()=?`', 'qwertzuiopü+#', "QWERTZUIOPÜ*'", 'asdfghjklöä', 'ASDFGHJKLÖÄ', 'yxcvbnm,.-', 'YXCVBNM;:_'];
const onGerman = new Map(US.flatMap((row, r) => [...row].map((c, k) => [c, [...DE[r]!][k]!] as const)));

/**
 * What a US-set scanner types on a German keyboard: a fast burst of those keys and Enter, as key
 * events where the focus is (Playwright's keyboard knows only US keys: it has no ß).
 */
async function mangledScan(page: Page, code: string): Promise<void> {
  const keys = [...[...code].map((c) => onGerman.get(c) ?? c), 'Enter'];
  await page.evaluate(async (keys) => {
    for (const key of keys) {
      const target = document.activeElement ?? document.body;
      target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      target.dispatchEvent(new KeyboardEvent('keyup', { key, bubbles: true, cancelable: true }));
      await new Promise((r) => setTimeout(r, 3));
    }
  }, keys);
}

describe('scanner calibration', () => {
  let bench: BrowserStation;
  let pack: PackPage;
  let booted: BootedStation;

  beforeAll(async () => {
    ({ bench, booted, pack } = await startSandboxBench());
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => bench?.close());

  it('a US scanner on a German keyboard: refused before, calibrated in Settings, right after', async () => {
    const page = bench.page;
    const name = booted.sandbox!.odoo.state.sampleNames()[0]!;
    expect(name).toContain('/');
    await pack.scan(TRAINING_PACKER_BADGE);
    await pack.packer().filter({ hasText: 'Trainee Packer' }).waitFor();

    // Before: the scan reaches the bench mangled.
    await mangledScan(page, name);
    await pack.message().filter({ hasText: name.replace(/\//g, '-') }).waitFor();
    expect(await page.getByTestId('order-name').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'calibration-before.png') });

    const settings = new SettingsPage(page);
    await settings.open();
    const section = page.getByTestId('scanner-calibration');
    await section.scrollIntoViewIfNeeded();
    expect(await section.getByTestId('calibration-now').textContent()).toBe('Now: no correction (scans are taken as they come).');
    // The barcode on screen holds the calibration text.
    await section.locator('.calibration-svg svg').waitFor();
    const shot = await section.getByTestId('calibration-barcode').screenshot({ path: join(ARTIFACTS, 'calibration-barcode.png') });
    expect((await decodeBarcodes(shot)).map((b) => b.text)).toContain(CALIBRATION_TEXT);

    // Printed: only the calibration card goes on the page (what "Print" sends to the printer).
    await page.evaluate(() => document.body.classList.add('printing-calibration'));
    await page.emulateMedia({ media: 'print' });
    const printed = await page.screenshot({ path: join(ARTIFACTS, 'calibration-printed.png') });
    expect((await decodeBarcodes(printed)).map((b) => b.text)).toEqual([CALIBRATION_TEXT]);
    expect(await page.getByTestId('next-action').evaluate((e) => getComputedStyle(e).visibility)).toBe('hidden');
    await page.emulateMedia({ media: 'screen' });
    await page.evaluate(() => document.body.classList.remove('printing-calibration'));

    await section.getByTestId('calibration-start').click();
    await section.getByTestId('calibration-start').filter({ hasText: 'Waiting for the scan' }).waitFor();
    await mangledScan(page, CALIBRATION_TEXT);
    const result = section.getByTestId('calibration-result');
    await result.filter({ hasText: 'Found: US scanner on a German keyboard. Every scan is put right from now on.' }).waitFor();
    expect(await result.locator('code').textContent()).toBe('-ßZYzy(?0123456789');
    // The calibration scan went nowhere else: the bench was not told of it.
    expect(await pack.message().textContent()).not.toContain('CAL');
    await section.getByTestId('approval-pin').fill(TRAINING_LEAD_PIN);
    await section.getByTestId('calibration-save').click();
    await section.getByTestId('calibration-notice').filter({ hasText: 'Saved: US scanner on a German keyboard.' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'calibration-saved.png') });
    expect(bench.station.settings.get().scanner).toMatchObject({ layout: 'US scanner on a German keyboard', keyMap: { '-': '/', ß: '-', z: 'y', y: 'z' } });
    await page.getByTestId('settings-close').click();

    // After: the same scanner opens the order.
    await mangledScan(page, name);
    await page.getByTestId('order-name').filter({ hasText: name }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'calibration-after.png') });

    // Bench commands too (* is typed as ( on the German keyboard); a reload reads the calibration again.
    await mangledScan(page, '*PB*CANCEL');
    await pack.message().filter({ hasText: 'Order put aside.' }).waitFor();
    await page.reload();
    await pack.nextAction().waitFor();
    await page.getByTestId('packer').filter({ hasText: 'Trainee Packer' }).waitFor();
    await mangledScan(page, name);
    await page.getByTestId('order-name').filter({ hasText: name }).waitFor();

    // A lead's badge (TRAIN-LEAD: a dash) scanned into an approval form is put right too.
    expect(TRAINING_LEAD_BADGE).toContain('-');
    bench.station.exceptions.raise({ kind: 'print_failure', orderRef: name, title: `The label for ${name} did not print.` });
    await page.getByTestId('exceptions').filter({ hasText: 'Need a lead: 1' }).click();
    await page.getByTestId('exception').getByRole('button', { name: 'Mark as handled' }).click();
    await page.getByTestId('approval-pin').focus();
    await mangledScan(page, TRAINING_LEAD_BADGE);
    await page.getByTestId('resolve-submit').click();
    await page.getByTestId('nothing-open').waitFor();
    expect(bench.station.exceptions.list('resolved').at(-1)).toMatchObject({ resolution: 'done', resolvedBy: expect.stringMatching(/^staff:/) });
  });
});

// The screen in German, end to end, in headless Chromium on the training sandbox: a shift lead sets
// the bench's language to Deutsch in Settings (with the lead's PIN) and the screen switches at once,
// no reload; a packer then packs an order (badge, order, items, weight, label) with German on every
// screen and the weight written as German writes it ("0,850 kg"); the done screen still fits a
// 1366x768 monitor; back to English, the screen says what it said before. Screenshots in
// test-results/german-ui-*.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAINING_LEAD_PIN, TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { ARTIFACTS, type BrowserStation } from '../support/browser-station';
import { startSandboxBench } from '../support/sandbox-bench';
import type { PackPage } from './pages/pack-page';
import { SettingsPage } from './pages/settings-page';

describe('the bench in German', () => {
  let bench: BrowserStation;
  let pack: PackPage;
  let booted: BootedStation;
  let settings: SettingsPage;
  const shot = (name: string) => bench.page.screenshot({ path: join(ARTIFACTS, `german-ui-${name}.png`) });
  const byTestId = (id: string) => bench.page.getByTestId(id);
  /** Wait until the element with `id` shows `text`. */
  const says = (id: string, text: string | RegExp, timeout = 10_000) => byTestId(id).filter({ hasText: text }).first().waitFor({ timeout });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ({ bench, booted, pack } = await startSandboxBench());
    settings = new SettingsPage(bench.page);
    await bench.page.setViewportSize({ width: 1366, height: 768 });
  });
  afterAll(async () => bench?.close());

  /** Choose a language in Settings and save it with the training lead's PIN. */
  async function chooseLanguage(language: 'en' | 'de'): Promise<void> {
    await settings.open();
    await settings.field('bench.language').selectOption(language);
    await settings.saveWithPin(TRAINING_LEAD_PIN);
    await expect.poll(() => bench.page.evaluate(() => document.documentElement.lang)).toBe(language);
  }

  it('switches to German in Settings at once, without a reload', async () => {
    // A marker on the page: a reload would lose it.
    await bench.page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await settings.open();
    // Each language is offered in its own words.
    expect(await settings.field('bench.language').locator('option').allTextContents()).toEqual(['English', 'Deutsch']);
    await settings.field('bench.language').selectOption('de');
    await says('settings-changes', 'Changed: Language.');
    await shot('settings-choose');
    await settings.saveWithPin(TRAINING_LEAD_PIN);

    await says('settings-notice', 'Gespeichert: Sprache.');
    await says('settings-open', 'Einstellungen');
    expect(await settings.panel().locator('h2').first().textContent()).toBe('Einstellungen');
    expect(await settings.panel().locator('legend').first().textContent()).toBe('Packplatz');
    expect(await bench.page.evaluate(() => document.documentElement.lang)).toBe('de');
    expect(await bench.page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(booted.station.effectiveSettings().bench.language).toBe('de');
    await shot('settings-saved');
    await bench.page.keyboard.press('Escape');
    await settings.panel().waitFor({ state: 'detached' });
  });

  it('packs an order with German on every screen and weights as German writes them', async () => {
    // Idle: the training start and the top bar.
    await says('training-start', 'Training: hier geht es los');
    await says('packer', 'Niemand angemeldet');
    await says('step', 'Bereit');
    await says('exceptions', /^Schichtleitung: \d+$/);
    await says('queue', /^Zu senden: \d+/);
    expect(await bench.page.getByLabel('Barcode lässt sich nicht scannen? Hier eintippen:').count()).toBe(1);
    // Names for assistive technology are German too.
    expect(await byTestId('command-buttons').count()).toBe(0);
    expect(await bench.page.getByRole('complementary', { name: 'Geräte' }).count()).toBe(1);
    await shot('idle');

    // Badge.
    await pack.scan(TRAINING_PACKER_BADGE);
    await says('packer', 'Trainee Packer');
    await says('training-start', 'Auftrag zum Packen scannen:');

    // Order: one whose items need no lot, from those the screen offers.
    const offered = await byTestId('training-order').locator('.line-barcode-text').allTextContents();
    let name: string | null = null;
    for (const candidate of offered) {
      await pack.scan(candidate);
      await says('order-name', candidate);
      if ((await byTestId('line-lots').count()) === 0) {
        name = candidate;
        break;
      }
      await byTestId('command-CANCEL').click();
      await byTestId('training-start').waitFor();
    }
    expect(name).not.toBeNull();
    await says('step', 'Packen');
    const head = await bench.page.locator('table.lines thead th').allTextContents();
    expect(head).toEqual(['Artikel', 'Art.-Nr.', 'Gepackt']);
    expect(await byTestId('command-CANCEL').textContent()).toBe('Zurückstellen');
    expect(await byTestId('command-UNDO').textContent()).toBe('Letzten Scan zurücknehmen');
    expect(await byTestId('command-LOGOUT').textContent()).toBe('Abmelden');
    // What the core says is German too: the next action and the message line.
    await says('next-action', /Jeden Artikel scannen: noch \d+/);
    await says('message', new RegExp(`${name!.replace(/\//g, '\\/')} für .+: `));
    await shot('packing');

    // Items: each line's barcode as the screen shows it, as many times as it says.
    const rows = byTestId('order-line');
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      const code = (await row.locator('.line-barcode-text').textContent())!;
      const [packed, quantity] = ((await row.getByTestId('line-count').textContent()) ?? '').split('/').map((n) => Number.parseInt(n, 10));
      for (let n = packed!; n < quantity!; n++) await pack.scan(code);
    }

    // Weight and label: the sandbox scale settles by itself, the label prints.
    await says('print-state', 'Gedruckt', 30_000);
    await byTestId('label-image').waitFor({ timeout: 15_000 });
    await says('step', /Gedruckt|Fertig/);
    await says('next-action', /Etikett auf das Paket kleben und nächsten Auftrag scannen/);
    await says('message', new RegExp(`Etikett für ${name!.replace(/\//g, '\\/')} gedruckt\\.`));
    const weight = (await byTestId('label-weight').textContent())!;
    expect(weight).toMatch(/^\d+,\d{2,3} kg$/);
    // The scale's reading too: grams, or kilograms with a decimal comma.
    expect(await byTestId('scale').locator('.weight').textContent()).toMatch(/^(\d+ g|\d+,\d{3} kg)$/);
    expect(await byTestId('command-REPRINT-LOST').textContent()).toBe('Neu drucken: Etikett verloren');
    expect(await byTestId('scale').locator('h2').textContent()).toBe('Waage');
    // German is longer: the done screen still fits 1366x768 without scrolling, and nothing spills sideways.
    const fits = await bench.page.evaluate(() => ({
      height: document.documentElement.scrollHeight,
      width: document.documentElement.scrollWidth,
      innerHeight: window.innerHeight,
      innerWidth: window.innerWidth,
    }));
    expect(fits.height).toBeLessThanOrEqual(fits.innerHeight);
    expect(fits.width).toBeLessThanOrEqual(fits.innerWidth);
    await shot('done-1366x768');

    // Log out: back to the idle screen, in German.
    await byTestId('command-LOGOUT').click();
    await says('packer', 'Niemand angemeldet');
    await says('training-start', '1. Ausweis scannen:');
  });

  it('goes back to English, saying what it said before', async () => {
    await chooseLanguage('en');
    await says('settings-open', 'Settings');
    await says('settings-notice', 'Saved: Language.');
    await bench.page.keyboard.press('Escape');
    await says('training-start', 'Training: start here');
    await says('packer', 'Nobody logged in');
    await says('step', /^(Ready|Printed|Done)$/);
    await says('exceptions', /^Need a lead: \d+$/);
    expect(booted.station.effectiveSettings().bench.language).toBe('en');
    await shot('back-to-english');
  });
});

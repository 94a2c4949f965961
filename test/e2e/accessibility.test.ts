// axe-core over the main screens in headless Chromium: idle, packing, the lead's console (open,
// done, outbox), Settings. No serious or critical violation; the panels work by keyboard.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { ARTIFACTS, type BrowserStation } from '../support/browser-station';
import { startSandboxBench } from '../support/sandbox-bench';
import type { PackPage } from './pages/pack-page';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

/** Serious and critical violations on the page as it is now, one line each (rule, element, why). */
async function seriousViolations(page: Page): Promise<string[]> {
  // Through the debugging protocol, not a <script>: the page's content security policy stays as it is.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, {});
    return { violations: result.violations, rulesPassed: (result as unknown as { passes: unknown[] }).passes.length };
  });
  // axe really looked: rules passed on this page.
  expect(violations.rulesPassed).toBeGreaterThan(10);
  if (process.env.PACKBENCH_AXE_ALL) console.log(violations.violations.map((v) => `${v.impact} ${v.id} ${v.nodes.length}`));
  return violations.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id}: ${n.target.join(' ')} — ${v.help}`));
}

describe('accessibility', () => {
  let bench: BrowserStation;
  let pack: PackPage;
  let booted: BootedStation;

  beforeAll(async () => {
    ({ bench, booted, pack } = await startSandboxBench());
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => bench?.close());

  it('the check finds a serious violation when there is one', async () => {
    await bench.page.evaluate(() => {
      const img = document.createElement('img');
      img.id = 'axe-probe';
      img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
      document.body.append(img);
    });
    expect(await seriousViolations(bench.page)).toEqual([expect.stringMatching(/^critical image-alt: #axe-probe/)]);
    await bench.page.evaluate(() => document.getElementById('axe-probe')?.remove());
  });

  it('idle and packing screens', async () => {
    const page = bench.page;
    expect(await seriousViolations(page)).toEqual([]);
    // One h1 names the page (axe's moderate page-has-heading-one): the product's name in the top bar.
    expect(await page.locator('h1').allTextContents()).toEqual(['Packbench']);
    await pack.scan(TRAINING_PACKER_BADGE);
    await pack.packer().filter({ hasText: 'Trainee Packer' }).waitFor();
    await pack.scan(booted.sandbox!.odoo.state.sampleNames()[0]!);
    await page.getByTestId('order-name').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("the lead's console, opened and worked by keyboard", async () => {
    const page = bench.page;
    bench.station.exceptions.raise({ kind: 'print_failure', orderRef: 'WH/OUT/00042', title: 'The label for WH/OUT/00042 did not print.' });
    bench.station.exceptions.raise({ kind: 'dead_letter', orderRef: 'WH/OUT/00045', title: 'Odoo refused "dispatch" for WH/OUT/00045: the picking is locked.' });
    await page.getByTestId('exceptions').filter({ hasText: 'Need a lead: 2' }).waitFor();
    // By keyboard: focus the chip, Enter opens the console; Tab reaches a choice, Enter opens its form.
    await page.getByTestId('exceptions').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('lead-panel').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const handled = page.getByTestId('exception').filter({ hasText: 'WH/OUT/00042' }).getByRole('button', { name: 'Mark as handled' });
    await handled.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('resolve-note').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByTestId('lead-view-resolved').focus();
    await page.keyboard.press('Enter');
    await page.getByText('Nothing was resolved yet.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByTestId('lead-view-outbox').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=outbox], [data-testid=outbox-empty]').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'a11y-lead-console.png') });
    await page.getByTestId('lead-close').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('lead-panel').waitFor({ state: 'detached' });
  });

  it('Settings, with the scope and calibration sections', async () => {
    const page = bench.page;
    await page.getByTestId('settings-open').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('scope-settings').waitFor();
    await page.getByTestId('scope-warehouse').locator('option').nth(1).waitFor({ state: 'attached' });
    await page.locator('.calibration-svg svg').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'a11y-settings.png') });
  });
});

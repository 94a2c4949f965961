// The bench's scope set in Settings from what the sandbox Odoo has (its two warehouses), saved with
// the lead's PIN; a delivery of the other warehouse is then refused at the scan, by name. And the
// Odoo connection test.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAINING_LEAD_PIN, TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { ARTIFACTS, type BrowserStation } from '../support/browser-station';
import { startSandboxBench } from '../support/sandbox-bench';
import type { PackPage } from './pages/pack-page';
import { SettingsPage } from './pages/settings-page';

describe('scope in Settings', () => {
  let bench: BrowserStation;
  let pack: PackPage;
  let booted: BootedStation;

  beforeAll(async () => {
    ({ bench, booted, pack } = await startSandboxBench());
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => bench?.close());

  it('the lead tests the Odoo connection and narrows the bench to the Berlin warehouse', async () => {
    const page = bench.page;
    const settings = new SettingsPage(page);
    await settings.open();
    const scope = page.getByTestId('scope-settings');
    await scope.scrollIntoViewIfNeeded();
    expect(await scope.getByTestId('scope-now').textContent()).toBe('Now: every company, every warehouse, every delivery operation type.');

    await scope.getByTestId('test-odoo').click();
    await scope.getByTestId('test-odoo-result').filter({ hasText: /^Odoo answers \(version .+\) and takes the login of Mitchell Admin\.$/ }).waitFor();

    // Chosen from what Odoo has: its company, its two warehouses, their delivery types.
    const warehouses = await scope.getByTestId('scope-warehouse').locator('option').allTextContents();
    expect(warehouses).toEqual(['Every warehouse', 'Hamburg', 'Berlin']);
    expect(await scope.locator('.scope-types label').allTextContents()).toEqual(['Hamburg: Delivery Orders', 'Berlin: Delivery Orders']);
    await scope.getByTestId('scope-warehouse').selectOption({ label: 'Berlin' });
    expect(await scope.locator('.scope-types label').allTextContents()).toEqual(['Delivery Orders']);
    // Saving needs a lead.
    expect(await scope.getByTestId('scope-save').isDisabled()).toBe(true);
    await scope.getByTestId('approval-pin').fill(TRAINING_LEAD_PIN);
    await scope.getByTestId('scope-save').click();
    await scope
      .getByTestId('scope-notice')
      .filter({ hasText: /^Saved: this bench packs for .+, the Berlin warehouse, every delivery operation type\. Orders outside it are refused at the scan\.$/ })
      .waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'scope-settings-saved.png') });
    expect(bench.station.settings.get().odoo.scope).toEqual({ companyId: null, warehouseId: 2, pickingTypeIds: [] });
    await page.getByTestId('settings-close').click();
  });

  it('a Hamburg delivery is refused at the scan with a clear message, a Berlin one opens', async () => {
    const odoo = booted.sandbox!.odoo;
    const pickings = odoo.state.all('stock.picking');
    const ready = (typeId: number) => odoo.state.sampleNames().find((n) => pickings.find((p) => p.name === n)!.picking_type_id === typeId)!;
    const hamburg = ready(2);
    const berlin = ready(4);
    await pack.scan(TRAINING_PACKER_BADGE);
    await pack.packer().filter({ hasText: 'Trainee Packer' }).waitFor();
    await pack.scan(hamburg);
    await pack
      .message()
      .filter({ hasText: `${hamburg} ships from the Hamburg warehouse (Hamburg: Delivery Orders); this bench packs for another warehouse. Put it aside for the shift lead.` })
      .waitFor();
    expect(await pack.message().getAttribute('class')).toContain('tone-error');
    await bench.page.screenshot({ path: join(ARTIFACTS, 'scope-out-of-scope-refused.png') });
    await pack.scan(berlin);
    await bench.page.getByTestId('order-name').filter({ hasText: berlin }).waitFor();
  });
});

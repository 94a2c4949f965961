// A shift lead's approval in the browser: used once, then gone from every form; a badge scanned into
// an approval form is the approval; a lead's badge mid-order asks instead of logging the packer out;
// and the core refuses an approval sent again over the web bridge.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TRAINING_LEAD_BADGE, TRAINING_LEAD_PIN, TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { ARTIFACTS, type BrowserStation } from '../support/browser-station';
import { expectedParcelWeight } from '../support/expected-weight';
import { startSandboxBench } from '../support/sandbox-bench';
import { unitScans } from '../support/unit-scans';
import type { PackPage } from './pages/pack-page';
import { SettingsPage } from './pages/settings-page';

/** Every request the page sends to a command, as sent (body JSON). */
function recordCalls(page: Page, name: string): unknown[] {
  const sent: unknown[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith(`/api/call/${name}`)) sent.push(request.postDataJSON());
  });
  return sent;
}

/** Send a request again from the page, over the web bridge, as anything holding the page's cookie could. */
function replay(page: Page, name: string, body: unknown) {
  return page.evaluate(
    async ([name, body]) => {
      const response = await fetch(`/api/call/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return (await response.json()) as { ok: boolean; error?: { code: string; message: string } };
    },
    [name, body] as const,
  );
}

describe('a shift lead’s approval at the bench', () => {
  let bench: BrowserStation;
  let pack: PackPage;
  let booted: BootedStation;
  let expected: number;

  beforeAll(async () => {
    ({ bench, booted, pack } = await startSandboxBench());
    await pack.scan(TRAINING_PACKER_BADGE);
    await pack.packer().filter({ hasText: 'Trainee Packer' }).waitFor();
    const orderName = booted.sandbox!.odoo.state.sampleNames()[0]!;
    await pack.scan(orderName);
    await bench.page.getByTestId('order-name').filter({ hasText: orderName }).waitFor();
    // The scale is down: the parcel waits to be weighed by hand.
    await booted.sandbox!.scale!.unplug();
    for (const code of unitScans(bench.station.pack.orderView()!.lines)) await pack.scan(code);
    await bench.page.getByTestId('step').filter({ hasText: 'Weighing' }).waitFor();
    expected = expectedParcelWeight(bench.station);
  });
  afterAll(async () => bench?.close());

  it('a lead’s badge scanned mid-order asks “Approve as …?” and the packer stays', async () => {
    await bench.page.mouse.click(900, 700); // nothing focused
    await pack.scan(TRAINING_LEAD_BADGE);
    const offer = bench.page.getByTestId('approval-offer');
    await offer.filter({ hasText: 'Trainee Lead’s badge was scanned.' }).waitFor();
    expect(await pack.message().textContent()).toBe('Approve as Trainee Lead? Trainee Packer stays logged in.');
    expect(await pack.packer().textContent()).toBe('Trainee Packer');
    expect(await bench.page.getByTestId('order-name').count()).toBe(1);
    mkdirSync(ARTIFACTS, { recursive: true });
    await bench.page.screenshot({ path: join(ARTIFACTS, 'approval-offer.png') });
    await offer.getByRole('button', { name: 'No' }).click();
    await offer.waitFor({ state: 'detached' });
  });

  it('takes a badge scanned into the reason as the approval, then leaves the typed-weight form empty', async () => {
    const enterWeight = recordCalls(bench.page, 'enterWeight');
    await bench.page.getByTestId('manual-weight-open').click();
    // Far off what the order should weigh: the parcel is held for the lead, the form stays on screen.
    await bench.page.getByTestId('manual-kg').fill(String((expected + 2000) / 1000));
    const reason = bench.page.getByTestId('manual-reason');
    await reason.fill('Scale cable cut');
    await reason.click();
    await pack.scan(TRAINING_LEAD_BADGE);
    await bench.page.getByTestId('approval-badge').and(bench.page.locator(`[value="${TRAINING_LEAD_BADGE}"]`)).waitFor();
    expect(await reason.inputValue()).toBe('Scale cable cut');
    expect(await pack.packer().textContent()).toBe('Trainee Packer');
    await bench.page.getByRole('button', { name: 'Use this weight' }).click();
    await pack.message().filter({ hasText: 'above the expected' }).waitFor();
    expect(enterWeight).toHaveLength(1);
    expect(enterWeight[0]).toMatchObject({ approval: { badge: TRAINING_LEAD_BADGE, via: 'scan' } });

    // The lead walks away; the packer opens the form and finds nothing of the lead's in it.
    await bench.page.getByTestId('manual-weight-open').click();
    for (const field of ['manual-kg', 'manual-reason', 'approval-pin', 'approval-badge']) {
      expect(await bench.page.getByTestId(field).inputValue(), field).toBe('');
    }
    expect(await bench.page.getByRole('button', { name: 'Use this weight' }).isDisabled()).toBe(true);
    await bench.page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('a lead resolves an exception and walks away: the packer finds the lead panel empty, and a replay is refused', async () => {
    const resolve = recordCalls(bench.page, 'resolveException');
    const spare = bench.station.exceptions.raise({ kind: 'print_failure', orderRef: 'WH/OUT/09999', title: 'The label for WH/OUT/09999 did not print.' });
    // The lead comes to the bench and scans their badge: yes, approve; the lead's queue opens with it.
    await bench.page.mouse.click(900, 700);
    await pack.scan(TRAINING_LEAD_BADGE);
    await bench.page.getByTestId('approval-offer-yes').click();
    const held = bench.page.getByTestId('exception').filter({ hasText: 'weight' });
    await held.getByRole('button', { name: 'Ship anyway' }).click();
    await bench.page.getByTestId('approval-offered').filter({ hasText: 'Approving as Trainee Lead' }).waitFor();
    await bench.page.getByTestId('resolve-note').fill('Heavy books, checked by hand');
    await bench.page.getByTestId('resolve-submit').click();
    await held.waitFor({ state: 'detached' });
    expect(resolve).toHaveLength(1);
    expect(resolve[0]).toMatchObject({ resolution: 'override', approval: { badge: TRAINING_LEAD_BADGE, via: 'scan' } });
    expect(await pack.packer().textContent()).toBe('Trainee Packer');

    // The panel is still open when the packer gets to it: every approval field is empty.
    const other = bench.page.getByTestId('exception').filter({ hasText: 'WH/OUT/09999' });
    await other.getByRole('button', { name: 'Mark as handled' }).click();
    for (const field of ['resolve-note', 'approval-pin', 'approval-badge']) {
      expect(await bench.page.getByTestId(field).inputValue(), field).toBe('');
    }
    expect(await bench.page.getByTestId('resolve-submit').isDisabled()).toBe(true);
    mkdirSync(ARTIFACTS, { recursive: true });
    await bench.page.screenshot({ path: join(ARTIFACTS, 'approval-used-once.png') });

    // The lead's request, sent again for the other exception over the web bridge: refused.
    const replayed = await replay(bench.page, 'resolveException', { ...(resolve[0] as object), id: spare, resolution: 'done' });
    expect(replayed).toMatchObject({ ok: false, error: { code: 'approval_used', message: 'That approval was already used — ask the shift lead again.' } });
    expect(bench.station.exceptions.list('open').map((e) => e.id)).toContain(spare);
  });

  it('leaves no approval in Settings after a save, and refuses the saved approval sent again', async () => {
    const update = recordCalls(bench.page, 'updateSettings');
    await bench.page.getByTestId('lead-panel').getByRole('button', { name: 'Close' }).click();
    const settings = new SettingsPage(bench.page);
    await settings.open();
    await settings.field('bench.name').fill('Dock 4');
    await settings.saveWithPin(TRAINING_LEAD_PIN);
    await settings.notice().filter({ hasText: 'Saved: Bench name.' }).waitFor();
    await settings.field('bench.name').fill('Dock 5');
    expect(await bench.page.getByTestId('approval-pin').inputValue()).toBe('');
    expect(await bench.page.getByTestId('approval-badge').inputValue()).toBe('');
    const replayed = await replay(bench.page, 'updateSettings', { ...(update[0] as object), patch: { bench: { name: 'Dock 5' } } });
    expect(replayed).toMatchObject({ ok: false, error: { code: 'approval_used' } });
    expect(bench.station.effectiveSettings().bench.name).toBe('Dock 4');
  });
});

// The lead's console in the browser: five kinds of trouble open at once, each with its order and
// age, filtered by kind, resolved one by one with the lead's PIN; the resolved list says who did
// what. "To send: N" opens the outbox: what waits, for which order, since when, the last error.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReply } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { TRAINING_LEAD_PIN, TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { ARTIFACTS, type BrowserStation } from '../support/browser-station';
import { startSandboxBench } from '../support/sandbox-bench';
import { waitForEvent } from '../support/wait';
import type { PackPage } from './pages/pack-page';

describe("the lead's console", () => {
  let bench: BrowserStation;
  let pack: PackPage;
  let booted: BootedStation;

  beforeAll(async () => {
    ({ bench, booted, pack } = await startSandboxBench({ syncDelays: { baseMs: 200, maxMs: 1000 } }));
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => bench?.close());

  const page = () => bench.page;

  it('"To send" opens the outbox: the order, since when, the tries and the last error', async () => {
    await pack.orderSync().filter({ hasText: 'Orders synced' }).waitFor({ timeout: 20_000 });
    const odoo = booted.sandbox!.odoo;
    odoo.setOffline(true);
    // Through the core (this test is about the console, not the wedge): an order from the local
    // copy put aside queues the release of its claim, which cannot reach Odoo.
    const scan = async (code: string) => {
      const result = await dispatch(bench.station.handlers, 'scan', { code });
      if (!result.ok) throw new Error(result.error.message);
      return (result.value as ScanReply).message.text;
    };
    const name = odoo.state.sampleNames()[0]!;
    await scan(TRAINING_PACKER_BADGE);
    await scan(name);
    expect(await scan('*PB*CANCEL')).toBe('Order put aside. Scan the next order.');
    await waitForEvent(bench.station.events, 'connectivity', (c) => c.targets.some((t) => t.target === 'odoo' && t.status === 'retrying'), 20_000, 'odoo retrying');

    // The chip says how long the oldest update has waited, as well as how many wait.
    await page().getByTestId('queue-oldest').filter({ hasText: /oldest (under 1 min|\d+ min)/ }).waitFor();
    await page().getByTestId('queue').filter({ hasText: 'To send: 1' }).click();
    const row = page().getByTestId('outbox-item').filter({ hasText: name });
    await row.waitFor();
    await expect.poll(async () => (await row.innerText()).split('\t').map((c) => c.trim()), { timeout: 10_000 }).toEqual([
      name,
      expect.stringMatching(/→ Odoo$/),
      // A retrying row is between tries or in one (backoff here is ≤ 1 s, the view looks every 3 s).
      expect.stringMatching(/^(waiting|sending now)$/),
      expect.stringMatching(/just now|min ago/),
      expect.stringMatching(/^[1-9]\d*$/),
      expect.stringMatching(/Odoo|reach|connect/i),
    ]);
    await page().screenshot({ path: join(ARTIFACTS, 'lead-console-outbox.png') });

    // Odoo is back: the outbox empties on screen.
    odoo.setOffline(false);
    bench.station.worker.kick();
    await page().getByTestId('outbox-empty').waitFor({ timeout: 20_000 });
    await page().getByTestId('queue').filter({ hasText: 'To send: 0' }).waitFor();
    expect(await page().getByTestId('queue-oldest').count()).toBe(0);
  });

  it('five kinds open, filtered by kind, resolved one by one; the resolved list says who did what', async () => {
    const raise = bench.station.exceptions.raise.bind(bench.station.exceptions);
    raise({ kind: 'print_failure', orderRef: 'WH/OUT/00042', title: 'The label for WH/OUT/00042 did not print.' });
    // (An order awaiting its label is sent back or settles itself when it prints: carrier-rejection-fix covers it with a real order.)
    raise({ kind: 'short_pack', orderRef: 'WH/OUT/00043', title: 'WH/OUT/00043 was packed short: 1 of 2 Scented Candle.' });
    raise({ kind: 'odoo_conflict', orderRef: 'WH/OUT/00044', title: 'WH/OUT/00044 was cancelled in Odoo after it was packed.' });
    raise({ kind: 'dead_letter', orderRef: 'WH/OUT/00045', title: 'Odoo refused "dispatch" for WH/OUT/00045: the picking is locked.' });
    raise({
      kind: 'sync_auth',
      title: 'ShipEngine refused the bench\'s credentials, so nothing is being sent to ShipEngine. Fix the ShipEngine login in Settings, then resolve this with "resume".',
      context: { target: 'carrier:shipengine', kind: null, outboxId: null, error: '401' },
      dedupeKey: 'sync_auth:carrier:shipengine',
    });
    await page().getByTestId('lead-view-open').click();
    await page().getByTestId('exception').nth(4).waitFor();
    expect(await page().getByTestId('exception').count()).toBe(5);
    // Each with its order (or the bench) and its age.
    const metas = await page().locator('[data-testid=exception] .exception-meta').allInnerTexts();
    expect(metas).toEqual([
      expect.stringMatching(/^WH\/OUT\/00042 · Did not print · just now$/),
      expect.stringMatching(/^WH\/OUT\/00043 · Packed short · just now$/),
      expect.stringMatching(/^WH\/OUT\/00044 · Changed in Odoo · just now$/),
      expect.stringMatching(/^WH\/OUT\/00045 · Stuck, not sent · just now$/),
      expect.stringMatching(/^Bench · Login refused · just now$/),
    ]);
    expect(await page().getByTestId('kind-filter').getByRole('button').allInnerTexts()).toEqual([
      'All (5)',
      'Did not print (1)',
      'Packed short (1)',
      'Changed in Odoo (1)',
      'Stuck, not sent (1)',
      'Login refused (1)',
    ]);
    await page().screenshot({ path: join(ARTIFACTS, 'lead-console-five-open.png') });

    // Filter: only the Odoo conflict.
    await page().getByTestId('kind-odoo_conflict').click();
    expect(await page().getByTestId('exception').count()).toBe(1);
    await page().getByTestId('exception').filter({ hasText: 'WH/OUT/00044' }).waitFor();
    await page().screenshot({ path: join(ARTIFACTS, 'lead-console-filtered.png') });

    const resolve = async (order: string, choice: string, note: string) => {
      const item = page().getByTestId('exception').filter({ hasText: order });
      await item.getByRole('button', { name: choice, exact: true }).click();
      await page().getByTestId('resolve-note').fill(note);
      await page().getByTestId('approval-pin').fill(TRAINING_LEAD_PIN);
      await page().getByTestId('resolve-submit').click();
      await item.waitFor({ state: 'detached' });
    };
    await resolve('WH/OUT/00044', 'Drop it', 'Cancelled by the customer');
    // The filter's kind is gone: everything shows again.
    await page().getByTestId('kind-filter').getByRole('button', { name: 'All (4)' }).waitFor();
    expect(await page().getByTestId('exception').count()).toBe(4);
    await resolve('WH/OUT/00042', 'Mark as handled', 'Printed on the spare printer');
    await resolve('WH/OUT/00043', 'Mark as handled', 'Label came with the next pickup');
    await resolve('WH/OUT/00045', 'Drop it', 'Validated by hand in Odoo');
    await resolve('ShipEngine refused', 'Credentials fixed: resume', 'New API key set');
    await page().getByTestId('nothing-open').waitFor();
    await page().getByTestId('exceptions').filter({ hasText: 'Need a lead: 0' }).waitFor();

    // Who did what: newest first, with the decision, the note and the lead's name.
    await page().getByTestId('lead-view-resolved').click();
    const rows = page().getByTestId('resolved');
    await rows.nth(4).waitFor();
    const texts = (await rows.allInnerTexts()).map((r) => r.split('\t').map((c) => c.trim()));
    expect(texts.map((r) => [r[0], r[2], r[3]])).toEqual([
      ['Bench', 'Resumed\n“New API key set”', 'Trainee Lead'],
      ['WH/OUT/00045', 'Dropped\n“Validated by hand in Odoo”', 'Trainee Lead'],
      ['WH/OUT/00043', 'Marked as handled\n“Label came with the next pickup”', 'Trainee Lead'],
      ['WH/OUT/00042', 'Marked as handled\n“Printed on the spare printer”', 'Trainee Lead'],
      ['WH/OUT/00044', 'Dropped\n“Cancelled by the customer”', 'Trainee Lead'],
    ]);
    await page().screenshot({ path: join(ARTIFACTS, 'lead-console-who-did-what.png') });
    // The same decisions are in the audit log.
    const audited = bench.station.exceptions.list('resolved').map((e) => e.resolvedBy);
    expect(new Set(audited)).toEqual(new Set([expect.stringMatching(/^staff:\d+$/)]));
  });
});

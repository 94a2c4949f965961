// Smoke: browser mode in headless Chromium, a wedge-style scan, and the core's answer on screen.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, startBrowserStation, type BrowserStation } from '../support/browser-station';
import { PackPage } from './pages/pack-page';
import { stationDb } from '../support/station-db';

describe('browser mode smoke', () => {
  let bench: BrowserStation;
  let pack: PackPage;

  beforeAll(async () => {
    bench = await startBrowserStation({
      seed: (station) => {
        station.identities.addStaff({ badge: 'BADGE-0007', name: 'Ada Packer', role: 'packer' });
        station.identities.addStaff({ badge: 'BADGE-9001', name: 'Lena Lead', role: 'lead', pin: '482913' });
      },
    });
    pack = new PackPage(bench.page);
    await pack.nextAction().filter({ hasText: 'Scan your badge' }).waitFor();
  });
  afterAll(async () => bench?.close());

  it('logs the packer in from a badge scan, with no field focused', async () => {
    await bench.page.mouse.click(900, 700); // a stray click must not swallow the scan
    await pack.scan('BADGE-0007');
    await pack.message().filter({ hasText: 'Hello, Ada Packer' }).waitFor();
    expect(await pack.packer().textContent()).toBe('Ada Packer');
    expect(await pack.nextAction().textContent()).toBe('Scan an order barcode');
  });

  it('answers a barcode it cannot look up with a message the packer understands', async () => {
    // This bench has no Odoo set up and an empty local copy: it says both.
    await pack.scan('NO-SUCH-THING-42');
    await pack.message().filter({ hasText: 'No Odoo is set up for this bench.' }).waitFor();
    expect(await pack.message().textContent()).toContain('"NO-SUCH-THING-42" is not in the local copy either');
    expect(await pack.message().getAttribute('class')).toContain('tone-error');
    mkdirSync(ARTIFACTS, { recursive: true });
    await bench.page.screenshot({ path: join(ARTIFACTS, 'smoke-unknown-barcode.png') });
  });

  it('lets a shift lead clear an exception from the bench with a PIN', async () => {
    bench.station.exceptions.raise({ kind: 'print_failure', orderRef: 'WH/OUT/00042', title: 'The label for WH/OUT/00042 did not print.' });
    await bench.page.getByTestId('exceptions').filter({ hasText: 'Need a lead: 1' }).waitFor();
    await bench.page.getByTestId('exceptions').click();
    const item = bench.page.getByTestId('exception').filter({ hasText: 'WH/OUT/00042 did not print' });
    await item.getByRole('button', { name: 'Mark as handled' }).click();
    await bench.page.getByTestId('resolve-note').fill('Printed on the spare printer');
    await bench.page.getByTestId('approval-pin').fill('000000');
    await bench.page.getByTestId('resolve-submit').click();
    await bench.page.getByRole('alert').filter({ hasText: 'That PIN is not right' }).waitFor();
    await bench.page.getByTestId('approval-pin').fill('482913');
    await bench.page.getByTestId('resolve-submit').click();
    await bench.page.getByText('Nothing is waiting.').waitFor();
    await bench.page.getByTestId('exceptions').filter({ hasText: 'Need a lead: 0' }).waitFor();
    expect(bench.station.exceptions.list('resolved')[0]).toMatchObject({ resolvedBy: 'staff:2', note: 'Printed on the spare printer' });
  });

  it('shows a shift lead what changed in Odoo for a conflict, old beside new', async () => {
    bench.station.exceptions.raise({
      kind: 'odoo_conflict',
      orderRef: 'WH/OUT/00043',
      title: 'WH/OUT/00043 was re-addressed in Odoo (street, postcode changed). It was not changed in Odoo; the shift lead decides what happens to the parcel.',
      context: {
        change: 'readdressed',
        cached: { name: 'Giulia Ricci', street1: 'Via Torino 61', postalCode: '20123', city: 'Milano', country: 'IT' },
        current: { name: 'Giulia Ricci', street1: 'Corso Como 2', postalCode: '20154', city: 'Milano', country: 'IT' },
      },
    });
    if (!(await bench.page.getByTestId('lead-panel').isVisible())) await bench.page.getByTestId('exceptions').click();
    const item = bench.page.getByTestId('exception').filter({ hasText: 'WH/OUT/00043' });
    const changes = item.getByTestId('exception-changes');
    await changes.waitFor();
    const rows = await changes.locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t').map((c) => c.trim()))).toEqual([
      ['Street', 'Via Torino 61', 'Corso Como 2'],
      ['Postcode', '20123', '20154'],
    ]);
    await expect(item.getByRole('button').allInnerTexts()).resolves.toEqual(['Fixed: try again', 'Drop it', 'Repack with a new label']);
    mkdirSync(ARTIFACTS, { recursive: true });
    await bench.page.screenshot({ path: join(ARTIFACTS, 'lead-odoo-conflict.png') });
  });

  it('removed the token from the address bar after the exchange', async () => {
    expect(bench.page.url()).not.toContain('token');
  });

  it('recorded every scan in the station database', async () => {
    const rows = stationDb(bench.station)
      .prepare(`SELECT json_extract(data, '$.code') AS code FROM audit_log WHERE action = 'scan' ORDER BY id`)
      .all() as { code: string }[];
    expect(rows.map((r) => r.code)).toEqual(['BADGE-0007', 'NO-SUCH-THING-42']);
  });
});

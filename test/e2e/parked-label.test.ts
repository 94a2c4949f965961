// A label the carrier has not given yet never stops packing: with the sandbox ShipEngine down, the
// order waiting for its label is parked ("put the parcel on the shelf"), the packer packs two more
// orders, and when ShipEngine answers again the parked label prints by itself with a line saying
// which parcel on the shelf it is for, without touching the order on screen.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { openDatabase } from '../../electron/core/store/db';
import { ARTIFACTS, type BrowserStation } from '../support/browser-station';
import { startSandboxBench } from '../support/sandbox-bench';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';
import type { PackPage } from './pages/pack-page';

describe('a label the carrier has not given yet', () => {
  let bench: BrowserStation;
  let pack: PackPage;
  let booted: BootedStation;

  beforeAll(async () => {
    // Outbox retries at most 1 s apart, so "when the carrier answers again" is seconds, not minutes.
    ({ bench, booted, pack } = await startSandboxBench({ syncDelays: { baseMs: 200, maxMs: 1000 } }));
  });
  afterAll(async () => bench?.close());

  /** Open the order and scan its items; the sandbox scale weighs the parcel by itself. */
  async function packOrder(name: string): Promise<void> {
    await pack.scan(name);
    await bench.page.getByTestId('order-name').filter({ hasText: name }).waitFor();
    for (const code of unitScans(bench.station.pack.orderView()!.lines)) await pack.scan(code);
  }

  const printedLabels = () => readdirSync(join(booted.dataDir, 'printed')).filter((f) => f.endsWith('.zpl')).length;

  it('parks the order while ShipEngine is down; two more orders are packed; the parked label prints when ShipEngine is back', async () => {
    const odoo = booted.sandbox!.odoo;
    const shipengine = booted.sandbox!.shipengine;
    // Sandbox Odoo carrier 1 (DHL Parcel) buys from the sandbox ShipEngine; no carrier, DPD or GLS ship with the local carrier.
    const carrierOf = (name: string) => odoo.state.all('stock.picking').find((p) => p.name === name)!.carrier_id;
    const names = odoo.state.sampleNames();
    const viaShipEngine = names.find((n) => carrierOf(n) === 1)!;
    const [local1, local2] = names.filter((n) => [false, 2, 3].includes(carrierOf(n) as number | false));
    expect([viaShipEngine, local1, local2].every(Boolean)).toBe(true);

    shipengine.setKnobs({ serverErrors: 1_000_000 });
    await pack.scan(TRAINING_PACKER_BADGE);
    await pack.packer().filter({ hasText: 'Trainee Packer' }).waitFor();
    await packOrder(viaShipEngine);
    const parkedText = `${viaShipEngine} is waiting for its label from ShipEngine: put the parcel on the shelf and scan the next order`;
    await pack.nextAction().filter({ hasText: parkedText }).waitFor({ timeout: 20_000 });
    // The lead sees the order waiting for its label.
    expect(bench.station.exceptions.list('open')).toMatchObject([{ kind: 'awaiting_label', orderRef: viaShipEngine }]);
    // The status bar names the provider as people know it, not the outbox's target id.
    const chip = bench.page.getByTestId('connectivity').filter({ hasText: 'ShipEngine: offline, retrying' });
    await chip.waitFor();
    expect(await bench.page.getByTestId('connectivity').allTextContents()).not.toContainEqual(expect.stringContaining('carrier:'));
    mkdirSync(ARTIFACTS, { recursive: true });
    await bench.page.screenshot({ path: join(ARTIFACTS, 'parked-label-waiting.png') });

    // Scanned again, the parked order is not packed twice.
    await pack.scan(viaShipEngine);
    await pack.message().filter({ hasText: `${viaShipEngine} is already packed here and is waiting for its label from ShipEngine` }).waitFor();

    // The packer goes on with two more orders; each prints at once from the local carrier.
    for (const [i, name] of [local1!, local2!].entries()) {
      await packOrder(name);
      await bench.page.getByTestId('print-state').filter({ hasText: 'Printed' }).waitFor({ timeout: 20_000 });
      await bench.page.getByTestId('tracking').filter({ hasText: /^PB/ }).waitFor();
      // The label preview loads before the next scan, so the page is not busy drawing it mid-burst.
      await bench.page.getByTestId('label-image').waitFor({ timeout: 15_000 });
      expect(printedLabels()).toBe(i + 1);
    }
    expect(bench.station.exceptions.list('open')).toMatchObject([{ kind: 'awaiting_label', orderRef: viaShipEngine }]);

    // ShipEngine answers again: the parked label prints by itself; the order on screen stays as it is.
    shipengine.setKnobs({ serverErrors: 0 });
    await pack.message().filter({ hasText: `Label for ${viaShipEngine} — put it on the parcel on the shelf` }).waitFor({ timeout: 30_000 });
    expect(printedLabels()).toBe(3);
    await bench.page.getByTestId('order-name').filter({ hasText: local2! }).waitFor();
    expect(await pack.nextAction().textContent()).toBe('Stick the label on the parcel and scan the next order');
    await waitForEvent(bench.station.events, 'queue', (q) => q.openExceptions === 0, 10_000, 'the awaiting-label exception settled');
    expect(bench.station.exceptions.list('resolved')).toMatchObject([{ kind: 'awaiting_label', orderRef: viaShipEngine, resolution: 'printed' }]);
    await bench.page.screenshot({ path: join(ARTIFACTS, 'parked-label-printed.png') });

    const db = openDatabase(join(booted.dataDir, 'station.sqlite'), { readonly: true });
    try {
      const shipments = db
        .prepare(`SELECT o.name, sh.carrier, sh.status FROM shipments sh JOIN pack_sessions s ON s.id = sh.session_id JOIN orders o ON o.id = s.order_id ORDER BY sh.id`)
        .all();
      expect(shipments).toEqual([
        { name: viaShipEngine, carrier: 'ShipEngine', status: 'printed' },
        { name: local1, carrier: expect.any(String), status: 'printed' },
        { name: local2, carrier: expect.any(String), status: 'printed' },
      ]);
    } finally {
      db.close();
    }
  });
});

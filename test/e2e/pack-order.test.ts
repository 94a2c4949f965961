// A whole order packed in the browser with typed scans only: badge, order, items; the sandbox
// scale settles by itself, the label prints to the sandbox printer, Odoo is told.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { ARTIFACTS, type BrowserStation } from '../support/browser-station';
import { startSandboxBench } from '../support/sandbox-bench';
import { unitScans } from '../support/unit-scans';
import type { PackPage } from './pages/pack-page';

describe('pack one order in the browser', () => {
  let bench: BrowserStation;
  let pack: PackPage;
  let booted: BootedStation;

  beforeAll(async () => {
    ({ bench, booted, pack } = await startSandboxBench());
  });
  afterAll(async () => bench?.close());

  it('packs, weighs, labels and prints with scans alone', async () => {
    await pack.scan(TRAINING_PACKER_BADGE);
    await pack.packer().filter({ hasText: 'Trainee Packer' }).waitFor();

    const orderName = booted.sandbox!.odoo.state.sampleNames()[0]!;
    await pack.scan(orderName);
    await bench.page.getByTestId('order-name').filter({ hasText: orderName }).waitFor();
    // Until its lot is scanned, a tracked line shows what Odoo reserved for it.
    const reserved = bench.station.pack.orderView()!.lines.flatMap((l) => l.reserved.map((r) => r.name));
    expect(reserved.length).toBeGreaterThan(0);
    const hints = (await bench.page.getByTestId('line-reserved').allTextContents()).join(' ');
    for (const lot of reserved) expect(hints).toContain(lot);

    // The packer scans each item in the box (a tracked one as a GS1 code with its lot or serial);
    // the test reads the items' barcodes from the order.
    const lines = bench.station.pack.orderView()!.lines;
    for (const code of unitScans(lines)) await pack.scan(code);
    // The sandbox scale settles by itself once all items are in; that step can pass too quickly to see.
    await bench.page.getByTestId('print-state').filter({ hasText: 'Printed' }).waitFor({ timeout: 20_000 });
    // The lots and serials the packer scanned are on screen, per item.
    const tracked = lines.filter((l) => l.tracking !== 'none');
    const shown = await bench.page.getByTestId('line-lots').allTextContents();
    expect(shown).toHaveLength(tracked.length);
    const scanned = bench.station.pack.orderView()!.lines.filter((l) => l.tracking !== 'none');
    scanned.forEach((line, i) => {
      expect(line.lots.length).toBeGreaterThan(0);
      for (const lot of line.lots) expect(shown[i]).toContain(lot.name);
    });
    const tracking = await bench.page.getByTestId('tracking').textContent();
    expect(tracking).toMatch(/^PB[0-9A-F]{10}$/);
    expect(await pack.nextAction().textContent()).toBe('Stick the label on the parcel and scan the next order');
    // The preview is the stored label as the printer draws it.
    await bench.page.getByTestId('label-image').waitFor({ timeout: 15_000 });
    const size = await bench.page.getByTestId('label-image').evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    // 4 x 6 in at 203 dpi (the renderer rounds millimetres up by a dot or two).
    expect(size[0]).toBeGreaterThanOrEqual(812);
    expect(size[0]).toBeLessThanOrEqual(816);
    expect(size[1]).toBeGreaterThanOrEqual(1218);
    expect(size[1]).toBeLessThanOrEqual(1222);
    mkdirSync(ARTIFACTS, { recursive: true });
    await bench.page.screenshot({ path: join(ARTIFACTS, 'pack-order-printed.png') });
  });
});


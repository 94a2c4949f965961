// An order packed in three parcels in the browser: NEW-PARCEL closes the parcel on the scale (its
// weight and box) and packing goes on; the last parcel closes when everything is in. One purchase
// for the three, three labels "n of 3", one validation in Odoo with one package per parcel.
import { mkdirSync, readdirSync, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { openDatabase } from '../../electron/core/store/db';
import { ARTIFACTS, type BrowserStation } from '../support/browser-station';
import { decodeBarcodes, renderZplToPng, zplFieldTexts } from '../support/label-decode';
import { startSandboxBench } from '../support/sandbox-bench';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';
import type { PackPage } from './pages/pack-page';

/** Resolves once `dir` holds `count` files (the sandbox printer writes one per label). */
function filesIn(dir: string, count: number, timeoutMs = 30_000): Promise<string[]> {
  const list = () => readdirSync(dir).filter((f) => f.endsWith('.zpl')).sort();
  return new Promise((resolve, reject) => {
    const watcher = watch(dir, () => check());
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`timed out waiting for ${count} labels in ${dir}; have ${list().length}`));
    }, timeoutMs);
    const check = () => {
      const files = list();
      if (files.length < count) return;
      clearTimeout(timer);
      watcher.close();
      resolve(files);
    };
    check();
  });
}

describe('pack one order in three parcels in the browser', () => {
  let bench: BrowserStation;
  let pack: PackPage;
  let booted: BootedStation;

  beforeAll(async () => {
    ({ bench, booted, pack } = await startSandboxBench());
  });
  afterAll(async () => bench?.close());

  it('NEW-PARCEL closes each parcel with its weight and box; one purchase, labels 1–3 of 3, one validation with three packages', async () => {
    const odoo = booted.sandbox!.odoo;
    // A delivery with a move of two units or more first, so one product is split across parcels;
    // its labels from the bench's carrier (not the Odoo connector the training bench maps GLS to).
    const moves = odoo.state.all('stock.move');
    const connector = odoo.state.all('delivery.carrier').filter((c) => c.integration_level === 'rate_and_ship').map((c) => c.id);
    const orderName = odoo.state.sampleNames().find((name) => {
      const picking = odoo.state.all('stock.picking').find((p) => p.name === name)!;
      const own = moves.filter((m) => m.picking_id === picking.id);
      return own.length >= 2 && Number(own[0]!.product_uom_qty) >= 2 && !connector.includes(Number(picking.carrier_id));
    })!;
    expect(orderName).toBeDefined();

    await pack.scan(TRAINING_PACKER_BADGE);
    await pack.packer().filter({ hasText: 'Trainee Packer' }).waitFor();
    await pack.scan(orderName);
    await bench.page.getByTestId('order-name').filter({ hasText: orderName }).waitFor();

    const lines = bench.station.pack.orderView()!.lines;
    const units = unitScans(lines);
    const parcels = [[units[0]!], [units[1]!], units.slice(2)];
    const boxes = ['PT-BOX-S', 'PT-BOX-M', 'PT-BOX-L'];
    const parcelRows = bench.page.getByTestId('parcel');

    for (const [i, scans] of parcels.entries()) {
      await pack.scan(boxes[i]!);
      await bench.page.getByTestId('box').filter({ hasText: `Box ${'SML'[i]}` }).waitFor();
      for (const code of scans) await pack.scan(code);
      if (i < 2) {
        await pack.scan('*PB*NEW-PARCEL');
        // The sandbox scale settles with the parcel; the bench closes it and packing goes on.
        await parcelRows.filter({ hasText: new RegExp(`^Parcel ${i + 1}: 1 item · Box ${'SML'[i]} · \\d+\\.\\d{3} kg ✓$`) }).waitFor({ timeout: 20_000 });
        await parcelRows.filter({ hasText: `Parcel ${i + 2}: 0 items · packing now` }).waitFor();
        expect(await pack.nextAction().textContent()).toMatch(/^Scan each item: \d+ left$/);
      }
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    // The last parcel is weighed once everything is in; the order goes to Odoo.
    await waitForEvent(bench.station.events, 'state', (s) => s.step === 'done', 60_000, 'step done');
    await parcelRows.filter({ hasText: /^Parcel 3: \d+ items · Box L · \d+\.\d{3} kg ✓$/ }).waitFor();
    await bench.page.screenshot({ path: join(ARTIFACTS, 'multi-parcel-done.png') });

    // One purchase for the three parcels: one create-label row, the shipment with three parcels.
    const db = openDatabase(join(booted.dataDir, 'station.sqlite'), { readonly: true });
    const labelRows = db.prepare(`SELECT payload FROM outbox WHERE kind = 'carrier.create_label'`).all() as { payload: string }[];
    const parcelWeights = (db.prepare('SELECT weight_g, tracking_number FROM parcels ORDER BY seq').all() as { weight_g: number; tracking_number: string }[]);
    const closed = db.prepare('SELECT seq, weight_g FROM pack_parcels ORDER BY seq').all() as { seq: number; weight_g: number }[];
    db.close();
    expect(labelRows).toHaveLength(1);
    expect(JSON.parse(labelRows[0]!.payload).request.parcels).toHaveLength(3);
    expect(parcelWeights).toHaveLength(3);
    expect(closed.map((p) => p.weight_g)).toEqual(parcelWeights.slice(0, 2).map((p) => p.weight_g));

    // Three labels printed, "Parcel n of 3", each with its own tracking number as its barcode.
    const printed = join(booted.dataDir, 'printed');
    const files = await filesIn(printed, 3);
    expect(files).toHaveLength(3);
    const seen: string[] = [];
    for (const [i, file] of files.entries()) {
      const zpl = readFileSync(join(printed, file), 'utf8');
      expect(zplFieldTexts(zpl)).toContain(`Parcel ${i + 1} of 3`);
      const codes = (await decodeBarcodes(await renderZplToPng(zpl))).map((b) => b.text);
      expect(codes).toContain(parcelWeights[i]!.tracking_number);
      seen.push(parcelWeights[i]!.tracking_number);
    }
    expect(new Set(seen).size).toBe(3);

    // Odoo: one validation, three packages named by the tracking numbers, each with its parcel's
    // weight, the box scanned for it and the move lines of the items packed in it.
    const picking = odoo.state.all('stock.picking').find((p) => p.name === orderName)!;
    expect(picking.state).toBe('done');
    expect(String(picking.carrier_tracking_ref)).toBe(seen.join(','));
    expect(odoo.rpcLog.filter((e) => e.method === 'button_validate')).toHaveLength(1);
    const types = odoo.state.all('stock.package.type');
    const packages = odoo.state.all('stock.quant.package');
    const pickingLines = odoo.state.all('stock.move.line').filter((l) => l.picking_id === picking.id && Number(l.quantity) > 0);
    const packedIn = lines.map((l) => l.moveId);
    const expectedUnits = [
      [lines[0]!.moveId],
      [lines[0]!.moveId],
      lines.flatMap((l, k) => Array.from({ length: l.quantity - (k === 0 ? 2 : 0) }, () => l.moveId)),
    ];
    for (const [i, ref] of seen.entries()) {
      const pkg = packages.find((p) => p.name === ref)!;
      expect(pkg, `package ${ref}`).toBeDefined();
      expect(Number(pkg.shipping_weight)).toBe(parcelWeights[i]!.weight_g / 1000);
      expect(types.find((t) => t.id === pkg.package_type_id)?.barcode).toBe(boxes[i]);
      const own = pickingLines.filter((l) => l.result_package_id === pkg.id);
      const units = own.flatMap((l) => Array.from({ length: Number(l.quantity) }, () => Number(l.move_id))).sort();
      expect(units).toEqual([...expectedUnits[i]!].sort());
    }
    expect(pickingLines.every((l) => packedIn.includes(Number(l.move_id)) && l.result_package_id !== false)).toBe(true);
    // The chatter says how many parcels.
    const note = odoo.state.all('mail.message').find((m) => m.res_id === picking.id && String(m.body).includes('Tracking'));
    expect(String(note?.body)).toContain('in 3 parcels');
  });
});

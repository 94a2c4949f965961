// A label refused, fixed by the shift lead in the browser: an order to a postcode that cannot exist
// in Germany is stopped by the bench's own checks before ShipEngine is asked; the packer is told to
// put the parcel on the shelf; the lead scans their badge, opens the refusal, sees the postcode
// marked, is stopped by the bench's own check on a typo, corrects it, and the label prints
// "for the parcel on the shelf" with the carrier's tracking number as its barcode.
import { mkdirSync, readdirSync, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAINING_LEAD_BADGE, TRAINING_LEAD_PIN, TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { ARTIFACTS, type BrowserStation } from '../support/browser-station';
import { decodeBarcodes, renderZplToPng } from '../support/label-decode';
import { startSandboxBench } from '../support/sandbox-bench';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';
import type { PackPage } from './pages/pack-page';

/** Resolves once `dir` holds a label (the sandbox printer writes one file per label). */
function firstLabelIn(dir: string, timeoutMs = 20_000): Promise<string> {
  const list = () => readdirSync(dir).filter((f) => f.endsWith('.zpl')).sort();
  return new Promise((resolve, reject) => {
    const watcher = watch(dir, () => check());
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`timed out waiting for a label in ${dir}`));
    }, timeoutMs);
    const check = () => {
      const files = list();
      if (files.length === 0) return;
      clearTimeout(timer);
      watcher.close();
      resolve(files[0]!);
    };
    check();
  });
}

describe('a refused label fixed by the shift lead in the browser', () => {
  let bench: BrowserStation;
  let pack: PackPage;
  let booted: BootedStation;

  beforeAll(async () => {
    // Customers are re-addressed in Odoo just before packing: every order is read from Odoo when opened.
    ({ bench, booted, pack } = await startSandboxBench({ syncDelays: { baseMs: 200, maxMs: 1000 }, orderFreshMs: 0 }));
  });
  afterAll(async () => bench?.close());

  it('the lead corrects the postcode with a badge approval and the label prints for the parcel on the shelf', async () => {
    const odoo = booted.sandbox!.odoo;
    const shipengine = booted.sandbox!.shipengine;
    // A delivery that ships through the sandbox ShipEngine (Odoo carrier 1), sent to a copy of its
    // customer in Germany with a postcode of four digits (German postcodes have five).
    const name = odoo.state.sampleNames().find((n) => odoo.state.all('stock.picking').find((p) => p.name === n)!.carrier_id === 1)!;
    const picking = odoo.state.all('stock.picking').find((p) => p.name === name)!;
    const { id: _id, ...customer } = odoo.state.get('res.partner', picking.partner_id as number)!;
    const germany = odoo.state.all('res.country').find((c) => c.code === 'DE')!.id as number;
    const copy = odoo.state.insert('res.partner', { ...(customer as Record<string, never>), street: 'Invalidenstraße 117', zip: '1011', city: 'Berlin', country_id: germany, state_id: false, phone: '+49 30 5555 0199' });
    odoo.state.update('stock.picking', picking.id as number, { partner_id: copy });

    await pack.scan(TRAINING_PACKER_BADGE);
    await pack.packer().filter({ hasText: 'Trainee Packer' }).waitFor();
    await pack.scan(name);
    await bench.page.getByTestId('order-name').filter({ hasText: name }).waitFor();
    for (const code of unitScans(bench.station.pack.orderView()!.lines)) await pack.scan(code);

    // The packer: parcel on the shelf, the lead fixes it.
    const refusal = `ShipEngine would refuse the label for ${name}: the postcode is not valid. Put the parcel on the shelf and scan the next order; the shift lead will fix it.`;
    await pack.nextAction().filter({ hasText: refusal }).waitFor({ timeout: 20_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await bench.page.screenshot({ path: join(ARTIFACTS, 'rejection-packer.png') });

    // The lead comes to the bench and scans their badge: yes, approve; the lead's queue opens.
    await bench.page.mouse.click(900, 700);
    await pack.scan(TRAINING_LEAD_BADGE);
    await bench.page.getByTestId('approval-offer-yes').click();
    const item = bench.page.getByTestId('exception').filter({ hasText: name });
    await item.getByTestId('refusal').filter({ hasText: 'Not sent to ShipEngine: it would refuse it because the postcode is not valid.' }).waitFor();
    expect(await item.getByTestId('refusal-said').textContent()).toContain('The bench found: “The postcode 1011 is not valid for Germany (DE)');
    expect(await item.getByRole('button').allTextContents()).toEqual(['Fix the address', 'Change the service', 'Try again as is', 'Send back to the packer', 'Drop it']);

    // The address form: prefilled, the postcode marked with the carrier's words and focused.
    await item.getByRole('button', { name: 'Fix the address' }).click();
    const postcode = item.getByTestId('address-postalCode');
    expect(await postcode.inputValue()).toBe('1011');
    expect(await item.getByTestId('address-city').inputValue()).toBe('Berlin');
    expect(await item.locator('.address-field.at-fault').getByTestId('address-fault').textContent()).toBe('ShipEngine: the postcode is not valid');
    expect(await postcode.evaluate((el) => el === document.activeElement)).toBe(true);
    await bench.page.getByTestId('approval-offered').filter({ hasText: 'Approving as Trainee Lead' }).waitFor();
    await bench.page.screenshot({ path: join(ARTIFACTS, 'rejection-lead-open.png') });

    // A typo is caught by the bench's own check, field by field, before anything is sent.
    const asked = shipengine.labelRequests.length;
    await postcode.fill('1O115');
    await bench.page.keyboard.press('Enter');
    await item.getByTestId('address-error-postalCode').filter({ hasText: 'The postcode 1O115 is not valid for Germany (DE)' }).waitFor();
    expect(shipengine.labelRequests).toHaveLength(asked);
    await bench.page.screenshot({ path: join(ARTIFACTS, 'rejection-lead-form.png') });

    // Corrected and saved (Enter in the field): the label is asked for again and prints.
    await postcode.fill('10115');
    await bench.page.keyboard.press('Enter');
    await item.waitFor({ state: 'detached' });
    await pack.message().filter({ hasText: `Label for ${name} — put it on the parcel on the shelf.` }).waitFor({ timeout: 30_000 });
    expect((shipengine.labelRequests.at(-1) as { shipment: { ship_to: { postal_code: string } } }).shipment.ship_to.postal_code).toBe('10115');
    expect(shipengine.purchases).toHaveLength(1);
    await bench.page.screenshot({ path: join(ARTIFACTS, 'rejection-fixed.png') });

    // At the printer: the label's barcode is ShipEngine's tracking number.
    const printed = join(booted.dataDir, 'printed');
    await waitForEvent(bench.station.events, 'queue', (q) => q.pending === 0 && q.inFlight === 0, 20_000, 'the outbox drained');
    const zpl = readFileSync(join(printed, await firstLabelIn(printed)), 'utf8');
    expect(readdirSync(printed).filter((f) => f.endsWith('.zpl'))).toHaveLength(1);
    const codes = (await decodeBarcodes(await renderZplToPng(zpl))).map((b) => b.text);
    expect(codes).toContain(shipengine.purchases[0]!.trackingNumbers[0]);
    // Odoo has the tracking number and, in the chatter, who corrected what.
    expect(odoo.state.get('stock.picking', picking.id as number)!.carrier_tracking_ref).toBe(shipengine.purchases[0]!.trackingNumbers[0]);
    const notes = odoo.state.all('mail.message').filter((m) => String(m.body).includes('Address corrected at the bench by Trainee Lead: postcode 1011 → 10115'));
    expect(notes).toHaveLength(1);
  });
  it('the lead switches a refused order to another service with a PIN; its label comes from that carrier', async () => {
    const odoo = booted.sandbox!.odoo;
    const first = bench.station.pack.orderView()!.name;
    const name = odoo.state.sampleNames().find((n) => n !== first && odoo.state.all('stock.picking').find((p) => p.name === n)!.carrier_id === 1)!;
    const picking = odoo.state.all('stock.picking').find((p) => p.name === name)!;
    // A customer in Germany (no customs), with an address the bench finds nothing wrong with…
    const { id: _id, ...customer } = odoo.state.get('res.partner', picking.partner_id as number)!;
    const germany = odoo.state.all('res.country').find((c) => c.code === 'DE')!.id as number;
    odoo.state.update('stock.picking', picking.id as number, { partner_id: odoo.state.insert('res.partner', { ...(customer as Record<string, never>), zip: '10117', city: 'Berlin', country_id: germany, state_id: false }) });
    // …that ShipEngine itself refuses (the sandbox's knob): no check of the bench could have known.
    booted.sandbox!.shipengine.setKnobs({ rejectAddress: { field: 'street1' } });

    await bench.page.mouse.click(300, 700); // nothing focused: the scanner types into the bench
    await pack.scan(name);
    await bench.page.getByTestId('order-name').filter({ hasText: name }).waitFor();
    for (const code of unitScans(bench.station.pack.orderView()!.lines)) await pack.scan(code);
    await pack.nextAction().filter({ hasText: `ShipEngine refused the label for ${name}: the street is not valid.` }).waitFor({ timeout: 20_000 });
    booted.sandbox!.shipengine.setKnobs({ rejectAddress: false });

    const item = bench.page.getByTestId('exception').filter({ hasText: name });
    await item.getByRole('button', { name: 'Change the service' }).click();
    const select = item.getByTestId('service-select');
    await select.locator('option', { hasText: 'Local delivery — Standard' }).waitFor({ state: 'attached' });
    await select.selectOption({ label: 'Local delivery — Standard' });
    await item.getByTestId('approval-pin').fill(TRAINING_LEAD_PIN);
    await bench.page.screenshot({ path: join(ARTIFACTS, 'rejection-lead-service.png') });
    await item.getByTestId('service-save').click();
    await item.waitFor({ state: 'detached' });
    await pack.message().filter({ hasText: `Label for ${name} — put it on the parcel on the shelf.` }).waitFor({ timeout: 30_000 });
    await bench.page.getByTestId('tracking').filter({ hasText: /^PB/ }).waitFor();
  });
});

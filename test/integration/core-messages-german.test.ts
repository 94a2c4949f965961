// The bench in German: with settings `bench.language` 'de' the core words what it tells the packer
// in German (an extra unit, another order scanned, a wrong item, a weight with the decimal comma, a
// parcel held for its weight and its item in the lead's list),
// through the station's handlers against the sandbox Odoo; set back to 'en', the same bench speaks
// English again at once, without a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReply, StationState } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import type { Language } from '../../shared/i18n';
import { leadPin } from '../support/approval';
import { expectedParcelWeight } from '../support/expected-weight';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

let rig: SandboxRig;

beforeAll(async () => {
  rig = await startSandboxRig({ seed: 8, staff: [{ badge: 'L-1', name: 'Lena', role: 'lead', pin: '482913' }] });
  // The local copy is filled: products the bench can name without asking Odoo.
  await waitForEvent(rig.station.events, 'state', (s) => s.cacheAge !== null, 20_000, 'order sync');
});
afterAll(() => rig?.close());

/** The bench's language as the lead sets it in Settings (approved by PIN). */
async function setLanguage(language: Language): Promise<void> {
  const result = await dispatch(rig.station.handlers, 'updateSettings', { patch: { bench: { language } }, approval: leadPin('482913') });
  if (!result.ok) throw new Error(result.error.message);
}

const putAside = (): Promise<ScanReply> => rig.command('CANCEL');

type OpenedOrder = NonNullable<StationState['order']>;

describe('core messages in the bench language', () => {
  let orders: OpenedOrder[];
  /** The order shipped in German (opened again, it would say so). */
  let shippedName: string;

  it('tells the packer in German: an extra unit, another order, a wrong item', async () => {
    await setLanguage('de');
    const hello = await rig.scan('P-1');
    expect(hello.message.text).toBe('Hallo, Pia. Auftragsbarcode scannen.');
    expect(hello.state.nextAction).toBe('Auftragsbarcode scannen');

    // The ready orders with their lines, each opened and put aside again.
    orders = [];
    for (const p of await rig.readyPickings()) {
      const reply = await rig.scan(p.name);
      if (reply.state.order?.name === p.name) orders.push(reply.state.order);
      expect((await putAside()).message.text).toBe('Auftrag zurückgestellt. Nächsten Auftrag scannen.');
    }
    const plain = (o: OpenedOrder) => o.lines.filter((l) => l.tracking === 'none' && l.barcode);
    const target = orders.find((o) => plain(o).length > 0)!;
    const line = plain(target)[0]!;
    const stranger = orders
      .filter((o) => o.name !== target.name)
      .flatMap((o) => o.lines)
      .find((l) => l.barcode && !target.lines.some((t) => t.barcode === l.barcode))!;
    const other = orders.find((o) => o.name !== target.name)!;

    const opened = await rig.scan(target.name);
    expect(opened.message.text).toMatch(new RegExp(`^${target.name} für .+: (Artikel scannen|die \\d+ Artikelsorten scannen)\\.$`));
    expect(opened.state.nextAction).toMatch(/^Jeden Artikel scannen: noch \d+$/);
    for (let i = 0; i < line.quantity; i++) await rig.scan(line.barcode!);

    const extra = await rig.scan(line.barcode!);
    expect(extra.message.tone).toBe('error');
    expect(extra.message.text).toBe(`${target.name} braucht nur ${line.quantity} × ${line.name}. Diesen Artikel wieder herausnehmen.`);

    const wrong = await rig.scan(stranger.barcode!);
    expect(wrong.message.tone).toBe('error');
    expect(wrong.message.text).toBe(`${stranger.name} gehört nicht zu ${target.name}. Artikel herausnehmen und Auftrag prüfen.`);

    const another = await rig.scan(other.name);
    expect(another.message.text).toBe(
      `${other.name} ist ein anderer Auftrag. Erst ${target.name} fertig packen oder zurückstellen (Zurückstellen drücken oder CANCEL scannen).`,
    );
    expect(another.state.order?.name).toBe(target.name);
    await putAside();
  });

  it('shows a weight with the decimal comma', async () => {
    const { scale, station, scan, untilStep } = rig;
    const order = orders.find((o) => o.lines.every((l) => l.tracking === 'none'))!;
    shippedName = order.name;
    const opened = await scan(order.name);
    for (const code of unitScans(opened.state.order!.lines)) await scan(code);
    await untilStep('weighing');
    const grams = expectedParcelWeight(station) + 10;
    const captured = waitForEvent(station.events, 'state', (s) => /erfasst/.test(s.message?.text ?? ''), 15_000, 'weight captured');
    scale.setWeight(grams, { motionMs: 200 });
    const text = (await captured).message!.text;
    // "1,234 kg erfasst. Etikett wird geholt…": never the English decimal point.
    expect(text).toMatch(/^\d+,\d{3} kg erfasst\. Etikett wird geholt…$/);
    expect(text.startsWith(`${(grams / 1000).toFixed(3).replace('.', ',')} kg`)).toBe(true);
    const done = await untilStep('done', 20_000);
    expect(done.nextAction).toBe('Etikett auf das Paket kleben und nächsten Auftrag scannen');
    expect(done.message?.text).toMatch(/^Etikett für .+ gedruckt\. Aufkleben und nächsten Auftrag scannen\.$/);
  });

  it('holds a parcel of the wrong weight in German, for the packer and in the lead’s list', async () => {
    const { scale, station, scan, untilStep } = rig;
    const order = orders.filter((o) => o.name !== shippedName && o.lines.every((l) => l.tracking === 'none')).at(-1)!;
    const opened = await scan(order.name);
    expect(opened.state.order?.name).toBe(order.name);
    for (const code of unitScans(opened.state.order!.lines)) await scan(code);
    await untilStep('weighing');
    // The last parcel comes off the scale first (the scale takes a new parcel after zero).
    scale.setWeight(0);
    await waitForEvent(station.events, 'scale', (s) => s.grams === 0 && s.stable, 5_000, 'empty scale');
    const held = waitForEvent(station.events, 'state', (s) => s.message?.tone === 'error', 10_000, 'held');
    scale.setWeight(expectedParcelWeight(station) + 500, { motionMs: 100 });
    const text = (await held).message!.text;
    expect(text).toMatch(/^Das Paket wiegt \d+,\d{3} kg, \d+ g mehr als die erwarteten \d+,\d{3} kg\. Inhalt prüfen und neu wiegen oder Schichtleitung rufen\.$/);
    expect((await dispatch(station.handlers, 'getState', {}) as { ok: true; value: StationState }).value.nextAction).toBe(
      'Gewicht stimmt nicht: Paketinhalt prüfen und neu wiegen oder Schichtleitung rufen',
    );
    const [hold] = station.exceptions.list('open').filter((e) => e.kind === 'weight_variance' && e.orderRef === order.name);
    expect(hold!.title).toMatch(new RegExp(`^${order.name} wiegt \\d+,\\d{3} kg, erwartet \\d+,\\d{3} kg ± \\d+ g\\.$`));
    expect((await putAside()).message.text).toBe('Auftrag zurückgestellt. Nächsten Auftrag scannen.');
  });

  it('speaks English again as soon as the setting goes back, without a restart', async () => {
    await setLanguage('en');
    const state = (await dispatch(rig.station.handlers, 'getState', {})) as { ok: true; value: StationState };
    expect(state.value.nextAction).toBe('Scan an order barcode');

    const target = orders.find((o) => o.lines.some((l) => l.tracking === 'none' && l.barcode) && o.name !== shippedName)!;
    const line = target.lines.find((l) => l.tracking === 'none' && l.barcode)!;
    const opened = await rig.scan(target.name);
    expect(opened.message.text).toMatch(new RegExp(`^${target.name} for .+: scan the `));
    for (let i = 0; i < line.quantity; i++) await rig.scan(line.barcode!);
    const extra = await rig.scan(line.barcode!);
    expect(extra.message.text).toBe(`${target.name} needs only ${line.quantity} ${line.name}. Take this one out.`);
    expect((await putAside()).message.text).toBe('Order put aside. Scan the next order.');
  });
});

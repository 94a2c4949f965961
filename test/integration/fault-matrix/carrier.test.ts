// Fault matrix, carrier row: a 4xx refusal, a 5xx, a lost reply and a rate limit from the ShipEngine
// sandbox (its error bodies checked against ShipEngine's OpenAPI document), each hitting the label of
// one packed order through a real station. Each cell says what the packer sees, where the fault lands
// (outbox row, lead's exception) and how it recovers, with the sandbox's purchase log as the witness
// that no label was bought twice, and Odoo getting the tracking number of the one that was.
import { afterEach, describe, expect, it } from 'vitest';
import {
  leadResolves,
  openExceptions,
  outboxOf,
  packOrder,
  pickingInOdoo,
  startFaultBench,
  stateWhere,
  told,
  topBar,
  until,
  type Carrier,
  type FaultBench,
} from '../../support/fault-matrix-rig';

let bench: FaultBench | null = null;
afterEach(async () => {
  await bench?.close();
  bench = null;
});

const TARGET = 'carrier:shipengine';
const parkedText = (name: string) => `${name} is waiting for its label from ShipEngine: put the parcel on the shelf and scan the next order`;
const shelfText = (name: string) => `Label for ${name} — put it on the parcel on the shelf.`;

/** The bench with ShipEngine as its carrier; the first ready order packed and weighed. */
async function packed(knobs: Parameters<Carrier['setKnobs']>[0]): Promise<{ b: FaultBench; carrier: Carrier; picking: { id: number; name: string } }> {
  bench = await startFaultBench({ seed: 6, shipengine: knobs });
  const [picking] = await bench.rig.readyPickings();
  await packOrder(bench, picking!.name);
  return { b: bench, carrier: bench.carrier!, picking: picking! };
}

/** One label bought; the one printed and the one in Odoo carry its tracking number; the outbox is drained. */
async function boughtOnce(b: FaultBench, carrier: Carrier, picking: { id: number }): Promise<void> {
  expect(carrier.purchases).toHaveLength(1);
  const tracking = carrier.purchases[0]!.trackingNumbers[0]!;
  const labels = b.rig.printer.jobs.filter((j) => j.toString('latin1').includes(tracking));
  expect(labels).toHaveLength(1);
  await until(() => pickingInOdoo(b, picking.id).state === 'done', 'the dispatch in Odoo');
  expect(pickingInOdoo(b, picking.id)).toEqual({ state: 'done', carrier_tracking_ref: tracking });
  expect(outboxOf(b, TARGET).map((r) => r.state)).toEqual(['done']);
  expect(carrier.contractFailures).toEqual([]);
}

describe('fault matrix: carrier', () => {
  it("4xx: a refused address parks the order with the carrier's reason, dead-lettered at once, nothing bought; the lead's retry buys one label", async () => {
    const { b, carrier, picking } = await packed({ rejectAddress: { field: 'postal_code' } });

    await until(() => openExceptions(b).some((e) => e.kind === 'carrier_rejection'), 'the carrier rejection');
    const [rejection] = openExceptions(b);
    expect(rejection).toMatchObject({ kind: 'carrier_rejection', orderRef: picking.name, context: { reason: 'address', field: 'ship_to.postal_code' } });
    const parked = await stateWhere(b, (s) => s.step === 'labelling' && (s.nextAction ?? '').startsWith(`ShipEngine refused the label for ${picking.name}`), 'the refusal on screen');
    expect(parked.nextAction).toBe(
      `ShipEngine refused the label for ${picking.name}: the postcode is not valid. Put the parcel on the shelf and scan the next order; the shift lead will fix it.`,
    );
    expect(outboxOf(b, TARGET)).toMatchObject([{ state: 'dead', attempts: 1 }]);
    expect(carrier.purchases).toEqual([]);
    expect(b.rig.printer.jobs).toEqual([]);

    // The carrier takes the address now (fixed on its side); the lead sends the request again.
    carrier.setKnobs({ rejectAddress: false });
    await leadResolves(b, rejection!.id, 'retry');
    await told(b, shelfText(picking.name));
    await boughtOnce(b, carrier, picking);
    expect(openExceptions(b)).toEqual([]);
  }, 90_000);

  it('5xx: a carrier that keeps failing parks the order waiting for its label, retrying; the label prints for the shelf when it answers', async () => {
    const { b, carrier, picking } = await packed({ serverErrors: 1_000_000 });

    const parked = await stateWhere(b, (s) => s.nextAction === parkedText(picking.name), 'the order parked');
    expect(parked.step).toBe('labelling');
    await until(() => (outboxOf(b, TARGET)[0]?.attempts ?? 0) >= 2, 'the label asked for twice');
    const [row] = outboxOf(b, TARGET);
    expect(['pending', 'in_flight']).toContain(row!.state);
    expect(openExceptions(b).map((e) => [e.kind, e.orderRef])).toEqual([['awaiting_label', picking.name]]);
    expect(topBar(b).chips).toEqual(['ShipEngine: offline, retrying']);
    expect(carrier.purchases).toEqual([]);

    carrier.setKnobs({ serverErrors: 0 });
    await told(b, shelfText(picking.name));
    await boughtOnce(b, carrier, picking);
    expect(b.rig.station.exceptions.list('resolved').map((e) => [e.kind, e.resolution])).toEqual([['awaiting_label', 'printed']]);
    expect(topBar(b).chips).toEqual([]);
  }, 90_000);

  it('lost reply: the label bought and its reply dropped is found by our key, not bought again', async () => {
    const { b, carrier, picking } = await packed({ dropAfterPurchase: 1 });

    // Printed at the bench, or for the shelf if the retry came after the order was parked as slow.
    const printedTexts = [`Label printed for ${picking.name}. Stick it on and scan the next order.`, shelfText(picking.name)];
    const done = await stateWhere(b, (s) => printedTexts.includes(s.message?.text ?? ''), 'the label printed', 30_000);
    expect(done.label?.printState).toBe('confirmed');
    // The first try failed without an answer, then the label was found.
    const [row] = outboxOf(b, TARGET);
    expect(row).toMatchObject({ state: 'done', attempts: 1 });
    expect(done.label!.trackingNumber).toBe(carrier.purchases[0]!.trackingNumbers[0]);
    await boughtOnce(b, carrier, picking);
    expect(openExceptions(b)).toEqual([]);
  }, 90_000);

  it('rate limit: a 429 waits as long as Retry-After says, the order parked meanwhile; then one label', async () => {
    const beforeReply = Date.now();
    const { b, carrier, picking } = await packed({ tooManyRequests: 1, retryAfterS: 5 });

    await stateWhere(b, (s) => s.nextAction === parkedText(picking.name), 'the order parked');
    const row = outboxOf(b, TARGET)[0]!;
    expect(row).toMatchObject({ state: 'pending', attempts: 1 });
    expect(row.nextAttemptAt - beforeReply).toBeGreaterThanOrEqual(5_000);
    expect(topBar(b).odoo?.status).toBe('ok');
    expect(topBar(b).chips).toEqual(['ShipEngine: offline, retrying']);
    expect(carrier.purchases).toEqual([]);

    await told(b, shelfText(picking.name));
    expect(Date.now() - beforeReply).toBeGreaterThanOrEqual(5_000);
    await boughtOnce(b, carrier, picking);
  }, 90_000);
});

// Fault matrix, Odoo row: a 5xx page, a 429 with Retry-After, a timeout, AccessDenied and a conflict,
// each hitting the dispatch of one packed order through a real station against the sandbox Odoo. Each
// cell says what the packer sees (message line, top bar), where the fault lands (outbox row, lead's
// exception) and how it recovers (fault gone or lead's action → the order ends by itself, and the
// sandbox's records show every effect in Odoo exactly once).
import { afterEach, describe, expect, it } from 'vitest';
import {
  chatterOf,
  leadResolves,
  odooWrites,
  openExceptions,
  outboxOf,
  packOrder,
  pickingInOdoo,
  putOnScale,
  startFaultBench,
  told,
  topBar,
  until,
  type FaultBench,
} from '../../support/fault-matrix-rig';

let bench: FaultBench | null = null;
afterEach(async () => {
  bench?.rig.odoo.setChaos({});
  await bench?.close();
  bench = null;
});

const printedText = (name: string) => `Label printed for ${name}. Stick it on and scan the next order.`;

interface Packed {
  id: number;
  name: string;
  /** Validations in Odoo, and the picking's messages (the bench's claim note) and attachments, before the parcel was weighed. */
  before: { validations: number; messages: number; attachments: number };
}

/** The order's dispatch reached Odoo once: done, with the label's tracking, one validation, one message, one attachment. */
function dispatchedOnce(b: FaultBench, picking: Packed, tracking: string): void {
  expect(pickingInOdoo(b, picking.id)).toEqual({ state: 'done', carrier_tracking_ref: tracking });
  expect(odooWrites(b, 'button_validate') - picking.before.validations).toBe(1);
  const chatter = chatterOf(b, picking.id);
  expect({ messages: chatter.messages - picking.before.messages, attachments: chatter.attachments - picking.before.attachments }).toEqual({ messages: 1, attachments: 1 });
  expect(outboxOf(b, 'odoo').map((r) => r.state)).toEqual(['done']);
}

/** Open and pack the first ready order up to the scale; the fault goes in before the parcel is weighed. */
async function packFirst(b: FaultBench): Promise<Packed> {
  const [picking] = await b.rig.readyPickings();
  await packOrder(b, picking!.name, false);
  return { ...picking!, before: { validations: odooWrites(b, 'button_validate'), ...chatterOf(b, picking!.id) } };
}

describe('fault matrix: Odoo', () => {
  it('5xx: a 503 page keeps the dispatch retrying with backoff; the packer goes on; it lands once when Odoo answers', async () => {
    bench = await startFaultBench({ seed: 6 });
    const b = bench;
    const picking = await packFirst(b);
    b.rig.odoo.setChaos({ errorRate: 1, errorKinds: ['gateway'] });
    putOnScale(b);

    // (a) The label prints; the top bar says Odoo is offline.
    const printed = await told(b, printedText(picking.name));
    expect(printed.step).toBe('printed');
    await until(() => (outboxOf(b, 'odoo')[0]?.attempts ?? 0) >= 2, 'the dispatch tried twice');
    // The line's tooltip says why in words, not the proxy page's markup.
    expect(topBar(b)).toMatchObject({
      orderSync: 'Offline — orders from a moment ago',
      chips: [],
      odoo: { status: 'retrying', message: '1 update for Odoo will be retried. Last error: Odoo answered HTTP 503 (Service Unavailable)' },
    });
    // (b) The row waits out a backoff, no exception for anybody.
    const [row] = outboxOf(b, 'odoo');
    expect(row).toMatchObject({ kind: 'odoo.dispatch_picking', lastError: 'Odoo answered HTTP 503 (Service Unavailable)' });
    expect(['pending', 'in_flight']).toContain(row!.state);
    expect(openExceptions(b)).toEqual([]);
    expect(pickingInOdoo(b, picking.id).state).toBe('assigned');

    // (c) Odoo answers again: the order ends by itself, its dispatch in Odoo once.
    b.rig.odoo.setChaos({});
    const done = await b.rig.untilStep('done', 30_000);
    dispatchedOnce(b, picking, done.label!.trackingNumber!);
    expect(topBar(b).odoo).toMatchObject({ status: 'ok' });
  }, 90_000);

  it('429: the dispatch waits as long as Retry-After says, then lands once', async () => {
    bench = await startFaultBench({ seed: 6 });
    const b = bench;
    const picking = await packFirst(b);
    b.rig.odoo.setChaos({ errorRate: 1, errorKinds: ['rate_limit'], retryAfterS: 4 });
    const beforeReply = Date.now();
    putOnScale(b);

    const printed = await told(b, printedText(picking.name));
    expect(printed.step).toBe('printed');
    await until(() => (outboxOf(b, 'odoo')[0]?.attempts ?? 0) >= 1 && outboxOf(b, 'odoo')[0]!.state === 'pending', 'the dispatch refused once');
    // The limit is lifted at once: the bench still waits the 4 s it was asked to.
    b.rig.odoo.setChaos({});
    const [row] = outboxOf(b, 'odoo');
    expect(row).toMatchObject({ state: 'pending', attempts: 1, lastError: 'Odoo answered HTTP 429 (Too Many Requests)' });
    expect(row!.nextAttemptAt - beforeReply).toBeGreaterThanOrEqual(4_000);
    expect(topBar(b)).toMatchObject({ orderSync: 'Offline — orders from a moment ago', odoo: { status: 'retrying' } });
    expect(openExceptions(b)).toEqual([]);

    const done = await b.rig.untilStep('done', 30_000);
    expect(Date.now() - beforeReply).toBeGreaterThanOrEqual(4_000);
    // One refused try (attempts counts failures), then the one that went through.
    expect(outboxOf(b, 'odoo')[0]!.attempts).toBe(1);
    dispatchedOnce(b, picking, done.label!.trackingNumber!);
  }, 90_000);

  it('timeout: Odoo answering too late is offline for the bench; the dispatch retries, and lands once when Odoo answers in time', async () => {
    bench = await startFaultBench({ seed: 6 });
    const b = bench;
    const picking = await packFirst(b);
    // Past the transport's 10 s timeout: each request is still served by Odoo, after the bench gave up on it.
    b.rig.odoo.setChaos({ latencyMs: 11_000 });
    putOnScale(b);

    const printed = await told(b, printedText(picking.name));
    expect(printed.step).toBe('printed');
    await until(() => (outboxOf(b, 'odoo')[0]?.lastError ?? '').includes('did not answer in time'), 'the dispatch timed out', 40_000);
    expect(topBar(b)).toMatchObject({ orderSync: 'Offline — orders from a moment ago', odoo: { status: 'retrying' } });
    expect((await b.rig.station.handlers.getState({})).odooLink).toBe('offline');
    expect(openExceptions(b)).toEqual([]);

    b.rig.odoo.setChaos({});
    const done = await b.rig.untilStep('done', 60_000);
    dispatchedOnce(b, picking, done.label!.trackingNumber!);
    // One package for the one parcel, whatever the requests served late did.
    const packages = b.rig.odoo.state.all('stock.move.line').filter((l) => l.picking_id === picking.id && l.result_package_id);
    expect(new Set(packages.map((l) => l.result_package_id)).size).toBe(1);
  }, 150_000);

  it("AccessDenied: the key revoked in Odoo stops the sync after one refusal with one alert; fixed and resumed, the dispatch lands once", async () => {
    bench = await startFaultBench({ seed: 6 });
    const b = bench;
    const picking = await packFirst(b);
    const benchKey = b.rig.apiKey;
    b.rig.odoo.users[0]!.apiKey = 'rotated-0123456789abcdef';
    putOnScale(b);

    const printed = await told(b, printedText(picking.name));
    expect(printed.step).toBe('printed');
    await until(() => openExceptions(b).some((e) => e.kind === 'sync_auth'), 'the auth alert');
    const alert = openExceptions(b).find((e) => e.kind === 'sync_auth')!;
    expect(alert.title).toBe(`Odoo refused the bench's credentials, so nothing is being sent to Odoo. Fix the Odoo login in Settings, then resolve this with "resume".`);
    expect(alert.choices).toContain('resume');
    expect(topBar(b)).toMatchObject({ chips: ['Odoo: stopped'], odoo: { status: 'stopped' } });
    // Never dead-lettered, never looped: the row waits; the refusals do not grow.
    const refusals = () => b.rig.odoo.rpcLog.filter((e) => e.error === 'odoo.exceptions.AccessDenied').length;
    const seen = refusals();
    expect(seen).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(refusals()).toBe(seen);
    expect(outboxOf(b, 'odoo')).toMatchObject([{ kind: 'odoo.dispatch_picking', state: 'pending' }]);

    b.rig.odoo.users[0]!.apiKey = benchKey;
    await leadResolves(b, alert.id, 'resume');
    const done = await b.rig.untilStep('done', 30_000);
    dispatchedOnce(b, picking, done.label!.trackingNumber!);
    expect(openExceptions(b)).toEqual([]);
  }, 90_000);

  it("conflict: a delivery re-addressed in Odoo is held, never overwritten; the lead's repack ships it to the new address once", async () => {
    bench = await startFaultBench({ seed: 6 });
    const b = bench;
    const picking = await packFirst(b);
    const partnerId = b.rig.odoo.state.get('stock.picking', picking.id)!.partner_id as number;
    b.rig.odoo.state.update('res.partner', partnerId, { street: 'Corso Como 2', zip: '20154' });
    putOnScale(b);

    await until(() => openExceptions(b).some((e) => e.kind === 'odoo_conflict'), 'the conflict');
    const [conflict] = openExceptions(b);
    expect(conflict).toMatchObject({ kind: 'odoo_conflict', orderRef: picking.name, choices: ['retry', 'discard', 'repack'], context: { change: 'readdressed' } });
    expect(conflict!.title).toBe(`${picking.name} was re-addressed in Odoo (street, postcode changed). It was not changed in Odoo; the shift lead decides what happens to the parcel.`);
    expect(outboxOf(b, 'odoo')).toMatchObject([{ state: 'dead', attempts: 1 }]);
    expect(pickingInOdoo(b, picking.id)).toEqual({ state: 'assigned', carrier_tracking_ref: false });
    expect(chatterOf(b, picking.id)).toEqual({ messages: picking.before.messages, attachments: picking.before.attachments });

    await leadResolves(b, conflict!.id, 'repack', 'customer moved');
    expect(b.rig.station.pack.step()).toBe('idle');
    await packOrder(b, picking.name);
    const done = await b.rig.untilStep('done', 30_000);
    expect(b.rig.printer.jobs.at(-1)!.toString('utf8')).toContain('Corso Como 2');
    expect(pickingInOdoo(b, picking.id)).toEqual({ state: 'done', carrier_tracking_ref: done.label!.trackingNumber });
    expect(odooWrites(b, 'button_validate') - picking.before.validations).toBe(1);
    expect(outboxOf(b, 'odoo').map((r) => r.state)).toEqual(['discarded', 'done']);
    expect(openExceptions(b)).toEqual([]);
  }, 90_000);
});

// The sync worker against a real SQLite file: ordering, backoff, dead letters, auth stop, crash recovery.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../electron/core/clock';
import { listAudit, verifyAudit } from '../../electron/core/store/audit';
import { inTransaction, openDatabase, type Db } from '../../electron/core/store/db';
import { ExceptionQueue } from '../../electron/core/store/exceptions';
import {
  enqueue,
  getOutboxRow,
  queueCounts,
  type EnqueueInput,
  type OutboxRow,
} from '../../electron/core/sync/outbox';
import type { ApplyResult, LookupResult, SyncTarget } from '../../electron/core/sync/target';
import { SyncWorker } from '../../electron/core/sync/worker';
import { localCarrier, localTrackingNumber } from '../../electron/core/carriers/local/index';
import { CarrierRegistry } from '../../electron/core/carriers/registry';
import { createLabelRow, type CreateLabelPayload } from '../../electron/core/pack/effects';
import { ShipmentRequest } from '../../shared/shipment';
import { party } from '../support/label-data';
import { tempDir } from '../support/temp-dir';
import { createTranslator } from '../../electron/core/i18n/translator';

const BASE = 1000;

let dir: ReturnType<typeof tempDir>;
let file: string;
let db: Db;
let clock: ManualClock;
let exceptions: ExceptionQueue;
const openDbs: Db[] = [];

function open(): Db {
  const opened = openDatabase(file);
  openDbs.push(opened);
  return opened;
}

function newWorker(random: () => number = () => 0.5): SyncWorker {
  exceptions = new ExceptionQueue(db, clock, createTranslator('en').t);
  return new SyncWorker({ t: createTranslator('en').t, db, clock, exceptions, random, baseDelayMs: BASE, maxDelayMs: 60_000, onError: () => {} });
}

function add(orderKey: string, kind = 'odoo.validate', extra: Partial<EnqueueInput> = {}) {
  return inTransaction(db, () =>
    enqueue(db, clock, { target: 'odoo', kind, orderKey, payload: { order: orderKey }, ...extra }),
  );
}

function row(id: number) {
  const r = getOutboxRow(db, id);
  if (!r) throw new Error(`no outbox row ${id}`);
  return r;
}

/**
 * A worker hands the due rows to a target and the process dies before any reply (nothing after
 * apply runs); resolves once apply was called. `seen` gets the rows as the target got them.
 */
async function dieMidApply(seen: (rows: OutboxRow[]) => void = () => {}): Promise<void> {
  const crashed = newWorker();
  let reached!: () => void;
  const applyStarted = new Promise<void>((resolve) => (reached = resolve));
  crashed.register('odoo.validate', {
    target: 'odoo',
    payload: z.unknown(),
    maxBatch: 10,
    apply: (rows) => {
      seen(rows);
      reached();
      return new Promise<ApplyResult[]>(() => {});
    },
    lookup: async () => ({ applied: false }),
  });
  void crashed.runOnce();
  await applyStarted;
}

/** A target whose answer per row comes from `decide`; records every apply and lookup call. */
function fakeTarget(
  decide: (row: OutboxRow) => ApplyResult = () => ({ status: 'done' }),
  options: { target?: string; maxBatch?: number; lookup?: (row: OutboxRow) => Promise<LookupResult> } = {},
) {
  const calls: number[][] = [];
  const lookups: number[] = [];
  const handler: SyncTarget = {
    target: options.target ?? 'odoo',
    payload: z.unknown(),
    label: options.target === 'carrier' ? 'The carrier' : 'Odoo',
    maxBatch: options.maxBatch ?? 10,
    apply: vi.fn(async (rows: OutboxRow[]) => {
      calls.push(rows.map((r) => r.id));
      return rows.map(decide);
    }),
    lookup: vi.fn(async (r: OutboxRow) => {
      lookups.push(r.id);
      return options.lookup ? options.lookup(r) : { applied: false as const };
    }),
  };
  return { handler, calls, lookups, applied: () => calls.flat() };
}

beforeEach(() => {
  dir = tempDir('packbench-sync-');
  file = dir.file('station.sqlite');
  clock = new ManualClock();
  db = open();
});

afterEach(() => {
  for (const d of openDbs.splice(0)) if (d.open) d.close();
  dir.remove();
});

describe('enqueue', () => {
  it('numbers rows per order, derives the idempotency key, and ignores a duplicate key', () => {
    const a1 = add('A');
    const a2 = add('A', 'odoo.chatter');
    const b1 = add('B');
    expect([a1.seq, a2.seq, b1.seq]).toEqual([1, 2, 1]);
    expect(row(a2.id).idempotencyKey).toBe('A:odoo.chatter:2');

    const first = add('C', 'carrier.buy', { idempotencyKey: 'parcel-77' });
    const again = add('C', 'carrier.buy', { idempotencyKey: 'parcel-77', payload: { other: true } });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, seq: first.seq, created: false });
    expect(row(first.id).payload).toEqual({ order: 'C' });
    expect(queueCounts(db)).toEqual({ pending: 4, inFlight: 0, dead: 0 });
  });

  it('refuses to run outside a transaction', () => {
    expect(() => enqueue(db, clock, { target: 'odoo', kind: 'k', orderKey: 'A', payload: {} })).toThrow(/transaction/);
    expect(queueCounts(db).pending).toBe(0);
  });

  it('rolls back with the caller when the caller fails', () => {
    expect(() =>
      inTransaction(db, () => {
        enqueue(db, clock, { target: 'odoo', kind: 'k', orderKey: 'A', payload: {} });
        throw new Error('label purchase failed');
      }),
    ).toThrow('label purchase failed');
    expect(queueCounts(db).pending).toBe(0);
  });
});

describe('SyncWorker', () => {
  it('applies each order strictly in sequence while other orders proceed', async () => {
    const worker = newWorker();
    const a1 = add('A');
    const a2 = add('A', 'odoo.chatter');
    const b1 = add('B');
    const b2 = add('B', 'odoo.chatter');
    let failA1 = true;
    const target = fakeTarget((r) => {
      if (r.id === a1.id && failA1) return { status: 'retry', error: 'Odoo timed out' };
      return { status: 'done', result: { ok: r.id } };
    });
    worker.register('odoo.validate', target.handler);
    worker.register('odoo.chatter', target.handler);

    expect(await worker.runOnce()).toEqual({ applied: 1, retried: 1, dead: 0, authStopped: [] });
    expect(target.calls).toEqual([[a1.id, b1.id]]);

    // A1 is waiting for its retry: B's next row goes, A2 does not.
    await worker.runOnce();
    expect(target.calls.at(-1)).toEqual([b2.id]);
    await worker.runOnce();
    expect(target.calls).toHaveLength(2);
    expect(target.applied()).not.toContain(a2.id);

    failA1 = false;
    clock.advance(60_000);
    await worker.runOnce();
    expect(target.calls.at(-1)).toEqual([a1.id]);
    expect(row(a1.id)).toMatchObject({ state: 'done', attempts: 1, result: { ok: a1.id } });
    await worker.runOnce();
    expect(target.calls.at(-1)).toEqual([a2.id]);
    expect(target.applied().filter((id) => id === a2.id)).toHaveLength(1);
    expect(queueCounts(db)).toEqual({ pending: 0, inFlight: 0, dead: 0 });
  });

  it('backs off with growing, jittered delays', async () => {
    let r = 0.999;
    const worker = newWorker(() => r);
    const { id } = add('A');
    worker.register('odoo.validate', fakeTarget(() => ({ status: 'retry', error: '502 Bad Gateway' })).handler);

    const waits: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const before = clock.now();
      await worker.runOnce();
      const next = row(id).nextAttemptAt;
      waits.push(next - before);
      expect(next - before).toBeLessThanOrEqual(BASE * 2 ** (attempt - 1));
      clock.set(next);
    }
    expect(row(id)).toMatchObject({ state: 'pending', attempts: 4, lastError: '502 Bad Gateway' });
    expect(waits).toEqual([999, 1998, 3996, 7992]);

    // A different random draw gives a different wait for the same attempt.
    r = 0.25;
    const before = clock.now();
    await worker.runOnce();
    expect(row(id).nextAttemptAt - before).toBe(4000);
  });

  it('honours Retry-After', async () => {
    const worker = newWorker(() => 0); // backoff alone would retry at once
    const { id } = add('A');
    let answer: ApplyResult = { status: 'retry', error: '429 Too Many Requests', retryAfterMs: 60_000 };
    const target = fakeTarget(() => answer);
    worker.register('odoo.validate', target.handler);

    const start = clock.now();
    await worker.runOnce();
    expect(row(id).nextAttemptAt).toBeGreaterThanOrEqual(start + 60_000);

    answer = { status: 'done' };
    clock.advance(59_000);
    await worker.runOnce();
    expect(target.calls).toHaveLength(1);
    clock.advance(1_000);
    await worker.runOnce();
    expect(target.calls).toHaveLength(2);
    expect(row(id).state).toBe('done');
  });

  it('turns a permanent failure into a dead letter with its full context', async () => {
    const worker = newWorker();
    const { id } = add('WH/OUT/0042', 'odoo.validate', { payload: { pickingId: 42, qty: 3 } });
    worker.register(
      'odoo.validate',
      fakeTarget(() => ({ status: 'permanent', error: 'ValidationError: quantity exceeds reserved' })).handler,
    );

    expect(await worker.runOnce()).toMatchObject({ dead: 1, applied: 0 });
    expect(row(id)).toMatchObject({ state: 'dead', attempts: 1, lastError: 'ValidationError: quantity exceeds reserved' });
    const [ex, ...others] = exceptions.list('open');
    expect(others).toHaveLength(0);
    expect(ex).toMatchObject({
      kind: 'dead_letter',
      orderRef: 'WH/OUT/0042',
      raisedBy: 'sync:odoo',
      choices: ['retry', 'discard'],
      context: {
        outboxId: id,
        target: 'odoo',
        kind: 'odoo.validate',
        error: 'ValidationError: quantity exceeds reserved',
        payload: { pickingId: 42, qty: 3 },
      },
    });
    expect(ex!.title).toContain('WH/OUT/0042');
    expect(listAudit(db).map((a) => a.action)).toContain('outbox.dead');
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('lets a dead head block only its own order, until a lead retries it', async () => {
    const worker = newWorker();
    const a1 = add('A');
    const a2 = add('A', 'odoo.chatter');
    const b1 = add('B');
    const b2 = add('B', 'odoo.chatter');
    let a1Fails = true;
    const target = fakeTarget((r) =>
      r.id === a1.id && a1Fails
        ? { status: 'permanent', error: 'picking is cancelled', title: 'WH/OUT/A was cancelled in Odoo' }
        : { status: 'done' },
    );
    worker.register('odoo.validate', target.handler);
    worker.register('odoo.chatter', target.handler);

    for (let i = 0; i < 4; i++) {
      await worker.runOnce();
      clock.advance(10 * 60_000);
    }
    expect(row(b1.id).state).toBe('done');
    expect(row(b2.id).state).toBe('done');
    expect(row(a1.id).state).toBe('dead');
    expect(row(a2.id).state).toBe('pending');
    expect(target.applied()).not.toContain(a2.id);

    const [ex] = exceptions.list('open');
    expect(ex!.title).toBe('WH/OUT/A was cancelled in Odoo');
    a1Fails = false;
    exceptions.resolve(ex!.id, 'retry', 'staff:1');
    expect(row(a1.id)).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: clock.now() });
    expect(listAudit(db).map((a) => a.action)).toContain('outbox.requeued');

    await worker.runOnce();
    expect(row(a1.id).state).toBe('done');
    await worker.runOnce();
    expect(row(a2.id).state).toBe('done');
    expect(target.applied().filter((id) => id === a1.id)).toHaveLength(2);
    expect(verifyAudit(db).ok).toBe(true);
  });

  it('"discard" gives up on a dead row and unblocks its order', async () => {
    const worker = newWorker();
    const a1 = add('A');
    const a2 = add('A', 'odoo.chatter');
    const target = fakeTarget((r) =>
      r.id === a1.id ? { status: 'permanent', error: 'no such picking' } : { status: 'done' },
    );
    worker.register('odoo.validate', target.handler);
    worker.register('odoo.chatter', target.handler);

    await worker.runOnce();
    const [ex] = exceptions.list('open');
    exceptions.resolve(ex!.id, 'discard', 'staff:1', 'picking was deleted');
    expect(row(a1.id).state).toBe('discarded');
    expect(queueCounts(db).dead).toBe(0);
    await worker.runOnce();
    expect(row(a2.id).state).toBe('done');
    expect(target.applied()).toEqual([a1.id, a2.id]);
    expect(listAudit(db).map((a) => a.action)).toContain('outbox.discarded');
  });

  it('stops a target on an auth failure, raises one alert, and resumes on request', async () => {
    const worker = newWorker();
    const o1 = add('A');
    const o2 = add('B', 'odoo.chatter');
    const c1 = add('C', 'carrier.buy', { target: 'carrier' });
    let refuse = true;
    const odoo = fakeTarget(() => (refuse ? { status: 'auth', error: 'Access Denied' } : { status: 'done' }), {
      maxBatch: 1,
    });
    const carrier = fakeTarget(() => ({ status: 'done' }), { target: 'carrier' });
    worker.register('odoo.validate', odoo.handler);
    worker.register('odoo.chatter', odoo.handler);
    worker.register('carrier.buy', carrier.handler);

    expect(await worker.runOnce()).toMatchObject({ authStopped: ['odoo'], applied: 1 });
    // The first refusal stops Odoo: its other kind is not even tried. The carrier is unaffected.
    expect(odoo.calls).toEqual([[o1.id]]);
    expect(row(c1.id).state).toBe('done');
    expect(row(o1.id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(worker.status()).toEqual([
      { target: 'odoo', label: 'Odoo', status: 'stopped', message: expect.stringContaining("refused the bench's credentials") },
      { target: 'carrier', label: 'The carrier', status: 'ok', message: null },
    ]);

    for (let i = 0; i < 3; i++) {
      clock.advance(60 * 60_000);
      await worker.runOnce();
    }
    expect(odoo.calls).toHaveLength(1);

    // Resumed by hand while the alert is still open: the next refusal does not raise a second one.
    worker.resumeTarget('odoo');
    await worker.runOnce();
    expect(odoo.calls).toHaveLength(2);
    const alerts = exceptions.list('open').filter((e) => e.kind === 'sync_auth');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ choices: ['resume'], context: { target: 'odoo' } });

    // The lead fixes the login and resolves the alert with "resume".
    refuse = false;
    exceptions.resolve(alerts[0]!.id, 'resume', 'staff:1');
    expect(worker.status()[0]).toEqual({ target: 'odoo', label: 'Odoo', status: 'ok', message: null });
    await worker.runOnce();
    await worker.runOnce();
    expect(row(o1.id).state).toBe('done');
    expect(row(o2.id).state).toBe('done');
    expect(listAudit(db).map((a) => a.action)).toEqual(expect.arrayContaining(['sync.stopped', 'sync.resumed']));
  });

  it('keeps a target stopped across a restart while its auth alert is open', async () => {
    const first = newWorker();
    add('A');
    first.register('odoo.validate', fakeTarget(() => ({ status: 'auth', error: 'Access Denied' })).handler);
    await first.runOnce();
    db.close();

    db = open();
    const second = newWorker();
    const target = fakeTarget();
    second.register('odoo.validate', target.handler);
    await second.runOnce();
    expect(target.calls).toHaveLength(0);
    expect(second.status()[0]!.status).toBe('stopped');
  });

  it('after a crash, looks up in-flight rows and never applies one twice', async () => {
    const applied = add('A'); // the reply was lost: Odoo did validate it
    const lost = add('B'); // never reached Odoo
    await dieMidApply();
    // The in_flight mark was committed before apply was called: another connection sees it.
    const reader = openDatabase(file, { readonly: true });
    openDbs.push(reader);
    expect(reader.prepare(`SELECT state FROM outbox ORDER BY id`).pluck().all()).toEqual(['in_flight', 'in_flight']);
    reader.close();
    db.close();

    db = open();
    const worker = newWorker();
    let lookupFails = true;
    const target = fakeTarget(() => ({ status: 'done', result: { sent: true } }), {
      lookup: async (r) => {
        if (lookupFails) throw new Error('ECONNREFUSED');
        return r.id === applied.id ? { applied: true, result: { pickingState: 'done' } } : { applied: false };
      },
    });
    worker.register('odoo.validate', target.handler);

    // Lookup unreachable: nothing is resent, both stay in flight.
    expect(await worker.recover()).toEqual({ done: 0, requeued: 0, unresolved: 2 });
    await worker.runOnce();
    expect(target.calls).toHaveLength(0);
    expect(queueCounts(db).inFlight).toBe(2);

    lookupFails = false;
    await worker.runOnce();
    expect(row(applied.id)).toMatchObject({ state: 'done', result: { pickingState: 'done' } });
    expect(row(lost.id)).toMatchObject({ state: 'done', result: { sent: true } });
    expect(target.applied()).toEqual([lost.id]);
    await worker.runOnce();
    expect(target.applied()).toEqual([lost.id]);
    expect(listAudit(db).filter((a) => a.action === 'outbox.recovered')).toHaveLength(2);
  });

  it('tells the target how often each row went out before: 0 on its first go, a stop mid-call and a split batch counted', async () => {
    const seen: Record<number, number>[] = [];
    const record = (rows: OutboxRow[]) => seen.push(Object.fromEntries(rows.map((r) => [r.id, r.handOuts])));
    // A stop mid-call: the hand-out was counted as the row went out, before the target was called.
    const stopped = add('S');
    await dieMidApply(record);
    db.close();
    db = open();

    // After the restart: looked up, not applied, put back; then a batch refused whole is split.
    const a = add('A');
    const b = add('B');
    const worker = newWorker();
    const target = fakeTarget();
    target.handler.apply = vi.fn(async (rows: OutboxRow[]) => {
      record(rows);
      if (rows.length > 1) throw Object.assign(new Error('ValidationError: one of them is refused'), { permanent: true });
      return rows.map((): ApplyResult => ({ status: 'done' }));
    });
    worker.register('odoo.validate', target.handler);
    await worker.runOnce();
    expect(seen).toEqual([
      { [stopped.id]: 0 },
      // The batch: the row the stop cut short went out once before, the new ones never.
      { [stopped.id]: 1, [a.id]: 0, [b.id]: 0 },
      // Each on its own after the refusal: each went out once already, in the batch.
      { [stopped.id]: 2 },
      { [a.id]: 1 },
      { [b.id]: 1 },
    ]);
    for (const id of [stopped.id, a.id, b.id]) expect(row(id).state).toBe('done');
  });

  it('splits a batch that fails permanently so one bad row does not block the others', async () => {
    const worker = newWorker();
    const good1 = add('A');
    const bad = add('B', 'odoo.validate', { payload: { bad: true } });
    const good2 = add('C');
    const target = fakeTarget();
    target.handler.apply = vi.fn(async (rows: OutboxRow[]) => {
      target.calls.push(rows.map((r) => r.id));
      if (rows.some((r) => (r.payload as { bad?: boolean }).bad)) {
        throw Object.assign(new Error('ValidationError: carrier_id is required'), { permanent: true });
      }
      return rows.map((): ApplyResult => ({ status: 'done' }));
    });
    worker.register('odoo.validate', target.handler);

    expect(await worker.runOnce()).toEqual({ applied: 2, retried: 0, dead: 1, authStopped: [] });
    expect(target.calls).toEqual([[good1.id, bad.id, good2.id], [good1.id], [bad.id], [good2.id]]);
    expect(row(bad.id)).toMatchObject({ state: 'dead', lastError: 'ValidationError: carrier_id is required' });
    expect(exceptions.list('open')).toHaveLength(1);
  });

  it('retries a whole batch, without splitting, when apply throws a transient error', async () => {
    const worker = newWorker();
    const ids = [add('A').id, add('B').id, add('C').id];
    const target = fakeTarget(undefined, { maxBatch: 2 });
    target.handler.apply = vi.fn(async (rows: OutboxRow[]) => {
      target.calls.push(rows.map((r) => r.id));
      throw new Error('socket hang up');
    });
    worker.register('odoo.validate', target.handler);

    expect(await worker.runOnce()).toEqual({ applied: 0, retried: 3, dead: 0, authStopped: [] });
    expect(target.calls).toEqual([[ids[0], ids[1]], [ids[2]]]);
    for (const id of ids) expect(row(id)).toMatchObject({ state: 'pending', attempts: 1, lastError: 'socket hang up' });
    expect(worker.status()[0]).toMatchObject({ status: 'retrying', message: expect.stringContaining('socket hang up') });
  });

  it('still says retrying while a row that failed is being tried again', async () => {
    const worker = newWorker();
    const id = add('A').id;
    let during: unknown = null;
    let attempt = 0;
    const target = fakeTarget(() => {
      attempt++;
      if (attempt === 1) return { status: 'retry', error: 'socket hang up' };
      during = worker.status()[0];
      return { status: 'done' };
    });
    worker.register('odoo.validate', target.handler);

    await worker.runOnce();
    clock.advance(60_000);
    await worker.runOnce();
    expect(row(id).state).toBe('done');
    expect(during).toMatchObject({ status: 'retrying', message: '1 update for Odoo will be retried. Last error: socket hang up' });
    expect(worker.status()[0]).toMatchObject({ status: 'ok' });
  });

  it('runs in the background and wakes up on kick', async () => {
    const changes = vi.fn();
    exceptions = new ExceptionQueue(db, clock, createTranslator('en').t);
    const worker = new SyncWorker({ t: createTranslator('en').t, db, clock, exceptions, onChange: changes, maxIdleMs: 60_000 });
    const target = fakeTarget();
    worker.register('odoo.validate', target.handler);
    worker.start();
    // Let the first (empty) pass finish so the loop is asleep for up to a minute.
    await new Promise((r) => setTimeout(r, 20));
    expect(changes).not.toHaveBeenCalled();

    const { id } = add('A');
    worker.kick();
    await vi.waitFor(() => expect(row(id).state).toBe('done'), { timeout: 2000 });
    expect(changes).toHaveBeenCalled();
    await worker.stop();
    expect(target.calls).toEqual([[id]]);
  });

  describe('a row whose payload cannot be read', () => {
    const source = { url: 'http://odoo.test', db: 'shop' };
    /** The create-label row the pack session queues for a picking (built by the same builder). */
    const queueLabel = (pickingId: number) => {
      const request = ShipmentRequest.parse({
        idempotencyKey: `${source.url}|${source.db}|${pickingId}|session:${pickingId}`,
        source: { system: 'odoo', ...source, pickingId, pickingName: `WH/OUT/${pickingId}`, saleOrder: null },
        service: { carrier: 'local', serviceCode: 'standard' },
        shipper: party({ name: 'Warehouse', street1: 'Dock 1', city: 'Berlin', postalCode: '10115', country: 'DE' }),
        recipient: party({ name: 'Ada', street1: 'Main St 1', city: 'Hamburg', postalCode: '20095', country: 'DE' }),
        parcels: [{ reference: `WH/OUT/${pickingId}`, weightG: 1200, items: [] }],
      });
      return inTransaction(db, () => enqueue(db, clock, createLabelRow({ source, pickingId }, { shipmentId: pickingId, request })));
    };
    const carrier = (labelled: CreateLabelPayload[]) =>
      new CarrierRegistry([localCarrier()]).targets((payload) => labelled.push(payload))[0]!;

    it('is a dead letter with the reason, never handed to the target, while the other rows go on', async () => {
      const worker = newWorker();
      const good1 = queueLabel(11);
      const broken = queueLabel(12);
      const good2 = queueLabel(13);
      // Damaged on disk (another build, a bad restore): the weight is no number any more.
      open().prepare(`UPDATE outbox SET payload = json_set(payload, '$.request.parcels[0].weightG', 'heavy') WHERE id = ?`).run(broken.id);
      const labelled: CreateLabelPayload[] = [];
      const local = carrier(labelled);
      const apply = vi.spyOn(local.target, 'apply');
      worker.register(local.kind, local.target);

      expect(await worker.runOnce()).toEqual({ applied: 2, retried: 0, dead: 1, authStopped: [] });
      expect(apply.mock.calls.flat(2).map((r) => r.id)).toEqual([good1.id, good2.id]);
      expect(labelled.map((p) => p.shipmentId)).toEqual([11, 13]);
      expect(row(good1.id)).toMatchObject({ state: 'done', result: { parcels: [{ trackingNumber: localTrackingNumber(labelled[0]!.request.idempotencyKey), label: { format: 'ZPL' } }] } });
      expect(row(good2.id).state).toBe('done');
      expect(row(broken.id)).toMatchObject({ state: 'dead', attempts: 1 });
      expect(row(broken.id).lastError).toMatch(/^unreadable carrier\.create_label row: request\.parcels\.0\.weightG: .*number/i);
      const [dead] = exceptions.list('open');
      expect(dead).toMatchObject({ kind: 'dead_letter', orderRef: 'odoo:shop:picking:12', context: { outboxId: broken.id } });
      expect(dead!.title).toMatch(/^An update for Local delivery about odoo:shop:picking:12 cannot be read, so it was not sent \(request\.parcels\.0\.weightG: /);
      expect(listAudit(db).filter((a) => a.action === 'outbox.dead')).toHaveLength(1);
    });

    it('left in flight by a crash, is a dead letter at recovery instead of being looked up', async () => {
      const worker = newWorker();
      const broken = queueLabel(21);
      open().prepare(`UPDATE outbox SET state = 'in_flight', payload = '{"shipmentId":"21"}' WHERE id = ?`).run(broken.id);
      const local = carrier([]);
      const lookup = vi.spyOn(local.target, 'lookup');
      worker.register(local.kind, local.target);

      expect(await worker.recover()).toEqual({ done: 0, requeued: 0, unresolved: 0 });
      expect(lookup).not.toHaveBeenCalled();
      expect(row(broken.id)).toMatchObject({ state: 'dead' });
      expect(row(broken.id).lastError).toMatch(/shipmentId: .*number/i);
      expect(exceptions.list('open').map((e) => e.kind)).toEqual(['dead_letter']);
    });
  });
});

// A bench's outbox, worker and Odoo dispatch target against a sandbox Odoo, without the rest of
// the station: queue dispatch rows the way the pack session does (from the order as cached) and
// drain them, or hand a row straight to the target's apply/lookup. Used by the write-back,
// conflict, claim and contract tests and the write-back bench.
import type { ReferenceData } from '../../electron/core/odoo/pickings';
import { ManualClock } from '../../electron/core/clock';
import { connectOdoo } from '../../electron/core/odoo/connect';
import type { BackorderPolicy } from '../../electron/core/odoo/dispatch/steps';
import { createOdooDispatchTarget } from '../../electron/core/odoo/dispatch/target';
import { findPickingByName } from '../../electron/core/odoo/pickings';
import type { OdooTransport } from '../../electron/core/odoo/transport';
import { DispatchPayload, dispatchRow as buildDispatchRow } from '../../electron/core/pack/effects';
import { inTransaction, openDatabase, type Db } from '../../electron/core/store/db';
import { ExceptionQueue } from '../../electron/core/store/exceptions';
import { enqueue, getOutboxRow, type OutboxRow } from '../../electron/core/sync/outbox';
import type { SyncTarget } from '../../electron/core/sync/target';
import { SyncWorker } from '../../electron/core/sync/worker';
import type { Order } from '../../shared/order';
import type { Rec, SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { tempDir } from './temp-dir';
import { createTranslator } from '../../electron/core/i18n/translator';

export interface DispatchRig {
  db: Db;
  clock: ManualClock;
  exceptions: ExceptionQueue;
  worker: SyncWorker;
  transport: OdooTransport;
  /** The dispatch target the worker drains into (for apply/lookup without the outbox). */
  target: SyncTarget<DispatchPayload>;
  dispatched: DispatchPayload[];
  /** Read the order as the bench caches it when a packer opens it. */
  cache(name: string): Promise<Order>;
  /** Queue the dispatch row labelIssued would queue for this order; returns the outbox id. */
  queue(order: Order, overrides?: Partial<DispatchPayload>): number;
  /** The same row, not queued: for `target.apply([row])` / `target.lookup(row)`. */
  row(order: Order, overrides?: Partial<DispatchPayload>): OutboxRow<DispatchPayload>;
  state(id: number): string | undefined;
  /** Run the worker until nothing is due. */
  drain(): Promise<void>;
  close(): void;
}

export async function dispatchRig(
  odoo: SandboxOdoo,
  options: {
    apiKey?: string;
    login?: string;
    bench?: string;
    backorder?: BackorderPolicy;
    maxBatch?: number;
    concurrency?: number;
    transport?: OdooTransport;
    /** The station's memory of codes, shared with its prefetch (as OdooConnection wires it). */
    reference?: ReferenceData;
  } = {},
): Promise<DispatchRig> {
  const dir = tempDir();
  const db = openDatabase(dir.file('station.db'));
  const clock = new ManualClock(Date.now());
  const exceptions = new ExceptionQueue(db, clock, createTranslator('en').t);
  const worker = new SyncWorker({ t: createTranslator('en').t, db, clock, exceptions, baseDelayMs: 1000, random: () => 0.5, onError: () => {} });
  const transport =
    options.transport ??
    (await connectOdoo({ url: odoo.url, db: odoo.db, login: options.login ?? odoo.login, apiKey: options.apiKey ?? odoo.apiKey })).transport;
  const dispatched: DispatchPayload[] = [];
  const target = createOdooDispatchTarget(transport, (p) => dispatched.push(p), {
    backorder: () => options.backorder ?? 'create',
    ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.reference === undefined ? {} : { reference: options.reference }),
  });
  worker.register(target.kind, target.target);
  const bench = options.bench ?? 'Bench 1';
  let seq = 0;
  /** The row labelIssued queues for this order (as cached), with a fresh tracking ref; `overrides` vary its payload. */
  const dispatchRow = (order: Order, overrides: Partial<DispatchPayload>) => {
    seq++;
    const trackingRef = `PB${String(order.pickingId).padStart(6, '0')}${String(seq).padStart(4, '0')}`;
    // Bound to the Odoo the transport speaks to (a test transport may sit in front of the sandbox).
    const row = buildDispatchRow(
      { ...order, source: { url: transport.url, db: transport.db } },
      {
        sessionId: seq,
        shipmentKey: overrides.trackingRef ?? trackingRef,
        trackingRef,
        weightG: 1250,
        packed: new Map(),
        lots: new Map(),
        bench,
        openedAt: clock.now(),
        carrier: 'local',
        labels: [],
      },
    );
    // The one-label shape of rows queued by older builds (still read): named by the payload's trackingRef.
    const label = { labelId: seq, format: 'ZPL', base64: Buffer.from(`^XA^FD${trackingRef}^FS^XZ`).toString('base64') };
    return { ...row, payload: DispatchPayload.parse({ label, ...(row.payload as DispatchPayload), ...overrides }) };
  };
  return {
    db,
    clock,
    exceptions,
    worker,
    transport,
    target: target.target,
    dispatched,
    async cache(name) {
      const order = await findPickingByName(transport, name, { url: odoo.url, db: odoo.db });
      if (!order) throw new Error(`no delivery ${name}`);
      return order;
    },
    queue(order, overrides = {}) {
      const row = dispatchRow(order, overrides);
      return inTransaction(db, () => enqueue(db, clock, row)).id;
    },
    row(order, overrides = {}) {
      const row = dispatchRow(order, overrides);
      // Applied by hand, possibly more than once: as a row that may have gone out before, so its
      // target looks for what it made (a queued row's first go is the worker's, counted in SQLite).
      return { ...row, idempotencyKey: row.idempotencyKey!, binding: row.binding ?? null, id: -seq, seq: 1, attempts: 0, handOuts: 1 };
    },
    state: (id) => getOutboxRow(db, id)?.state,
    async drain() {
      for (let i = 0; i < 1000; i++) {
        const run = await worker.runOnce();
        if (run.applied + run.retried + run.dead === 0) return;
        clock.advance(60_000);
      }
    },
    close() {
      db.close();
      dir.remove();
    },
  };
}

/** The sandbox's ready deliveries whose products need no lot or serial (dispatchable as they are). */
export const readyUntracked = (odoo: SandboxOdoo): Rec[] =>
  odoo.state
    .all('stock.picking')
    .filter(
      (p) =>
        p.state === 'assigned' &&
        odoo.state
          .all('stock.move')
          .filter((m) => m.picking_id === p.id)
          .every((m) => odoo.state.get('product.product', m.product_id as number)!.tracking === 'none'),
    );

// Incremental prefetch: keeps the order cache filled with the deliveries this bench may pack
// (outgoing, ready, in scope), so a scan finds its order, by any of its codes, with Odoo offline.
// Batches ordered by (write_date, id) with a stored cursor: after the first pull, each run asks
// only for pickings written since. Each run also compares the ready set (ids only) with the cache,
// so a picking that left it without our seeing its write (scope change, deletion) is marked too.
// Odoo does not touch a picking's write_date when its customer's address changes, so each run also
// asks which of the cached orders' partners were written since the last run (one search_read) and
// reads those orders again: a local copy caught up within the interval has the address Odoo has.
import { z } from 'zod';
import type { Clock } from '../clock';
import type { OrderCache, OrderSourceBinding } from '../store/order-cache';
import type { PackageTypeStore } from '../store/package-types';
import { OdooError } from './errors';
import { readPackageTypes } from './package-types';
import { PickingWriteDateRow, PrefetchPickingRow } from './models/picking';
import { pickingsToOrders, ReferenceData, type OdooCaller, type OdooScope } from './pickings';
import { fieldsOf, idOf, readRows, unique } from './read-rows';
import { errorMessage } from '../error-message';

export interface PrefetcherOptions {
  /** A scoped transport (scopedOdooTransport): searches are narrowed to the bench's scope. */
  transport: OdooCaller;
  binding: OrderSourceBinding;
  cache: OrderCache;
  /** Where package types are kept; read whole on each full pull (they are few and seldom change). */
  packageTypes?: PackageTypeStore;
  /** The station's memory of records that never change under a bench, shared with the scan and the dispatch; default: one of its own. */
  reference?: ReferenceData;
  clock: Clock;
  /** The scope in force; a different scope than the cursor's starts the pull over. */
  scope: () => OdooScope;
  /** Pickings per search_read (default 200: small enough for Odoo's worker time limits). */
  batchSize?: number;
  /**
   * Each run starts this far before the cursor (default 120 s): Odoo stamps write_date at the start
   * of a transaction, so a slow one may commit a date behind pickings already seen. Pickings met
   * again unchanged cost nothing beyond the search.
   */
  overlapMs?: number;
  /**
   * Re-read every ready picking this often (default 30 min; also the first run after start). Odoo
   * does not touch a picking's write_date when only its moves, packages or partner change.
   */
  refreshEveryMs?: number;
  /** Between runs (default 60 s). */
  intervalMs?: number;
  log?: (line: string) => void;
  /** After a run that changed the cache. */
  onChange?: () => void;
  /** After every run started by kick() or the interval: whether it caught up with Odoo, or why not. */
  onRun?: (outcome: { ok: true } | { ok: false; error: unknown }) => void;
}

export interface PrefetchResult {
  /** First pull, a new scope or the periodic refresh: everything ready, not only what changed. */
  full: boolean;
  /** Pickings read from Odoo and cached as orders. */
  saved: number;
  /** Cached pickings marked as no longer ready. */
  left: number;
  /** Ready pickings that cannot become an order (incomplete address…), by name. */
  skipped: string[];
  /** Package types cached, on a full pull (absent when not read). */
  packageTypes?: number;
}

/** Ready to pack: an outgoing delivery, reserved. Scope leaves come from the scoped transport. */
const READY: unknown[] = [
  ['picking_type_code', '=', 'outgoing'],
  ['state', '=', 'assigned'],
];
const OUTGOING: unknown[] = [['picking_type_code', '=', 'outgoing']];

const Ids = z.array(z.number().int());
type PickingRow = z.infer<typeof PrefetchPickingRow>;
const PREFETCH_PICKING_FIELDS = fieldsOf(PrefetchPickingRow);
const StateRow = PickingWriteDateRow;
/** A partner's write_date; records made by import scripts may have none. */
const PartnerWriteRow = z.object({ id: z.number().int(), write_date: z.union([z.string(), z.literal(false)]).transform((v) => (v === false ? '' : v)) });

export class Prefetcher {
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private running: Promise<PrefetchResult> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  /** Pickings that could not become orders, with the write_date seen: not asked for again until written. */
  private readonly unusable = new Map<number, string>();
  /** When this prefetcher last re-read every ready picking. */
  private lastFullAt: number | null = null;
  /** Operation types, warehouses (the ship-from address), companies, codes: read once, forgotten on each full pull. */
  private readonly reference: ReferenceData;
  /** The partner (delivery address) of each ready picking seen, to watch for address changes. */
  private readonly partnerOf = new Map<number, number>();
  /** The newest partner write_date seen: the next run asks for partners written since (minus the overlap). */
  private partnerCursor: string | null = null;
  /** Whether partnerCursor was set by a full pull since this prefetcher started. */
  private partnersNoted = false;
  /** Partners' write_date as last seen: a partner met again unchanged (the overlap) is not re-read. */
  private readonly partnerSeen = new Map<number, string>();

  constructor(private readonly options: PrefetcherOptions) {
    this.reference = options.reference ?? new ReferenceData();
    this.batchSize = options.batchSize ?? 200;
    this.intervalMs = options.intervalMs ?? 60_000;
  }

  /** Milliseconds since the cache last caught up with Odoo, or null if it never did. */
  age(): number | null {
    const at = this.options.cache.lastSuccessAt(this.options.binding);
    return at === null ? null : Math.max(0, this.options.clock.now() - at);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  /** Run now (or right after the run in progress), then on the interval again. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const logged = (error: unknown) => {
      const text = errorMessage(error);
      this.options.log?.(`prefetch: ${text}`);
    };
    this.runOnce()
      .then(
        () => ({ ok: true as const }),
        (error: unknown) => {
          logged(error);
          return { ok: false as const, error };
        },
      )
      .then((outcome) => this.options.onRun?.(outcome))
      .catch(logged)
      .finally(() => {
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.kick();
          return;
        }
        this.timer = setTimeout(() => this.kick(), this.intervalMs);
        this.timer.unref();
      });
  }

  /** One pull: what changed since the cursor (everything ready on the first run). One at a time. */
  runOnce(): Promise<PrefetchResult> {
    this.running ??= this.pull().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pull(): Promise<PrefetchResult> {
    const { cache, binding } = this.options;
    const scopeKey = JSON.stringify(normaliseScope(this.options.scope()));
    const stored = cache.cursor(binding);
    const now = this.options.clock.now();
    const restart = !stored || stored.scope !== scopeKey || stored.writeDate === null;
    const full = restart || this.lastFullAt === null || now - this.lastFullAt >= (this.options.refreshEveryMs ?? 30 * 60_000);
    if (full) {
      this.unusable.clear();
      this.reference.clear();
      this.partnerOf.clear();
      this.partnerSeen.clear();
    }
    let cursor = restart ? { writeDate: null as string | null, pickingId: 0 } : { writeDate: stored.writeDate, pickingId: stored.pickingId };
    const result: PrefetchResult = { full, saved: 0, left: 0, skipped: [] };
    const seen = new Set<number>();
    /** Pickings read and cached in this run (their partner's address is current). */
    const savedNow = new Set<number>();

    // Pages go by (write_date, id) from the last row read; the cursor stored is the furthest seen.
    let page: { writeDate: string; pickingId: number } | null = null;
    for (;;) {
      const after =
        page !== null
          ? ['|', ['write_date', '>', page.writeDate], '&', ['write_date', '=', page.writeDate], ['id', '>', page.pickingId]]
          : cursor.writeDate !== null && !full
            ? [['write_date', '>=', shiftDatetime(cursor.writeDate, -(this.options.overlapMs ?? 120_000))]]
            : [];
      const batch = await this.search([...(full ? READY : OUTGOING), ...after]);
      await this.store(batch, result, seen, full, savedNow);
      const last = batch.at(-1);
      if (last) page = { writeDate: last.write_date, pickingId: last.id };
      // Never move back (the overlap re-reads pickings behind the cursor).
      if (last && (cursor.writeDate === null || last.write_date > cursor.writeDate || (last.write_date === cursor.writeDate && last.id > cursor.pickingId))) {
        cursor = { writeDate: last.write_date, pickingId: last.id };
      }
      // Progress is kept batch by batch: an interrupted pull resumes where it stopped.
      if (last) cache.saveCursor(binding, { scope: scopeKey, ...cursor, lastSuccessAt: stored?.lastSuccessAt ?? null });
      if (batch.length < this.batchSize) break;
    }

    await this.reconcile(result, seen);
    if (full) await this.pullPackageTypes(result);
    await this.watchPartners(full, result, seen, savedNow);
    cache.saveCursor(binding, { scope: scopeKey, ...cursor, lastSuccessAt: this.options.clock.now() });
    if (full) this.lastFullAt = now;
    if (result.saved > 0 || result.left > 0) this.options.onChange?.();
    return result;
  }

  /**
   * Every package type the bench's user sees (the scoped transport's companies), replacing the
   * local copy. A failure here is logged and tried again on the next full pull: orders matter more.
   */
  private async pullPackageTypes(result: PrefetchResult): Promise<void> {
    const store = this.options.packageTypes;
    if (!store) return;
    try {
      const { types, skipped } = await readPackageTypes(this.options.transport);
      for (const s of skipped) this.options.log?.(`prefetch: package type ${s.typeId} left out: ${s.reason}`);
      store.replaceAll(this.options.binding, types);
      result.packageTypes = types.length;
    } catch (error) {
      if (!(error instanceof OdooError)) throw error;
      this.options.log?.(`prefetch: package types not read: ${error.message}`);
    }
  }

  /**
   * State of pickings by id. One that was deleted is left out (Odoo refuses a read of a missing
   * id); one of a company outside the scope's `allowed_company_ids` (Odoo's multi-company rule
   * refuses the read with AccessError) is added to `hidden`.
   */
  private async readStates(ids: number[], hidden: Set<number>): Promise<z.infer<typeof StateRow>[]> {
    const parse = (reply: unknown) => {
      const rows = z.array(StateRow).safeParse(reply);
      if (!rows.success) throw new OdooError({ kind: 'protocol', message: 'Unexpected stock.picking.read reply from Odoo (prefetch)' });
      return rows.data;
    };
    try {
      return parse(await this.options.transport.call('stock.picking', 'read', { ids, fields: ['state', 'write_date'] }));
    } catch (error) {
      const refused = isMissing(error) || isHidden(error);
      if (!refused) throw error;
      if (ids.length === 1) {
        if (isHidden(error)) hidden.add(ids[0]!);
        return [];
      }
      const out: z.infer<typeof StateRow>[] = [];
      for (const id of ids) out.push(...(await this.readStates([id], hidden)));
      return out;
    }
  }

  private async search(domain: unknown[]): Promise<PickingRow[]> {
    const reply = await this.options.transport.call('stock.picking', 'search_read', {
      domain,
      fields: PREFETCH_PICKING_FIELDS,
      order: 'write_date asc, id asc',
      limit: this.batchSize,
    });
    const parsed = z.array(PrefetchPickingRow).safeParse(reply);
    if (!parsed.success) throw new OdooError({ kind: 'protocol', message: 'Unexpected stock.picking.search_read reply from Odoo (prefetch)' });
    return parsed.data;
  }

  /** Cache the ready ones as orders; mark the cached ones that are not ready any more. */
  private async store(batch: PickingRow[], result: PrefetchResult, seen: Set<number>, force = false, saved?: Set<number>): Promise<void> {
    const { cache, binding } = this.options;
    const ready = batch.filter(
      (p) => p.state === 'assigned' && this.unusable.get(p.id) !== p.write_date && (force || !cache.isCurrent(binding, p.id, p.write_date)),
    );
    for (const p of batch) {
      const partner = idOf(p.partner_id);
      if (p.state === 'assigned' && partner !== null) this.partnerOf.set(p.id, partner);
      else this.partnerOf.delete(p.id);
      if (p.state === 'assigned') seen.add(p.id);
    }
    for (const p of ready) saved?.add(p.id);
    const { orders, skipped } = await pickingsToOrders(this.options.transport, ready, binding, { packages: true, reference: this.reference });
    for (const s of skipped) {
      this.unusable.set(s.pickingId, ready.find((p) => p.id === s.pickingId)?.write_date ?? '');
      result.skipped.push(s.name);
      this.options.log?.(`prefetch: ${s.error.message}`);
    }
    const save = () => {
      for (const { order, trackingRef, packages } of orders) cache.save(order, { trackingRef, packages });
      for (const p of batch) {
        if (p.state !== 'assigned' && cache.markNotReady(binding, p.id, p.state, p.write_date)) result.left++;
      }
    };
    // One transaction per batch: one fsync, not one per order.
    cache.transaction(save);
    result.saved += orders.length;
  }

  /**
   * Partners written since the last run, among those of the ready orders: their orders are read
   * again (forced, as the picking's write_date did not move). A full pull read every order afresh:
   * it only notes where the partners' write_date stands (the newest one, one call).
   */
  private async watchPartners(full: boolean, result: PrefetchResult, seen: Set<number>, savedNow: Set<number>): Promise<void> {
    const { transport } = this.options;
    if (full || !this.partnersNoted) {
      const [newest] = await readRows(transport, PartnerWriteRow, 'res.partner', 'search_read', {
        // Postgres sorts an empty date first when descending.
        domain: [['write_date', '!=', false]],
        fields: ['write_date'],
        order: 'write_date desc, id desc',
        limit: 1,
      });
      this.partnerCursor = newest?.write_date ?? null;
      this.partnersNoted = true;
      return;
    }
    const watched = new Set(this.partnerOf.values());
    if (watched.size === 0) return;
    // No partner had a write_date yet: any that has one now was written since.
    const since: unknown[] =
      this.partnerCursor === null ? [['write_date', '!=', false]] : [['write_date', '>=', shiftDatetime(this.partnerCursor, -(this.options.overlapMs ?? 120_000))]];
    const changed = new Set<number>();
    // Every partner written since, paged like the pickings: few in a minute, whoever they belong to.
    let page: { writeDate: string; id: number } | null = null;
    for (;;) {
      const after: unknown[] = page === null ? [] : ['|', ['write_date', '>', page.writeDate], '&', ['write_date', '=', page.writeDate], ['id', '>', page.id]];
      const rows: z.infer<typeof PartnerWriteRow>[] = await readRows(transport, PartnerWriteRow, 'res.partner', 'search_read', {
        domain: [...since, ...after],
        fields: ['write_date'],
        order: 'write_date asc, id asc',
        limit: this.batchSize,
      });
      for (const r of rows) {
        if (this.partnerCursor === null || r.write_date > this.partnerCursor) this.partnerCursor = r.write_date;
        if (watched.has(r.id) && this.partnerSeen.get(r.id) !== r.write_date) changed.add(r.id);
        this.partnerSeen.set(r.id, r.write_date);
      }
      const last = rows.at(-1);
      if (!last || rows.length < this.batchSize) break;
      page = { writeDate: last.write_date, id: last.id };
    }
    if (changed.size === 0) return;
    const pickings = unique([...this.partnerOf].filter(([pickingId, partner]) => changed.has(partner) && !savedNow.has(pickingId)).map(([id]) => id));
    for (let i = 0; i < pickings.length; i += this.batchSize) {
      // Searched, not read by id: one deleted or out of scope since is left to reconcile().
      const rows = await readRows(transport, PrefetchPickingRow, 'stock.picking', 'search_read', {
        domain: [...READY, ['id', 'in', pickings.slice(i, i + this.batchSize)]],
        fields: PREFETCH_PICKING_FIELDS,
      });
      await this.store(rows, result, seen, true, savedNow);
    }
  }

  /**
   * The ready set in scope (ids only) against the cache: cached-ready pickings missing from it left
   * (their state is read); ready ones missing from the cache (written before the cursor, new to the
   * scope) are fetched.
   */
  private async reconcile(result: PrefetchResult, seen: Set<number>): Promise<void> {
    const { cache, binding, transport } = this.options;
    const reply = await transport.call('stock.picking', 'search', { domain: READY });
    const parsed = Ids.safeParse(reply);
    if (!parsed.success) throw new OdooError({ kind: 'protocol', message: 'Unexpected stock.picking.search reply from Odoo (prefetch)' });
    const readyNow = new Set(parsed.data);
    const cachedReady = cache.readyPickingIds(binding);
    const gone = cachedReady.filter((id) => !readyNow.has(id));
    const cachedSet = new Set(cachedReady);
    const missing = parsed.data.filter((id) => !cachedSet.has(id) && !seen.has(id) && !this.unusable.has(id));
    for (let i = 0; i < missing.length; i += this.batchSize) {
      const chunk = missing.slice(i, i + this.batchSize);
      const rows = await transport.call('stock.picking', 'read', { ids: chunk, fields: PREFETCH_PICKING_FIELDS });
      const parsedRows = z.array(PrefetchPickingRow).safeParse(rows);
      if (!parsedRows.success) throw new OdooError({ kind: 'protocol', message: 'Unexpected stock.picking.read reply from Odoo (prefetch)' });
      await this.store(parsedRows.data, result, seen);
    }
    if (gone.length === 0) return;
    // Read by id (not narrowed to the scope, which they may have left); a deleted one is absent.
    const states = new Map<number, z.infer<typeof StateRow>>();
    const hidden = new Set<number>();
    for (let i = 0; i < gone.length; i += this.batchSize) {
      for (const r of await this.readStates(gone.slice(i, i + this.batchSize), hidden)) states.set(r.id, r);
    }
    cache.transaction(() => {
      for (const id of gone) {
        const now = states.get(id);
        // Still ready but not found in scope, or of a company out of scope: out of scope (state kept);
        // deleted: cancelled.
        const state = now ? (now.state === 'assigned' ? null : now.state) : hidden.has(id) ? null : 'cancel';
        if (cache.markNotReady(binding, id, state, now?.write_date)) result.left++;
      }
    });
  }
}

/** An Odoo datetime ("YYYY-MM-DD HH:MM:SS", UTC) moved by ms. */
function shiftDatetime(value: string, ms: number): string {
  const at = Date.parse(`${value.replace(' ', 'T')}Z`);
  if (Number.isNaN(at)) return value;
  return new Date(at + ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** A record rule refused the read: the picking belongs to a company outside the scope. */
function isHidden(error: unknown): boolean {
  return error instanceof OdooError && error.kind === 'access' && error.odooName === 'odoo.exceptions.AccessError';
}

function isMissing(error: unknown): boolean {
  return error instanceof OdooError && (error.odooName === 'odoo.exceptions.MissingError' || error.status === 404);
}

function normaliseScope(scope: OdooScope): OdooScope {
  return { companyId: scope.companyId, warehouseId: scope.warehouseId, pickingTypeIds: [...scope.pickingTypeIds].sort((a, b) => a - b) };
}


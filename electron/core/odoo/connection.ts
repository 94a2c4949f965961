// The bench's connection to Odoo, wired once at start: the transport under one auth latch and one
// OdooLink (whether Odoo answers), the order source scans use, the prefetcher that keeps the local
// copy, and the outbox targets that write to Odoo (dispatch, release of a put-aside order's claim).
// OdooLink (odoo-link.ts) stays the small state class the order source shares; this is its wiring.
import { said } from '../i18n/translator';
import type { StationState } from '../../../shared/api';
import type { Settings } from '../../../shared/settings';
import type { Clock } from '../clock';
import { auditHead } from '../store/audit-head';
import type { Db } from '../store/db';
import { OrderCache } from '../store/order-cache';
import { PackageTypeStore } from '../store/package-types';
import type { SecretStore } from '../store/secret-store';
import type { SyncWorker } from '../sync/worker';
import { authLatch } from './auth-latch';
import { createOdooDispatchTarget, ODOO_TARGET } from './dispatch/target';
import { lazyOdooTransport } from './lazy-transport';
import { OdooLink } from './odoo-link';
import { createOdooOrderSource, offlineOrderSource } from './order-source';
import { ReferenceData, scopedOdooTransport } from './pickings';
import { Prefetcher } from './prefetch';
import { createOdooAddressNoteTarget } from './address-note-target';
import { createOdooReleaseTarget } from './release-target';
import type { OdooTransport } from './transport';

export type OrderSource = ReturnType<typeof offlineOrderSource>;
/** What the status bar says of Odoo: none set up, connecting (until the first sync), online, offline. */
export type OdooLinkView = StationState['odooLink'];

export interface OdooConnectionDeps {
  db: Db;
  clock: Clock;
  worker: Pick<SyncWorker, 'status' | 'register' | 'reachable' | 'stopTarget'>;
  secrets: SecretStore;
  /** The sandbox passes its key in memory; a real bench reads it from the secret store. */
  apiKey?: string;
  /** The settings in force. */
  settings: () => Settings;
  log: (line: string) => void;
  /** The link or the cache age changed: the screen shows both. */
  changed: () => void;
  /** Odoo applied a dispatch: the pack session records it. */
  dispatched: Parameters<typeof createOdooDispatchTarget>[1];
  /** Whether the bench opened a put-aside order again since (then its claim is not released). */
  reopened: NonNullable<NonNullable<Parameters<typeof createOdooReleaseTarget>[1]>['reopened']>;
  /** See StationConfig.orderFreshMs. */
  freshMs?: number | undefined;
}

export class OdooConnection {
  private link: OdooLinkView = 'none';
  private orders: OrderSource = offlineOrderSource({ url: 'none', db: 'none' }, said('odoo.notSetUp'));
  private prefetcher: Prefetcher | null = null;
  private writer: OdooTransport | null = null;
  private unscopedReader: OdooTransport | null = null;
  private reopenLatch = (): void => {};

  constructor(private readonly deps: OdooConnectionDeps) {}

  /** Where scans look orders up (an offline source when no Odoo is set up or its key is missing). */
  get source(): OrderSource {
    return this.orders;
  }

  get linkState(): OdooLinkView {
    return this.link;
  }

  /** The transport the outbox's Odoo work goes through (scoped, under the auth latch); null until connected. */
  get transport(): OdooTransport | null {
    return this.writer;
  }

  /**
   * The transport without the bench's scope (still under the auth latch), for what the scope is
   * chosen from (odoo/scope-options.ts); null until connected.
   */
  get unscoped(): OdooTransport | null {
    return this.unscopedReader;
  }

  /** How old the local copy is, once a prefetcher runs. */
  cacheAge(): number | null {
    return this.prefetcher?.age() ?? null;
  }

  /**
   * A scan is news of the link too: the status bar must not say "synced" after a scan failed to
   * reach Odoo. (Nothing to say when no Odoo is set up.)
   */
  heard(state: 'online' | 'offline'): void {
    if (this.link !== 'none') this.link = state;
  }

  /** A lead resumed the Odoo target after a refused key: ask Odoo again, starting with the prefetch. */
  resumed(): void {
    this.reopenLatch();
  }

  /** The scope changed: the local copy starts over. */
  scopeChanged(): void {
    this.prefetcher?.kick();
  }

  async connect(): Promise<void> {
    const { db, clock, worker, log, changed } = this.deps;
    const current = this.deps.settings();
    const { url, db: odooDb, login } = current.odoo;
    if (!url || !odooDb || !login) return;
    const apiKey = this.deps.apiKey ?? (await this.deps.secrets.get('odoo.api_key'));
    if (!apiKey) {
      this.orders = offlineOrderSource({ url, db: odooDb }, said('odoo.noApiKey'));
      log('odoo: no API key (set PACKBENCH_SECRET_ODOO_API_KEY or the secrets file)');
      return;
    }
    const scope = () => this.deps.settings().odoo.scope;
    // One latch under every Odoo user: after a refused login nothing asks again until a lead resumes.
    const stopped = worker.status().some((t) => t.target === ODOO_TARGET && t.status === 'stopped');
    // Every request tells the link whether Odoo answers; when it answers again after being offline,
    // what waits in the outbox for it goes at once.
    const link = new OdooLink((now, before) => {
      // "Connecting" lasts until the first sync has run (its onRun below), so online comes with a cache age.
      if (!(this.link === 'connecting' && now === 'online')) this.link = now;
      if (now === 'online' && before === 'offline') worker.reachable(ODOO_TARGET);
      changed();
    });
    const odoo = authLatch(
      link.watch(lazyOdooTransport({ url, db: odooDb, login, apiKey })),
      (error) => worker.stopTarget(ODOO_TARGET, error.message),
      stopped,
    );
    this.reopenLatch = () => {
      odoo.reopen();
      this.prefetcher?.kick();
    };
    const transport = scopedOdooTransport(odoo, scope);
    this.writer = transport;
    this.unscopedReader = odoo;
    // A scan looks the name up in all of the user's companies and warehouses, so that a delivery
    // out of scope is refused by name (outOfScope in the pack session) instead of "not found".
    // A scan waits for Odoo at most a short budget, and not at all while the link is offline.
    // A ready order in a local copy the prefetch caught up recently opens without a read of Odoo.
    // Codes, companies, warehouses: read once for the station, whoever needs them first.
    const reference = new ReferenceData();
    this.orders = createOdooOrderSource(odoo, { link, reference, localCopyAge: () => this.prefetcher?.age() ?? null, ...(this.deps.freshMs !== undefined ? { freshMs: this.deps.freshMs } : {}) });
    const dispatch = createOdooDispatchTarget(transport, this.deps.dispatched, {
      backorder: () => this.deps.settings().odoo.backorder,
      auditHead: () => auditHead(db),
      reference,
    });
    worker.register(dispatch.kind, dispatch.target);
    // Putting an order aside releases its claim, unless the bench opened it again since.
    const release = createOdooReleaseTarget(transport, { reopened: this.deps.reopened });
    worker.register(release.kind, release.target);
    // An address the shift lead corrected at the bench is noted in the picking's chatter.
    const addressNote = createOdooAddressNoteTarget(transport);
    worker.register(addressNote.kind, addressNote.target);
    this.prefetcher = new Prefetcher({
      transport,
      binding: { url, db: odooDb },
      cache: new OrderCache(db, clock),
      packageTypes: new PackageTypeStore(db, clock),
      reference,
      clock,
      scope,
      log,
      // Every run, changed or not: the cache age on screen starts again from zero, or turns to offline.
      onRun: (outcome) => {
        this.link = outcome.ok ? 'online' : 'offline';
        changed();
      },
    });
    this.link = 'connecting';
    this.prefetcher.start();
  }

  async stop(): Promise<void> {
    await this.prefetcher?.stop();
  }
}

// Composition root: builds and wires the station's services. Nothing else constructs them.
import { join } from 'node:path';
import type { ExceptionView, StationState } from '../../shared/api';
import type { Handlers } from '../../shared/bridge';
import type { Settings, SettingsPatch } from '../../shared/settings';
import { localCarrier } from './carriers/local/index';
import { odooCarrier } from './carriers/odoo/index';
import type { ProviderKey } from './carriers/hosted-labels';
import { CarrierRegistry } from './carriers/registry';
import { shipEngineCarrier } from './carriers/shipengine/index';
import { shippoCarrier } from './carriers/shippo/index';
import { systemClock, type Clock } from './clock';
import { ensureOwnerOnlyDir } from './paths';
import { createStationLog, watchedSecrets, type StationLog } from './logs/station-log';
import { activeOrderKey } from './logs/order-key';
import { writeSupportBundle } from './logs/support-bundle';
import { printCommandSheet } from './command-sheet-print';
import { DeviceManager, type DeviceManagerDeps } from './devices/device-manager';
import { StationEvents } from './events';
import { createTranslator } from './i18n/translator';
import { createLabelEncoder } from './labels/label-encoder';
import { LabelPreview } from './labels/label-preview';
import { OdooConnection } from './odoo/connection';
import { ODOO_TARGET } from './odoo/dispatch/target';
import { scopeRefusal } from './odoo/pickings';
import { Bench } from './pack/bench';
import { OrderSourceUnavailable, PackSession } from './pack/pack-session';
import { CHANGE_SERVICE, FIX_ADDRESS } from './pack/rejections';
import { carrierTarget } from './pack/effects';
import { reportHeadErrors, writeAuditHead } from './store/audit-head';
import { secureAuditLog } from './store/audit';
import { carrierHints } from './store/carrier-hints';
import { openDatabase } from './store/db';
import { ExceptionQueue } from './store/exceptions';
import { actorOf, Identities, type IdentityOptions } from './store/identities';
import { EnvSecretStore, envNameOf, FileSecretStore, LayeredSecretStore, type SecretStore } from './store/secret-store';
import { settingsForRun, SettingsStore } from './store/settings-store';
import { oldestWaiting, openOutboxItems, queueCounts } from './sync/outbox';
import { scopeOptions, testOdooConnection } from './odoo/scope-options';
import { SyncWorker } from './sync/worker';
import { crashPoint } from './crash-points';
import { errorMessage } from './error-message';

export interface StationConfig {
  dataDir: string;
  mode: 'live' | 'training';
  clock?: Clock;
  secrets?: SecretStore;
  identity?: IdentityOptions;
  log?: (line: string) => void;
  /** The structured log; by default JSON lines in <dataDir>/logs, rotating (logs/station-log.ts). */
  stationLog?: StationLog;
  /** Command-line flags: override the stored settings for this run, not persisted. */
  overrides?: SettingsPatch;
  /** The sandbox passes its Odoo key in memory; a real bench reads it from the secret store. */
  odooApiKey?: string;
  /** Likewise the sandbox carriers' keys; a real bench reads `carrier.<provider>.api_key` from the secret store. */
  carrierApiKeys?: { shipengine?: string; shippo?: string };
  /** How often a printer that reported a fault is asked again until it is ready. Default 3 s. */
  printerRecheckMs?: number;
  /**
   * How young the local copy must be for an order to open from it without reading Odoo (default
   * odoo/order-source.ts FRESH_MS); tests that change a customer in Odoo behind the prefetch set 0.
   */
  orderFreshMs?: number;
  /** Tests shorten the scale's stability window and reconnect delay. */
  scaleOptions?: DeviceManagerDeps['scaleOptions'];
  /** The training sandbox: the trainee's badges and orders to try, shown on the idle screen. */
  training?: () => NonNullable<StationState['training']>;
  /** Tests shorten the outbox's retry backoff (first delay, ceiling); default 1 s and 5 min. */
  syncDelays?: { baseMs?: number; maxMs?: number };
}

export interface Station {
  readonly handlers: Handlers;
  readonly events: StationEvents;
  /** The folder the station keeps its SQLite file in (tests read it beside the station). */
  readonly dataDir: string;
  readonly identities: Identities;
  readonly exceptions: ExceptionQueue;
  readonly settings: SettingsStore;
  readonly worker: SyncWorker;
  readonly secrets: SecretStore;
  readonly pack: PackSession;
  /** Where labels no printer took are saved (browser mode serves their PDFs to the page). */
  readonly lastResortDir: string;
  /** The structured log (JSON lines in <dataDir>/logs), for the entry points and tests. */
  readonly stationLog: StationLog;
  /** The orders this bench has shipped (dispatched to Odoo), with their tracking: the training sandbox restores them. */
  shippedOrders(): { name: string; trackingNumber: string | null }[];
  /** The settings in force: stored settings plus command-line overrides. */
  effectiveSettings(): Settings;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The secrets the station reads; a support bundle says which are set, never their values. */
const SECRET_NAMES = ['odoo.api_key', 'carrier.shipengine.api_key', 'carrier.shippo.api_key'];

export function createStation(config: StationConfig): Station {
  const clock = config.clock ?? systemClock;
  ensureOwnerOnlyDir(config.dataDir);
  const stationLog = config.stationLog ?? createStationLog({ dir: join(config.dataDir, 'logs') });
  for (const key of [config.odooApiKey, config.carrierApiKeys?.shipengine, config.carrierApiKeys?.shippo]) stationLog.secrets.add(key);
  const printLine = config.log ?? ((line: string) => console.log(line));
  const log = (line: string) => {
    stationLog.logger.info(line);
    printLine(line);
  };
  const db = openDatabase(join(config.dataDir, 'station.sqlite'));
  reportHeadErrors(db, log);
  for (const line of secureAuditLog(db, clock)) log(line);
  const events = new StationEvents();
  const settings = new SettingsStore(db, clock, (section, issue) =>
    log(`settings: section "${section}" is invalid and was reset to defaults (${issue})`),
  );
  const { effective: effectiveSettings, inForce: settingsInForce } = settingsForRun(settings, config.overrides);
  // One translator for the station: every message for the packer or lead in the bench's language,
  // switched when the setting changes (updateSettings below).
  const translator = createTranslator(effectiveSettings().bench.language);
  const { t } = translator;
  const identities = new Identities(db, clock, t, config.identity);
  const exceptions = new ExceptionQueue(db, clock, t);
  // Every secret value read is remembered, so no log line or support bundle can carry it.
  const secrets = watchedSecrets(
    config.secrets ?? new LayeredSecretStore(new EnvSecretStore(), new FileSecretStore(join(config.dataDir, 'secrets.json'))),
    stationLog.secrets,
  );
  const lastResortDir = join(config.dataDir, 'unprinted-labels');
  let stopped = false;
  const preview = new LabelPreview();

  const state = (): StationState => {
    const packer = identities.current();
    // The pack screen's parts from one read of the session.
    const screen = pack.screen();
    return {
      mode: config.mode,
      bench: effectiveSettings().bench.name,
      packer,
      step: screen.step,
      nextAction: packer ? screen.nextAction : t('bench.startHint'),
      message: bench.message,
      scans: bench.scans,
      // Logged out: the last customer's name and address leave the screen (the session waits for the next login).
      order: packer ? screen.order : null,
      label: packer ? screen.label : null,
      cacheAge: odoo.cacheAge(),
      odooLink: odoo.linkState,
      soundVolume: effectiveSettings().sound.volume,
      verifyItems: effectiveSettings().packing.verifyItems,
      language: effectiveSettings().bench.language,
      ...(config.training ? { training: config.training() } : {}),
    };
  };
  const publishState = () => {
    if (!stopped) events.emit('state', state());
  };
  const publishQueue = () => {
    if (stopped) return;
    const oldest = oldestWaiting(db);
    events.emit('queue', { ...queueCounts(db), openExceptions: exceptions.countOpen(), oldestAgeMs: oldest === null ? null : Math.max(0, clock.now() - oldest) });
    events.emit('connectivity', { targets: worker.status() });
  };

  const worker = new SyncWorker({
    db,
    clock,
    exceptions,
    t,
    baseDelayMs: config.syncDelays?.baseMs,
    maxDelayMs: config.syncDelays?.maxMs,
    onChange: () => {
      publishQueue();
      publishState();
    },
    onError: (error: unknown) => log(`sync: ${errorMessage(error)}`),
    // One line per outcome, under the order's correlation id (its order key).
    onOutcome: (row, outcome, error) =>
      stationLog.forOrder(row.orderKey)[outcome === 'applied' ? 'info' : 'warn'](
        { outbox: row.id, kind: row.kind, target: row.target, attempts: row.attempts + (outcome === 'retry' ? 1 : 0), ...(error ? { error } : {}) },
        `${row.kind} ${outcome}`,
      ),
    onResumed: (target) => {
      if (target === ODOO_TARGET) odoo.resumed();
    },
  });

  const odoo = new OdooConnection({
    db,
    clock,
    worker,
    secrets,
    apiKey: config.odooApiKey,
    settings: effectiveSettings,
    log,
    changed: publishState,
    dispatched: (payload) => pack.dispatched(payload),
    reopened: (payload) => pack.reopenedSince(payload.sessionId),
    freshMs: config.orderFreshMs,
  });

  const devices = new DeviceManager({
    db,
    clock,
    events,
    settings: effectiveSettings,
    // The label side of printing (conversions, the last-resort PDF), so devices/ never imports labels/.
    labelEncoder: createLabelEncoder(),
    lastResortDir,
    printerRecheckMs: config.printerRecheckMs ?? 3000,
    scaleOptions: config.scaleOptions,
    weighed: (grams) => pack.weighed(grams),
    afterWeighed: (told) => bench.tell(told),
    weighing: () => predrawLabel(),
    scaleReplaced: () => pack.scaleReplaced(),
    printerReady: () => bench.printerReady(),
    printed: (outcome) => {
      crashPoint('print.confirmed');
      bench.tell(pack.afterPrint(outcome));
      publishQueue();
    },
    notPrinted: (outcome) => {
      bench.tell(pack.afterPrint(outcome));
      publishQueue();
    },
    log,
    t,
  });

  // The carriers the bench ships with; the local carrier draws labels for the bench's printer.
  const carrierKey = (provider: 'shipengine' | 'shippo'): ProviderKey => {
    const name = `carrier.${provider}.api_key`;
    return { name, envName: envNameOf(name), get: async () => config.carrierApiKeys?.[provider] ?? (await secrets.get(name)) };
  };
  const local = localCarrier({
    today: () => new Date(clock.now()),
    labelOptions: () => {
      const { dpi, unicodeFont } = effectiveSettings().printer;
      return { dpi, unicodeText: unicodeFont ? { printerFont: unicodeFont } : 'auto' };
    },
  });
  // The scale awaits a weight: the local carrier draws the label meanwhile, so at capture only the
  // weight is new. A drawing that fails here fails again for real, where it is reported.
  function predrawLabel(): void {
    if (stopped) return;
    const draft = pack.labelDraft();
    if (draft?.service.carrier !== local.code) return;
    try {
      local.predraw(draft);
    } catch {
      // reported by the real label
    }
  }
  const carriers = new CarrierRegistry(
    [
      local,
      shipEngineCarrier({ settings: () => effectiveSettings().carriers.shipengine, apiKey: carrierKey('shipengine') }),
      shippoCarrier({ settings: () => effectiveSettings().carriers.shippo, apiKey: carrierKey('shippo'), rateHints: carrierHints(db, clock, 'shippo') }),
      // Odoo's own carrier connectors: the label is made when the bench validates the picking.
      odooCarrier({
        transport: () => odoo.transport,
        draft: (shipmentId, shipment, packageNames) => pack.connectorDraft(shipmentId, shipment, packageNames),
        backorder: () => effectiveSettings().odoo.backorder,
      }),
    ],
    () => effectiveSettings().carriers,
  );

  const pack: PackSession = new PackSession({
    db,
    clock,
    exceptions,
    orders: {
      get binding() {
        return odoo.source.binding;
      },
      // A scan is also news of the link: the status bar must not say "synced" after a scan failed to reach Odoo.
      findByName: (name) =>
        odoo.source.findByName(name).then(
          (order) => {
            odoo.heard('online');
            return order;
          },
          (error: unknown) => {
            if (error instanceof OrderSourceUnavailable) odoo.heard('offline');
            throw error;
          },
        ),
      claim: (order, bench) => odoo.source.claim?.(order, bench) ?? Promise.resolve({ ok: true as const }),
      lotExists: (order, productId, name) => odoo.source.lotExists?.(order, productId, name) ?? Promise.resolve(null),
      isFresh: (cached) => odoo.source.isFresh?.(cached) ?? false,
    },
    benchName: () => effectiveSettings().bench.name,
    scale: () => devices.scale,
    printerUri: () => effectiveSettings().printer.uri,
    journal: devices.journal,
    kickSync: () => worker.kick(),
    changed: publishState,
    packing: () => effectiveSettings().packing,
    carriers,
    outOfScope: (order) => scopeRefusal(order, effectiveSettings().odoo.scope),
    carrierStatus: (code) => worker.status().find((target) => target.target === carrierTarget(code))?.status ?? 'ok',
    tell: (told) => bench.tell(told),
    t,
  });

  exceptions.onChanged(publishQueue);

  for (const labels of carriers.targets((payload, created) => pack.labelIssued(payload, created))) worker.register(labels.kind, labels.target);
  for (const voids of carriers.voidTargets((payload, done) => pack.labelVoided(payload, done))) worker.register(voids.kind, voids.target);

  // Scanning and badges, and the lead's approval of protected actions.
  const bench = new Bench({
    db,
    clock,
    identities,
    pack,
    commandPrefix: () => effectiveSettings().scanner.commandPrefix,
    approvalRequires: () => effectiveSettings().security.approvalRequires,
    changed: publishState,
    state,
    t,
  });

  /** The name behind an audit actor (staff:2 → Lena) for the lead's "who did what". */
  const staffName = (actor: string | null): string | null => {
    const id = /^staff:(\d+)$/.exec(actor ?? '')?.[1];
    if (!id) return null;
    return (db.prepare('SELECT name FROM staff WHERE id = ?').get(Number(id)) as { name: string } | undefined)?.name ?? null;
  };

  const handlers: Handlers = {
    async scan({ code }) {
      const reply = await bench.scan(code);
      // What the scan was taken as, under the open order's key; never the code (a badge is a credential).
      const key = activeOrderKey(db);
      (key ? stationLog.forOrder(key) : stationLog.logger).info({ scan: reply.kind, step: reply.state.step }, 'scan');
      return reply;
    },
    getState: () => state(),
    benchCommand: ({ command }) => bench.command(command),
    printCommandSheet: ({ format }) =>
      printCommandSheet(format, {
        prefix: effectiveSettings().scanner.commandPrefix,
        bench: effectiveSettings().bench.name,
        printerUri: effectiveSettings().printer.uri,
        printerOf: (uri) => devices.printerOf(uri),
        journal: devices.journal,
        t,
      }),
    listExceptions: ({ state: which }) => ({ items: exceptions.list(which).map((item) => ({ ...item, resolvedByName: staffName(item.resolvedBy) })) }),
    resolveException({ id, resolution, note, approval }): ExceptionView {
      const resolved = bench.withApproval(approval, 'resolveException', `exception:${id}:${resolution}`, (lead) =>
        exceptions.resolve(id, resolution, actorOf(lead), note),
      );
      publishQueue();
      publishState();
      return resolved;
    },
    enterWeight: ({ grams, reason, approval }) => bench.enterWeight(grams, reason, approval),
    labelImage: () => preview.image(pack.currentLabel()),
    getSettings: () => settingsInForce(),
    updateSettings({ patch, approval }) {
      const scaleBefore = effectiveSettings().scale;
      bench.withApproval(approval, 'updateSettings', 'settings', (lead) => settings.update(patch, actorOf(lead)));
      if (patch.odoo?.scope) odoo.scopeChanged();
      translator.setLanguage(effectiveSettings().bench.language);
      devices.scaleSettingsChanged(scaleBefore);
      publishState();
      return settingsInForce();
    },
    testDevice: ({ device }) => devices.testDevice(device),
    detectScale: () => devices.detectScale(),
    fixRejectedShipment({ id, recipient, service, note, approval }): ExceptionView {
      const resolution = recipient ? FIX_ADDRESS : CHANGE_SERVICE;
      const resolved = bench.withApproval(approval, 'fixRejectedShipment', `exception:${id}:${resolution}`, (lead) =>
        exceptions.resolve(id, resolution, actorOf(lead), note, { recipient, service, lead: lead.name }),
      );
      publishQueue();
      publishState();
      return resolved;
    },
    carrierServices: () => ({ providers: carriers.offered() }),
    login: ({ badge }) => bench.login(badge),
    logout: () => bench.logout(),
    async exportSupportBundle({ approval }) {
      bench.withApproval(approval, 'exportSupportBundle', 'support-bundle', () => undefined);
      const secretStatus: Record<string, 'set' | 'not set'> = {};
      for (const name of SECRET_NAMES) secretStatus[name] = (await secrets.get(name)) ? 'set' : 'not set';
      const saved = writeSupportBundle({
        db,
        dataDir: config.dataDir,
        now: new Date(clock.now()),
        bench: effectiveSettings().bench.name,
        mode: config.mode,
        logFiles: stationLog.file.paths(),
        secrets: stationLog.secrets,
        secretStatus,
        events: events.snapshot(),
        settings: effectiveSettings(),
        scaleReads: devices.scale?.recentRaw() ?? [],
      });
      stationLog.logger.info({ bytes: saved.bytes }, 'support bundle exported');
      return saved;
    },
    listOutbox: () => ({ items: openOutboxItems(db) }),
    scopeOptions: () => scopeOptions(t, odoo.unscoped, db),
    testOdoo: () => testOdooConnection(t, odoo.unscoped, effectiveSettings().odoo.login),
  };

  return {
    handlers,
    events,
    dataDir: config.dataDir,
    identities,
    exceptions,
    settings,
    worker,
    secrets,
    pack,
    lastResortDir,
    stationLog,
    shippedOrders: () =>
      db
        .prepare(
          `SELECT DISTINCT o.name AS name, sh.tracking_number AS trackingNumber FROM shipments sh
           JOIN pack_sessions s ON s.id = sh.session_id JOIN orders o ON o.id = s.order_id
           WHERE sh.dispatched_at IS NOT NULL AND sh.void_state IS NULL`,
        )
        .all() as { name: string; trackingNumber: string | null }[],
    effectiveSettings,
    async start() {
      await odoo.connect();
      devices.start();
      pack.resume();
      publishState();
      publishQueue();
      worker.start();
      devices.printQueued();
    },
    async stop() {
      stopped = true;
      pack.stop();
      // Devices stop telling at once; a label on its way to the printer finishes (and is journaled)
      // before the file closes.
      const devicesStopped = devices.stop();
      await worker.stop();
      await odoo.stop();
      await devicesStopped;
      writeAuditHead(db);
      db.close();
      stationLog.close();
    },
  };
}

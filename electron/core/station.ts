// Composition root: builds and wires the station's services. Nothing else constructs them.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchMessage, ExceptionView, SettingsInForce, StationState } from '../../shared/api';
import type { Handlers } from '../../shared/bridge';
import { StationFault } from '../../shared/errors';
import { applySettingsPatch, type Settings, type SettingsPatch } from '../../shared/settings';
import { createLocalCarrier } from './carriers/local/index';
import { systemClock, type Clock } from './clock';
import { DeviceManager } from './devices/device-manager';
import { printerAt } from './devices/printer/fallback-policy';
import { PrintJournal } from './devices/printer/print-journal';
import { PrintScheduler } from './devices/printer/print-scheduler';
import type { ScaleServiceOptions } from './devices/scale/scale-service';
import { StationEvents } from './events';
import { createLabelEncoder } from './labels/label-encoder';
import { renderLabelPng } from './labels/label-png';
import { OdooConnection } from './odoo/connection';
import { ODOO_TARGET } from './odoo/dispatch/target';
import { scopeRefusal } from './odoo/pickings';
import { Bench } from './pack/bench';
import { OrderSourceUnavailable, PackSession } from './pack/pack-session';
import { reopenedSince } from './pack/release-claim';
import { reportHeadErrors, writeAuditHead } from './store/audit-head';
import { secureAuditLog } from './store/audit';
import { openDatabase } from './store/db';
import { ExceptionQueue } from './store/exceptions';
import { actorOf, Identities, type IdentityOptions } from './store/identities';
import { EnvSecretStore, FileSecretStore, LayeredSecretStore, type SecretStore } from './store/secret-store';
import { SettingsStore } from './store/settings-store';
import { queueCounts } from './sync/outbox';
import { SyncWorker } from './sync/worker';

export interface StationConfig {
  dataDir: string;
  mode: 'live' | 'training';
  clock?: Clock;
  secrets?: SecretStore;
  identity?: IdentityOptions;
  log?: (line: string) => void;
  /** Command-line flags: override the stored settings for this run, not persisted. */
  overrides?: SettingsPatch;
  /** The sandbox passes its Odoo key in memory; a real bench reads it from the secret store. */
  odooApiKey?: string;
  /** How often a printer that reported a fault is asked again until it is ready. Default 3 s. */
  printerRecheckMs?: number;
  /** Tests shorten the scale's stability window and reconnect delay. */
  scaleOptions?: Partial<Omit<ScaleServiceOptions, 'path' | 'protocol'>>;
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
  /** The settings in force: stored settings plus command-line overrides. */
  effectiveSettings(): Settings;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createStation(config: StationConfig): Station {
  const clock = config.clock ?? systemClock;
  const log = config.log ?? ((line: string) => console.log(line));
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(join(config.dataDir, 'station.sqlite'));
  reportHeadErrors(db, log);
  for (const line of secureAuditLog(db, clock)) log(line);
  const events = new StationEvents();
  const settings = new SettingsStore(db, clock, (section, issue) =>
    log(`settings: section "${section}" is invalid and was reset to defaults (${issue})`),
  );
  const effectiveSettings = () =>
    config.overrides ? applySettingsPatch(settings.get(), config.overrides) : settings.get();
  // What the settings screen shows: the settings in force, and which fields this run's flags set.
  const overridden = Object.entries(config.overrides ?? {}).flatMap(([section, fields]) =>
    Object.entries((fields ?? {}) as Record<string, unknown>)
      .filter(([, value]) => value !== undefined)
      .map(([field]) => `${section}.${field}`),
  );
  const settingsInForce = (): SettingsInForce => ({ ...effectiveSettings(), overridden });
  const identities = new Identities(db, clock, config.identity);
  const exceptions = new ExceptionQueue(db, clock);
  const secrets =
    config.secrets ??
    new LayeredSecretStore(new EnvSecretStore(), new FileSecretStore(join(config.dataDir, 'secrets.json')));
  const lastResortDir = join(config.dataDir, 'unprinted-labels');
  const printerOf = (uri: string) => printerAt(uri, effectiveSettings().printer);
  // The label side of printing (conversions, the last-resort PDF), so devices/ never imports labels/.
  const labelEncoder = createLabelEncoder();
  const journal = new PrintJournal(db, clock, {
    encoder: labelEncoder,
    printerOf,
    fallbackUri: () => effectiveSettings().printer.fallbackUri,
    // Last resort when no printer takes a label: keep it as a file the lead can print elsewhere.
    saveDir: () => lastResortDir,
    onStatus: (uri, event) => devices.printerStatus(uri, event),
  });

  let message: BenchMessage | null = null;
  let stopped = false;
  const previews = new Map<string, string>();

  const say = (tone: BenchMessage['tone'], text: string, link?: BenchMessage['link']): BenchMessage => {
    message = link ? { tone, text, at: clock.now(), link } : { tone, text, at: clock.now() };
    return message;
  };

  const state = (): StationState => {
    const packer = identities.current();
    return {
      mode: config.mode,
      bench: effectiveSettings().bench.name,
      packer,
      step: pack.step(),
      nextAction: packer ? pack.nextAction() : 'Scan your badge to start',
      message,
      scans: bench.scans,
      order: pack.orderView(),
      label: pack.labelView(),
      cacheAge: odoo.cacheAge(),
      odooLink: odoo.linkState,
    };
  };
  const publishState = () => {
    if (!stopped) events.emit('state', state());
  };
  const publishQueue = () => {
    if (stopped) return;
    events.emit('queue', { ...queueCounts(db), openExceptions: exceptions.countOpen() });
    events.emit('connectivity', { targets: worker.status() });
  };

  const worker = new SyncWorker({
    db,
    clock,
    exceptions,
    onChange: () => {
      publishQueue();
      publishState();
    },
    onError: (error: unknown) => log(`sync: ${error instanceof Error ? error.message : String(error)}`),
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
    reopened: (payload) => reopenedSince(db, payload.sessionId),
  });

  const devices = new DeviceManager({
    db,
    clock,
    events,
    settings: effectiveSettings,
    journal,
    labelEncoder,
    printerOf,
    printerRecheckMs: config.printerRecheckMs ?? 3000,
    scaleOptions: config.scaleOptions,
    weighed: (grams) => pack.weighed(grams),
    afterWeighed: (told) => {
      if (told) say(told.tone, told.text);
      publishState();
    },
    scaleReplaced: () => pack.scaleReplaced(),
    // After a fault the printer is ready again: tell the packer PRINT will work (never print by itself).
    printerReady: () => {
      const printState = pack.labelView()?.printState;
      if (printState === 'failed') say('info', 'Printer ready — scan PRINT.');
      else if (printState === 'uncertain') say('info', 'Printer ready. Did a whole label come out? Scan PRINTED if yes, PRINT if not.');
      else return;
      publishState();
    },
  });

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
    },
    benchName: () => effectiveSettings().bench.name,
    scale: () => devices.scale,
    printerUri: () => effectiveSettings().printer.uri,
    journal,
    kickSync: () => worker.kick(),
    changed: publishState,
    packing: () => effectiveSettings().packing,
    labelOptions: () => {
      const { dpi, unicodeFont } = effectiveSettings().printer;
      return { dpi, unicodeText: unicodeFont ? { printerFont: unicodeFont } : 'auto' };
    },
    outOfScope: (order) => scopeRefusal(order, effectiveSettings().odoo.scope),
  });

  // A label prints as soon as its job is queued (the journal wakes the scheduler after the commit),
  // not on the sync worker's news; the packer is told how it went.
  const printScheduler = new PrintScheduler({
    journal,
    onOutcome: (outcome) => {
      const told = pack.afterPrint(outcome);
      say(told.tone, told.text, told.link);
      publishState();
      publishQueue();
    },
    onError: (error) => log(`printing: ${error instanceof Error ? error.message : String(error)}`),
  });

  exceptions.onChanged(publishQueue);

  const local = createLocalCarrier({ onLabel: (payload, result) => pack.labelIssued(payload, result.trackingNumber) });
  worker.register(local.kind, local.target);

  // Scanning and badges, and the lead's approval of protected actions.
  const bench = new Bench({
    db,
    clock,
    identities,
    pack,
    commandPrefix: () => effectiveSettings().scanner.commandPrefix,
    approvalRequires: () => effectiveSettings().security.approvalRequires,
    say,
    changed: publishState,
    state,
  });

  const handlers: Handlers = {
    scan: ({ code }) => bench.scan(code),
    getState: () => state(),
    listExceptions: ({ state: which }) => ({ items: exceptions.list(which) }),
    resolveException({ id, resolution, note, approval }): ExceptionView {
      const resolved = bench.withApproval(approval, 'resolveException', `exception:${id}:${resolution}`, (lead) =>
        exceptions.resolve(id, resolution, actorOf(lead), note),
      );
      publishQueue();
      publishState();
      return resolved;
    },
    enterWeight({ grams, reason, approval }) {
      bench.requirePacker();
      // Typing a weight bypasses the scale, so only a shift lead may do it, and it is audited.
      if (pack.step() !== 'weighing') throw new StationFault('not_weighing', `Not now: ${pack.nextAction()}.`);
      const outcome = bench.withApproval(approval, 'enterWeight', `order:${pack.orderView()?.name ?? ''}:${grams}`, (lead) => {
        const weighed = pack.weighed(grams, actorOf(lead), { reason });
        // Not weighing after all: nothing changed, so the approval stays unspent.
        if (!weighed) throw new StationFault('not_weighing', `Not now: ${pack.nextAction()}.`);
        return weighed;
      });
      say(outcome.tone, outcome.text);
      publishState();
      return state();
    },
    async labelImage() {
      const label = pack.currentLabel();
      if (!label) return { png: null };
      let png = previews.get(label.sha256);
      if (!png) {
        // Drawn at the resolution the label was made for (its print width says which).
        const dpi = /\^PW1200\b/.test(label.zpl) ? 300 : 203;
        png = `data:image/png;base64,${(await renderLabelPng(label.zpl, { dpi })).toString('base64')}`;
        previews.clear(); // one label on screen at a time
        previews.set(label.sha256, png);
      }
      return { png };
    },
    getSettings: () => settingsInForce(),
    updateSettings({ patch, approval }) {
      const scaleBefore = effectiveSettings().scale;
      bench.withApproval(approval, 'updateSettings', 'settings', (lead) => settings.update(patch, actorOf(lead)));
      if (patch.odoo?.scope) odoo.scopeChanged();
      devices.scaleSettingsChanged(scaleBefore);
      publishState();
      return settingsInForce();
    },
    testDevice: ({ device }) => devices.testDevice(device),
    detectScale: () => devices.detectScale(),
    login: ({ badge }) => bench.login(badge),
    logout: () => bench.logout(),
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
    effectiveSettings,
    async start() {
      await odoo.connect();
      devices.start();
      pack.resume();
      publishState();
      publishQueue();
      worker.start();
      printScheduler.wake(); // labels queued before a restart
    },
    async stop() {
      stopped = true;
      // Devices first stop telling (no printer news, no new scale); the scale closes after any swap.
      const devicesStopped = devices.stop();
      // A label on its way to the printer finishes (and is journaled) before the file closes.
      const printed = printScheduler.stop();
      await worker.stop();
      await odoo.stop();
      await printed;
      await devicesStopped;
      writeAuditHead(db);
      db.close();
    },
  };
}

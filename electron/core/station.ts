// Composition root: builds and wires the station's services. Nothing else constructs them.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Approval, BenchMessage, ExceptionView, Person, ScanReply, SettingsInForce, StationState } from '../../shared/api';
import type { Handlers } from '../../shared/bridge';
import { StationFault } from '../../shared/errors';
import { applySettingsPatch, type Settings, type SettingsPatch } from '../../shared/settings';
import { localCarrier } from './carriers/local/index';
import { CarrierRegistry } from './carriers/registry';
import { systemClock, type Clock } from './clock';
import { printerStatusNow, probeScalePath } from './device-probe';
import { testPrint } from './devices/printer/test-print';
import { createLabelEncoder } from './labels/label-encoder';
import { renderLabelPng } from './labels/label-png';
import { printerAt } from './devices/printer/fallback-policy';
import { PrintJournal } from './devices/printer/print-journal';
import { PrintScheduler } from './devices/printer/print-scheduler';
import { PrinterRecheck } from './devices/printer/printer-recheck';
import { ScaleService, type ScaleServiceOptions } from './devices/scale/scale-service';
import { protocolByName } from './devices/scale/protocols';
import { probeScale } from './devices/scale/scale-probe';
import { scaleProtocolLabel } from '../../shared/scale-protocols';
import { StationEvents } from './events';
import { authLatch } from './odoo/auth-latch';
import { createOdooDispatchTarget, ODOO_TARGET } from './odoo/dispatch/target';
import { lazyOdooTransport } from './odoo/lazy-transport';
import { OdooLink } from './odoo/odoo-link';
import { scopeRefusal, scopedOdooTransport } from './odoo/pickings';
import { Prefetcher } from './odoo/prefetch';
import { createOdooReleaseTarget } from './odoo/release-target';
import { createOdooOrderSource, offlineOrderSource } from './odoo/order-source';
import { OrderSourceUnavailable, PackSession, type OrderSource, type ScanOutcome } from './pack/pack-session';
import { classifyScan } from './pack/scan-code';
import { appendAudit, secureAuditLog } from './store/audit';
import { auditHead, reportHeadErrors, writeAuditHead } from './store/audit-head';
import { inTransaction, openDatabase, type Db } from './store/db';
import { markBackToZero, markCaptured, readScaleZero } from './store/scale-zero';
import { ExceptionQueue } from './store/exceptions';
import { OrderCache } from './store/order-cache';
import { PackageTypeStore } from './store/package-types';
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
  readonly db: Db;
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
    onStatus: (uri, event) => {
      if (stopped) return;
      events.emit('printer', event);
      if (event.status !== 'ready' && event.status !== 'printing') recheck.watch(uri);
    },
  });
  // After a fault: ask again until ready, then tell the packer PRINT will work (never print by itself).
  const recheck = new PrinterRecheck({
    everyMs: config.printerRecheckMs ?? 3000,
    ask: (uri) => journal.printerStatus(uri),
    onReady: () => {
      const printState = pack.labelView()?.printState;
      if (printState === 'failed') say('info', 'Printer ready — scan PRINT.');
      else if (printState === 'uncertain') say('info', 'Printer ready. Did a whole label come out? Scan PRINTED if yes, PRINT if not.');
      else return;
      publishState();
    },
  });

  let message: BenchMessage | null = null;
  let scans = (db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'scan'`).get() as { n: number }).n;
  let scale: ScaleService | null = null;
  let prefetcher: Prefetcher | null = null;
  let reopenOdoo = (): void => {};
  let odooLink: StationState['odooLink'] = 'none';
  let orderSource: OrderSource = offlineOrderSource({ url: 'none', db: 'none' }, 'No Odoo is set up for this bench.');
  let stopped = false;
  const previews = new Map<string, string>();

  const say = (tone: BenchMessage['tone'], text: string, link?: BenchMessage['link']): BenchMessage => {
    message = link ? { tone, text, at: clock.now(), link } : { tone, text, at: clock.now() };
    return message;
  };

  const state = (): StationState => {
    const packer = identities.current();
    // The pack screen's parts from one read of the session.
    const screen = pack.screen();
    return {
      mode: config.mode,
      bench: effectiveSettings().bench.name,
      packer,
      step: screen.step,
      nextAction: packer ? screen.nextAction : 'Scan your badge to start',
      message,
      scans,
      order: screen.order,
      label: screen.label,
      cacheAge: prefetcher?.age() ?? null,
      odooLink,
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
      if (target === ODOO_TARGET) reopenOdoo();
    },
  });

  // The carriers the bench ships with; the local carrier draws labels for the bench's printer.
  const carriers = new CarrierRegistry([
    localCarrier({
      labelOptions: () => {
        const { dpi, unicodeFont } = effectiveSettings().printer;
        return { dpi, unicodeText: unicodeFont ? { printerFont: unicodeFont } : 'auto' };
      },
    }),
  ]);

  const pack: PackSession = new PackSession({
    db,
    clock,
    exceptions,
    orders: {
      get binding() {
        return orderSource.binding;
      },
      // A scan is also news of the link: the status bar must not say "synced" after a scan failed to reach Odoo.
      findByName: (name) =>
        orderSource.findByName(name).then(
          (order) => {
            if (odooLink !== 'none') odooLink = 'online';
            return order;
          },
          (error: unknown) => {
            if (odooLink !== 'none' && error instanceof OrderSourceUnavailable) odooLink = 'offline';
            throw error;
          },
        ),
      claim: (order, bench) => orderSource.claim?.(order, bench) ?? Promise.resolve({ ok: true as const }),
      lotExists: (order, productId, name) => orderSource.lotExists?.(order, productId, name) ?? Promise.resolve(null),
    },
    benchName: () => effectiveSettings().bench.name,
    scale: () => scale,
    printerUri: () => effectiveSettings().printer.uri,
    journal,
    kickSync: () => worker.kick(),
    changed: publishState,
    packing: () => effectiveSettings().packing,
    carriers,
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

  const labels = carriers.target((payload, created) => pack.labelIssued(payload, created));
  worker.register(labels.kind, labels.target);

  const requirePacker = (): Person => {
    const packer = identities.current();
    if (!packer) throw new StationFault('not_logged_in', 'Scan your badge first.');
    return packer;
  };

  /**
   * A protected action: the shift lead's approval is checked (wrong PINs and unknown badges count
   * whatever happens next), then spent on this one action in the transaction that makes the change,
   * so the same approval sent again is refused and a change that fails leaves it unspent.
   */
  /** The local copy of Odoo's orders, to tell an order or item scanned before login from a badge. */
  const localCopy = new OrderCache(db, clock);

  function withApproval<T>(approval: Approval, action: string, subject: string, change: (lead: Person) => T): T {
    const lead = identities.approve(approval, effectiveSettings().security.approvalRequires);
    return inTransaction(db, () => {
      identities.useApproval(approval, lead, action, subject);
      return change(lead);
    });
  }

  /**
   * One scan at a time, in the order they came: a scan that waits for Odoo (an order, a lot being
   * checked) must not let the next one act on the state it is about to change.
   */
  let scanning: Promise<unknown> = Promise.resolve();
  function scan(raw: string): Promise<ScanReply> {
    const next = scanning.then(() => scanNow(raw));
    scanning = next.catch(() => undefined);
    return next;
  }

  async function scanNow(raw: string): Promise<ScanReply> {
    const scanned = classifyScan(raw, effectiveSettings().scanner.commandPrefix);
    const packer = identities.current();
    let outcome: ScanOutcome;
    let approvalOffer: ScanReply['approvalOffer'];
    const badgeOwner = scanned.kind === 'code' ? identities.findByBadge(scanned.code) : null;
    if (scanned.kind === 'malformed') {
      outcome = { kind: 'unknown', tone: 'error', text: 'That barcode could not be read cleanly. Scan it again.' };
    } else if (badgeOwner && badgeOwner.role === 'lead' && packer && packer.id !== badgeOwner.id && pack.orderView()) {
      // A lead called to the bench mid-order: the packer stays; the screen asks whether the lead approves.
      approvalOffer = { name: badgeOwner.name };
      outcome = { kind: 'unknown', tone: 'info', text: `Approve as ${badgeOwner.name}? ${packer.name} stays logged in.` };
    } else if (badgeOwner && scanned.kind === 'code') {
      try {
        identities.login(scanned.code);
        outcome = { kind: 'unknown', tone: 'success', text: `Hello, ${badgeOwner.name}. ${pack.nextAction()}.` };
      } catch (error) {
        if (!(error instanceof StationFault)) throw error;
        outcome = { kind: 'unknown', tone: 'error', text: error.message };
      }
    } else if (!packer && scanned.kind === 'code' && localCopy.lookup(scanned.code).kind === 'none') {
      // Nobody is logged in, and the code is no order or item the bench knows: it was offered as a
      // badge, and an unknown one counts as a guess. (A packer who forgot to log in is not locked out.)
      const refusal = identities.unknownBadgeScanned();
      outcome = { kind: 'unknown', tone: refusal ? 'error' : 'warning', text: refusal?.message ?? 'Scan your badge first, then the order.' };
    } else if (scanned.kind === 'unknown_command') {
      outcome = { kind: 'command', tone: 'error', text: `"${scanned.text}" is not a bench command. Use the command sheet.` };
    } else if (scanned.kind === 'command' && scanned.command === 'LOGOUT') {
      identities.logout();
      outcome = { kind: 'command', tone: 'info', text: 'Logged out. Scan your badge to start.' };
    } else if (!packer) {
      outcome = { kind: 'unknown', tone: 'warning', text: 'Scan your badge first, then the order.' };
    } else if (scanned.kind === 'command') {
      outcome = await pack.command(scanned.command, packer);
    } else {
      outcome = await pack.scanCode(scanned.code, packer);
    }
    // Every scan is logged with what it turned out to be. What it changed (an item packed, an order
    // opened) was committed above with its own audit entry, so a crash between the two loses only this line.
    appendAudit(db, clock, {
      actor: actorOf(identities.current() ?? packer),
      action: 'scan',
      data: { code: raw.slice(0, 512), kind: badgeOwner ? 'badge' : scanned.kind === 'malformed' ? 'malformed' : outcome.kind },
    });
    scans++;
    const reply = say(outcome.tone, outcome.text, outcome.link);
    publishState();
    return { kind: badgeOwner ? 'badge' : outcome.kind, message: reply, state: state(), ...(approvalOffer ? { approvalOffer } : {}) };
  }

  const handlers: Handlers = {
    scan: ({ code }) => scan(code),
    getState: () => state(),
    listExceptions: ({ state: which }) => ({ items: exceptions.list(which) }),
    resolveException({ id, resolution, note, approval }): ExceptionView {
      const resolved = withApproval(approval, 'resolveException', `exception:${id}:${resolution}`, (lead) =>
        exceptions.resolve(id, resolution, actorOf(lead), note),
      );
      publishQueue();
      publishState();
      return resolved;
    },
    enterWeight({ grams, reason, approval }) {
      requirePacker();
      // Typing a weight bypasses the scale, so only a shift lead may do it, and it is audited.
      if (pack.step() !== 'weighing') throw new StationFault('not_weighing', `Not now: ${pack.nextAction()}.`);
      const outcome = withApproval(approval, 'enterWeight', `order:${pack.orderView()?.name ?? ''}:${grams}`, (lead) => {
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
      withApproval(approval, 'updateSettings', 'settings', (lead) => settings.update(patch, actorOf(lead)));
      if (patch.odoo?.scope) prefetcher?.kick(); // a new scope starts the cache over
      const scaleNow = effectiveSettings().scale;
      if (scaleNow.path !== scaleBefore.path || scaleNow.protocol !== scaleBefore.protocol || scaleNow.baudRate !== scaleBefore.baudRate) {
        void replaceScale();
      }
      publishState();
      return settingsInForce();
    },
    async testDevice({ device }) {
      const current = effectiveSettings();
      if (device === 'scale') return probeScalePath(current.scale.path);
      const uri = current.printer.uri;
      if (!uri) return testPrint(uri, current.bench.name, labelEncoder);
      const { language, askStatus } = printerOf(uri);
      // The printer's own word before and after the test label, for the lead to read beside the
      // result; in the printer's turn, so it never cuts into a label going out.
      const { before, result, after } = await journal.onPrinter(uri, async () => {
        const before = await printerStatusNow(uri, language, askStatus);
        const result = await testPrint(uri, current.bench.name, labelEncoder, { language, askStatus });
        const after = await printerStatusNow(uri, language, askStatus);
        return { before, result, after };
      });
      if (after && !stopped) events.emit('printer', after);
      return { ...result, printer: { before, after } };
    },
    async detectScale() {
      const path = effectiveSettings().scale.path;
      if (!path) return { ok: false, message: 'No scale port is set up for this bench. Enter the port first, save, then find its protocol.', found: null };
      events.emit('scale', { status: 'absent', grams: null, stable: false, message: 'Finding the scale’s protocol…' });
      const found = await replaceScale(() => probeScale(path));
      if (!found) {
        return {
          ok: false,
          message: `No scale answered on ${path} in any protocol Packbench knows. Check that the scale is on, the cable, and that the scale is set to send or answer over its serial port.`,
          found: null,
        };
      }
      return {
        ok: true,
        message: `The scale on ${path} answers in ${scaleProtocolLabel(found.protocol)} at ${found.baudRate} baud.`,
        found,
      };
    },
    login({ badge }) {
      identities.login(badge);
      say('success', `Hello, ${requirePacker().name}. ${pack.nextAction()}.`);
      publishState();
      return state();
    },
    logout() {
      identities.logout();
      say('info', 'Logged out. Scan your badge to start.');
      publishState();
      return state();
    },
  };

  async function connectOdoo(current: Settings): Promise<void> {
    const { url, db: odooDb, login } = current.odoo;
    if (!url || !odooDb || !login) return;
    const apiKey = config.odooApiKey ?? (await secrets.get('odoo.api_key'));
    if (!apiKey) {
      orderSource = offlineOrderSource(
        { url, db: odooDb },
        'The Odoo API key is missing. Ask the shift lead to set it up.',
      );
      log('odoo: no API key (set PACKBENCH_SECRET_ODOO_API_KEY or the secrets file)');
      return;
    }
    const scope = () => effectiveSettings().odoo.scope;
    // One latch under every Odoo user: after a refused login nothing asks again until a lead resumes.
    const stopped = worker.status().some((t) => t.target === ODOO_TARGET && t.status === 'stopped');
    // Every request tells the link whether Odoo answers; when it answers again after being offline,
    // what waits in the outbox for it goes at once.
    const link = new OdooLink((now, before) => {
      // "Connecting" lasts until the first sync has run (its onRun below), so online comes with a cache age.
      if (!(odooLink === 'connecting' && now === 'online')) odooLink = now;
      if (now === 'online' && before === 'offline') worker.reachable(ODOO_TARGET);
      publishState();
    });
    const odoo = authLatch(
      link.watch(lazyOdooTransport({ url, db: odooDb, login, apiKey })),
      (error) => worker.stopTarget(ODOO_TARGET, error.message),
      stopped,
    );
    reopenOdoo = () => {
      odoo.reopen();
      prefetcher?.kick();
    };
    const transport = scopedOdooTransport(odoo, scope);
    // A scan looks the name up in all of the user's companies and warehouses, so that a delivery
    // out of scope is refused by name (outOfScope in the pack session) instead of "not found".
    // A scan waits for Odoo at most a short budget, and not at all while the link is offline.
    orderSource = createOdooOrderSource(odoo, { link });
    const dispatch = createOdooDispatchTarget(transport, (payload) => pack.dispatched(payload), {
      backorder: () => effectiveSettings().odoo.backorder,
      auditHead: () => auditHead(db),
    });
    worker.register(dispatch.kind, dispatch.target);
    // Putting an order aside releases its claim, unless the bench opened it again since.
    const release = createOdooReleaseTarget(transport, { reopened: (payload) => pack.reopenedSince(payload.sessionId) });
    worker.register(release.kind, release.target);
    const binding = { url, db: odooDb };
    prefetcher = new Prefetcher({
      transport,
      binding,
      cache: new OrderCache(db, clock),
      packageTypes: new PackageTypeStore(db, clock),
      clock,
      scope,
      log,
      // Every run, changed or not: the cache age on screen starts again from zero, or turns to offline.
      onRun: (outcome) => {
        odooLink = outcome.ok ? 'online' : 'offline';
        publishState();
      },
    });
    odooLink = 'connecting';
    prefetcher.start();
  }

  let scaleSwap: Promise<unknown> = Promise.resolve();
  /**
   * Close the scale's port, run `between` (if any) while nothing holds it, then open the port the
   * settings name now. One at a time.
   */
  function replaceScale<T>(between?: () => Promise<T>): Promise<T | undefined> {
    const run = scaleSwap.then(async () => {
      const old = scale;
      scale = null;
      await old?.stop();
      try {
        return between ? await between() : undefined;
      } finally {
        if (!stopped) {
          connectScale(effectiveSettings());
          pack.scaleReplaced();
        }
      }
    });
    scaleSwap = run.catch(() => undefined);
    return run;
  }

  function connectScale(current: Settings): void {
    const { path, protocol } = current.scale;
    if (!path) {
      events.emit('scale', { status: 'absent', grams: null, stable: false, message: 'No scale is set up for this bench.' });
      return;
    }
    const chosen = protocolByName(protocol ?? 'sics');
    if (!chosen) {
      events.emit('scale', { status: 'error', grams: null, stable: false, message: `Unknown scale protocol "${protocol}".` });
      return;
    }
    // A parcel captured before a restart (or before the port changed) may still be on the platform.
    const kept = readScaleZero(db);
    scale = new ScaleService({
      ...config.scaleOptions,
      path,
      protocol: chosen,
      baudRate: current.scale.baudRate ?? undefined,
      clock,
      awaitingZeroAfterG: kept.needsZero ? kept.lastCaptureG : null,
    });
    scale.on('reading', (reading) => events.emit('scale', reading));
    scale.on('captured', (grams) => {
      // "Take it off first" commits with the weight it follows, so a crash cannot keep one without the other.
      const outcome = inTransaction(db, () => {
        markCaptured(db, clock, grams);
        return pack.weighed(grams);
      });
      if (outcome) say(outcome.tone, outcome.text);
      publishState();
    });
    scale.on('rearmed', () => markBackToZero(db, clock));
    scale.start();
  }

  return {
    handlers,
    events,
    db,
    identities,
    exceptions,
    settings,
    worker,
    secrets,
    pack,
    lastResortDir,
    effectiveSettings,
    async start() {
      const current = effectiveSettings();
      await connectOdoo(current);
      connectScale(current);
      events.emit('printer', {
        status: current.printer.uri ? 'ready' : 'absent',
        message: current.printer.uri ? `Printer ${current.printer.uri}` : 'No printer is set up for this bench.',
      });
      pack.resume();
      publishState();
      publishQueue();
      worker.start();
      printScheduler.wake(); // labels queued before a restart
    },
    async stop() {
      stopped = true;
      recheck.stop();
      // A label on its way to the printer finishes (and is journaled) before the file closes.
      const printed = printScheduler.stop();
      await worker.stop();
      await prefetcher?.stop();
      await printed;
      await scaleSwap;
      await scale?.stop();
      writeAuditHead(db);
      db.close();
    },
  };
}

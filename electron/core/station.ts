// Composition root: builds and wires the station's services. Nothing else constructs them.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchMessage, ExceptionView, Person, StationState } from '../../shared/api';
import type { Handlers } from '../../shared/bridge';
import { StationFault } from '../../shared/errors';
import { systemClock, type Clock } from './clock';
import { StationEvents } from './events';
import { classifyScan } from './pack/scan-code';
import { appendAudit } from './store/audit';
import { openDatabase, type Db } from './store/db';
import { ExceptionQueue } from './store/exceptions';
import { actorOf, Identities, type IdentityOptions } from './store/identities';
import { EnvSecretStore, FileSecretStore, LayeredSecretStore, type SecretStore } from './store/secret-store';
import { SettingsStore } from './store/settings-store';
import { queueCounts } from './sync/outbox';
import { SyncWorker } from './sync/worker';
import { probePrinter, probeScalePath } from './device-probe';

export interface StationConfig {
  dataDir: string;
  mode: 'live' | 'training';
  clock?: Clock;
  secrets?: SecretStore;
  identity?: IdentityOptions;
  log?: (line: string) => void;
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
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createStation(config: StationConfig): Station {
  const clock = config.clock ?? systemClock;
  const log = config.log ?? ((line: string) => console.log(line));
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(join(config.dataDir, 'station.sqlite'));
  const events = new StationEvents();
  const settings = new SettingsStore(db, clock, (section, issue) =>
    log(`settings: section "${section}" is invalid and was reset to defaults (${issue})`),
  );
  const identities = new Identities(db, clock, config.identity);
  const exceptions = new ExceptionQueue(db, clock);
  const secrets =
    config.secrets ??
    new LayeredSecretStore(new EnvSecretStore(), new FileSecretStore(join(config.dataDir, 'secrets.json')));

  const publishQueue = () => {
    events.emit('queue', { ...queueCounts(db), openExceptions: exceptions.countOpen() });
    events.emit('connectivity', { targets: worker.status() });
  };
  const worker = new SyncWorker({ db, clock, exceptions, onChange: publishQueue });

  let message: BenchMessage | null = null;
  let scans = (db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'scan'`).get() as { n: number }).n;

  const state = (): StationState => {
    const packer = identities.current();
    return {
      mode: config.mode,
      bench: settings.get().bench.name,
      packer,
      step: 'idle',
      nextAction: packer ? 'Scan an order barcode' : 'Scan your badge to start',
      message,
      scans,
    };
  };
  const say = (tone: BenchMessage['tone'], text: string): BenchMessage => {
    message = { tone, text, at: clock.now() };
    return message;
  };
  const publishState = () => events.emit('state', state());

  const requirePacker = (): Person => {
    const packer = identities.current();
    if (!packer) throw new StationFault('not_logged_in', 'Scan your badge first.');
    return packer;
  };

  const handlers: Handlers = {
    scan({ code: raw }) {
      const scanned = classifyScan(raw, settings.get().scanner.commandPrefix);
      const packer = identities.current();
      let kind: 'badge' | 'command' | 'order' | 'product' | 'unknown' = 'unknown';
      let reply: BenchMessage;
      const badgeOwner = scanned.kind === 'code' ? identities.findByBadge(scanned.code) : null;

      if (scanned.kind === 'malformed') {
        reply = say('error', 'That barcode could not be read cleanly. Scan it again.');
      } else if (badgeOwner) {
        kind = 'badge';
        identities.login((scanned as { code: string }).code);
        reply = say('success', `Hello, ${badgeOwner.name}. Scan an order barcode to start packing.`);
      } else if (scanned.kind === 'unknown_command') {
        reply = say('error', `"${scanned.text}" is not a bench command. Use the command sheet from Settings.`);
      } else if (scanned.kind === 'command') {
        kind = 'command';
        if (scanned.command === 'LOGOUT') {
          identities.logout();
          reply = say('info', 'Logged out. Scan your badge to start.');
        } else if (!packer) {
          reply = say('warning', 'Scan your badge first.');
        } else {
          reply = say('warning', 'No order is open. Scan an order barcode first.');
        }
      } else if (!packer) {
        reply = say('warning', 'Scan your badge first, then the order.');
      } else {
        reply = say('error', `Nothing matches "${scanned.code}". Check the barcode and scan it again.`);
      }
      // Every accepted scan is recorded before the reply, so a crash cannot lose it.
      appendAudit(db, clock, {
        actor: actorOf(identities.current() ?? packer),
        action: 'scan',
        data: { code: raw.slice(0, 512), kind: scanned.kind === 'malformed' ? 'malformed' : kind },
      });
      scans++;
      publishState();
      return { kind, message: reply, state: state() };
    },
    getState: () => state(),
    listExceptions: ({ state: which }) => ({ items: exceptions.list(which) }),
    resolveException({ id, resolution, note, approval }): ExceptionView {
      const lead = identities.approve(approval);
      const resolved = exceptions.resolve(id, resolution, actorOf(lead), note);
      publishQueue();
      return resolved;
    },
    getSettings: () => settings.get(),
    updateSettings({ patch, approval }) {
      const lead = identities.approve(approval);
      const next = settings.update(patch, actorOf(lead));
      publishState();
      return next;
    },
    async testDevice({ device }) {
      const current = settings.get();
      return device === 'printer' ? probePrinter(current.printer.uri) : probeScalePath(current.scale.path);
    },
    login({ badge }) {
      identities.login(badge);
      say('success', `Hello, ${requirePacker().name}. Scan an order barcode to start packing.`);
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

  return {
    handlers,
    events,
    db,
    identities,
    exceptions,
    settings,
    worker,
    secrets,
    async start() {
      events.emit('scale', { status: 'absent', grams: null, stable: false, message: 'No scale is set up yet.' });
      events.emit('printer', { status: 'absent', message: 'No printer is set up yet.' });
      publishState();
      publishQueue();
      worker.start();
    },
    async stop() {
      await worker.stop();
      db.close();
    },
  };
}

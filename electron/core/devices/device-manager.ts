// The bench's devices as the station sees them: the scale (opened from the settings in force,
// swapped when they change, paused while its protocol is found), the "take it off first" flag that
// survives a restart, the printers (the print journal, the scheduler that prints queued jobs, the
// status recheck after a fault) and the device tests from Settings.
// The label side of printing comes in as a LabelEncoder, so devices/ never imports labels/.
import type { Translate } from '../../../shared/i18n';
import type { BenchMessage, CommandReply, PrinterEvent } from '../../../shared/api';
import type { Settings } from '../../../shared/settings';
import { scaleProtocolLabel } from '../../../shared/scale-protocols';
import type { Clock } from '../clock';
import type { StationEvents } from '../events';
import { SerialQueue } from '../serial-queue';
import { inTransaction, type Db } from '../store/db';
import { markBackToZero, markCaptured, readScaleZero } from '../store/scale-zero';
import { printerStatusNow, probeScalePath } from './device-probe';
import type { LabelEncoder } from './printer/label-encoder';
import { printerAt } from './printer/fallback-policy';
import { PrintJournal, type PrintOutcome, type PrinterOf } from './printer/print-journal';
import { PrintScheduler } from './printer/print-scheduler';
import { PrinterRecheck } from './printer/printer-recheck';
import { testPrint } from './printer/test-print';
import { protocolByName } from './scale/protocols';
import { probeScale } from './scale/scale-probe';
import { ScaleService, type ScaleServiceOptions } from './scale/scale-service';
import { errorMessage } from '../error-message';

/** What the packer is told after a weight is taken, if anything. */
export type Told = Pick<BenchMessage, 'tone' | 'text'> | null;

export interface DeviceManagerDeps {
  db: Db;
  clock: Clock;
  events: StationEvents;
  /** The settings in force. */
  settings: () => Settings;
  labelEncoder: LabelEncoder;
  /** Where a label no printer took is saved as a PDF. */
  lastResortDir: string;
  /** How often a printer that reported a fault is asked again until it is ready. */
  printerRecheckMs: number;
  /** Tests shorten the scale's stability window and reconnect delay. */
  scaleOptions?: Partial<Omit<ScaleServiceOptions, 'path' | 'protocol'>>;
  /** The scale took a parcel's weight: record it (in the transaction that marks the scale to be cleared). */
  weighed: (grams: number) => Told;
  /** After a weight was recorded (and committed). */
  afterWeighed: (told: Told) => void;
  /** The scale awaits a weight: what comes with it (the label) may be made ready while the parcel settles. */
  weighing?: () => void;
  /** A new scale service is in place (re-arm it if the bench is weighing). */
  scaleReplaced: () => void;
  /** A printer that had a fault says it is ready. */
  printerReady: () => void;
  /** A queued label was printed (or failed): move the order on, tell the packer. */
  printed: (outcome: PrintOutcome) => void;
  /** No printer took a label: tell the packer now, before its last-resort file is drawn (then `printed` follows). */
  notPrinted?: (outcome: PrintOutcome) => void;
  log: (line: string) => void;
  /** The station's translator: device news and test results in the bench's language. */
  t: Translate;
}

export class DeviceManager {
  private current: ScaleService | null = null;
  /** Close, (probe,) reopen: one swap at a time. */
  private readonly swaps = new SerialQueue();
  private readonly recheck: PrinterRecheck;
  private readonly scheduler: PrintScheduler;
  /** Every label sent to a printer, and each printer's turn. */
  readonly journal: PrintJournal;
  private stopped = false;

  constructor(private readonly deps: DeviceManagerDeps) {
    this.journal = new PrintJournal(deps.db, deps.clock, {
      encoder: deps.labelEncoder,
      printerOf: (uri) => this.printerOf(uri),
      fallbackUri: () => deps.settings().printer.fallbackUri,
      // Last resort when no printer takes a label: keep it as a file the lead can print elsewhere.
      saveDir: () => deps.lastResortDir,
      onNotPrinted: (outcome) => deps.notPrinted?.(outcome),
      onStatus: (uri, event) => this.printerStatus(uri, event),
      t: deps.t,
    });
    // After a fault: ask again until ready, then tell the packer PRINT will work (never print by itself).
    this.recheck = new PrinterRecheck({
      everyMs: deps.printerRecheckMs,
      ask: (uri) => this.journal.printerStatus(uri),
      onReady: () => deps.printerReady(),
    });
    // A label prints as soon as its job is queued (the journal wakes the scheduler after the commit),
    // not on the sync worker's news.
    this.scheduler = new PrintScheduler({
      journal: this.journal,
      onOutcome: deps.printed,
      onError: (error) => deps.log(`printing: ${errorMessage(error)}`),
    });
  }

  /** The scale in use, if one is set up and open. */
  get scale(): ScaleService | null {
    return this.current;
  }

  start(): void {
    const current = this.deps.settings();
    this.connectScale(current);
    this.deps.events.emit('printer', {
      status: current.printer.uri ? 'ready' : 'absent',
      message: current.printer.uri ? this.deps.t('printer.configured', { uri: current.printer.uri }) : this.deps.t('printer.none'),
    });
  }

  /** Print the labels queued before a restart (later ones wake the scheduler themselves). */
  printQueued(): void {
    this.scheduler.wake();
  }

  /** What the printer at `uri` speaks, as the settings in force say (main or fallback). */
  printerOf(uri: string): PrinterOf {
    return printerAt(uri, this.deps.settings().printer);
  }

  /** What a printer said (the journal's news): show it, and after a fault keep asking until it is ready. */
  private printerStatus(uri: string, event: PrinterEvent): void {
    if (this.stopped) return;
    this.deps.events.emit('printer', event);
    if (event.status !== 'ready' && event.status !== 'printing') this.recheck.watch(uri);
  }

  /** The scale settings were saved: a new port, protocol or speed means a new scale service. */
  scaleSettingsChanged(before: Settings['scale']): void {
    const now = this.deps.settings().scale;
    const changed = (['path', 'protocol', 'baudRate', 'confirmFrames', 'stream'] as const).some((k) => now[k] !== before[k]);
    if (changed) void this.replaceScale();
  }

  async testDevice(device: 'printer' | 'scale'): Promise<CommandReply<'testDevice'>> {
    const current = this.deps.settings();
    const { labelEncoder, t } = this.deps;
    if (device === 'scale') return probeScalePath(t, current.scale.path);
    const uri = current.printer.uri;
    if (!uri) return testPrint(t, uri, current.bench.name, labelEncoder);
    const { language, askStatus } = this.printerOf(uri);
    // The printer's own word before and after the test label, for the lead to read beside the
    // result; in the printer's turn, so it never cuts into a label going out.
    const { before, result, after } = await this.journal.onPrinter(uri, async () => {
      const before = await printerStatusNow(t, uri, language, askStatus);
      const result = await testPrint(t, uri, current.bench.name, labelEncoder, { language, askStatus });
      const after = await printerStatusNow(t, uri, language, askStatus);
      return { before, result, after };
    });
    if (after && !this.stopped) this.deps.events.emit('printer', after);
    return { ...result, printer: { before, after } };
  }

  async detectScale(): Promise<CommandReply<'detectScale'>> {
    const { t } = this.deps;
    const path = this.deps.settings().scale.path;
    if (!path) return { ok: false, message: t('scale.detect.noPort'), found: null };
    this.deps.events.emit('scale', { status: 'absent', grams: null, stable: false, message: t('scale.detect.finding') });
    const found = await this.replaceScale(() => probeScale(path));
    if (!found) return { ok: false, message: t('scale.detect.noAnswer', { path }), found: null };
    return { ok: true, message: t('scale.detect.found', { path, protocol: scaleProtocolLabel(found.protocol), baud: found.baudRate }), found };
  }

  /** Tell nothing more; resolves once the label going out (if any) is journaled and the scale is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.recheck.stop();
    const printed = this.scheduler.stop();
    await this.swaps.idle();
    await this.current?.stop();
    await printed;
  }

  /**
   * Close the scale's port, run `between` (if any) while nothing holds it, then open the port the
   * settings name now. One at a time.
   */
  private replaceScale<T>(between?: () => Promise<T>): Promise<T | undefined> {
    return this.swaps.run(async () => {
      const old = this.current;
      this.current = null;
      await old?.stop();
      try {
        return between ? await between() : undefined;
      } finally {
        if (!this.stopped) {
          this.connectScale(this.deps.settings());
          this.deps.scaleReplaced();
        }
      }
    });
  }

  private connectScale(current: Settings): void {
    const { db, clock, events, t } = this.deps;
    const { path, protocol } = current.scale;
    if (!path) {
      events.emit('scale', { status: 'absent', grams: null, stable: false, message: t('scale.none') });
      return;
    }
    const chosen = protocolByName(protocol ?? 'sics');
    if (!chosen) {
      events.emit('scale', { status: 'error', grams: null, stable: false, message: t('scale.unknownProtocol', { protocol }) });
      return;
    }
    // A parcel captured before a restart (or before the port changed) may still be on the platform.
    const kept = readScaleZero(db);
    const scale = new ScaleService({
      ...this.deps.scaleOptions,
      path,
      protocol: chosen,
      baudRate: current.scale.baudRate ?? undefined,
      confirmFrames: current.scale.confirmFrames,
      stream: current.scale.stream,
      clock,
      awaitingZeroAfterG: kept.needsZero ? kept.lastCaptureG : null,
    });
    // The scale's status message is a key (capture-gate.ts scaleMessages): worded here, in the bench's language.
    scale.on('reading', (reading) => events.emit('scale', { ...reading, message: reading.message ? t(reading.message) : null }));
    scale.on('captured', (grams) => {
      // "Take it off first" commits with the weight it follows, so a crash cannot keep one without the other.
      const told = inTransaction(db, () => {
        markCaptured(db, clock, grams);
        return this.deps.weighed(grams);
      });
      // The screen after the label: the carrier and the printer take their turn first (kicked above).
      setImmediate(() => this.deps.afterWeighed(told));
    });
    scale.on('rearmed', () => markBackToZero(db, clock));
    // After the scan that armed it has been answered: the label can be drawn while the parcel settles.
    scale.on('armed', () => setImmediate(() => this.deps.weighing?.()));
    scale.start();
    this.current = scale;
  }
}

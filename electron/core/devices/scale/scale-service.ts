// Owns the scale's serial port: polls, decides stability, auto-captures once per parcel, reconnects.
import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import type { ScaleEvent } from '../../../../shared/api';
import { systemClock, type Clock } from '../../clock';
import type { Protocol, ScaleParser, ScaleReading } from './types';

export interface ScaleServiceOptions {
  path: string;
  /** Serial settings; default the protocol's usual ones (ref devices.md §1), else 9600 8N1. */
  baudRate?: number;
  dataBits?: 7 | 8;
  parity?: 'none' | 'even';
  protocol: Protocol;
  /** Timestamps samples for the stability window; timers themselves are real. */
  clock?: Clock;
  /** The scale's flag must hold this long, within stableToleranceG, before a weight counts as stable. */
  stableWindowMs?: number;
  /** For scales without a stable flag the window alone decides, so it is longer (ref §2: ≥ 1 s). */
  flaglessWindowMs?: number;
  stableToleranceG?: number;
  minCaptureG?: number;
  zeroBandG?: number;
  /** Scales that never report zero (Adam) re-arm when the weight changes by at least this much… */
  rearmChangeG?: number;
  /** …or when they report a weight again after this long without a frame (they only answer new weighings). */
  rearmAfterMs?: number;
  /** Overrides the protocol's poll period (tests use short ones). */
  pollIntervalMs?: number;
  reconnectMs?: number;
  /** Bytes keep arriving but no frame parses for this many reads (and bytes): a wrong baud rate or parity. */
  misframeReads?: number;
  misframeBytes?: number;
  /**
   * The last capture not yet followed by a return to zero, as the station kept it across a restart:
   * the parcel may still be on the platform, so the next capture waits for zero as it would have.
   */
  awaitingZeroAfterG?: number | null;
}

type Settings = Required<Omit<ScaleServiceOptions, 'clock' | 'awaitingZeroAfterG'>>;

export interface ScaleServiceEvents {
  /** The status changed (ScaleEvent shape, never 'absent'). */
  reading: [ScaleEvent];
  /** An armed, stable weight above minCaptureG, in grams; once per arm and per parcel. */
  captured: [number];
  /** After a capture, the scale went back to zero (or, without zero, saw a new parcel): capture is possible again. */
  rearmed: [];
}

export const scaleMessages = {
  connecting: 'Connecting to the scale…',
  motion: 'The scale is moving — let the parcel settle',
  belowZero: 'The scale reads below zero — empty it and press zero',
  overload: 'Too heavy for the scale — take the parcel off',
  underload: 'The scale reads below zero — empty it and press zero',
  busy: 'The scale is busy — wait a moment',
  unit: 'The scale uses a unit we cannot read — set it to g or kg',
  communication: 'Scale communication error — check the cable',
  silent: 'The scale is not answering — check it is switched on',
  other: 'The scale reported an error — try zeroing it',
  disconnected: 'Scale disconnected — check the cable',
  misframed: "No readable weight — check the scale's serial settings (baud rate, parity)",
  zeroError: 'The scale could not find zero — empty it and press zero',
} as const;

/** One request in flight; after this long without a reply the next poll goes out anyway. */
const REPLY_TIMEOUT_MS = 1000;

export class ScaleService extends EventEmitter<ScaleServiceEvents> {
  private readonly opts: Settings;
  private readonly clock: Clock;
  private running = false;
  private port: SerialPort | null = null;
  /** Settles when the last open attempt has had its answer (its port may then need closing). */
  private opening: Promise<void> = Promise.resolve();
  /** Ports being closed, so stop() can wait until nothing holds the device (a probe opens it next). */
  private readonly closing = new Map<SerialPort, Promise<void>>();
  private parser: ScaleParser | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private inFlightSince: number | null = null;
  private lastFrameAt = 0;
  /** Reads and bytes since the last frame that parsed; a wrong baud rate keeps these growing. */
  private junkReads = 0;
  private junkBytes = 0;
  private misframed = false;
  private lastCapture: { grams: number; at: number } | null = null;
  /** Current run of device-stable samples within tolerance of its first one. */
  private run: { anchor: number; since: number } | null = null;
  private armed = false;
  /** Set by a capture; cleared only once the weight is back near zero (parcel removed). */
  private needsZero = false;
  private status: ScaleEvent = { status: 'disconnected', grams: null, stable: false, message: scaleMessages.connecting };

  constructor(options: ScaleServiceOptions) {
    super();
    const { protocol, path, clock = systemClock, awaitingZeroAfterG = null } = options;
    const serial = protocol.serial;
    this.clock = clock;
    this.opts = {
      path,
      protocol,
      baudRate: options.baudRate ?? serial?.baudRate ?? 9600,
      dataBits: options.dataBits ?? serial?.dataBits ?? 8,
      parity: options.parity ?? serial?.parity ?? 'none',
      stableWindowMs: options.stableWindowMs ?? 600,
      flaglessWindowMs: options.flaglessWindowMs ?? 1000,
      stableToleranceG: options.stableToleranceG ?? 2,
      minCaptureG: options.minCaptureG ?? 20,
      zeroBandG: options.zeroBandG ?? 10,
      rearmChangeG: options.rearmChangeG ?? 50,
      rearmAfterMs: options.rearmAfterMs ?? 10_000,
      pollIntervalMs: options.pollIntervalMs ?? protocol.pollIntervalMs,
      reconnectMs: options.reconnectMs ?? 1000,
      misframeReads: options.misframeReads ?? 6,
      misframeBytes: options.misframeBytes ?? 48,
    };
    if (awaitingZeroAfterG !== null) {
      this.needsZero = true;
      this.lastCapture = { grams: awaitingZeroAfterG, at: clock.now() };
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopPolling();
    const port = this.port;
    this.port = null;
    this.parser = null;
    // An open still in progress finishes first; then every port this service opened is closed.
    await this.opening;
    if (port) void this.release(port);
    await Promise.all(this.closing.values());
  }

  /** Close a port once, however many paths ask; resolves when the device is free. */
  private release(port: SerialPort): Promise<void> {
    const pending = this.closing.get(port);
    if (pending) return pending;
    if (!port.isOpen) return Promise.resolve();
    const closed = new Promise<void>((resolve) => port.close(() => resolve())).finally(() => this.closing.delete(port));
    this.closing.set(port, closed);
    return closed;
  }

  latest(): ScaleEvent {
    return { ...this.status };
  }

  /** The next stable weight ≥ minCaptureG emits `captured`, once (and only after a return to zero). */
  arm(): void {
    this.armed = true;
  }

  disarm(): void {
    this.armed = false;
  }

  get isArmed(): boolean {
    return this.armed;
  }

  /** Sends the protocol's zero command; false when not connected or the protocol has none. */
  zero(): boolean {
    return this.send(this.opts.protocol.zeroCommand);
  }

  tare(): boolean {
    return this.send(this.opts.protocol.tareCommand);
  }

  clearTare(): boolean {
    return this.send(this.opts.protocol.clearTareCommand);
  }

  private send(command: Buffer | undefined): boolean {
    const port = this.port;
    if (!command || !port?.isOpen) return false;
    port.write(command, () => undefined); // a failed write shows up as 'close'
    return true;
  }

  private open(): void {
    this.reconnectTimer = null;
    if (!this.running) return;
    const { path, baudRate, dataBits, parity } = this.opts;
    const port = new SerialPort({ path, baudRate, dataBits, parity, autoOpen: false });
    this.port = port;
    // The data listener also keeps the port reading, which is how an unplug gets noticed.
    port.on('data', (bytes: Buffer) => this.onData(port, bytes));
    port.on('close', () => this.onLost(port));
    port.on('error', () => this.onLost(port));
    let opened = () => {};
    this.opening = new Promise<void>((resolve) => (opened = resolve));
    port.open((err) => {
      opened();
      if (err) return this.onLost(port);
      if (port !== this.port) return void this.release(port);
      this.parser = this.opts.protocol.parser();
      this.lastFrameAt = this.clock.now();
      this.inFlightSince = null;
      this.junkReads = 0;
      this.junkBytes = 0;
      this.misframed = false;
      this.pollTimer = setInterval(() => this.tick(port), this.opts.pollIntervalMs);
      this.tick(port);
    });
  }

  private onLost(port: SerialPort): void {
    if (port !== this.port) return;
    this.port = null;
    this.parser = null;
    this.run = null;
    this.stopPolling();
    void this.release(port);
    this.setStatus({ status: 'disconnected', grams: null, stable: false, message: scaleMessages.disconnected });
    if (this.running) this.reconnectTimer = setTimeout(() => this.open(), this.opts.reconnectMs);
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private tick(port: SerialPort): void {
    if (port !== this.port) return;
    const now = this.clock.now();
    const { protocol, pollIntervalMs } = this.opts;
    const stale = now - this.lastFrameAt > Math.max(REPLY_TIMEOUT_MS, 3 * pollIntervalMs);
    // Bytes arrived but none made a frame: the scale is talking, we cannot read it.
    const garbled = this.misframed || this.junkReads > 0;
    if (stale && (garbled || !protocol.silentWhenUnchanged)) {
      this.run = null; // stale data is never stable
      const message = garbled ? scaleMessages.misframed : scaleMessages.silent;
      this.setStatus({ status: 'error', grams: null, stable: false, message });
    }
    if (!protocol.pollCommand) return;
    if (this.inFlightSince !== null) {
      // A scale that stays silent when nothing changed (Adam) is asked again on the next tick.
      const replyTimeout = protocol.silentWhenUnchanged ? pollIntervalMs : REPLY_TIMEOUT_MS;
      if (now - this.inFlightSince < replyTimeout) return;
      // Timed out: drop any half reply so it cannot glue onto the next one.
      this.parser = protocol.parser();
      port.flush(() => undefined);
    }
    this.inFlightSince = now;
    port.write(protocol.pollCommand, () => undefined);
  }

  private onData(port: SerialPort, bytes: Buffer): void {
    if (port !== this.port || !this.parser) return;
    const readings = this.parser.push(bytes).filter((r) => r.kind !== 'malformed');
    if (readings.length === 0) return this.onJunk(bytes.length);
    this.junkReads = 0;
    this.junkBytes = 0;
    this.misframed = false;
    for (const reading of readings) this.onReading(reading);
  }

  /** Bytes that made no frame. A few are line noise; a steady run is a wrong baud rate or parity. */
  private onJunk(length: number): void {
    this.junkReads += 1;
    this.junkBytes += length;
    this.inFlightSince = null; // an answer came, even if unreadable: keep asking

    if (this.junkReads < this.opts.misframeReads || this.junkBytes < this.opts.misframeBytes) return;
    this.misframed = true;
    this.run = null;
    this.setStatus({ status: 'error', grams: null, stable: false, message: scaleMessages.misframed });
  }

  private onReading(reading: ScaleReading): void {
    const now = this.clock.now();
    const silentFor = now - this.lastFrameAt;
    this.lastFrameAt = now;
    this.inFlightSince = null;
    if (reading.kind === 'malformed') return;
    if (reading.kind !== 'weight') {
      this.run = null;
      this.setStatus(problemStatus(reading));
      return;
    }
    const { grams } = reading;
    const { stableToleranceG, zeroBandG, minCaptureG, protocol } = this.opts;
    // No flag: our window alone decides, and it is longer. Settled-only scales (Adam): one frame is enough.
    const flagged = reading.stable !== null;
    const window = protocol.settledFramesOnly ? 0 : flagged ? this.opts.stableWindowMs : this.opts.flaglessWindowMs;
    if (reading.stable === false) this.run = null;
    else if (!this.run || Math.abs(grams - this.run.anchor) > stableToleranceG) this.run = { anchor: grams, since: now };
    // Stable = the device says so (where it can) AND our own window agrees (a resting hand can fool the flag).
    const stable = reading.stable !== false && this.run !== null && now - this.run.since >= window;
    if (Math.abs(grams) <= zeroBandG) this.clearNeedsZero();
    else if (protocol.reportsZero === false && this.lastCapture) this.rearmWithoutZero(grams, silentFor);
    let message: string | null = null;
    if (!stable) message = scaleMessages.motion;
    else if (grams < -zeroBandG) message = scaleMessages.belowZero;
    this.setStatus({ status: stable ? 'ok' : 'motion', grams, stable, message });
    if (stable && this.armed && !this.needsZero && grams >= minCaptureG) {
      this.armed = false;
      this.needsZero = true;
      this.lastCapture = { grams, at: now };
      this.emit('captured', grams);
    }
  }

  /**
   * A scale that never reports zero (Adam) cannot show the parcel was taken off. It only sends a new
   * weighing, so: a weight that differs by rearmChangeG, or any weight after rearmAfterMs of silence,
   * is a new parcel.
   */
  private rearmWithoutZero(grams: number, silentFor: number): void {
    const last = this.lastCapture;
    if (!last) return;
    if (Math.abs(grams - last.grams) >= this.opts.rearmChangeG || silentFor >= this.opts.rearmAfterMs) this.clearNeedsZero();
  }

  private clearNeedsZero(): void {
    if (!this.needsZero) return;
    this.needsZero = false;
    this.emit('rearmed');
  }

  private setStatus(next: ScaleEvent): void {
    const s = this.status;
    if (s.status === next.status && s.grams === next.grams && s.stable === next.stable && s.message === next.message) return;
    this.status = next;
    this.emit('reading', { ...next });
  }
}

function problemStatus(reading: Exclude<ScaleReading, { kind: 'weight' | 'malformed' }>): ScaleEvent {
  const base = { grams: null, stable: false } as const;
  switch (reading.kind) {
    case 'motion':
      return { ...base, status: 'motion', message: scaleMessages.motion };
    case 'overload':
      return { ...base, status: 'overload', message: scaleMessages.overload };
    case 'underload':
      return { ...base, status: 'underload', message: scaleMessages.underload };
    case 'error': {
      const byCode: Record<string, string> = {
        busy: scaleMessages.busy,
        unit: scaleMessages.unit,
        transmission: scaleMessages.communication,
        'zero-error': scaleMessages.zeroError,
        'initial-zero-error': scaleMessages.zeroError,
        'zero-range': scaleMessages.zeroError,
      };
      return { ...base, status: 'error', message: byCode[reading.code] ?? scaleMessages.other };
    }
  }
}

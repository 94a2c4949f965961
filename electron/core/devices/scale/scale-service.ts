// Owns the scale's serial port: polls, decides stability, auto-captures once per parcel, reconnects.
import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import type { ScaleEvent } from '../../../../shared/api';
import { systemClock, type Clock } from '../../clock';
import type { Protocol, ScaleParser, ScaleReading } from './types';

export interface ScaleServiceOptions {
  path: string;
  baudRate?: number;
  protocol: Protocol;
  /** Timestamps samples for the stability window; timers themselves are real. */
  clock?: Clock;
  stableWindowMs?: number;
  stableToleranceG?: number;
  minCaptureG?: number;
  zeroBandG?: number;
  reconnectMs?: number;
}

export interface ScaleServiceEvents {
  /** The status changed (ScaleEvent shape, never 'absent'). */
  reading: [ScaleEvent];
  /** An armed, stable weight above minCaptureG, in grams; once per arm and per parcel. */
  captured: [number];
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
} as const;

/** One request in flight; after this long without a reply the next poll goes out anyway. */
const REPLY_TIMEOUT_MS = 1000;

export class ScaleService extends EventEmitter<ScaleServiceEvents> {
  private readonly opts: Required<Omit<ScaleServiceOptions, 'clock'>>;
  private readonly clock: Clock;
  private running = false;
  private port: SerialPort | null = null;
  private parser: ScaleParser | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private inFlightSince: number | null = null;
  private lastFrameAt = 0;
  /** Current run of device-stable samples within tolerance of its first one. */
  private run: { anchor: number; since: number } | null = null;
  private armed = false;
  /** Set by a capture; cleared only once the weight is back near zero (parcel removed). */
  private needsZero = false;
  private status: ScaleEvent = { status: 'disconnected', grams: null, stable: false, message: scaleMessages.connecting };

  constructor(options: ScaleServiceOptions) {
    super();
    const { clock = systemClock, baudRate = 9600, stableWindowMs = 600, stableToleranceG = 2 } = options;
    const { minCaptureG = 20, zeroBandG = 10, reconnectMs = 1000, path, protocol } = options;
    this.clock = clock;
    this.opts = { path, protocol, baudRate, stableWindowMs, stableToleranceG, minCaptureG, zeroBandG, reconnectMs };
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
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
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

  private send(command: Buffer | undefined): boolean {
    const port = this.port;
    if (!command || !port?.isOpen) return false;
    port.write(command, () => undefined); // a failed write shows up as 'close'
    return true;
  }

  private open(): void {
    this.reconnectTimer = null;
    if (!this.running) return;
    const port = new SerialPort({ path: this.opts.path, baudRate: this.opts.baudRate, autoOpen: false });
    this.port = port;
    // The data listener also keeps the port reading, which is how an unplug gets noticed.
    port.on('data', (bytes: Buffer) => this.onData(port, bytes));
    port.on('close', () => this.onLost(port));
    port.on('error', () => this.onLost(port));
    port.open((err) => {
      if (err) return this.onLost(port);
      if (port !== this.port) return void port.close(() => undefined);
      this.parser = this.opts.protocol.parser();
      this.lastFrameAt = this.clock.now();
      this.inFlightSince = null;
      this.pollTimer = setInterval(() => this.tick(port), this.opts.protocol.pollIntervalMs);
      this.tick(port);
    });
  }

  private onLost(port: SerialPort): void {
    if (port !== this.port) return;
    this.port = null;
    this.parser = null;
    this.run = null;
    this.stopPolling();
    if (port.isOpen) port.close(() => undefined);
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
    const { protocol } = this.opts;
    if (now - this.lastFrameAt > Math.max(REPLY_TIMEOUT_MS, 3 * protocol.pollIntervalMs)) {
      this.run = null; // stale data is never stable
      this.setStatus({ status: 'error', grams: null, stable: false, message: scaleMessages.silent });
    }
    if (!protocol.pollCommand) return;
    if (this.inFlightSince !== null) {
      if (now - this.inFlightSince < REPLY_TIMEOUT_MS) return;
      // Timed out: drop any half reply so it cannot glue onto the next one.
      this.parser = protocol.parser();
      port.flush(() => undefined);
    }
    this.inFlightSince = now;
    port.write(protocol.pollCommand, () => undefined);
  }

  private onData(port: SerialPort, bytes: Buffer): void {
    if (port !== this.port || !this.parser) return;
    for (const reading of this.parser.push(bytes)) this.onReading(reading);
  }

  private onReading(reading: ScaleReading): void {
    const now = this.clock.now();
    this.lastFrameAt = now;
    this.inFlightSince = null;
    if (reading.kind !== 'weight') {
      this.run = null;
      this.setStatus(problemStatus(reading));
      return;
    }
    const { grams } = reading;
    const { stableToleranceG, stableWindowMs, zeroBandG, minCaptureG } = this.opts;
    if (!reading.stable) this.run = null;
    else if (!this.run || Math.abs(grams - this.run.anchor) > stableToleranceG) this.run = { anchor: grams, since: now };
    // Stable = the device says so AND our own window agrees (a resting hand can fool the flag).
    const stable = reading.stable && this.run !== null && now - this.run.since >= stableWindowMs;
    if (Math.abs(grams) <= zeroBandG) this.needsZero = false;
    let message: string | null = null;
    if (!stable) message = scaleMessages.motion;
    else if (grams < -zeroBandG) message = scaleMessages.belowZero;
    this.setStatus({ status: stable ? 'ok' : 'motion', grams, stable, message });
    if (stable && this.armed && !this.needsZero && grams >= minCaptureG) {
      this.armed = false;
      this.needsZero = true;
      this.emit('captured', grams);
    }
  }

  private setStatus(next: ScaleEvent): void {
    const s = this.status;
    if (s.status === next.status && s.grams === next.grams && s.stable === next.stable && s.message === next.message) return;
    this.status = next;
    this.emit('reading', { ...next });
  }
}

function problemStatus(reading: Exclude<ScaleReading, { kind: 'weight' }>): ScaleEvent {
  const base = { grams: null, stable: false } as const;
  switch (reading.kind) {
    case 'overload':
      return { ...base, status: 'overload', message: scaleMessages.overload };
    case 'underload':
      return { ...base, status: 'underload', message: scaleMessages.underload };
    case 'error': {
      const byCode: Record<string, string> = {
        busy: scaleMessages.busy,
        unit: scaleMessages.unit,
        transmission: scaleMessages.communication,
      };
      return { ...base, status: 'error', message: byCode[reading.code] ?? scaleMessages.other };
    }
  }
}

// Owns the scale's serial port: polls, decides stability, auto-captures once per parcel, reconnects.
import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import type { ScaleEvent } from '../../../../shared/api';
import { systemClock, type Clock } from '../../clock';
import { CaptureGate, scaleMessages } from './capture-gate';
import type { Protocol, ScaleParser, ScaleReading } from './types';

/** How long a stop waits for a streaming scale to take its end-of-stream command. */
const END_STREAM_WAIT_MS = 500;

export { scaleMessages };

export interface ScaleServiceOptions {
  path: string;
  /** Serial settings; default the protocol's usual ones (ref devices.md §1), else 9600 8N1. */
  baudRate?: number;
  dataBits?: 7 | 8;
  parity?: 'none' | 'even';
  protocol: Protocol;
  /** Timestamps samples for the stability window; timers themselves are real. */
  clock?: Clock;
  /**
   * Where the protocol has a stable flag: frames after the first one flagged stable that must agree
   * (flagged stable, within stableToleranceG) before the weight counts. Default 1.
   */
  confirmFrames?: number;
  /**
   * An optional hold on top of the flag and its confirming frames (ref §2: 300–500 ms filters a
   * resting hand). Default 0: the scale's own criterion decides, as issue 14 asks.
   */
  stableWindowMs?: number;
  /**
   * Ask a scale that can stream (MT-SICS `SIR`) to stream instead of polling it; a scale that does
   * not stream (no frames, or a syntax error) is polled. Default true.
   */
  stream?: boolean;
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
  /** How many of the scale's latest raw reads are kept for the support bundle. Default 200. */
  rawReadsKept?: number;
}

type Settings = Required<Omit<ScaleServiceOptions, 'clock' | 'awaitingZeroAfterG'>>;

/** Bytes as the scale sent them, one read of the port; `at` is the clock's time it arrived. */
export interface RawScaleRead {
  at: number;
  /** At most RAW_READ_MAX_BYTES of the read. */
  bytes: Buffer;
  /** How long the read was (more than `bytes` when it was cut). */
  length: number;
}

/** A read longer than this keeps only its start: memory stays bounded (200 reads, 50 KB at most). */
const RAW_READ_MAX_BYTES = 256;

export interface ScaleServiceEvents {
  /** The status changed (ScaleEvent shape, never 'absent'). */
  reading: [ScaleEvent];
  /** An armed, stable weight above minCaptureG, in grams; once per arm and per parcel. */
  captured: [number];
  /** After a capture, the scale went back to zero (or, without zero, saw a new parcel): capture is possible again. */
  rearmed: [];
  /** arm() was called: a weight is awaited (what comes with it may be made ready meanwhile). */
  armed: [];
}

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
  private readonly gate: CaptureGate;
  /**
   * Continuous output on this connection: 'asked' once the stream command went out, 'on' once a frame
   * came back, 'off' when the scale does not stream (then it is polled).
   */
  private streamState: 'asked' | 'on' | 'off' = 'off';
  private streamAskedAt = 0;
  /**
   * The stream request met silence (the scale may have been off when the port opened): the first
   * answer to a poll asks once more on this connection, so a scale switched on later still streams.
   */
  private streamRetry: 'unused' | 'pending' | 'used' = 'unused';
  private status: ScaleEvent = { status: 'disconnected', grams: null, stable: false, message: scaleMessages.connecting };
  /** The latest raw reads, a ring: once full, `rawNext` is the oldest, overwritten next. */
  private readonly raw: RawScaleRead[] = [];
  private rawNext = 0;

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
      confirmFrames: options.confirmFrames ?? 1,
      stableWindowMs: options.stableWindowMs ?? 0,
      stream: options.stream ?? true,
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
      rawReadsKept: Math.max(1, options.rawReadsKept ?? 200),
    };
    const o = this.opts;
    this.gate = new CaptureGate(
      {
        confirmFrames: o.confirmFrames,
        holdMs: o.stableWindowMs,
        flaglessWindowMs: o.flaglessWindowMs,
        stableToleranceG: o.stableToleranceG,
        minCaptureG: o.minCaptureG,
        zeroBandG: o.zeroBandG,
        rearmChangeG: o.rearmChangeG,
        rearmAfterMs: o.rearmAfterMs,
        reportsZero: protocol.reportsZero !== false,
        settledFramesOnly: protocol.settledFramesOnly === true,
      },
      awaitingZeroAfterG === null ? undefined : { grams: awaitingZeroAfterG, at: clock.now() },
    );
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
    // A streaming scale would go on sending to whoever opens the port next: end the stream first.
    const end = this.opts.protocol.endStreamCommand;
    if (port?.isOpen && this.streamState !== 'off' && end) {
      this.streamState = 'off';
      // Bounded: a scale unplugged or hung may never take the bytes (a drain on a pty nobody reads
      // can wait for ever), and a stop must not wait on it: the port is closed either way.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => port.write(end, () => port.drain(() => resolve()))),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, END_STREAM_WAIT_MS))),
      ]);
      clearTimeout(timer);
    }
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

  /** The scale's latest raw reads, oldest first (for the support bundle: what a misbehaving scale said). */
  recentRaw(): RawScaleRead[] {
    return [...this.raw.slice(this.rawNext), ...this.raw.slice(0, this.rawNext)];
  }

  private keepRaw(bytes: Buffer): void {
    // A copy: a slice would keep the whole of a large read alive.
    const read = { at: this.clock.now(), bytes: Buffer.from(bytes.subarray(0, RAW_READ_MAX_BYTES)), length: bytes.length };
    if (this.raw.length < this.opts.rawReadsKept) {
      this.raw.push(read);
      this.rawNext = this.raw.length % this.opts.rawReadsKept;
      return;
    }
    this.raw[this.rawNext] = read;
    this.rawNext = (this.rawNext + 1) % this.opts.rawReadsKept;
  }

  /** The next stable weight ≥ minCaptureG emits `captured`, once (and only after a return to zero). */
  arm(): void {
    this.gate.arm();
    this.emit('armed');
  }

  disarm(): void {
    this.gate.disarm();
  }

  get isArmed(): boolean {
    return this.gate.isArmed;
  }

  /** True while the scale streams on this connection (MT-SICS `SIR`, or a continuous protocol). */
  get streaming(): boolean {
    return this.streamState === 'on' || (this.port !== null && !this.opts.protocol.pollCommand);
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
    // Any command ends an MT-SICS repeat: ask for the stream again after it.
    if (this.streamState !== 'off') this.askStream(port);
    return true;
  }

  private askStream(port: SerialPort): void {
    const command = this.opts.protocol.streamCommand;
    if (!command) return;
    this.streamState = 'asked';
    this.streamAskedAt = this.clock.now();
    port.write(command, () => undefined);
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
      this.streamState = 'off';
      this.streamRetry = 'unused';
      if (this.opts.stream && this.opts.protocol.streamCommand) this.askStream(port);
      this.pollTimer = setInterval(() => this.tick(port), this.opts.pollIntervalMs);
      this.tick(port);
    });
  }

  private onLost(port: SerialPort): void {
    if (port !== this.port) return;
    this.port = null;
    this.parser = null;
    this.gate.interrupt();
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
      this.gate.interrupt(); // stale data is never stable
      const message = garbled ? scaleMessages.misframed : scaleMessages.silent;
      this.setStatus({ status: 'error', grams: null, stable: false, message });
    }
    if (this.streamState === 'asked' && now - this.streamAskedAt >= REPLY_TIMEOUT_MS) {
      // No stream came: this scale (or its settings) does not stream, or it is off. Poll it.
      this.streamState = 'off';
      if (this.streamRetry === 'unused' && this.lastFrameAt <= this.streamAskedAt) this.streamRetry = 'pending';
      this.inFlightSince = null;
    } else if (this.streamState === 'on' && stale) {
      // A stream that stopped (the scale restarted, or a command ended it): ask again, then fall back.
      this.askStream(port);
    }
    if (this.streamState !== 'off' || !protocol.pollCommand) return;
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
    if (port !== this.port) return;
    this.keepRaw(bytes);
    if (!this.parser) return;
    const readings = this.parser.push(bytes).filter((r) => r.kind !== 'malformed');
    if (readings.length === 0) return this.onJunk(bytes.length);
    this.junkReads = 0;
    this.junkBytes = 0;
    this.misframed = false;
    let confirming = false;
    for (const reading of readings) confirming = this.onReading(reading);
    if (this.streamRetry === 'pending' && this.streamState === 'off' && port.isOpen) {
      // The scale that was silent to the stream request answers now: ask once more.
      this.streamRetry = 'used';
      this.askStream(port);
      return;
    }
    // Polled: a weight the scale just flagged stable is confirmed by asking again now, not a period later.
    const { pollCommand } = this.opts.protocol;
    if (confirming && this.streamState === 'off' && pollCommand && port.isOpen) {
      this.inFlightSince = this.clock.now();
      port.write(pollCommand, () => undefined);
    }
  }

  /** Bytes that made no frame. A few are line noise; a steady run is a wrong baud rate or parity. */
  private onJunk(length: number): void {
    this.junkReads += 1;
    this.junkBytes += length;
    this.inFlightSince = null; // an answer came, even if unreadable: keep asking

    if (this.junkReads < this.opts.misframeReads || this.junkBytes < this.opts.misframeBytes) return;
    this.misframed = true;
    this.gate.interrupt();
    this.setStatus({ status: 'error', grams: null, stable: false, message: scaleMessages.misframed });
  }

  /** One decoded reading; true when the gate wants the next frame now to confirm a stable weight. */
  private onReading(reading: ScaleReading): boolean {
    const now = this.clock.now();
    const silentFor = now - this.lastFrameAt;
    this.lastFrameAt = now;
    this.inFlightSince = null;
    if (reading.kind === 'malformed') return false;
    if (this.streamState === 'asked') {
      // An MT-SICS balance without SIR answers "ES": poll it instead, without showing an error.
      if (reading.kind === 'error' && reading.code === 'syntax') {
        this.streamState = 'off';
        return false;
      }
      this.streamState = 'on';
    }
    const step = this.gate.reading(reading, now, silentFor);
    if (step.rearmed) this.emit('rearmed');
    this.setStatus(step.status);
    if (step.captured !== null) this.emit('captured', step.captured);
    return step.confirming;
  }

  private setStatus(next: ScaleEvent): void {
    const s = this.status;
    if (s.status === next.status && s.grams === next.grams && s.stable === next.stable && s.message === next.message) return;
    this.status = next;
    this.emit('reading', { ...next });
  }
}

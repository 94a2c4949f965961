// A fake serial scale behind a socat pty pair, for every protocol the core reads: the app opens appPath,
// the simulator answers (or streams) on the other end. Scriptable: weight and motion, overload, noise,
// mis-framed bytes as a wrong baud rate produces them, unplug (kill socat) and replug (restart it).
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import type { ScaleProtocolName } from '../core/devices/scale/protocols';
import { seededRandom } from './seeded-random';

export type SimUnit = 'kg' | 'g' | 'lb';

export interface ScaleSimulatorOptions {
  /** Folder for the two pty links; a fresh temp folder (removed on close) when omitted. */
  dir?: string;
  /** Which scale to be. Default MT-SICS. */
  protocol?: ScaleProtocolName;
  /** Above this load the scale reports overload. */
  capacityG?: number;
  /** Display unit. Default kg. */
  unit?: SimUnit;
  /** Period of continuous protocols (CAS, ASCII line, SMA repeat mode). Default 100 ms. */
  frameIntervalMs?: number;
  /** Send every frame garbled as a receiver at the wrong baud rate sees it. */
  misframe?: boolean;
  /** Probability (0–1) of a burst of line noise before a frame. */
  noise?: number;
  /** Seed for noise and garbling, so a run can be repeated. */
  seed?: number;
  /**
   * MT-SICS only: whether the balance knows `SIR` (repeat weight). Default true; an older balance
   * answers `ES` (syntax error) and is polled instead.
   */
  sir?: boolean;
  /** MT-SICS `SIR` period. Default frameIntervalMs. */
  sirIntervalMs?: number;
  /** Start switched off (see setOff). */
  off?: boolean;
}

export interface ScaleSimulator {
  /** The pty the app opens. */
  appPath: string;
  readonly protocol: ScaleProtocolName;
  /**
   * Load on the platform in grams; the scale reports motion for motionMs after the change. While in
   * motion the figure swings around the load, unless steady: then it holds still and only the scale's
   * motion flag says it is moving (a platform still settling below one display division).
   */
  setWeight(grams: number, opts?: { motionMs?: number; steady?: boolean }): void;
  setMisframe(on: boolean): void;
  /** Switched off (true): the port stays, the scale neither answers nor streams. */
  setOff(off: boolean): void;
  setNoise(probability: number): void;
  /** Sends these bytes as they are, once (a scale saying something no protocol expects). */
  sendRaw(bytes: Buffer): void;
  /** Weight or status frames sent so far (answers to polls, or streamed frames). */
  frames(): number;
  /** Resolves once frames() reaches count; rejects after timeoutMs. */
  waitForFrames(count: number, timeoutMs?: number): Promise<void>;
  /** Called with each weight or status frame as it is written, and when (performance.now()); returns an unsubscribe. */
  onFrame(listener: (sample: SimSample, at: number) => void): () => void;
  /** True while the scale streams (CAS, ASCII, SMA repeat, MT-SICS `SIR`). */
  streaming(): boolean;
  /** Same as frames(): kept for callers written against the MT-SICS simulator. */
  polls(): number;
  waitForPolls(count: number, timeoutMs?: number): Promise<void>;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  close(): Promise<void>;
}

/** What the scale shows at one moment. */
export interface SimSample {
  grams: number;
  motion?: boolean;
  overload?: boolean;
  underload?: boolean;
  unit?: SimUnit;
}

const LINK_TIMEOUT_MS = 5000;
// A parcel being put down swings around the target; the motion flag is what matters.
const WOBBLE_G = [0, 9, -6, 4, -3];
const GRAMS_PER: Record<SimUnit, number> = { kg: 1000, g: 1, lb: 453.59237 };

const signed = (value: number, width: number, decimals: number, pad: string) =>
  value < 0 ? `-${Math.abs(value).toFixed(decimals).padStart(width - 1, pad)}` : value.toFixed(decimals).padStart(width, pad);

/** The bytes a scale of this protocol sends for a sample (device side of ref devices.md §1). */
export function encodeFrame(protocol: ScaleProtocolName, sample: SimSample): Buffer {
  const unit = sample.unit ?? 'kg';
  const value = sample.grams / GRAMS_PER[unit];
  const decimals = unit === 'g' ? 1 : 3;
  const { motion = false, overload = false, underload = false } = sample;
  const text = (() => {
    switch (protocol) {
      case 'sics':
        if (overload) return 'S +\r\n';
        if (underload) return 'S -\r\n';
        return `S ${motion ? 'D' : 'S'} ${signed(value, 10, decimals, ' ')} ${unit}\r\n`;
      case 'toledo-8217':
        if (overload) return '\x02?B\r';
        if (underload || value < 0) return '\x02?D\r';
        if (motion) return '\x02?A\r';
        return `\x02${value.toFixed(decimals).padStart(6, '0')}\r`;
      case 'nci': {
        if (overload) return `\n${'^'.repeat(7)}${unit}\r\n02\r\x03`;
        if (underload) return `\n${'_'.repeat(7)}${unit}\r\n01\r\x03`;
        const status = `${motion ? '1' : Math.abs(value) < 1e-9 ? '2' : '0'}0`;
        return `\n${signed(value, 7, decimals, '0')}${unit}\r\n${status}\r\x03`;
      }
      case 'sma': {
        const s = overload ? 'O' : underload ? 'U' : Math.abs(value) < 1e-9 ? 'Z' : ' ';
        return `\n${s}1G${motion ? 'M' : ' '} ${signed(value, 10, decimals, ' ')}${unit.padEnd(3)}\r`;
      }
      case 'cas': {
        const state = overload ? 'OL' : motion ? 'US' : 'ST';
        const lamp = String.fromCharCode(0x80 | (motion ? 0 : 0x40) | 0x04 | (Math.abs(value) < 1e-9 ? 0x01 : 0));
        return `${state},GS,1${lamp},${signed(value, 8, decimals, '0')} ${unit.padStart(2)}\r\n`;
      }
      case 'adam':
        // AZExtra style: the sign right against the digits (`  -1.234kg`), as the driver reads it.
        return `${value.toFixed(decimals).padStart(8, ' ')}${unit}\r\n`;
      case 'ascii': {
        const state = overload ? 'OL' : motion ? 'US' : 'ST';
        return `${state},GS,${value < 0 ? '-' : '+'}${Math.abs(value).toFixed(decimals).padStart(8, '0')}${unit}\r\n`;
      }
    }
  })();
  return Buffer.from(text, 'latin1');
}

// Frame markers (STX, ETX, LF, CR) never appear in noise, so noise cannot end or start a frame by itself.
const MARKERS = new Set([0x02, 0x03, 0x0a, 0x0d]);

/** A burst of line noise: control and high bytes, the kind a glitch or a ground loop produces. */
export function noiseBurst(rand: () => number, length = 1 + Math.floor(rand() * 8)): Buffer {
  const out: number[] = [];
  while (out.length < length) {
    const b = rand() < 0.7 ? 0x80 + Math.floor(rand() * 0x80) : Math.floor(rand() * 0x20);
    if (!MARKERS.has(b)) out.push(b);
  }
  return Buffer.from(out);
}

/**
 * What a receiver set to the wrong baud rate sees: bits sampled at the wrong moments come out as other
 * bytes, mostly with the high bit set (the stop bit read as data), and some bytes are lost to framing errors.
 */
export function misframeBytes(bytes: Buffer, rand: () => number): Buffer {
  const out: number[] = [];
  for (const b of bytes) {
    if (rand() < 0.3) continue;
    out.push(0x80 | ((b * 0x9d) ^ Math.floor(rand() * 0x100)));
  }
  if (out.length === 0) out.push(0xff);
  return Buffer.from(out.map((b) => b & 0xff));
}

export async function startScaleSimulator(options: ScaleSimulatorOptions = {}): Promise<ScaleSimulator> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'packbench-scale-'));
  const protocol = options.protocol ?? 'sics';
  const capacityG = options.capacityG ?? 30_000;
  const unit = options.unit ?? 'kg';
  const frameIntervalMs = options.frameIntervalMs ?? 100;
  const rand = seededRandom(options.seed ?? 1);
  const appPath = join(dir, 'scale-app');
  const devPath = join(dir, 'scale-dev');

  let socat: ChildProcess | null = null;
  let port: SerialPort | null = null;
  let streamTimer: NodeJS.Timeout | null = null;
  let pending = '';
  let load = 0;
  let zeroOffset = 0;
  let tare = 0;
  let motionUntil = 0;
  let wobble = 0;
  let steadyMotion = false;
  let sent = 0;
  let misframe = options.misframe ?? false;
  let noise = options.noise ?? 0;
  let off = options.off ?? false;
  const sirKnown = options.sir ?? true;
  /** Adam answers only a new weighing: set by every change of load, cleared when it answers. */
  let adamFresh = false;
  const bus = new EventEmitter();

  const display = () => load - zeroOffset - tare;
  const inMotion = () => Date.now() < motionUntil;

  function write(bytes: Buffer): void {
    const device = port;
    if (!device) return;
    const framed = misframe ? misframeBytes(bytes, rand) : bytes;
    const noisy = noise > 0 && rand() < noise ? Buffer.concat([noiseBurst(rand), framed]) : framed;
    device.write(noisy, () => undefined);
  }

  function sample(): SimSample {
    const moving = inMotion();
    const wobbleG = moving && !steadyMotion ? (WOBBLE_G[wobble++ % WOBBLE_G.length] ?? 0) : 0;
    return { grams: display() + wobbleG, motion: moving, overload: load > capacityG, unit };
  }

  /** Sends the current weight frame and counts it. */
  function sendFrame(): void {
    sent += 1;
    const now = sample();
    write(encodeFrame(protocol, now));
    bus.emit('frame', now, performance.now());
  }

  function reply(text: string): void {
    write(Buffer.from(text, 'latin1'));
  }

  function zero(): void {
    zeroOffset = load;
    tare = 0;
  }

  function handleSics(command: string): void {
    // Any command ends a repeat (SIR), as on a real balance.
    stopStream();
    switch (command) {
      case 'SIR':
        if (!sirKnown) return reply('ES\r\n');
        return startStream(options.sirIntervalMs ?? frameIntervalMs);
      case 'SI':
        return sendFrame();
      case 'S': {
        // S waits for stability; give up like a real balance would.
        const giveUpAt = Date.now() + 3000;
        const attempt = () => {
          if (!inMotion() || load > capacityG) sendFrame();
          else if (Date.now() > giveUpAt) reply('S I\r\n');
          else setTimeout(attempt, 50);
        };
        return attempt();
      }
      case 'Z':
      case 'ZI':
        if (command === 'Z' && inMotion()) return reply('Z I\r\n');
        zero();
        return reply(command === 'Z' ? 'Z A\r\n' : `ZI ${inMotion() ? 'D' : 'S'}\r\n`);
      case 'T':
      case 'TI':
        if (command === 'T' && inMotion()) return reply('T I\r\n');
        tare = load - zeroOffset;
        return reply(`${command} S ${(tare / 1000).toFixed(3).padStart(10)} kg\r\n`);
      case 'TAC':
        tare = 0;
        return reply('TAC A\r\n');
      case '@':
        return reply('I4 A "SIM0001"\r\n');
      default:
        return reply('ES\r\n');
    }
  }

  /** Commands that end in a terminator; the text before it goes to handle. */
  function lines(end: string, handle: (command: string) => void): void {
    let at: number;
    while ((at = pending.indexOf(end)) >= 0) {
      const command = pending.slice(0, at);
      pending = pending.slice(at + end.length);
      handle(command);
    }
    if (pending.length > 256) pending = '';
  }

  function stopStream(): void {
    if (streamTimer) clearInterval(streamTimer);
    streamTimer = null;
  }

  function startStream(intervalMs = frameIntervalMs): void {
    stopStream();
    sendFrame();
    streamTimer = setInterval(sendFrame, intervalMs);
  }

  function onData(bytes: Buffer): void {
    if (off) return; // a scale that is off hears nothing
    pending += bytes.toString('latin1');
    switch (protocol) {
      case 'sics':
        return lines('\n', (c) => {
          const command = c.replace(/\r$/, '').trim();
          if (command) handleSics(command);
        });
      case 'toledo-8217': {
        // Single letters, no terminator.
        const commands = pending;
        pending = '';
        for (const c of commands) {
          if (c === 'W') sendFrame();
          else if (c === 'Z') zero();
          else if (c === 'T') tare = load - zeroOffset;
          else if (c === 'C') tare = 0;
        }
        return;
      }
      case 'nci':
        return lines('\r', (c) => {
          const command = c.replace(/\n/g, '').trim();
          if (command === 'W') sendFrame();
          else if (command === 'S') reply(`\n${inMotion() ? '1' : '0'}0\r\x03`);
          else if (command === 'Z') zero();
          else if (command === 'T') tare = load - zeroOffset;
          else reply('\n?\r\x03');
        });
      case 'sma':
        return lines('\r', (c) => {
          const lf = c.lastIndexOf('\n');
          if (lf < 0) return; // not an SMA command: no LF before it
          const command = c.slice(lf + 1);
          stopStream();
          if (command === 'W') sendFrame();
          else if (command === 'R') startStream();
          else if (command === 'Z') {
            zero();
            sendFrame();
          } else if (command === 'T') {
            tare = load - zeroOffset;
            sendFrame();
          }
          else reply('\n?\r');
        });
      case 'adam':
        return lines('\n', (c) => {
          // A CR alone also ends a command: keep the last one.
          const command = c.split('\r').map((part) => part.trim()).filter(Boolean).pop() ?? '';
          if (command === 'P') {
            // Only a new, settled, non-zero weighing gets an answer; otherwise the scale just beeps.
            if (adamFresh && !inMotion() && display() > 0) {
              adamFresh = false;
              sendFrame();
            }
          } else if (command === 'Z') zero();
          else if (command === 'T') tare = load - zeroOffset;
        });
      case 'cas':
      case 'ascii':
        pending = ''; // continuous scales ignore what they are sent
        return;
    }
  }

  async function replug(): Promise<void> {
    if (socat) return;
    const child = spawn('socat', [`pty,raw,echo=0,link=${appPath}`, `pty,raw,echo=0,link=${devPath}`], {
      stdio: 'ignore',
    });
    socat = child;
    // socat also exits by itself when the app closes its end; then the device port closes too.
    child.on('exit', () => {
      if (socat === child) socat = null;
    });
    const deadline = Date.now() + LINK_TIMEOUT_MS;
    while (!existsSync(appPath) || !existsSync(devPath)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error('socat did not create the pty links');
      await new Promise((r) => setTimeout(r, 20));
    }
    const device = new SerialPort({ path: devPath, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => device.open((err) => (err ? reject(err) : resolve())));
    pending = '';
    device.on('data', onData);
    device.on('error', () => undefined);
    device.on('close', () => {
      if (port === device) port = null;
    });
    port = device;
    if ((protocol === 'cas' || protocol === 'ascii') && !off) startStream();
  }

  async function unplug(): Promise<void> {
    stopStream();
    const device = port;
    port = null;
    if (device?.isOpen) await new Promise<void>((r) => device.close(() => r()));
    const child = socat;
    socat = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    // socat removes its links on exit; make sure, so replug never finds a dangling one.
    rmSync(appPath, { force: true });
    rmSync(devPath, { force: true });
  }

  function waitForFrames(count: number, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (sent >= count) return resolve();
      const onFrame = () => {
        if (sent < count) return;
        clearTimeout(timer);
        bus.off('frame', onFrame);
        resolve();
      };
      const timer = setTimeout(() => {
        bus.off('frame', onFrame);
        reject(new Error(`scale simulator (${protocol}): ${sent}/${count} frames after ${timeoutMs} ms`));
      }, timeoutMs);
      bus.on('frame', onFrame);
    });
  }

  await replug();

  return {
    appPath,
    protocol,
    setWeight(grams, opts = {}) {
      if (grams !== load) adamFresh = true;
      load = grams;
      motionUntil = Date.now() + (opts.motionMs ?? 0);
      steadyMotion = opts.steady ?? false;
    },
    setMisframe(on) {
      misframe = on;
    },
    setOff(value) {
      off = value;
      if (off) stopStream();
      else if (protocol === 'cas' || protocol === 'ascii') startStream();
    },
    setNoise(probability) {
      noise = probability;
    },
    sendRaw(bytes) {
      port?.write(bytes, () => undefined);
    },
    frames: () => sent,
    onFrame(listener) {
      bus.on('frame', listener);
      return () => void bus.off('frame', listener);
    },
    streaming: () => streamTimer !== null,
    waitForFrames,
    polls: () => sent,
    waitForPolls: waitForFrames,
    unplug,
    replug,
    async close() {
      await unplug();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

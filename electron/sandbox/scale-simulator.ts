// A fake MT-SICS scale behind a socat pty pair: the app opens appPath, the simulator answers on the
// other end. Unplug = kill socat (the app's port gets 'close'); replug = restart it at the same links.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';

export interface ScaleSimulatorOptions {
  /** Folder for the two pty links; a fresh temp folder (removed on close) when omitted. */
  dir?: string;
  /** Above this load the scale answers `S +` (overload). */
  capacityG?: number;
}

export interface ScaleSimulator {
  /** The pty the app opens. */
  appPath: string;
  /** Load on the platform in grams; the scale reports `S D` for motionMs after the change. */
  setWeight(grams: number, opts?: { motionMs?: number }): void;
  /** Weight requests (SI/S) answered so far. */
  polls(): number;
  /** Resolves once polls() reaches count; rejects after timeoutMs. */
  waitForPolls(count: number, timeoutMs?: number): Promise<void>;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  close(): Promise<void>;
}

const LINK_TIMEOUT_MS = 5000;
// A parcel being put down swings around the target; the D flag is what matters.
const WOBBLE_G = [0, 9, -6, 4, -3];

export async function startScaleSimulator(options: ScaleSimulatorOptions = {}): Promise<ScaleSimulator> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'packbench-scale-'));
  const capacityG = options.capacityG ?? 30_000;
  const appPath = join(dir, 'scale-app');
  const devPath = join(dir, 'scale-dev');

  let socat: ChildProcess | null = null;
  let port: SerialPort | null = null;
  let pending = '';
  let load = 0;
  let zeroOffset = 0;
  let tare = 0;
  let motionUntil = 0;
  let wobble = 0;
  let answered = 0;
  const bus = new EventEmitter();

  const display = () => load - zeroOffset - tare;
  const inMotion = () => Date.now() < motionUntil;
  const field = (grams: number) => (grams / 1000).toFixed(3).padStart(10);

  function reply(line: string): void {
    port?.write(`${line}\r\n`, 'latin1', () => undefined);
  }

  function weightReply(): string {
    answered += 1;
    bus.emit('poll');
    if (load > capacityG) return 'S +';
    if (inMotion()) return `S D ${field(display() + (WOBBLE_G[wobble++ % WOBBLE_G.length] ?? 0))} kg`;
    return `S S ${field(display())} kg`;
  }

  function handle(command: string): void {
    switch (command) {
      case 'SI':
        return reply(weightReply());
      case 'S': {
        // S waits for stability; give up like a real balance would.
        const giveUpAt = Date.now() + 3000;
        const attempt = () => {
          if (!inMotion() || load > capacityG) reply(weightReply());
          else if (Date.now() > giveUpAt) reply('S I');
          else setTimeout(attempt, 50);
        };
        return attempt();
      }
      case 'Z':
      case 'ZI':
        if (command === 'Z' && inMotion()) return reply('Z I');
        zeroOffset = load;
        tare = 0;
        return reply(command === 'Z' ? 'Z A' : `ZI ${inMotion() ? 'D' : 'S'}`);
      case 'T':
      case 'TI':
        if (command === 'T' && inMotion()) return reply('T I');
        tare = load - zeroOffset;
        return reply(`${command} S ${field(tare)} kg`);
      case 'TAC':
        tare = 0;
        return reply('TAC A');
      case '@':
        return reply('I4 A "SIM0001"');
      default:
        return reply('ES');
    }
  }

  function onData(bytes: Buffer): void {
    pending += bytes.toString('latin1');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const command = pending.slice(0, nl).replace(/\r$/, '').trim();
      pending = pending.slice(nl + 1);
      if (command) handle(command);
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
  }

  async function unplug(): Promise<void> {
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

  await replug();

  return {
    appPath,
    setWeight(grams, opts = {}) {
      load = grams;
      motionUntil = Date.now() + (opts.motionMs ?? 0);
    },
    polls: () => answered,
    waitForPolls(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        if (answered >= count) return resolve();
        const onPoll = () => {
          if (answered < count) return;
          clearTimeout(timer);
          bus.off('poll', onPoll);
          resolve();
        };
        const timer = setTimeout(() => {
          bus.off('poll', onPoll);
          reject(new Error(`scale simulator: ${answered}/${count} polls after ${timeoutMs} ms`));
        }, timeoutMs);
        bus.on('poll', onPoll);
      });
    },
    unplug,
    replug,
    async close() {
      await unplug();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

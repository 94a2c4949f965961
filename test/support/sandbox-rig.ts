// A bench against the sandbox: the sandbox Odoo over HTTP, the scale simulator on a real pty (left out
// on request), the TCP printer sink and a real station on a fresh data folder, wired to them and closed
// together. Used by the integration tests that pack through the station and the e2e trouble test.
import { randomBytes } from 'node:crypto';
import type { ScanReply, StationState } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import type { SettingsPatch } from '../../shared/settings';
import type { BenchCommand } from '../../shared/bench-commands';
import { JsonRpcTransport } from '../../electron/core/odoo/json-rpc';
import { createStation, type Station, type StationConfig } from '../../electron/core/station';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { startScaleSimulator, type ScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { tempDir } from './temp-dir';
import { waitForEvent } from './wait';

type Mode = 'training' | 'live';
type NewStaff = Parameters<Station['identities']['addStaff']>[0];

/** The packer every rig's station knows. */
export const PACKER: NewStaff = { badge: 'P-1', name: 'Pia', role: 'packer' };

/** The fake systems a sandbox station talks to; scale is null where a test feeds weights itself. */
export interface SandboxDevices<Scale extends ScaleSimulator | null = ScaleSimulator> {
  apiKey: string;
  odoo: SandboxOdoo;
  scale: Scale;
  printer: PrinterSink;
  close(): Promise<void>;
}

/** Start the sandbox Odoo (seeded), then the scale simulator (unless scale: false), then the printer sink. */
export async function startSandboxDevices(options: { seed: number; apiKey?: string; scale: false }): Promise<SandboxDevices<null>>;
export async function startSandboxDevices(options: { seed: number; apiKey?: string; scale?: true }): Promise<SandboxDevices>;
export async function startSandboxDevices(options: {
  seed: number;
  apiKey?: string;
  scale?: boolean;
}): Promise<SandboxDevices<ScaleSimulator | null>> {
  const apiKey = options.apiKey ?? randomBytes(16).toString('hex');
  const started: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(running: T): T => (started.push(running), running);
  const close = async () => {
    await Promise.all(started.map((s) => s.close()));
  };
  try {
    const odoo = track(await startSandboxOdoo({ port: 0, apiKey, seed: options.seed }));
    const scale = options.scale === false ? null : track(await startScaleSimulator({}));
    const printer = track(await startPrinterSink({ port: 0 }));
    return { apiKey, odoo, scale, printer, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Station settings a test may set: how often a faulty printer is asked again; the carriers section
 * and the carriers' keys (in memory, as the training bench gives them); the outbox's retry backoff.
 */
export type StationTuning = Pick<StationConfig, 'printerRecheckMs' | 'carrierApiKeys' | 'syncDelays' | 'orderFreshMs'> & { carriers?: SettingsPatch['carriers'] };

/** What a station is wired to: any sandbox Odoo (in this process or a child's), a scale or none, a printer sink. */
export interface StationDevices {
  apiKey: string;
  odoo: Pick<SandboxOdoo, 'url' | 'db' | 'login'>;
  scale: ScaleSimulator | null;
  printer: PrinterSink;
}

/** A station on dataDir wired to the devices (a SICS scale with a short stability window); not started. */
export function openSandboxStation(devices: StationDevices, dataDir: string, mode: Mode, tuning: StationTuning = {}): Station {
  const { odoo, scale, printer } = devices;
  const { carriers, ...config } = tuning;
  return createStation({
    ...config,
    dataDir,
    mode,
    identity: { scryptN: 1024 },
    log: () => {},
    odooApiKey: devices.apiKey,
    overrides: {
      odoo: { url: odoo.url, db: odoo.db, login: odoo.login },
      printer: { uri: printer.uri },
      ...(scale ? { scale: { path: scale.appPath, protocol: 'sics' as const } } : {}),
      ...(carriers ? { carriers } : {}),
    },
    ...(scale ? { scaleOptions: { stableWindowMs: 300, reconnectMs: 200 } } : {}),
  });
}

/** openSandboxStation, with the packer P-1 (Pia) and any other staff added, then started. */
export async function startSandboxStation(
  devices: StationDevices,
  dataDir: string,
  options: { mode: Mode; staff?: NewStaff[]; tuning?: StationTuning },
): Promise<Station> {
  const station = openSandboxStation(devices, dataDir, options.mode, options.tuning);
  for (const person of [PACKER, ...(options.staff ?? [])]) station.identities.addStaff(person);
  await station.start();
  return station;
}

/** Scan through the station's handlers as the scanner would; throws when the call itself fails. */
export async function scanOn(station: Station, code: string): Promise<ScanReply> {
  const result = await dispatch(station.handlers, 'scan', { code });
  if (!result.ok) throw new Error(`scan ${code} failed: ${result.error.message}`);
  return result.value as ScanReply;
}

/** A bench command (put aside, undo, log out…) as its on-screen button sends it; throws when the call itself fails. */
export async function commandOn(station: Station, command: BenchCommand): Promise<ScanReply> {
  const result = await dispatch(station.handlers, 'benchCommand', { command });
  if (!result.ok) throw new Error(`command ${command} failed: ${result.error.message}`);
  return result.value as ScanReply;
}

export interface SandboxRig<Scale extends ScaleSimulator | null = ScaleSimulator> extends SandboxDevices<Scale> {
  dir: ReturnType<typeof tempDir>;
  /** The running station (a new one after restart()). */
  readonly station: Station;
  /** JSON-RPC to the sandbox Odoo, to check what the station wrote there. */
  rpc: JsonRpcTransport;
  scan(code: string): Promise<ScanReply>;
  /** Press a bench command's button. */
  command(command: BenchCommand): Promise<ScanReply>;
  /** The first state at this step (current or coming). */
  untilStep(step: StationState['step'], timeoutMs?: number): Promise<StationState>;
  /** The sandbox's deliveries ready to pack, oldest first. */
  readyPickings(): Promise<{ id: number; name: string }[]>;
  /** Stop the station and start it again on the same data folder, as after a power cut or an update. */
  restart(): Promise<Station>;
  close(): Promise<void>;
}

export interface SandboxRigOptions {
  /** How many deliveries the sandbox Odoo seeds. */
  seed: number;
  /** Default training. */
  mode?: Mode;
  /** Staff added besides the packer P-1 (Pia), before the station starts. */
  staff?: NewStaff[];
  tuning?: StationTuning;
}

/** Devices, then a started station on a fresh temp folder; close() stops the station and all the rest. */
export async function startSandboxRig(options: SandboxRigOptions & { scale: false }): Promise<SandboxRig<null>>;
export async function startSandboxRig(options: SandboxRigOptions & { scale?: true }): Promise<SandboxRig>;
export async function startSandboxRig(options: SandboxRigOptions & { scale?: boolean }): Promise<SandboxRig<ScaleSimulator | null>> {
  const mode = options.mode ?? 'training';
  const dir = tempDir();
  const devices =
    options.scale === false
      ? await startSandboxDevices({ seed: options.seed, scale: false })
      : await startSandboxDevices({ seed: options.seed });
  const { odoo, apiKey } = devices;
  const rpc = new JsonRpcTransport({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey });
  let station: Station;
  try {
    station = await startSandboxStation(devices, dir.path, { mode, staff: options.staff, tuning: options.tuning });
  } catch (error) {
    await devices.close();
    dir.remove();
    throw error;
  }
  return {
    ...devices,
    dir,
    rpc,
    get station() {
      return station;
    },
    scan: (code) => scanOn(station, code),
    command: (command) => commandOn(station, command),
    untilStep: (step, timeoutMs = 15_000) => waitForEvent(station.events, 'state', (s) => s.step === step, timeoutMs, `step ${step}`),
    async readyPickings() {
      return (await rpc.executeKw('stock.picking', 'search_read', [[['state', '=', 'assigned']]], {
        fields: ['name'],
        order: 'id asc',
      })) as { id: number; name: string }[];
    },
    async restart() {
      await station.stop();
      station = openSandboxStation(devices, dir.path, mode, options.tuning);
      await station.start();
      return station;
    },
    async close() {
      await station.stop();
      await devices.close();
      dir.remove();
    },
  };
}

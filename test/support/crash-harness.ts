// The crash harness: the core runs in a child process (crash-child.ts) against the sandbox Odoo and
// the sandbox ShipEngine in a process of their own (crash-sandboxes.ts, so a kill resets nothing of
// theirs), with the pty scale and the TCP printer sink here in the parent. Orders are packed
// through the station API as a packer would; the child is killed with SIGKILL at a named crash
// point (PACKBENCH_CRASH_AT, the child kills itself there) or at a random moment (the parent kills
// it), started again on the same SQLite file, and packing goes on. At the end it drains and checks
// what a lead would: every order the packer was told was weighed is dispatched, each at most one
// label bought, one validation, one chatter message, one attachment and one package per parcel;
// PRAGMA integrity_check ok, the audit chain holds; each crash point was hit.
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { build } from 'esbuild';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { CallResult, StationState } from '../../shared/api';
import { CRASH_POINTS, type CrashPointName } from '../../electron/core/crash-points';
import { verifyAudit } from '../../electron/core/store/audit';
import { HEAD_FILE } from '../../electron/core/store/audit-head';
import { migrations } from '../../electron/core/store/migrations/index';
import { openDatabase } from '../../electron/core/store/db';
import { startPrinterSink, type PrinterSink } from '../../electron/sandbox/printer-sink';
import { startScaleSimulator, type ScaleSimulator } from '../../electron/sandbox/scale-simulator';
import type { ChildConfig } from './crash-child';
import type { SandboxesConfig, Witness } from './crash-sandboxes';
import { tempDir } from './temp-dir';
import { unitScans } from './unit-scans';

export interface CrashRunOptions {
  /** Kills in all, named and random. */
  kills: number;
  /** Share of the kills at random moments (the rest go round the named points). Default 0.25. */
  randomShare?: number;
  /** Deliveries in the sandbox Odoo; default enough for the kills. */
  pickings?: number;
  /** Seed of the run's choices (which point, when a random kill lands). */
  seed?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface CrashRunReport {
  kills: number;
  /** Kills by named point (each counted when the child logged the hit), and at random moments. */
  byPoint: Record<string, number>;
  random: number;
  /** Orders the packer was told were weighed ("… captured"). */
  acknowledged: number;
  /** Of those, dispatched in Odoo with the tracking number bought for them. */
  dispatched: number;
  /** One line per excess effect (a second label, validation, message, attachment, package). */
  duplicates: string[];
  /** Anything else a lead would call lost or wrong. */
  problems: string[];
  /**
   * Orders the bench left at "Getting the label…" after a restart although their label had printed
   * (the print confirmed, the session never moved on): the packer had to scan REPRINT to go on.
   */
  stuckAfterPrint: string[];
  integrity: string;
  auditOk: boolean;
  /** Named points never hit in this run. */
  missedPoints: string[];
  durationMs: number;
}

const CARRIERS = (url: string): NonNullable<ChildConfig['carriers']> => ({
  default: { provider: 'shipengine', service: 'sandbox_ground' },
  shipengine: { baseUrl: url, carrierId: 'se-123456' },
});

/** A tiny seeded generator (mulberry32), so a failing run can be repeated. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dead extends Error {}

/** This folder, under vitest and under plain tsx (npm run soak) alike. */
const here = dirname(fileURLToPath(import.meta.url));

export interface Sandboxes {
  process: ChildProcess;
  odoo: { url: string; db: string; login: string };
  carrierUrl: string;
  witness(): Promise<Witness>;
  close(): Promise<void>;
}

/** The sandbox Odoo and ShipEngine in a process of their own (crash-sandboxes.ts). */
export async function startSandboxes(config: SandboxesConfig): Promise<Sandboxes> {
  const child = fork(join(here, 'crash-sandboxes.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, CRASH_SANDBOXES_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let errors = '';
  child.stderr!.on('data', (c: Buffer) => (errors += c.toString('utf8')));
  const ready = await new Promise<{ odoo: Sandboxes['odoo']; carrierUrl: string }>((resolve, reject) => {
    child.once('exit', () => reject(new Error(`the sandboxes exited before they were ready:\n${errors}`)));
    child.once('message', (m: { type: string; odoo: Sandboxes['odoo']; carrierUrl: string }) => resolve(m));
  });
  return {
    process: child,
    ...ready,
    witness: () =>
      new Promise<Witness>((resolve) => {
        const on = (m: { type: string; witness: Witness }) => {
          if (m.type !== 'witness') return;
          child.off('message', on);
          resolve(m.witness);
        };
        child.on('message', on);
        child.send({ type: 'witness' });
      }),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** The core in a child process; every call and wait rejects with Dead once it is gone. */
interface Core {
  readonly pid: number;
  ready: Promise<void>;
  /** Resolves when the process has exited and everything it wrote has been read. */
  gone: Promise<NodeJS.Signals | null>;
  dead(): boolean;
  call<T = unknown>(name: string, request?: unknown): Promise<T>;
  /** The next event (or the latest one already seen) that satisfies `match`. */
  waitFor<T>(event: string, match: (payload: T) => boolean, timeoutMs: number): Promise<T | null>;
  kill(): void;
  stderr(): string;
}

/**
 * crash-child.ts bundled once per run (esbuild, packages external): a start costs about half of
 * what it does under tsx, and a run starts the core hundreds of times. Written under
 * node_modules/.cache so its packages resolve as the sources' do.
 */
async function bundleChild(runDir: string): Promise<string> {
  const outfile = join(here, '..', '..', 'node_modules', '.cache', 'packbench-crash', `${basename(runDir)}-crash-child.mjs`);
  await build({
    entryPoints: [join(here, 'crash-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __crashRequire } from 'node:module'; const require = __crashRequire(import.meta.url);" },
  });
  return outfile;
}

function spawnCore(script: string, config: ChildConfig, env: Record<string, string>, onEvent: (event: string, payload: unknown) => void): Core {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env, CRASH_CHILD_CONFIG: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr!.on('data', (c: Buffer) => (errors = (errors + c.toString('utf8')).slice(-20_000)));
  child.stdin!.on('error', () => {});
  const replies = new Map<number, (r: CallResult<unknown>) => void>();
  const waiters = new Set<(event: string, payload: unknown) => void>();
  const latest = new Map<string, unknown>();
  let isDead = false;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    if (!line.startsWith('@@ ')) return;
    const m = JSON.parse(line.slice(3)) as { type: string; id?: number; result?: CallResult<unknown>; event?: string; payload?: unknown };
    if (m.type === 'ready') markReady();
    else if (m.type === 'reply') replies.get(m.id!)?.(m.result!);
    else if (m.type === 'event') {
      latest.set(m.event!, m.payload);
      onEvent(m.event!, m.payload);
      for (const w of [...waiters]) w(m.event!, m.payload);
    }
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_c, signal) => resolve(signal)));
  const closed = new Promise<void>((resolve) => lines.once('close', () => resolve()));
  const gone = Promise.all([exited, closed]).then(([signal]) => {
    isDead = true;
    for (const w of [...waiters]) w('__dead', null);
    for (const r of [...replies.values()]) r({ ok: false, error: { code: 'dead', message: 'dead' } } as CallResult<unknown>);
    return signal;
  });
  const rejectIfDead = <T>(p: Promise<T>) => ready.then(() => p);
  let nextId = 1;
  return {
    pid: child.pid!,
    ready: Promise.race([ready, gone.then(() => Promise.reject(new Dead('exited before ready')))]),
    gone,
    dead: () => isDead,
    call<T>(name: string, request: unknown = {}) {
      if (isDead) return Promise.reject(new Dead(name));
      const id = nextId++;
      return rejectIfDead(
        new Promise<T>((resolve, reject) => {
          replies.set(id, (result) => {
            replies.delete(id);
            if (result.ok) resolve(result.value as T);
            else if (isDead) reject(new Dead(name));
            else reject(new Error(`${name}: ${result.error.message}`));
          });
          child.stdin!.write(`${JSON.stringify({ id, name, request })}\n`);
        }),
      );
    },
    waitFor<T>(event: string, match: (payload: T) => boolean, timeoutMs: number) {
      if (isDead) return Promise.reject(new Dead(event));
      return new Promise<T | null>((resolve, reject) => {
        const check = (name: string, payload: unknown) => {
          if (name === '__dead') {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Dead(event));
          } else if (name === event && match(payload as T)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(payload as T);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          resolve(null);
        }, timeoutMs);
        waiters.add(check);
        if (latest.has(event)) check(event, latest.get(event));
      });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    stderr: () => errors,
  };
}

type Plan = { kind: 'point'; point: CrashPointName; nth: number } | { kind: 'random'; afterMs: number };

/** The bench's surroundings for a run, and a packer who packs through whichever core is running. */
interface Rig {
  config: ChildConfig;
  /** The bench's SQLite file. */
  dbFile: string;
  /** Orders the packer was told were weighed ("… captured"): the core's own words on its stdout. */
  acknowledged: Set<string>;
  startCore(env?: Record<string, string>): Core;
  /** Pack as a packer would until the core dies (Dead) or `untilMs` passes. */
  drive(core: Core, untilMs: number): Promise<void>;
  /** Crash points the cores logged as hit, in order. */
  hits(): string[];
  /** See CrashRunReport.stuckAfterPrint. */
  stuckAfterPrint: string[];
  witness(): Promise<Witness>;
  close(): Promise<void>;
}

async function startRig(pickings: number): Promise<Rig> {
  const odooKey = randomBytes(16).toString('hex');
  const carrierKey = `TEST_${randomBytes(8).toString('hex')}`;
  const dir = tempDir('packbench-crash-harness-');
  const crashLog = join(dir.path, 'crash-points.log');
  const sandboxes = await startSandboxes({ odooKey, carrierKey, pickings });
  const scale: ScaleSimulator = await startScaleSimulator({});
  const printer: PrinterSink = await startPrinterSink({ port: 0 });
  const config: ChildConfig = {
    dataDir: join(dir.path, 'bench'),
    odoo: sandboxes.odoo,
    printerUri: printer.uri,
    scalePath: scale.appPath,
    carriers: CARRIERS(sandboxes.carrierUrl),
    scale: { stableWindowMs: 100, pollIntervalMs: 50 },
  };
  const childScript = await bundleChild(dir.path);
  const secrets = { PACKBENCH_SECRET_ODOO_API_KEY: odooKey, PACKBENCH_SECRET_CARRIER_SHIPENGINE_API_KEY: carrierKey };
  const acknowledged = new Set<string>();
  const onEvent = (event: string, payload: unknown) => {
    if (event !== 'state') return;
    const s = payload as StationState;
    if (s.order && (s.step === 'labelling' || s.step === 'printed' || s.step === 'done')) acknowledged.add(s.order.name);
  };
  const pickingNames = (await sandboxes.witness()).pickings.filter((p) => p.state === 'assigned').map((p) => p.name);
  let nextPicking = 0;
  let scaleLoad = 0;
  const stuckAfterPrint: string[] = [];

  /** Scan the next picking; false when there is none left. */
  async function openNext(core: Core): Promise<boolean> {
    if (nextPicking >= pickingNames.length) return false;
    const name = pickingNames[nextPicking]!;
    const reply = await core.call<{ state: StationState }>('scan', { code: name });
    // Opened, or refused on an idle bench (done elsewhere): either way the next scan is the next picking.
    if (reply.state.order?.name === name || reply.state.step === 'idle') nextPicking++;
    return true;
  }

  async function drive(core: Core, untilMs: number): Promise<void> {
    await core.ready;
    while (Date.now() < untilMs) {
      const state = await core.call<StationState>('getState');
      if (!state.packer) {
        await core.call('scan', { code: 'P-1' });
        continue;
      }
      if (state.label?.printState === 'uncertain') {
        // The packer looks at the printer: a whole label there is PRINTED, else PRINT again.
        const tracking = state.label.trackingNumber ?? '';
        const out = printer.jobs.some((j) => tracking && j.toString('utf8').includes(tracking));
        await core.call('scan', { code: out ? '*PB*PRINTED' : '*PB*PRINT' });
        continue;
      }
      switch (state.step) {
        case 'packing':
          for (const code of unitScans(state.order!.lines)) await core.call('scan', { code });
          break;
        case 'weighing': {
          // Whatever lay on the platform comes off first: the bench wants zero between parcels.
          if (scaleLoad !== 0) {
            scale.setWeight(0);
            scaleLoad = 0;
            await core.waitFor<{ status: string; grams: number | null }>('scale', (e) => e.status === 'ok' && e.grams === 0, 3000);
          }
          const grams = await core.call<number>('__expectedWeight');
          scale.setWeight(grams, { motionMs: 50 });
          scaleLoad = grams;
          await core.waitFor<StationState>('state', (s) => s.step !== 'weighing', 5000);
          break;
        }
        case 'labelling': {
          if (state.label?.printState === 'confirmed' && state.order) {
            // Printed, yet still "getting the label": the screen says PRINT was done, scan REPRINT for a copy.
            const settled = await core.waitFor<StationState>('state', (s) => s.step !== 'labelling', 3000);
            if (!settled) {
              stuckAfterPrint.push(state.order.name);
              await core.call('scan', { code: '*PB*REPRINT-LOST' });
            }
            break;
          }
          const moved = await core.waitFor<StationState>('state', (s) => s.step !== 'labelling' || s.label?.printState === 'uncertain', 6000);
          if (!moved && !(await openNext(core))) return; // parked: the next order goes on
          break;
        }
        default:
          // idle, printed, done, cancelled: the next order.
          if (!(await openNext(core))) return;
      }
    }
  }

  return {
    config,
    dbFile: join(config.dataDir, 'station.sqlite'),
    acknowledged,
    startCore: (env = {}) => spawnCore(childScript, config, { ...secrets, ...env, PACKBENCH_CRASH_LOG: crashLog }, onEvent),
    drive,
    stuckAfterPrint,
    hits: () => (existsSync(crashLog) ? readFileSync(crashLog, 'utf8').trim().split('\n').filter(Boolean) : []),
    witness: () => sandboxes.witness(),
    async close() {
      await Promise.all([sandboxes.close(), scale.close(), printer.close()]);
      rmSync(childScript, { force: true });
      dir.remove();
    },
  };
}

/** Start a core with no crash point and pack until every acknowledged order is dispatched and the outbox is empty. */
async function drain(rig: Rig, problems: string[]): Promise<void> {
  const core = rig.startCore();
  try {
    await rig.drive(core, Date.now() + 10_000);
  } catch (error) {
    if (!(error instanceof Dead)) problems.push(`drain: ${(error as Error).message}`);
  }
  const drained = await core.waitFor<{ pending: number; inFlight: number }>('queue', (q) => q.pending === 0 && q.inFlight === 0, 60_000).catch(() => null);
  if (!drained) problems.push(`the outbox did not drain within 60 s:\n${core.stderr().slice(-2000)}`);
  // Odoo's answer settles the last order just after its row is done.
  await new Promise((resolve) => setTimeout(resolve, 500));
  core.kill();
  await core.gone;
}

/** Run the harness: `kills` kills, then drain and check. Throws only on a harness failure; the findings are in the report. */
export async function runCrashHarness(options: CrashRunOptions): Promise<CrashRunReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const timing = process.env.CRASH_HARNESS_TIMING === '1';
  const random = seeded(options.seed ?? 1);
  const randomShare = options.randomShare ?? 0.25;

  // A migration crash first (only a fresh file has migrations to run), then the named points in
  // the order an order meets them (a point often comes up in the restart's recovery of the last
  // one's work, with no new order to pack), with kills at random moments in between.
  const named = CRASH_POINTS.filter((p) => p !== 'migration');
  const plans: Plan[] = [];
  for (let i = 0; i < options.kills; i++) {
    if (i === 0) plans.push({ kind: 'point', point: 'migration', nth: 1 + Math.floor(random() * migrations.length) });
    else if (random() < randomShare) plans.push({ kind: 'random', afterMs: Math.floor(random() * 2500) });
    else plans.push({ kind: 'point', point: named[i % named.length]!, nth: 1 });
  }

  const rig = await startRig(options.pickings ?? Math.max(20, Math.ceil(options.kills * 0.8) + 20));
  const byPoint: Record<string, number> = {};
  let randomKills = 0;
  const problems: string[] = [];
  try {
    for (const [i, plan] of plans.entries()) {
      const before = rig.hits().length;
      const core = rig.startCore(plan.kind === 'point' ? { PACKBENCH_CRASH_AT: `${plan.point}:${plan.nth}` } : {});
      const cycleStart = Date.now();
      if (timing) void core.ready.then(() => log(`cycle ${i} ${plan.kind === 'point' ? plan.point : 'random'}: ready in ${Date.now() - cycleStart} ms`), () => {});
      // A named point may not come up in a cycle (nothing of its kind to do): killed after a while.
      const until = Date.now() + (plan.kind === 'random' ? plan.afterMs : 20_000);
      const timer = plan.kind === 'random' ? setTimeout(() => core.kill(), plan.afterMs) : undefined;
      try {
        await rig.drive(core, until);
      } catch (error) {
        if (!(error instanceof Dead) && !core.dead()) problems.push(`cycle ${i}: ${(error as Error).message}`);
      }
      core.kill();
      clearTimeout(timer);
      const signal = await core.gone;
      if (timing) log(`cycle ${i}: gone after ${Date.now() - cycleStart} ms`);
      if (signal !== 'SIGKILL') problems.push(`cycle ${i}: the core ended with ${signal ?? 'an exit'}, not SIGKILL:\n${core.stderr().slice(-2000)}`);
      const hit = rig.hits().slice(before);
      if (hit.length > 0) for (const p of hit) byPoint[p] = (byPoint[p] ?? 0) + 1;
      else randomKills++;
      if ((i + 1) % 25 === 0) log(`${i + 1} kills, ${rig.acknowledged.size} orders acknowledged (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    await drain(rig, problems);
    const db = openDatabase(rig.dbFile);
    let integrity: string;
    let auditOk: boolean;
    try {
      integrity = String(db.pragma('integrity_check', { simple: true }));
      auditOk = verifyAudit(db).ok;
    } finally {
      db.close();
    }
    const { duplicates, dispatched } = checkEffects(rig.acknowledged, await rig.witness(), problems);
    return {
      kills: plans.length,
      byPoint,
      random: randomKills,
      acknowledged: rig.acknowledged.size,
      dispatched,
      duplicates,
      problems,
      stuckAfterPrint: rig.stuckAfterPrint,
      integrity,
      auditOk,
      missedPoints: CRASH_POINTS.filter((p) => !byPoint[p]),
      durationMs: Date.now() - started,
    };
  } finally {
    await rig.close();
  }
}

/** Per acknowledged order, what Odoo and the carrier hold: each effect once, and the order dispatched. */
function checkEffects(acknowledged: Set<string>, witness: Witness, problems: string[]): { duplicates: string[]; dispatched: number } {
  const duplicates: string[] = [];
  let dispatched = 0;
  const byName = new Map(witness.pickings.map((p) => [p.name, p]));
  for (const name of acknowledged) {
    const p = byName.get(name);
    if (!p) {
      problems.push(`${name}: acknowledged, but no such picking in Odoo`);
      continue;
    }
    const bought = witness.purchases.filter((b) => b.key?.includes(`|${p.id}|`));
    if (bought.length > 1) duplicates.push(`${name}: ${bought.length} labels bought`);
    if (p.validations > 1) duplicates.push(`${name}: validated ${p.validations} times`);
    if (p.messages > 1) duplicates.push(`${name}: ${p.messages} dispatch messages in the chatter`);
    const parcels = bought[0]?.trackingNumbers ?? [];
    if (p.attachments.length > parcels.length) duplicates.push(`${name}: ${p.attachments.length} attachments for ${parcels.length} parcels`);
    for (const t of parcels) if ((witness.packages[t] ?? 0) > 1) duplicates.push(`${name}: ${witness.packages[t]} packages named ${t}`);
    if (p.state === 'done' && bought.length === 1 && p.trackingRef === parcels[0] && p.messages === 1 && p.attachments.length === parcels.length) dispatched++;
    else problems.push(`${name}: acknowledged but not dispatched once (state ${p.state}, ${bought.length} labels, ref ${p.trackingRef}, ${p.messages} messages, ${p.attachments.length} attachments)`);
  }
  if (witness.contractFailures > 0) problems.push(`${witness.contractFailures} requests off the carrier's contract`);
  return { duplicates, dispatched };
}

export interface PowerLossOptions {
  /** Images of the disk taken. */
  copies: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface PowerLossCopy {
  /** Orders acknowledged before the image was taken. */
  acknowledged: number;
  /** Of those, missing from the reopened copy. */
  missing: string[];
  integrity: string;
  /** `audit verify` on the copy: its exit code and what it said. */
  audit: { code: number | null; output: string };
  /** The copy had a WAL with frames in it. */
  walBytes: number;
}

/**
 * Power loss: while a core packs, it is frozen (SIGSTOP) at random moments, mid-write or not, and
 * its SQLite file, WAL and audit-head.json are copied as they are, as a disk is found after a
 * power cut; it then goes on (SIGCONT). Each copy is checked by the audit CLI as a lead would
 * (`audit verify --data-dir`), then reopened: integrity_check, and every order acknowledged before
 * the copy is there. Freezing makes the copy one instant: a file-by-file copy of a running writer
 * could pair a WAL with a main file from another moment, which no disk ever holds.
 */
export async function runPowerLoss(options: PowerLossOptions): Promise<PowerLossCopy[]> {
  const log = options.log ?? (() => {});
  const random = seeded(options.seed ?? 7);
  const rig = await startRig(Math.max(20, options.copies * 2 + 10));
  const copies: PowerLossCopy[] = [];
  const images = tempDir('packbench-power-loss-');
  try {
    const core = rig.startCore();
    const packing = rig.drive(core, Date.now() + 10 * 60_000).catch((error: unknown) => {
      if (!(error instanceof Dead)) throw error;
    });
    await core.ready;
    const taken: { dir: string; acknowledged: string[] }[] = [];
    for (let i = 0; i < options.copies; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.floor(random() * 700)));
      const acknowledged = [...rig.acknowledged];
      const dir = join(images.path, `copy-${i}`);
      mkdirSync(dir);
      process.kill(core.pid, 'SIGSTOP');
      try {
        for (const name of ['station.sqlite', 'station.sqlite-wal', HEAD_FILE]) {
          const from = join(rig.config.dataDir, name);
          if (existsSync(from)) copyFileSync(from, join(dir, name));
        }
      } finally {
        process.kill(core.pid, 'SIGCONT');
      }
      taken.push({ dir, acknowledged });
    }
    core.kill();
    await core.gone;
    await packing;
    for (const { dir, acknowledged } of taken) {
      const wal = join(dir, 'station.sqlite-wal');
      const walBytes = existsSync(wal) ? statSync(wal).size : 0;
      // Reopened as the bench would after the power came back (the WAL is replayed), then checked as a lead would.
      const db = openDatabase(join(dir, 'station.sqlite'));
      let integrity: string;
      let names: Set<string>;
      try {
        integrity = String(db.pragma('integrity_check', { simple: true }));
        names = new Set(db.prepare('SELECT o.name FROM shipments s JOIN pack_sessions p ON p.id = s.session_id JOIN orders o ON o.id = p.order_id').pluck().all() as string[]);
      } finally {
        db.close();
      }
      const audit = spawnSync(process.execPath, ['--import', 'tsx', join(here, '..', '..', 'electron', 'core', 'entry', 'audit-cli.ts'), 'verify', '--data-dir', dir], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      copies.push({
        acknowledged: acknowledged.length,
        missing: acknowledged.filter((n) => !names.has(n)),
        integrity,
        audit: { code: audit.status, output: `${audit.stdout}${audit.stderr}`.trim() },
        walBytes,
      });
      log(`copy ${copies.length}: ${acknowledged.length} acknowledged, WAL ${walBytes} bytes, ${copies.at(-1)!.audit.output}`);
    }
    return copies;
  } finally {
    images.remove();
    await rig.close();
  }
}

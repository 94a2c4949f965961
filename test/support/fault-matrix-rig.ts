// The fault matrix's bench (test/integration/fault-matrix/*): the sandbox rig (sandbox Odoo over HTTP,
// TCP printer sink, the scale simulator on a socat pty or none) with a shift lead, a short outbox
// backoff, a printer asked again every 100 ms, optionally a carrier sandbox as the default provider;
// and what each cell reads to say where a fault landed: the outbox rows, the open exceptions, the
// print journal, the sandbox's RPC log and the carrier's purchases.
import type { Connectivity, ExceptionView, StationState } from '../../shared/api';
import { orderSyncView } from '../../renderer/src/station/order-sync';
import { dispatch } from '../../shared/bridge';
import type { SettingsPatch } from '../../shared/settings';
import type { CarrierKnobs, CarrierServer, Purchase } from '../../electron/sandbox/carriers/http';
import { startSandboxShipEngine } from '../../electron/sandbox/carriers/shipengine';
import type { ScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { leadPin } from './approval';
import { expectedParcelWeight } from './expected-weight';
import { startSandboxRig, type SandboxRig, type StationTuning } from './sandbox-rig';
import { withStationDb } from './station-db';
import { unitScans } from './unit-scans';
import { waitForEvent } from './wait';

export const LEAD = { badge: 'L-1', name: 'Lena', role: 'lead' as const, pin: '482913' };
export const CARRIER_KEY = 'TEST_fault_matrix_key';
/** The outbox's backoff on the matrix bench: short, so a cell sees a retry and its recovery quickly. */
export const SYNC_DELAYS = { baseMs: 300, maxMs: 1500 };

export type Carrier = CarrierServer & { purchases: Purchase[] };

export interface FaultBench<Scale extends ScaleSimulator | null = ScaleSimulator | null> {
  rig: SandboxRig<Scale>;
  /** ShipEngine's sandbox when the bench buys its labels there, else null (the local carrier). */
  carrier: Carrier | null;
  close(): Promise<void>;
}

export interface FaultBenchOptions {
  seed?: number;
  /** Default false: weights are given as the scale's capture would give them (station.pack.weighed). */
  scale?: boolean;
  /** Buy labels from the ShipEngine sandbox with these knobs (default: the local carrier). */
  shipengine?: CarrierKnobs;
  tuning?: StationTuning;
}

/** Start the bench, wait for its first order sync, badge the packer in. */
export async function startFaultBench(options: FaultBenchOptions & { scale: true }): Promise<FaultBench<ScaleSimulator>>;
export async function startFaultBench(options?: FaultBenchOptions & { scale?: false }): Promise<FaultBench<null>>;
export async function startFaultBench(options: FaultBenchOptions = {}): Promise<FaultBench> {
  const carrier = options.shipengine ? await startSandboxShipEngine({ apiKey: CARRIER_KEY, knobs: options.shipengine }) : null;
  const carriers: SettingsPatch['carriers'] | undefined = carrier
    ? { default: { provider: 'shipengine', service: 'sandbox_ground' }, shipengine: { baseUrl: carrier.url, carrierId: 'se-123456' } }
    : undefined;
  const tuning: StationTuning = {
    syncDelays: SYNC_DELAYS,
    printerRecheckMs: 100,
    ...(carrier ? { carrierApiKeys: { shipengine: CARRIER_KEY }, carriers } : {}),
    ...options.tuning,
  };
  const common = { seed: options.seed ?? 6, mode: carrier ? ('live' as const) : ('training' as const), staff: [LEAD], tuning };
  let rig: SandboxRig<ScaleSimulator | null>;
  try {
    rig = options.scale ? await startSandboxRig({ ...common, scale: true }) : await startSandboxRig({ ...common, scale: false });
  } catch (error) {
    await carrier?.close();
    throw error;
  }
  const close = async () => {
    await rig.close();
    await carrier?.close();
  };
  try {
    await waitForEvent(rig.station.events, 'state', (s) => s.odooLink === 'online' && s.cacheAge !== null, 30_000, 'the first order sync');
    await rig.scan('P-1');
  } catch (error) {
    await close();
    throw error;
  }
  return { rig, carrier, close };
}

/**
 * Open `name` and pack every unit; then, unless `weigh` is false, the parcel gets its weight (the
 * pty scale's when the bench has one, else as its capture would hand it over).
 */
export async function packOrder(bench: FaultBench, name: string, weigh = true): Promise<void> {
  const { rig } = bench;
  const opened = await rig.scan(name);
  if (opened.state.order?.name !== name) throw new Error(`${name} did not open: ${opened.message.text}`);
  for (const code of unitScans(opened.state.order.lines)) await rig.scan(code);
  await rig.untilStep('weighing');
  if (bench.carrier) await rig.scan('PT-BOX-S'); // a box every provider knows the size of
  if (weigh) putOnScale(bench);
}

/** The open parcel gets its weight: on the pty scale when the bench has one, else as its capture hands it over. */
export function putOnScale(bench: FaultBench): void {
  const { rig } = bench;
  const grams = expectedParcelWeight(rig.station) + 10;
  if (rig.scale) rig.scale.setWeight(grams, { motionMs: 200 });
  else rig.station.pack.weighed(grams);
}

/**
 * The top bar as the packer reads it (renderer/App.tsx): the order-sync line, and a chip per
 * target in trouble other than Odoo retrying (which the order-sync line says).
 */
export function topBar(bench: FaultBench): { orderSync: string | null; chips: string[]; odoo: Connectivity['targets'][number] | null } {
  const last = new Map(bench.rig.station.events.snapshot());
  const state = last.get('state') as StationState;
  const connectivity = (last.get('connectivity') as Connectivity | undefined) ?? null;
  const now = Date.now();
  const sync = orderSyncView(state.odooLink, state.cacheAge === null ? null : now - state.cacheAge, now, connectivity);
  const chips = (connectivity?.targets ?? [])
    .filter((t) => t.status !== 'ok' && !(state.odooLink !== 'none' && t.target === 'odoo' && t.status === 'retrying'))
    .map((t) => `${t.label ?? t.target}: ${t.status === 'stopped' ? 'stopped' : 'offline, retrying'}`);
  return { orderSync: sync?.text ?? null, chips, odoo: connectivity?.targets.find((t) => t.target === 'odoo') ?? null };
}

/** The first state (current or coming) that matches. */
export const stateWhere = (bench: FaultBench, match: (s: StationState) => boolean, what: string, timeoutMs = 20_000) =>
  waitForEvent(bench.rig.station.events, 'state', match, timeoutMs, what);

/** The first state whose message line reads exactly `text`. */
export const told = (bench: FaultBench, text: string, timeoutMs = 20_000) =>
  stateWhere(bench, (s) => s.message?.text === text, `the message "${text}"`, timeoutMs);

export interface OutboxView {
  id: number;
  kind: string;
  state: string;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
}

/** The outbox rows for one target, oldest first. */
export function outboxOf(bench: FaultBench, target: string): OutboxView[] {
  return withStationDb(bench.rig.station, (db) =>
    db
      .prepare(`SELECT id, kind, state, attempts, next_attempt_at AS nextAttemptAt, last_error AS lastError FROM outbox WHERE target = ? ORDER BY id`)
      .all(target),
  ) as OutboxView[];
}

/** Poll (the outbox has no event of its own per row) until `check` holds. */
export async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !check(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const openExceptions = (bench: FaultBench): ExceptionView[] => bench.rig.station.exceptions.list('open');

/** The lead resolves an exception from the console with a PIN. */
export async function leadResolves(bench: FaultBench, id: number, resolution: string, note?: string): Promise<void> {
  const result = await dispatch(bench.rig.station.handlers, 'resolveException', {
    id,
    resolution,
    approval: leadPin(LEAD.pin),
    ...(note ? { note } : {}),
  });
  if (!result.ok) throw new Error(`resolve ${resolution}: ${result.error.message}`);
}

/** Calls of `method` the sandbox Odoo served without an error (e.g. button_validate: validations). */
export function odooWrites(bench: FaultBench, method: string): number {
  return bench.rig.odoo.rpcLog.filter((e) => e.method === method && e.error === undefined).length;
}

/** The picking as Odoo has it now. */
export function pickingInOdoo(bench: FaultBench, id: number): { state: unknown; carrier_tracking_ref: unknown } {
  const p = bench.rig.odoo.state.get('stock.picking', id)!;
  return { state: p.state, carrier_tracking_ref: p.carrier_tracking_ref };
}

/** Messages posted on one picking's chatter and attachments on it, in Odoo. */
export function chatterOf(bench: FaultBench, id: number): { messages: number; attachments: number } {
  const { state } = bench.rig.odoo;
  return {
    messages: state.all('mail.message').filter((m) => m.model === 'stock.picking' && m.res_id === id).length,
    attachments: state.all('ir.attachment').filter((a) => a.res_model === 'stock.picking' && a.res_id === id).length,
  };
}

/** The print journal's rows, oldest first. */
export function printJobs(bench: FaultBench): { id: number; state: string }[] {
  return withStationDb(bench.rig.station, (db) => db.prepare(`SELECT id, state FROM print_jobs ORDER BY id`).all()) as { id: number; state: string }[];
}

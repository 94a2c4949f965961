// From command-line flags to a running station: the live bench when an Odoo is configured,
// otherwise the sandbox (its own data folder, sandbox Odoo, simulated scale, printer sink).
// Shared by browser mode (cli.ts) and the Electron utility process (utility.ts).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { StationFault } from '../../../shared/errors';
import { BaudRate, defaultSettings, type SettingsPatch } from '../../../shared/settings';
import type { PrinterSink, SandboxOdoo, SandboxShipEngine, SandboxShippo, ScaleSimulator } from '../../sandbox/index';
import { defaultDataDir } from '../paths';
import { createStation, type Station, type StationConfig } from '../station';
import { openDatabase, type Db } from '../store/db';
import { SettingsStore } from '../store/settings-store';
import { systemClock } from '../clock';
import { loadSandbox } from './sandbox-loader';

export const flagOptions = {
  browser: { type: 'boolean', default: false },
  sandbox: { type: 'boolean', default: false },
  port: { type: 'string', default: '4280' },
  'data-dir': { type: 'string' },
  printer: { type: 'string' },
  scale: { type: 'string' },
  'scale-protocol': { type: 'string' },
  'scale-baud': { type: 'string' },
  'odoo-url': { type: 'string' },
  'odoo-db': { type: 'string' },
  'odoo-login': { type: 'string' },
} as const;

export const Flags = z.object({
  browser: z.boolean(),
  sandbox: z.boolean(),
  port: z.coerce.number().int().min(0).max(65535),
  dataDir: z.string().optional(),
  printer: z.string().optional(),
  scale: z.string().optional(),
  scaleProtocol: z.string().optional(),
  scaleBaud: z.coerce.number().pipe(BaudRate).optional(),
  odooUrl: z.url().optional(),
  odooDb: z.string().optional(),
  odooLogin: z.string().optional(),
});
export type Flags = z.infer<typeof Flags>;

export function parseFlags(argv: string[]): Flags {
  const { values } = parseArgs({ args: argv, options: flagOptions, strict: true, allowPositionals: false });
  return Flags.parse({
    browser: values.browser,
    sandbox: values.sandbox,
    port: values.port,
    dataDir: values['data-dir'],
    printer: values.printer,
    scale: values.scale,
    scaleProtocol: values['scale-protocol'],
    scaleBaud: values['scale-baud'],
    odooUrl: values['odoo-url'],
    odooDb: values['odoo-db'],
    odooLogin: values['odoo-login'],
  });
}

/** The flags that have a matching setting, as a patch applied on top of the stored settings. */
export function overridesOf(flags: Flags): SettingsPatch {
  const patch: SettingsPatch = {};
  if (flags.printer) patch.printer = { uri: flags.printer };
  if (flags.scale) {
    patch.scale = { path: flags.scale, protocol: flags.scaleProtocol ?? 'sics', ...(flags.scaleBaud ? { baudRate: flags.scaleBaud } : {}) };
  }
  if (flags.odooUrl || flags.odooDb || flags.odooLogin) {
    patch.odoo = {
      ...(flags.odooUrl ? { url: flags.odooUrl } : {}),
      ...(flags.odooDb ? { db: flags.odooDb } : {}),
      ...(flags.odooLogin ? { login: flags.odooLogin } : {}),
    };
  }
  return patch;
}

/** Is an Odoo configured for the live bench, by flag or in its stored settings? */
function liveOdooConfigured(flags: Flags, liveDir: string): boolean {
  if (flags.odooUrl) return true;
  const file = join(liveDir, 'station.sqlite');
  if (!existsSync(file)) return false;
  const db = openDatabase(file);
  try {
    return new SettingsStore(db, systemClock).get().odoo.url !== null;
  } finally {
    db.close();
  }
}

export interface BootedStation {
  station: Station;
  mode: 'live' | 'training';
  dataDir: string;
  /** Lines to show the person who started it (never secrets). */
  notes: string[];
  /** The sandbox's fake systems, in training mode. */
  sandbox?: { odoo: SandboxOdoo; printer: PrinterSink | null; scale: ScaleSimulator | null; shipengine: SandboxShipEngine; shippo: SandboxShippo };
  close(): Promise<void>;
}

export const TRAINING_PACKER_BADGE = 'TRAIN-PACKER';
export const TRAINING_LEAD_BADGE = 'TRAIN-LEAD';
export const TRAINING_LEAD_PIN = '1234';

export async function bootStation(
  flags: Flags,
  extra: Pick<StationConfig, 'log' | 'identity' | 'scaleOptions' | 'syncDelays' | 'secrets' | 'orderFreshMs'> = {},
): Promise<BootedStation> {
  const liveDir = flags.dataDir ?? defaultDataDir('live');
  const sandbox = flags.sandbox || !liveOdooConfigured(flags, liveDir);
  if (flags.sandbox && flags.odooUrl) {
    throw new StationFault('bad_flags', '--sandbox cannot be combined with --odoo-url: the sandbox has its own Odoo.');
  }
  if (!sandbox) {
    const station = createStation({ ...extra, dataDir: liveDir, mode: 'live', overrides: overridesOf(flags) });
    await station.start();
    return { station, mode: 'live', dataDir: liveDir, notes: [], close: () => station.stop() };
  }

  // Training: its own folder, so practice never mixes with real shipments.
  const dataDir = flags.dataDir ? join(flags.dataDir, 'training') : defaultDataDir('training');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const apiKey = randomBytes(24).toString('base64url');
  const { startSandboxOdoo, startScaleSimulator, startPrinterSink, startSandboxShipEngine, startSandboxShippo, SANDBOX_ODOO_CARRIERS, SANDBOX_CONNECTOR_CARRIERS, markShipped, nextLabelNumber, ordersToTry } =
    await loadSandbox();
  const odoo = await startSandboxOdoo({ port: 0, apiKey, seed: 40 });
  // Sandbox carriers, so a trainee sees real-shaped labels; their keys, like the Odoo key, only in memory.
  const carrierKeys = { shipengine: `TEST_${randomBytes(18).toString('base64url')}`, shippo: `shippo_test_${randomBytes(18).toString('base64url')}` };
  const shipengine = await startSandboxShipEngine({ port: 0, apiKey: carrierKeys.shipengine });
  const shippo = await startSandboxShippo({ port: 0, apiKey: carrierKeys.shippo });
  const scaleSim = flags.scale ? null : await startScaleSimulator({});
  const sink = flags.printer ? null : await startPrinterSink({ port: 0 });
  const overrides: SettingsPatch = {
    ...overridesOf(flags),
    odoo: { url: odoo.url, db: odoo.db, login: odoo.login },
    // The local carrier stays the default; two of the sandbox Odoo's carriers buy from the sandbox
    // carriers, and GLS's labels come from the sandbox Odoo's own carrier connector.
    carriers: {
      byOdooCarrier: [
        { odooCarrier: SANDBOX_ODOO_CARRIERS[0], provider: 'shipengine', service: 'sandbox_ground' },
        { odooCarrier: SANDBOX_ODOO_CARRIERS[3], provider: 'shippo', service: 'shippo_ground' },
        { odooCarrier: SANDBOX_CONNECTOR_CARRIERS.gls, provider: 'odoo', service: 'connector' },
      ],
      shipengine: { baseUrl: shipengine.url, carrierId: 'se-100001' },
      shippo: { baseUrl: shippo.url },
    },
  };
  if (scaleSim) overrides.scale = { path: scaleSim.appPath, protocol: 'sics' };
  if (sink) overrides.printer = { uri: sink.uri };
  const station = createStation({
    ...extra,
    dataDir,
    mode: 'training',
    overrides,
    odooApiKey: apiKey,
    carrierApiKeys: carrierKeys,
    // The idle screen shows the trainee how to start: the badges and a few orders still to pack.
    training: () => ({
      badges: [
        { badge: TRAINING_PACKER_BADGE, name: 'Trainee Packer', role: 'packer' },
        { badge: TRAINING_LEAD_BADGE, name: 'Trainee Lead', role: 'lead' },
      ],
      orders: ordersToTry(odoo),
    }),
  });
  // The sandbox Odoo starts afresh each run; what the trainee shipped before stays shipped.
  markShipped(odoo, station.shippedOrders());
  // The training bench's name is saved, not set for the run, so a lead can rename it in Settings.
  if (station.settings.get().bench.name === defaultSettings().bench.name) {
    station.settings.update({ bench: { name: 'Training bench' } }, 'system');
  }
  if (station.identities.countStaff() === 0) {
    station.identities.addStaff({ badge: TRAINING_PACKER_BADGE, name: 'Trainee Packer', role: 'packer' });
    station.identities.addStaff({ badge: TRAINING_LEAD_BADGE, name: 'Trainee Lead', role: 'lead', pin: TRAINING_LEAD_PIN });
  }
  const stopSimulation = scaleSim ? simulateParcels(station, scaleSim) : () => {};
  let keepSaving = true;
  if (sink) {
    // Keep what the "printer" received, so a trainee can look at the labels.
    const printed = join(dataDir, 'printed');
    mkdirSync(printed, { recursive: true });
    void (async () => {
      // After the files of earlier runs, never over them.
      for (let n = nextLabelNumber(printed); keepSaving; n++) {
        const job = await sink.nextJob();
        if (keepSaving) writeFileSync(join(printed, `label-${String(n).padStart(4, '0')}.zpl`), job);
      }
    })();
  }
  await station.start();
  const sampleOrder = odoo.state.sampleNames()[0];
  return {
    station,
    mode: 'training',
    dataDir,
    sandbox: { odoo, printer: sink, scale: scaleSim, shipengine, shippo },
    notes: [
      'TRAINING: no Odoo is configured, so this is the sandbox. Nothing is shipped.',
      `Scan badge ${TRAINING_PACKER_BADGE} to log in (shift lead: ${TRAINING_LEAD_BADGE}, PIN ${TRAINING_LEAD_PIN}).`,
      ...(sampleOrder ? [`Then scan an order such as ${sampleOrder}.`] : []),
      `Sandbox Odoo: ${odoo.url} (database ${odoo.db}).`,
      `Orders with carrier ${SANDBOX_ODOO_CARRIERS[0]} get labels from the sandbox ShipEngine (${shipengine.url}), ${SANDBOX_ODOO_CARRIERS[3]} from the sandbox Shippo (${shippo.url}; scan a box first: Shippo needs its size), ${SANDBOX_CONNECTOR_CARRIERS.gls} from the sandbox Odoo's carrier connector when the bench validates the delivery.`,
    ],
    async close() {
      keepSaving = false;
      stopSimulation();
      await station.stop();
      await Promise.all([odoo.close(), scaleSim?.close(), sink?.close(), shipengine.close(), shippo.close()]);
    },
  };
}

/**
 * In the sandbox nobody puts a real parcel on a real scale: when the bench starts weighing, the
 * simulator "puts down" a parcel of the expected weight, and takes it off once it is labelled.
 */
function simulateParcels(
  station: Station,
  sim: { setWeight(grams: number, opts?: { motionMs?: number }): void },
): () => void {
  // The order's product weights are read beside the station's own connection (WAL: a reader never
  // blocks it); the station does not hand its connection out.
  const db = openDatabase(join(station.dataDir, 'station.sqlite'), { readonly: true });
  let loaded = false;
  const unsubscribe = station.events.subscribe((event, payload) => {
    if (event !== 'state') return;
    const state = payload as { step: string; order: { lines: { quantity: number; moveId: number }[] } | null };
    if (state.step === 'weighing' && !loaded) {
      loaded = true;
      sim.setWeight(expectedParcelGrams(db, station.effectiveSettings().packing.boxTareG) + 25, { motionMs: 700 });
    } else if (state.step !== 'weighing' && loaded) {
      loaded = false;
      sim.setWeight(0, { motionMs: 300 });
    }
  });
  return () => {
    unsubscribe();
    db.close();
  };
}

/**
 * Product weights × units in the open parcel (the whole order when nothing was counted), and its
 * box: the scanned package type's empty weight, else the bench's tare. The caller adds a little
 * over the expected weight, as real boxes are, well within the variance gate.
 */
function expectedParcelGrams(db: Db, boxTareG: number): number {
  const row = db
    .prepare(
      `SELECT coalesce(sum(l.unit_weight_g * CASE
           WHEN NOT EXISTS (SELECT 1 FROM packed_lines x WHERE x.session_id = s.id) THEN l.quantity
           ELSE coalesce(p.packed, 0) - coalesce((SELECT sum(c.units) FROM pack_parcel_lines c
                                                  WHERE c.session_id = s.id AND c.move_id = l.move_id), 0)
         END), 0) AS grams,
         (SELECT t.base_weight_g FROM package_types t WHERE t.type_id = s.package_type_id LIMIT 1) AS box
       FROM pack_sessions s JOIN order_lines l ON l.order_id = s.order_id
       LEFT JOIN packed_lines p ON p.session_id = s.id AND p.move_id = l.move_id
       WHERE s.active = 1`,
    )
    .get() as { grams: number; box: number | null };
  return Math.round(row.grams) + (row.box ?? boxTareG);
}

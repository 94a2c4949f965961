// A station in a child process, for crash tests: the parent drives it over stdin/stdout and kills
// it with SIGKILL at a point of its choosing. Run as `node --import tsx test/support/crash-child.ts`
// with CRASH_CHILD_CONFIG (JSON, see ChildConfig) in the environment; the Odoo API key comes from
// PACKBENCH_SECRET_ODOO_API_KEY (carriers' keys from PACKBENCH_SECRET_CARRIER_*), as on a real bench.
//   stdin:  one JSON request a line: { id, name, request }; name '__expectedWeight' asks what the
//           open parcel should weigh.
//   stdout: lines starting with '@@ ' carry JSON: { type: 'ready' }, { type: 'reply', id, result },
//           { type: 'event', event, payload }. Anything else on stdout is noise and ignored.
import { createInterface } from 'node:readline';
import { dispatch } from '../../shared/bridge';
import type { SettingsPatch } from '../../shared/settings';
import { createStation } from '../../electron/core/station';
import { expectedParcelWeight } from './expected-weight';

export interface ChildConfig {
  dataDir: string;
  odoo: { url: string; db: string; login: string };
  printerUri: string;
  scalePath: string;
  /** The carriers section for this run (providers' keys come from the environment, as on a bench). */
  carriers?: SettingsPatch['carriers'];
  /** A quicker scale for long crash runs (default: a 300 ms stable window, the protocol's poll period). */
  scale?: { stableWindowMs?: number; pollIntervalMs?: number };
}

const config = JSON.parse(process.env.CRASH_CHILD_CONFIG ?? 'null') as ChildConfig | null;
if (!config) throw new Error('CRASH_CHILD_CONFIG is not set');

function send(message: unknown): void {
  process.stdout.write(`@@ ${JSON.stringify(message)}\n`);
}

const station = createStation({
  dataDir: config.dataDir,
  mode: 'live',
  identity: { scryptN: 1024 },
  log: () => {},
  overrides: {
    odoo: config.odoo,
    printer: { uri: config.printerUri },
    scale: { path: config.scalePath, protocol: 'sics' },
    ...(config.carriers ? { carriers: config.carriers } : {}),
  },
  scaleOptions: { stableWindowMs: 300, reconnectMs: 200, ...config.scale },
});
if (station.identities.countStaff() === 0) station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
station.events.subscribe((event, payload) => send({ type: 'event', event, payload }));
await station.start();

const input = createInterface({ input: process.stdin });
// The parent went away without killing us: do not linger.
input.on('close', () => process.exit(0));
input.on('line', (line) => {
  const { id, name, request } = JSON.parse(line) as { id: number; name: string; request: unknown };
  if (name === '__expectedWeight') {
    send({ type: 'reply', id, result: { ok: true, value: expectedParcelWeight(station) } });
    return;
  }
  void dispatch(station.handlers, name, request).then((result) => send({ type: 'reply', id, result }));
});
send({ type: 'ready' });

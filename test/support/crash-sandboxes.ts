// The other systems of a crash run, in a process of their own so killing the bench never resets
// them: the sandbox Odoo and the sandbox ShipEngine. Forked with an IPC channel by crash-harness.ts
// (`fork(this file, { execArgv: ['--import', 'tsx'] })`, CRASH_SANDBOXES_CONFIG in the environment).
//   → { type: 'ready', odoo: { url, db, login }, carrierUrl }
//   ← { type: 'witness' }  → { type: 'witness', witness: Witness }: what Odoo and the carrier hold
// The witness counts each picking's moves to done (a double validation shows as 2), its dispatch
// chatter messages, its attachments and its packages by name, and every purchase with our key.
import { startSandboxShipEngine } from '../../electron/sandbox/carriers/shipengine';
import { startSandboxOdoo } from '../../electron/sandbox/odoo/server';
import { watchSandboxes, type Witness } from './crash-witness';

export type { Witness };

export interface SandboxesConfig {
  odooKey: string;
  carrierKey: string;
  /** Deliveries in the sandbox Odoo. */
  pickings: number;
}

const config = JSON.parse(process.env.CRASH_SANDBOXES_CONFIG ?? 'null') as SandboxesConfig | null;
if (!config || !process.send) throw new Error('crash-sandboxes.ts runs forked, with CRASH_SANDBOXES_CONFIG set');

const odoo = await startSandboxOdoo({ port: 0, apiKey: config.odooKey, seed: config.pickings });
const carrier = await startSandboxShipEngine({ apiKey: config.carrierKey });

const witness = watchSandboxes(odoo, carrier);

process.on('message', (message: { type: string }) => {
  if (message.type === 'witness') process.send!({ type: 'witness', witness: witness() });
});
// The harness went away: do not linger.
process.on('disconnect', () => {
  void Promise.all([odoo.close(), carrier.close()]).finally(() => process.exit(0));
});
process.send({ type: 'ready', odoo: { url: odoo.url, db: odoo.db, login: odoo.login }, carrierUrl: carrier.url });

// The other systems of a crash run, in a process of their own so killing the bench never resets
// them: the sandbox Odoo and the sandbox ShipEngine. Forked with an IPC channel by crash-harness.ts
// (`fork(this file, { execArgv: ['--import', 'tsx'] })`, CRASH_SANDBOXES_CONFIG in the environment).
//   → { type: 'ready', odoo: { url, db, login }, carrierUrl }
//   ← { type: 'witness' }  → { type: 'witness', witness: Witness }: what Odoo and the carrier hold
// The witness counts each picking's moves to done (a double validation shows as 2), its dispatch
// chatter messages, its attachments and its packages by name, and every purchase with our key.
import { startSandboxShipEngine } from '../../electron/sandbox/carriers/shipengine';
import { startSandboxOdoo } from '../../electron/sandbox/odoo/server';

export interface SandboxesConfig {
  odooKey: string;
  carrierKey: string;
  /** Deliveries in the sandbox Odoo. */
  pickings: number;
}

export interface PickingWitness {
  id: number;
  name: string;
  state: string;
  trackingRef: string | null;
  /** Times the picking was set to done. */
  validations: number;
  /** Dispatch messages in its chatter (the ones naming a tracking number). */
  messages: number;
  attachments: string[];
}

export interface Witness {
  pickings: PickingWitness[];
  /** Packages by name (a parcel's tracking ref) → how many exist with that name. */
  packages: Record<string, number>;
  purchases: { key: string | null; trackingNumbers: string[] }[];
  /** Requests the carrier sandbox found off its contract (must stay empty). */
  contractFailures: number;
}

const config = JSON.parse(process.env.CRASH_SANDBOXES_CONFIG ?? 'null') as SandboxesConfig | null;
if (!config || !process.send) throw new Error('crash-sandboxes.ts runs forked, with CRASH_SANDBOXES_CONFIG set');

const odoo = await startSandboxOdoo({ port: 0, apiKey: config.odooKey, seed: config.pickings });
const carrier = await startSandboxShipEngine({ apiKey: config.carrierKey });

// The witness of validations: every write of state 'done' onto a picking, counted where it lands.
const validations = new Map<number, number>();
const update = odoo.state.update.bind(odoo.state);
odoo.state.update = ((model: string, id: number, values: Record<string, unknown>) => {
  if (model === 'stock.picking' && values.state === 'done') validations.set(id, (validations.get(id) ?? 0) + 1);
  return update(model, id, values as never);
}) as typeof odoo.state.update;

function witness(): Witness {
  const { state } = odoo;
  const pickings = state.all('stock.picking').map((p): PickingWitness => {
    const id = p.id as number;
    return {
      id,
      name: String(p.name),
      state: String(p.state),
      trackingRef: typeof p.carrier_tracking_ref === 'string' && p.carrier_tracking_ref ? p.carrier_tracking_ref : null,
      validations: validations.get(id) ?? 0,
      messages: state.all('mail.message').filter((m) => m.model === 'stock.picking' && m.res_id === id && /Tracking /.test(String(m.body ?? ''))).length,
      attachments: state
        .all('ir.attachment')
        .filter((a) => a.res_model === 'stock.picking' && a.res_id === id)
        .map((a) => String(a.name)),
    };
  });
  const packages: Record<string, number> = {};
  for (const p of state.all('stock.quant.package')) packages[String(p.name)] = (packages[String(p.name)] ?? 0) + 1;
  return {
    pickings,
    packages,
    purchases: carrier.purchases.map((p) => ({ key: p.key, trackingNumbers: p.trackingNumbers })),
    contractFailures: carrier.contractFailures.length,
  };
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'witness') process.send!({ type: 'witness', witness: witness() });
});
// The harness went away: do not linger.
process.on('disconnect', () => {
  void Promise.all([odoo.close(), carrier.close()]).finally(() => process.exit(0));
});
process.send({ type: 'ready', odoo: { url: odoo.url, db: odoo.db, login: odoo.login }, carrierUrl: carrier.url });

// What Odoo and the carrier hold after a run, for the crash harness and the soak: per picking its
// moves to done (a double validation shows as 2), its dispatch chatter messages, its attachments;
// packages by name; every purchase with our key. Counted in the sandboxes' own process.
import type { SandboxShipEngine } from '../../electron/sandbox/carriers/shipengine';
import type { SandboxOdoo } from '../../electron/sandbox/odoo/server';

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

/** Start counting validations on `odoo` (call before any order is packed); returns the witness reader. */
export function watchSandboxes(odoo: SandboxOdoo, carrier: SandboxShipEngine | null): () => Witness {
  const validations = new Map<number, number>();
  const update = odoo.state.update.bind(odoo.state);
  odoo.state.update = ((model: string, id: number, values: Record<string, unknown>) => {
    if (model === 'stock.picking' && values.state === 'done') validations.set(id, (validations.get(id) ?? 0) + 1);
    return update(model, id, values as never);
  }) as typeof odoo.state.update;

  return function witness(): Witness {
    const { state } = odoo;
    const messages = new Map<number, number>();
    for (const m of state.all('mail.message')) {
      if (m.model === 'stock.picking' && /Tracking /.test(String(m.body ?? ''))) messages.set(m.res_id as number, (messages.get(m.res_id as number) ?? 0) + 1);
    }
    const attachments = new Map<number, string[]>();
    for (const a of state.all('ir.attachment')) {
      if (a.res_model !== 'stock.picking') continue;
      const list = attachments.get(a.res_id as number) ?? [];
      list.push(String(a.name));
      attachments.set(a.res_id as number, list);
    }
    const pickings = state.all('stock.picking').map((p): PickingWitness => {
      const id = p.id as number;
      return {
        id,
        name: String(p.name),
        state: String(p.state),
        trackingRef: typeof p.carrier_tracking_ref === 'string' && p.carrier_tracking_ref ? p.carrier_tracking_ref : null,
        validations: validations.get(id) ?? 0,
        messages: messages.get(id) ?? 0,
        attachments: attachments.get(id) ?? [],
      };
    });
    const packages: Record<string, number> = {};
    for (const p of state.all('stock.quant.package')) packages[String(p.name)] = (packages[String(p.name)] ?? 0) + 1;
    return {
      pickings,
      packages,
      purchases: carrier ? carrier.purchases.map((p) => ({ key: p.key, trackingNumbers: p.trackingNumbers })) : [],
      contractFailures: carrier ? carrier.contractFailures.length : 0,
    };
  };
}

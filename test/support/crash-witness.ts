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
  /**
   * Every effect of a dispatch as it landed, in order (seq): the label bought (by our key), the
   * package made (by its name, the parcel's tracking ref), the picking written with its tracking
   * ref, validated, its label attached, its dispatch message posted.
   */
  effects: EffectEntry[];
}

export type EffectKind = 'purchase' | 'package' | 'write' | 'validate' | 'attach' | 'post';

export interface EffectEntry {
  seq: number;
  kind: EffectKind;
  /** The picking, where the effect names it (write, validate, attach, post). */
  pickingId?: number;
  /** purchase: the idempotency key; package: its name. */
  ref?: string;
}

/** Start counting validations on `odoo` (call before any order is packed); returns the witness reader. */
export function watchSandboxes(odoo: SandboxOdoo, carrier: SandboxShipEngine | null): () => Witness {
  const validations = new Map<number, number>();
  const effects: EffectEntry[] = [];
  const effect = (kind: EffectKind, at: { pickingId?: number; ref?: string }) => effects.push({ seq: effects.length + 1, kind, ...at });
  const update = odoo.state.update.bind(odoo.state);
  odoo.state.update = ((model: string, id: number, values: Record<string, unknown>) => {
    if (model === 'stock.picking' && values.state === 'done') {
      validations.set(id, (validations.get(id) ?? 0) + 1);
      effect('validate', { pickingId: id });
    }
    if (model === 'stock.picking' && typeof values.carrier_tracking_ref === 'string' && values.carrier_tracking_ref) effect('write', { pickingId: id });
    return update(model, id, values as never);
  }) as typeof odoo.state.update;
  const insert = odoo.state.insert.bind(odoo.state);
  odoo.state.insert = ((model: string, values: Record<string, unknown>) => {
    const id = insert(model, values as never);
    if (model === 'stock.quant.package' || model === 'stock.package') effect('package', { ref: String(values.name) });
    if (model === 'ir.attachment' && values.res_model === 'stock.picking') effect('attach', { pickingId: values.res_id as number });
    if (model === 'mail.message' && values.model === 'stock.picking' && /Tracking /.test(String(values.body ?? ''))) effect('post', { pickingId: values.res_id as number });
    return id;
  }) as typeof odoo.state.insert;
  if (carrier) {
    const push = carrier.purchases.push.bind(carrier.purchases);
    carrier.purchases.push = (...bought) => {
      for (const b of bought) effect('purchase', { ref: b.key ?? '' });
      return push(...bought);
    };
  }

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
      effects,
    };
  };
}

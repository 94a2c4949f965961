// The dispatch's steps against Odoo, in order: packages, one write per picking, validation, state
// read-back, backorders, label attachment, chatter message. Each step that makes something looks
// for its own effect first (package by name, attachment by name, message by its tracking marker,
// validation by state), so any prefix of the steps can be replayed after a crash. `results` is
// indexed by Plan.index: a step records a row's failure there, and later steps skip that row.
import { said } from '../../i18n/translator';
import { z } from 'zod';
import { labelsOf, type DispatchPayload } from '../../pack/effects';
import type { ApplyResult } from '../../sync/target';
import { applyResultOf, OdooError } from '../errors';
import { AttachmentRow, LabelFileRow, NoteRow } from '../models/mail';
import { BackorderRow, PickingStateRow } from '../models/picking';
import { PackageRow } from '../models/stock';
import { fieldsOf, readRows } from '../read-rows';
import type { OdooTransport } from '../transport';
import type { OdooDialect } from '../versions';
import { dispatchMessage, labelAttachmentName, labelMimetype, messageMarker, type MessageFacts } from './chatter';
import { hasRef } from './conflicts';
import { pickingWrite, shippingWeightKg, type Plan } from './plan';

type Caller = Pick<OdooTransport, 'call'>;
export type Results = (ApplyResult | undefined)[];
export type BackorderPolicy = 'create' | 'no_backorder';

/**
 * Pickings that go through the steps after the packages together (one validation, one state read,
 * one attachment create): small enough for Odoo's worker time limit (limit_time_real, 120 s, must
 * cover one validation) and for a request of a few MiB even with PDF labels.
 */
export const FINISH_GROUP = 100;

/** At most `limit` calls in flight through the returned caller, whoever makes them. */
export function limitCalls(transport: Caller, limit: number): Caller {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async call(model, method, params) {
      while (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      active++;
      try {
        return await transport.call(model, method, params);
      } finally {
        active--;
        waiting.shift()?.();
      }
    },
  };
}

/** Run fn over items, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function createdIds(reply: unknown, count: number, what: string): number[] {
  const ids = z.array(z.number().int()).length(count).safeParse(reply);
  if (!ids.success) throw new OdooError({ kind: 'protocol', message: `Unexpected ${what}.create reply from Odoo` });
  return ids.data;
}

/**
 * 2. Packages, one per parcel, with its shipping weight (and the package type the packer scanned
 * for it), one call for the batch. An earlier attempt may have had its packages made with the
 * answer lost (the bench died mid-call): packages are named by the parcel's tracking ref, so the
 * plans that `mayExist` (their row went out before: the outbox counts each hand-out as it goes,
 * before any call) are looked up first and reused instead of making a twin. A row on its first go
 * cannot have made any: no search for it. Returns the package ids of each plan, one per parcel in order.
 */
export async function findOrCreatePackages(
  transport: Caller,
  dialect: OdooDialect,
  plans: Plan[],
  mayExist: (plan: Plan) => boolean = () => true,
): Promise<Map<Plan, number[]>> {
  const packages = new Map<Plan, number[]>();
  if (plans.length === 0) return packages;
  const wanted = plans.flatMap((plan) => plan.parcels.map((parcel, i) => ({ plan, i, parcel })));
  const lookFor = wanted.filter((x) => mayExist(x.plan)).map((x) => x.parcel.trackingRef);
  const found =
    lookFor.length === 0
      ? []
      : await readRows(transport, PackageRow, dialect.packageModel, 'search_read', {
          domain: [['name', 'in', lookFor]],
          fields: fieldsOf(PackageRow),
        });
  const byName = new Map(found.map((p) => [p.name, p.id]));
  for (const plan of plans) packages.set(plan, []);
  const place = (x: (typeof wanted)[number], id: number) => (packages.get(x.plan)![x.i] = id);
  for (const x of wanted) {
    const id = byName.get(x.parcel.trackingRef);
    if (id !== undefined) place(x, id);
  }
  const toCreate = wanted.filter((x) => !byName.has(x.parcel.trackingRef));
  if (toCreate.length > 0) {
    const reply = await transport.call(dialect.packageModel, 'create', {
      vals_list: toCreate.map(({ parcel }) => ({
        name: parcel.trackingRef,
        shipping_weight: shippingWeightKg(parcel),
        ...(parcel.packageTypeId ? { package_type_id: parcel.packageTypeId } : {}),
      })),
    });
    createdIds(reply, toCreate.length, dialect.packageModel).forEach((id, i) => place(toCreate[i]!, id));
  }
  return packages;
}

/** 3. One write per picking (pickingWrite). Returns the plans written; a refusal is that row's result. */
export async function writePickings(
  transport: Caller,
  plans: Plan[],
  packages: Map<Plan, number[]>,
  uid: number,
  concurrency: number,
  results: Results,
): Promise<Plan[]> {
  const written: Plan[] = [];
  await eachLimited(plans, concurrency, async (x) => {
    try {
      await transport.call('stock.picking', 'write', { ids: [x.payload.pickingId], vals: pickingWrite(x, packages.get(x), uid) });
      written.push(x);
    } catch (error) {
      results[x.index] = applyResultOf(error);
    }
  });
  return written;
}

/**
 * 4. Validate them together with the backorder policy; if Odoo refuses, find which one(s) by
 * validating each. Returns the pickings Odoo answered `true` for: on 16–18 that answer comes only
 * once every picking given is done (a wizard is answered with an action, a done or cancelled picking
 * with a UserError), so `trustTrue` lets confirmDone skip reading them back. On 19 a done or
 * cancelled picking is dropped first and the answer is `true` all the same: there, every state is
 * read back (confirmDone), never inferred.
 */
export async function validatePickings(
  transport: Caller,
  written: Plan[],
  backorder: BackorderPolicy,
  concurrency: number,
  results: Results,
  trustTrue = false,
): Promise<Set<number>> {
  const validated = new Set<number>();
  if (written.length === 0) return validated;
  const context: Record<string, unknown> = { skip_backorder: true };
  const validate = async (group: Plan[]) => {
    const ids = group.map((x) => x.payload.pickingId);
    const reply = await transport.call('stock.picking', 'button_validate', {
      ids,
      context: backorder === 'no_backorder' ? { ...context, picking_ids_not_to_backorder: ids } : context,
    });
    if (trustTrue && reply === true) for (const id of ids) validated.add(id);
  };
  try {
    await validate(written);
  } catch (error) {
    if (!(error instanceof OdooError && error.permanent) || written.length === 1) {
      for (const x of written) results[x.index] = applyResultOf(error);
      return validated;
    }
    await eachLimited(written, concurrency, async (x) => {
      try {
        await validate([x]);
      } catch (single) {
        results[x.index] = applyResultOf(single);
      }
    });
  }
  return validated;
}

/**
 * 5. The states read back: the plans now done (finishOnly ones were done already, `validated` ones
 * Odoo said it validated, see validatePickings); the rest fail.
 */
export async function confirmDone(transport: Caller, plans: Plan[], results: Results, validated: Set<number> = new Set()): Promise<Plan[]> {
  const candidates = plans.filter((x) => !results[x.index]);
  const known = (x: Plan) => x.finishOnly || validated.has(x.payload.pickingId);
  const states = await readRows(transport, PickingStateRow, 'stock.picking', 'read', {
    ids: candidates.filter((x) => !known(x)).map((x) => x.payload.pickingId),
    fields: ['state', 'carrier_tracking_ref'],
  });
  const stateOf = new Map(states.map((s) => [s.id, s.state]));
  const done: Plan[] = [];
  for (const x of candidates) {
    const state = known(x) ? 'done' : stateOf.get(x.payload.pickingId);
    if (state === 'done') done.push(x);
    else {
      results[x.index] = {
        status: 'permanent',
        error: `Delivery ${x.name} was not validated by Odoo: it is "${state ?? 'missing'}"`,
        title: said('odoo.dispatch.notValidated', { order: x.name, state: state ?? said('odoo.dispatch.missing') }),
      };
    }
  }
  return done;
}

/** Label attachments found per picking, by name. */
export type FoundAttachments = Map<number, Map<string, number>>;

/** The attachment names of a dispatch's labels, in parcel order. */
function attachmentNames(p: DispatchPayload): string[] {
  return labelsOf(p).map((l) => labelAttachmentName({ carrier: p.carrier, trackingRef: l.trackingRef }, l.format));
}

/**
 * What an earlier attempt left on pickings found done with our ref: the label attachments (by
 * name, one per parcel) and the chatter message (by its tracking marker).
 */
export async function findEarlierFinish(transport: Caller, recovering: Plan[]): Promise<{ attachments: FoundAttachments; posted: Set<number> }> {
  const attachments: FoundAttachments = new Map();
  const posted = new Set<number>();
  if (recovering.length === 0) return { attachments, posted };
  const pickingIds = recovering.map((x) => x.payload.pickingId);
  const names = recovering.flatMap((x) => attachmentNames(x.payload));
  const found =
    names.length === 0
      ? []
      : await readRows(transport, AttachmentRow, 'ir.attachment', 'search_read', {
          domain: [
            ['res_model', '=', 'stock.picking'],
            ['res_id', 'in', pickingIds],
            ['name', 'in', names],
          ],
          fields: fieldsOf(AttachmentRow),
        });
  for (const a of found) {
    const byName = attachments.get(a.res_id) ?? new Map<string, number>();
    byName.set(a.name, a.id);
    attachments.set(a.res_id, byName);
  }
  const messages = await readRows(transport, NoteRow, 'mail.message', 'search_read', {
    domain: [
      ['model', '=', 'stock.picking'],
      ['res_id', 'in', pickingIds],
      // Every dispatch message; the ref is matched below (one search for the batch).
      ['body', 'ilike', messageMarker('')],
    ],
    fields: fieldsOf(NoteRow),
  });
  for (const m of messages) {
    const x = recovering.find((r) => r.payload.pickingId === m.res_id);
    // Our marker with our ref: a carrier connector's own message names the refs too, in its words.
    if (x && typeof m.body === 'string' && m.body.includes(messageMarker(x.payload.trackingRef))) posted.add(m.res_id);
  }
  return { attachments, posted };
}

/** 6. What Odoo did with what was not packed: the pickings that got a backorder (the operation type may override the bench's policy). */
export async function readBackordered(transport: Caller, shortPickingIds: number[]): Promise<Set<number>> {
  if (shortPickingIds.length === 0) return new Set();
  const rows = await readRows(transport, BackorderRow, 'stock.picking', 'search_read', {
    domain: [['backorder_id', 'in', shortPickingIds]],
    fields: ['backorder_id'],
  });
  return new Set(rows.flatMap((b) => (b.backorder_id === false ? [] : [b.backorder_id[0]])));
}

/**
 * 7. Every parcel's label as an attachment, one create for the batch, for those not found yet
 * (`attachments`, added to). A connector-labelled dispatch has none to attach: Odoo made them.
 */
export async function attachLabels(transport: Caller, finishing: Plan[], attachments: FoundAttachments): Promise<void> {
  const need = finishing.flatMap((x) => {
    const have = attachments.get(x.payload.pickingId);
    return labelsOf(x.payload)
      .map((label, i) => ({ x, label, name: attachmentNames(x.payload)[i]! }))
      .filter((l) => !have?.has(l.name));
  });
  if (need.length === 0) return;
  const reply = await transport.call('ir.attachment', 'create', {
    vals_list: need.map(({ x, label, name }) => ({
      name,
      type: 'binary',
      datas: label.base64,
      mimetype: labelMimetype(label.format),
      res_model: 'stock.picking',
      res_id: x.payload.pickingId,
    })),
  });
  createdIds(reply, need.length, 'ir.attachment').forEach((id, i) => {
    const { x, name } = need[i]!;
    const byName = attachments.get(x.payload.pickingId) ?? new Map<string, number>();
    byName.set(name, id);
    attachments.set(x.payload.pickingId, byName);
  });
}

/** 8. One chatter message per picking not `posted` yet, with its label attached; then the row is done. */
export async function postMessages(
  transport: Caller,
  finishing: Plan[],
  found: { attachments: FoundAttachments; posted: Set<number> },
  facts: (x: Plan) => MessageFacts,
  concurrency: number,
  results: Results,
): Promise<void> {
  await eachLimited(finishing, concurrency, async (x) => {
    const pickingId = x.payload.pickingId;
    try {
      if (!found.posted.has(pickingId)) {
        const byName = found.attachments.get(pickingId);
        const attached = attachmentNames(x.payload).flatMap((name) => {
          const id = byName?.get(name);
          return id === undefined ? [] : [id];
        });
        await transport.call('stock.picking', 'message_post', {
          ids: [pickingId],
          body: dispatchMessage(x.payload, facts(x)),
          body_is_html: true,
          message_type: 'comment',
          subtype_xmlid: 'mail.mt_note',
          ...(attached.length === 0 ? {} : { attachment_ids: attached }),
        });
      }
      results[x.index] = { status: 'done', result: { trackingRef: x.payload.trackingRef } };
    } catch (error) {
      // Validated already: the lookup on the next try sees it and only the message is redone.
      results[x.index] = applyResultOf(error);
    }
  });
}

/**
 * Which steps of one dispatch took effect in Odoo (lookup after a lost reply): validated (done with
 * our ref), then label attached and message posted; null when the picking is gone.
 */
export async function stepsTaken(transport: Caller, p: DispatchPayload): Promise<Record<string, boolean> | null> {
  const [picking] = await readRows(transport, PickingStateRow, 'stock.picking', 'read', {
    ids: [p.pickingId],
    fields: ['state', 'carrier_tracking_ref'],
  });
  if (!picking) return null;
  const validated = picking.state === 'done' && hasRef(picking.carrier_tracking_ref, p.trackingRef);
  if (!validated) return { validated: false };
  const names = attachmentNames(p);
  const [attachments, messages] = await Promise.all([
    names.length > 0
      ? transport.call('ir.attachment', 'search_count', {
          domain: [
            ['res_model', '=', 'stock.picking'],
            ['res_id', '=', p.pickingId],
            ['name', 'in', names],
          ],
        })
      : Promise.resolve(0),
    transport.call('mail.message', 'search_count', {
      domain: [
        ['model', '=', 'stock.picking'],
        ['res_id', '=', p.pickingId],
        ['body', 'ilike', messageMarker(p.trackingRef)],
      ],
    }),
  ]);
  return {
    validated: true,
    labelAttached: typeof attachments === 'number' && attachments >= names.length,
    messagePosted: typeof messages === 'number' && messages > 0,
  };
}

/** The labels Odoo's carrier connector left on a picking: its tracking refs, and each one's LabelShipping attachment. */
export interface ConnectorLabels {
  state: string;
  /** carrier_tracking_ref split (Odoo joins several with ","). */
  refs: string[];
  /** Per ref, in order, its label file; absent when Odoo has none for it. */
  files: ({ name: string; format: 'ZPL' | 'PDF' | 'PNG'; bytes: Buffer } | null)[];
}

/** The picking's state and tracking refs, and, once done, the connector's label attachments matched to its refs. */
export async function readConnectorLabels(transport: Caller, pickingId: number): Promise<ConnectorLabels | null> {
  const [picking] = await readRows(transport, PickingStateRow, 'stock.picking', 'read', { ids: [pickingId], fields: ['state', 'carrier_tracking_ref'] });
  if (!picking) return null;
  const refs = (picking.carrier_tracking_ref ?? '').split(/[,+]/).map((r) => r.trim()).filter(Boolean);
  if (picking.state !== 'done' || refs.length === 0) return { state: picking.state, refs, files: [] };
  const rows = await readRows(transport, LabelFileRow, 'ir.attachment', 'search_read', {
    domain: [
      ['res_model', '=', 'stock.picking'],
      ['res_id', '=', pickingId],
      ['name', '=like', 'LabelShipping-%'],
    ],
    fields: fieldsOf(LabelFileRow),
    order: 'id',
  });
  const files = refs.map((ref) => {
    const row = rows.find((r) => r.name.includes(ref));
    if (!row || row.datas === false) return null;
    return { name: row.name, format: labelFormatOf(row.name, row.mimetype), bytes: Buffer.from(row.datas, 'base64') };
  });
  return { state: picking.state, refs, files };
}

/** A label file's format from its extension, else its mimetype; ZPL when neither says. */
function labelFormatOf(name: string, mimetype: string | null): 'ZPL' | 'PDF' | 'PNG' {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (ext === 'pdf' || mimetype === 'application/pdf') return 'PDF';
  if (ext === 'png' || mimetype === 'image/png') return 'PNG';
  return 'ZPL';
}

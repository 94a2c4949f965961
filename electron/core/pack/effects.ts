// Every outbox row the pack session writes: one zod schema per kind, and the builder that makes the
// row (target, kind, order key, idempotency key, binding). A payload is read back from JSON, maybe
// written by another build, so the sync worker parses it with the target's schema before the target
// sees it (a row that does not parse becomes a dead letter with the reason). Test rigs build their
// rows here too, never by hand. Odoo and carrier adapters import from pack/ only this file.
import { z } from 'zod';
import type { Order } from '../../../shared/order';
import { ShipmentRequest } from '../../../shared/shipment';
import type { EnqueueInput } from '../sync/outbox';

export const CARRIER_CREATE_LABEL = 'carrier.create_label';
export const ODOO_DISPATCH = 'odoo.dispatch_picking';
export const ODOO_RELEASE = 'odoo.release_picking';

/** Where an order came from: the Odoo URL and database its effects are bound to. */
type Source = { source: { url: string; db: string } };

/** Rows with the same order key apply one after another: one key per picking. */
export function orderKey(order: Source & { pickingId: number }): string {
  return `odoo:${order.source.db}:picking:${order.pickingId}`;
}

/** The Odoo (URL + database) a row was written for; a row is never sent to another. */
export function odooBinding(source: { url: string; db: string }): string {
  return `${source.url}|${source.db}`;
}

// ---- carrier: create the label ----------------------------------------------------------------

export const CreateLabelPayload = z.object({
  /** The shipments row the label is for. */
  shipmentId: z.number().int().positive(),
  request: ShipmentRequest,
});
export type CreateLabelPayload = z.infer<typeof CreateLabelPayload>;

/** The outbox target of a carrier (`carrier:<code>`, the code of the request's service). */
export function carrierTarget(carrier: string): string {
  return `carrier:${carrier}`;
}

/** The row that asks the shipment's carrier for its label. */
export function createLabelRow(order: Source & { pickingId: number }, payload: CreateLabelPayload): EnqueueInput {
  return {
    target: carrierTarget(payload.request.service.carrier),
    kind: CARRIER_CREATE_LABEL,
    orderKey: orderKey(order),
    payload: CreateLabelPayload.parse(payload),
    idempotencyKey: `label:${payload.request.idempotencyKey}`,
    binding: odooBinding(order.source),
  };
}

// ---- Odoo: dispatch the picking ---------------------------------------------------------------

const Address = z.object({
  name: z.string(),
  street1: z.string(),
  street2: z.string().nullable(),
  postalCode: z.string(),
  city: z.string(),
  country: z.string(),
});

const LotCount = z.object({ name: z.string().min(1), quantity: z.number().nonnegative() });

/** One parcel of a multi-parcel dispatch: one Odoo package with its weight, box and move lines. */
export const DispatchParcel = z.object({
  /** The parcel's tracking number: the name of its Odoo package. */
  trackingRef: z.string().min(1),
  weightG: z.number().nonnegative(),
  packageTypeId: z.number().int().positive().optional(),
  /** Units per move packed in this parcel, with the lots scanned for them. */
  lines: z.array(z.object({ moveId: z.number().int().positive(), quantity: z.number().nonnegative(), lots: z.array(LotCount).optional() })),
});
export type DispatchParcel = z.infer<typeof DispatchParcel>;

/** One parcel's label as the dispatch attaches it: `LabelShipping-<carrier>-<trackingRef>.<ext>`. */
export const DispatchLabel = z.object({
  labelId: z.number().int(),
  trackingRef: z.string().min(1),
  format: z.string().min(1),
  base64: z.string(),
});
export type DispatchLabel = z.infer<typeof DispatchLabel>;

export const DispatchPayload = z.object({
  sessionId: z.number().int(),
  pickingId: z.number().int().positive(),
  pickingName: z.string().min(1),
  /** The first parcel's tracking number (the shipment's). */
  trackingRef: z.string().min(1),
  /** The whole shipment's weight (every parcel). */
  weightG: z.number().nonnegative(),
  /**
   * `ordered`: the demand when the order was cached (absent in rows queued by older builds).
   * `lots`: the lots or serials scanned at the bench for a tracked line (absent: none scanned, Odoo's
   * reservation stands).
   */
  lines: z.array(
    z.object({
      moveId: z.number().int().positive(),
      quantity: z.number().nonnegative(),
      ordered: z.number().nonnegative().optional(),
      lots: z.array(LotCount).optional(),
    }),
  ),
  /**
   * Every parcel, in order, when there are several. Absent (rows queued by older builds, and orders
   * in one parcel): one parcel, `trackingRef`/`weightG`/`packageTypeId` with every line.
   */
  parcels: z.array(DispatchParcel).min(2).optional(),
  /** The address the label was made for, to notice a delivery re-addressed in Odoo since. */
  shipTo: Address.optional(),
  /** The bench that packed it (its claim), and when the order was opened. */
  bench: z.string().optional(),
  openedAt: z.number().optional(),
  /** Carrier code for the attachment name (`LabelShipping-<carrier>-<ref>.<ext>`). */
  carrier: z.string().optional(),
  /** The stored label (labels table), base64, attached to the picking: rows of older builds, the first parcel's only. */
  label: z.object({ labelId: z.number().int(), format: z.string().min(1), base64: z.string() }).optional(),
  /** Every parcel's stored label, in parcel order, each attached to the picking under its own tracking ref. */
  labels: z.array(DispatchLabel).min(1).optional(),
  /**
   * 'odoo_connector': Odoo's carrier connector bought the labels when the bench validated the
   * picking for them (carriers/odoo): the picking is done with the connector's refs and has its
   * labels, so the dispatch never validates it again and attaches nothing; it adds only what is
   * missing (the bench's chatter message). Absent: the bench's label, dispatched as ever.
   */
  labelledBy: z.literal('odoo_connector').optional(),
  /** The package type (Odoo stock.package.type id) the packer scanned for the parcel, if any. */
  packageTypeId: z.number().int().positive().optional(),
  /** The operation type's lot rule when the order was cached (shared/order.ts); absent: unknown. */
  lotRule: z.enum(['create', 'existing', 'free']).optional(),
});
export type DispatchPayload = z.infer<typeof DispatchPayload>;

/** What the bench knows of a labelled parcel, beyond the order as cached. */
export interface DispatchFacts {
  sessionId: number;
  /** The shipment's idempotency key: one dispatch per shipment. */
  shipmentKey: string;
  trackingRef: string;
  weightG: number;
  /** Units packed per move (absent: the ordered quantity). */
  packed: ReadonlyMap<number, number>;
  /** Lots or serials scanned per move. */
  lots: ReadonlyMap<number, { name: string; quantity: number }[]>;
  bench: string;
  openedAt: number;
  carrier: string;
  /** Each parcel's label, in parcel order (none: Odoo has them already, or none is made yet). */
  labels: { labelId: number; trackingRef: string; format: string; bytes: Buffer }[];
  /** Odoo's carrier connector made the labels on validation (see DispatchPayload.labelledBy). */
  labelledBy?: 'odoo_connector' | undefined;
  packageTypeId?: number | undefined;
  /** Several parcels: each with its own tracking ref, weight, box and units. */
  parcels?: DispatchParcel[] | undefined;
}

/** The row that tells Odoo the picking was packed, weighed and labelled. */
export function dispatchRow(order: Order, facts: DispatchFacts): EnqueueInput {
  return {
    target: 'odoo',
    kind: ODOO_DISPATCH,
    orderKey: orderKey(order),
    payload: dispatchPayload(order, facts),
    idempotencyKey: `dispatch:${facts.shipmentKey}`,
    binding: odooBinding(order.source),
  };
}

/**
 * What Odoo is told of a packed order: the dispatch row's payload, and what an Odoo-managed label
 * (carriers/odoo) writes before it validates (with the bench's package names for tracking refs).
 */
export function dispatchPayload(order: Order, facts: DispatchFacts): DispatchPayload {
  const payload: DispatchPayload = {
    sessionId: facts.sessionId,
    pickingId: order.pickingId,
    pickingName: order.name,
    trackingRef: facts.trackingRef,
    weightG: facts.weightG,
    lines: order.lines.map((l) => {
      const scanned = facts.lots.get(l.moveId);
      return {
        moveId: l.moveId,
        quantity: facts.packed.get(l.moveId) ?? l.quantity,
        ordered: l.quantity,
        // The lots or serials the packer scanned win over Odoo's reservation.
        ...(scanned && scanned.length > 0 ? { lots: scanned } : {}),
      };
    }),
    shipTo: {
      name: order.shipTo.name,
      street1: order.shipTo.street1,
      street2: order.shipTo.street2 ?? null,
      postalCode: order.shipTo.postalCode,
      city: order.shipTo.city,
      country: order.shipTo.country,
    },
    bench: facts.bench,
    openedAt: facts.openedAt,
    carrier: facts.carrier,
    ...(facts.labels.length > 0
      ? { labels: facts.labels.map((l) => ({ labelId: l.labelId, trackingRef: l.trackingRef, format: l.format, base64: l.bytes.toString('base64') })) }
      : {}),
    ...(facts.labelledBy ? { labelledBy: facts.labelledBy } : {}),
    // Odoo's package gets the scanned package type (absent: none was scanned).
    packageTypeId: facts.packageTypeId,
    lotRule: order.operation?.lots,
    ...(facts.parcels && facts.parcels.length > 1 ? { parcels: facts.parcels } : {}),
  };
  return DispatchPayload.parse(payload);
}

/** Every label a dispatch attaches, in parcel order: `labels`, or the one `label` of rows of older builds. */
export function labelsOf(p: Pick<DispatchPayload, 'label' | 'labels' | 'trackingRef'>): DispatchLabel[] {
  if (p.labels) return p.labels;
  return p.label ? [{ ...p.label, trackingRef: p.trackingRef }] : [];
}

// ---- Odoo: release the claim of an order put aside ------------------------------------------

export const ReleasePayload = z.object({
  /** The pack session that was put aside. */
  sessionId: z.number().int().positive(),
  pickingId: z.number().int().positive(),
  pickingName: z.string().min(1),
  /** The bench whose claim is released (its name in the claim marker). */
  bench: z.string().min(1),
  /** Who put it aside, for the note. */
  packer: z.string().min(1),
  /** When it was put aside (ms since epoch). */
  at: z.number().int().nonnegative(),
});
export type ReleasePayload = z.infer<typeof ReleasePayload>;

/** The outbox row that releases the claim on an order put aside. */
export function releaseRow(
  order: Source & { pickingId: number; name: string },
  input: { sessionId: number; bench: string; packer: string; at: number },
): EnqueueInput {
  const binding = odooBinding(order.source);
  return {
    target: 'odoo',
    kind: ODOO_RELEASE,
    orderKey: orderKey(order),
    payload: ReleasePayload.parse({
      sessionId: input.sessionId,
      pickingId: order.pickingId,
      pickingName: order.name,
      bench: input.bench,
      packer: input.packer,
      at: input.at,
    }),
    idempotencyKey: `release:${binding}|${order.pickingId}|session:${input.sessionId}`,
    binding,
  };
}

// ---- Odoo: note an address corrected at the bench in the picking's chatter --------------------

export const ODOO_ADDRESS_NOTE = 'odoo.address_note';

export const AddressNotePayload = z.object({
  pickingId: z.number().int().positive(),
  pickingName: z.string().min(1),
  /** Who corrected it (the approving shift lead) and at which bench. */
  lead: z.string().min(1),
  bench: z.string().min(1),
  /** Each field changed, as people name it ("postcode"), before and after. */
  changes: z.array(z.object({ field: z.string().min(1), before: z.string().nullable(), after: z.string().nullable() })).min(1),
  /** The words the note is found by in the chatter (a retry after a lost reply posts it once). */
  marker: z.string().regex(/^[A-Za-z0-9 .:#-]+$/),
  at: z.number().int().nonnegative(),
});
export type AddressNotePayload = z.infer<typeof AddressNotePayload>;

/** The row that tells Odoo, in the picking's chatter, that the shift lead corrected its address. */
export function addressNoteRow(
  order: Source & { pickingId: number; name: string },
  input: Omit<AddressNotePayload, 'pickingId' | 'pickingName'>,
): EnqueueInput {
  return {
    target: 'odoo',
    kind: ODOO_ADDRESS_NOTE,
    orderKey: orderKey(order),
    payload: AddressNotePayload.parse({ ...input, pickingId: order.pickingId, pickingName: order.name }),
    idempotencyKey: `address-note:${odooBinding(order.source)}|${input.marker}`,
    binding: odooBinding(order.source),
  };
}

// ---- carrier: void a bought label ------------------------------------------------------------

export const CARRIER_VOID_LABEL = 'carrier.void_label';

export const VoidLabelPayload = z.object({
  /** The shipments row whose label is given up. */
  shipmentId: z.number().int().positive(),
  /** The provider's code (its target is `carrier:<code>`) and its id of the purchase. */
  carrier: z.string().min(1),
  providerRef: z.string().min(1),
  pickingName: z.string().min(1),
  /** The tracking numbers the purchase gave, for the lead's words ("label 1Z…"). */
  trackingNumbers: z.array(z.string().min(1)).min(1),
  /** Why, in plain words ("the order was repacked"). */
  why: z.string().min(1),
});
export type VoidLabelPayload = z.infer<typeof VoidLabelPayload>;

/**
 * The row that voids a purchase at its provider, in the provider's own lane. Its order key is the
 * picking's plus `:void`: a refused void (dead, for the lead) must not hold back the new label of a
 * repacked order. One row per purchase, whoever asks.
 */
export function voidLabelRow(order: Source & { pickingId: number }, payload: VoidLabelPayload): EnqueueInput {
  return {
    target: carrierTarget(payload.carrier),
    kind: CARRIER_VOID_LABEL,
    orderKey: `${orderKey(order)}:void`,
    payload: VoidLabelPayload.parse(payload),
    idempotencyKey: `void:${payload.carrier}:${payload.providerRef}`,
    binding: odooBinding(order.source),
  };
}

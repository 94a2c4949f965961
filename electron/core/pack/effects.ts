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
  /** The stored label (labels table), base64, attached to the picking. */
  label: z.object({ labelId: z.number().int(), format: z.string().min(1), base64: z.string() }).optional(),
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
  label: { labelId: number; format: string; bytes: Buffer };
  packageTypeId?: number | undefined;
  /** Several parcels: each with its own tracking ref, weight, box and units. */
  parcels?: DispatchParcel[] | undefined;
}

/** The row that tells Odoo the picking was packed, weighed and labelled. */
export function dispatchRow(order: Order, facts: DispatchFacts): EnqueueInput {
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
    label: { labelId: facts.label.labelId, format: facts.label.format, base64: facts.label.bytes.toString('base64') },
    // Odoo's package gets the scanned package type (absent: none was scanned).
    packageTypeId: facts.packageTypeId,
    lotRule: order.operation?.lots,
    ...(facts.parcels && facts.parcels.length > 1 ? { parcels: facts.parcels } : {}),
  };
  return {
    target: 'odoo',
    kind: ODOO_DISPATCH,
    orderKey: orderKey(order),
    payload: DispatchPayload.parse(payload),
    idempotencyKey: `dispatch:${facts.shipmentKey}`,
    binding: odooBinding(order.source),
  };
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

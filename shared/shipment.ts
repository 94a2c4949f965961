// Canonical shipment request (see ../shared/ref/carriers.md §3), validated before any carrier sees it.
import { z } from 'zod';
import { Party } from './order';

export const Money = z.object({ amount: z.string().regex(/^\d+(\.\d+)?$/), currency: z.string().length(3) });

export const ParcelRequest = z.object({
  reference: z.string().min(1),
  weightG: z.number().int().positive('A parcel must weigh something'),
  dimsMm: z
    .object({ l: z.number().int().positive(), w: z.number().int().positive(), h: z.number().int().positive() })
    .nullable()
    .default(null),
  items: z.array(
    z.object({ sku: z.string().nullable(), description: z.string(), qty: z.number().positive() }),
  ),
});
export type ParcelRequest = z.infer<typeof ParcelRequest>;

export const ShipmentRequest = z.object({
  idempotencyKey: z.string().min(1),
  source: z.object({
    system: z.literal('odoo'),
    url: z.string(),
    db: z.string(),
    pickingId: z.number().int().positive(),
    pickingName: z.string(),
    saleOrder: z.string().nullable(),
  }),
  service: z.object({ carrier: z.string().min(1), serviceCode: z.string().min(1) }),
  shipper: Party,
  recipient: Party,
  parcels: z.array(ParcelRequest).min(1),
});
export type ShipmentRequest = z.infer<typeof ShipmentRequest>;

export const ShipmentLabel = z.object({
  parcelIndex: z.number().int().nonnegative(),
  trackingNumber: z.string().min(1),
  format: z.enum(['ZPL', 'PNG', 'PDF']),
});

// The delivery order as the bench knows it: an Odoo stock.picking mapped to canonical units
// (grams, whole quantities in the product's unit). Cached locally so packing works offline.
import { z } from 'zod';

export const Party = z.object({
  name: z.string().min(1),
  company: z.string().nullable().default(null),
  street1: z.string().min(1),
  street2: z.string().nullable().default(null),
  city: z.string().min(1),
  postalCode: z.string().min(1),
  region: z.string().nullable().default(null),
  /** ISO 3166-1 alpha-2 */
  country: z.string().length(2),
  phone: z.string().nullable().default(null),
  email: z.string().nullable().default(null),
});
export type Party = z.infer<typeof Party>;

export const OrderLine = z.object({
  /** stock.move id */
  moveId: z.number().int().positive(),
  productId: z.number().int().positive(),
  name: z.string(),
  sku: z.string().nullable(),
  barcode: z.string().nullable(),
  quantity: z.number().positive(),
  unit: z.string(),
  /** Weight of one unit in grams, when the product has one. */
  unitWeightG: z.number().nonnegative().nullable(),
  tracking: z.enum(['none', 'lot', 'serial']),
  /**
   * The lots or serials Odoo reserved for this move, with the units of each (absent in orders cached
   * by older builds; empty when Odoo reserved none). Shown on the line; they ship when the bench
   * does not scan lots, else the scanned ones win.
   */
  reservedLots: z.array(z.object({ name: z.string().min(1), quantity: z.number().positive() })).optional(),
  // Customs data (absent in orders cached by older builds, null when Odoo has none).
  /** Sales price of one unit, in the company's currency. */
  unitValue: z.object({ amount: z.string().regex(/^\d+(\.\d+)?$/), currency: z.string().length(3) }).nullable().optional(),
  /** Harmonized System code (Odoo `hs_code`). */
  hsCode: z.string().min(1).nullable().optional(),
  /** ISO 3166-1 alpha-2 country of origin (Odoo `country_of_origin`). */
  originCountry: z.string().length(2).nullable().optional(),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const Order = z.object({
  source: z.object({
    /** The Odoo URL and database this order came from; effects are bound to it. */
    url: z.string(),
    db: z.string(),
  }),
  pickingId: z.number().int().positive(),
  name: z.string().min(1),
  origin: z.string().nullable(),
  /** Odoo picking state: draft, waiting, confirmed, assigned, done, cancel */
  state: z.string(),
  carrier: z.string().nullable(),
  shipTo: Party,
  shipFrom: Party,
  lines: z.array(OrderLine).min(1),
  writeDate: z.string(),
  /** Where it ships from in Odoo, for the bench's scope (absent in orders cached by older builds). */
  operation: z
    .object({
      companyId: z.number().int().positive().nullable(),
      company: z.string().nullable(),
      warehouseId: z.number().int().positive().nullable(),
      warehouse: z.string().nullable(),
      pickingTypeId: z.number().int().positive().nullable(),
      /** As Odoo names it, e.g. "Berlin: Delivery Orders". */
      pickingType: z.string().nullable(),
      /**
       * Which lots the operation type lets leave: 'create' (a new name becomes a lot), 'existing'
       * (only lots Odoo has: Odoo's default for deliveries), 'free' (tracked products may leave
       * without one). Absent when unknown.
       */
      lots: z.enum(['create', 'existing', 'free']).optional(),
    })
    .optional(),
});
export type Order = z.infer<typeof Order>;

// A package type (box, mailer bag…) as the bench knows it: Odoo's stock.package.type in canonical
// units (grams, millimetres). Cached locally so a box barcode is understood offline.
import { z } from 'zod';

export const PackageType = z.object({
  /** stock.package.type id in the Odoo the type came from. */
  typeId: z.number().int().positive(),
  name: z.string().min(1),
  barcode: z.string().min(1).nullable(),
  /** Outer dimensions; null unless all three are set in Odoo. */
  dimsMm: z
    .object({ l: z.number().int().positive(), w: z.number().int().positive(), h: z.number().int().positive() })
    .nullable(),
  /** The empty box (Odoo's `base_weight`). */
  baseWeightG: z.number().int().nonnegative(),
  /** Heaviest parcel this type may carry; null: no limit set. */
  maxWeightG: z.number().int().positive().nullable(),
  /** `package_carrier_type` ('none' for a plain box), null when Odoo has none. */
  carrierType: z.string().nullable(),
  /** Odoo's order: the first in the sequence is the default one. */
  sequence: z.number().int(),
  companyId: z.number().int().positive().nullable(),
});
export type PackageType = z.infer<typeof PackageType>;

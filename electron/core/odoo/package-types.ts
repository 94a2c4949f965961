// Package types from Odoo (stock.package.type, 16–19): every type the bench's user may see, mapped
// to canonical units. Dimensions are in Odoo's length unit (mm unless set to feet), weights in its
// weight unit (kg unless set to pounds); 16 stores dimensions as integers, 17+ as floats. They are
// few, so they are read whole.
import { z } from 'zod';
import { M2o } from './read-rows';
import { PackageType } from '../../../shared/package-type';
import { OdooError } from './errors';
import type { OdooCaller } from './pickings';

const Text = z.union([z.string(), z.literal(false)]).transform((v) => (v === false || v.trim() === '' ? null : v.trim()));

const PackageTypeRow = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  sequence: z.number().int(),
  barcode: Text,
  packaging_length: z.number(),
  width: z.number(),
  height: z.number(),
  base_weight: z.number(),
  max_weight: z.number(),
  length_uom_name: Text,
  weight_uom_name: Text,
  package_carrier_type: Text,
  company_id: M2o,
});
export const PACKAGE_TYPE_FIELDS = Object.keys(PackageTypeRow.shape).filter((f) => f !== 'id');

/** Millimetres per unit of Odoo's length unit label. */
const MM_PER: Record<string, number> = { mm: 1, cm: 10, m: 1000, in: 25.4, ft: 304.8 };
/** Grams per unit of Odoo's weight unit label. */
const G_PER: Record<string, number> = { g: 1, kg: 1000, t: 1_000_000, lb: 453.59237, lbs: 453.59237, oz: 28.349523125 };

export interface PackageTypesRead {
  types: PackageType[];
  /** Types that cannot be used as read (unknown unit, no name), with the reason. */
  skipped: { typeId: number; reason: string }[];
}

/** One search_read for all of them (archived ones are left out by Odoo). */
export async function readPackageTypes(transport: OdooCaller): Promise<PackageTypesRead> {
  const reply = await transport.call('stock.package.type', 'search_read', { domain: [], fields: PACKAGE_TYPE_FIELDS, order: 'sequence, id' });
  const parsed = z.array(PackageTypeRow).safeParse(reply);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OdooError({
      kind: 'protocol',
      message: `Unexpected stock.package.type.search_read reply from Odoo at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
    });
  }
  const out: PackageTypesRead = { types: [], skipped: [] };
  for (const row of parsed.data) {
    const mapped = toPackageType(row);
    if (typeof mapped === 'string') out.skipped.push({ typeId: row.id, reason: mapped });
    else out.types.push(mapped);
  }
  return out;
}

/** Canonical units, or why the type cannot be used. */
function toPackageType(row: z.infer<typeof PackageTypeRow>): PackageType | string {
  const lengthUnit = (row.length_uom_name ?? 'mm').toLowerCase();
  const weightUnit = (row.weight_uom_name ?? 'kg').toLowerCase();
  const mm = MM_PER[lengthUnit];
  const g = G_PER[weightUnit];
  if (mm === undefined) return `unknown length unit "${row.length_uom_name}"`;
  if (g === undefined) return `unknown weight unit "${row.weight_uom_name}"`;
  const [l, w, h] = [row.packaging_length, row.width, row.height].map((v) => Math.round(v * mm));
  const candidate = {
    typeId: row.id,
    name: row.name.trim(),
    barcode: row.barcode,
    dimsMm: l! > 0 && w! > 0 && h! > 0 ? { l: l!, w: w!, h: h! } : null,
    baseWeightG: Math.max(0, Math.round(row.base_weight * g)),
    // Odoo's 0 means "no limit".
    maxWeightG: row.max_weight > 0 ? Math.round(row.max_weight * g) : null,
    carrierType: row.package_carrier_type,
    sequence: row.sequence,
    companyId: row.company_id === false ? null : row.company_id[0],
  };
  const parsed = PackageType.safeParse(candidate);
  if (!parsed.success) return `not usable: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`;
  return parsed.data;
}

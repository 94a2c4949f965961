// The weight-variance gate: expected = product weights × quantities + box tare; a parcel outside
// the tolerance is held until it is reweighed or a shift lead overrides it with a reason. Pure.
import type { OrderLine } from '../../../shared/order';

export interface VarianceRule {
  /** Tolerance as a share of the expected weight, in percent. */
  tolerancePct: number;
  /** Never tighter than this, in grams (light parcels swing more in relative terms). */
  toleranceMinG: number;
  /** The empty box and filling, in grams. */
  boxTareG: number;
}

export type VarianceVerdict =
  | { kind: 'unknown'; missing: string[] }
  | { kind: 'within'; expectedG: number; toleranceG: number; deltaG: number }
  | { kind: 'outside'; expectedG: number; toleranceG: number; deltaG: number; direction: 'above' | 'below' };

export function checkWeightVariance(
  lines: Pick<OrderLine, 'name' | 'quantity' | 'unitWeightG'>[],
  actualG: number,
  rule: VarianceRule,
): VarianceVerdict {
  // Without a weight for every product there is nothing honest to compare against.
  const missing = lines.filter((l) => l.unitWeightG === null || l.unitWeightG === 0).map((l) => l.name);
  if (missing.length > 0) return { kind: 'unknown', missing };
  const expectedG = Math.round(lines.reduce((g, l) => g + l.unitWeightG! * l.quantity, 0) + rule.boxTareG);
  const toleranceG = Math.max(rule.toleranceMinG, Math.round((expectedG * rule.tolerancePct) / 100));
  const deltaG = Math.round(actualG - expectedG);
  if (Math.abs(deltaG) <= toleranceG) return { kind: 'within', expectedG, toleranceG, deltaG };
  return { kind: 'outside', expectedG, toleranceG, deltaG, direction: deltaG > 0 ? 'above' : 'below' };
}

export function kg(grams: number): string {
  return `${(grams / 1000).toFixed(3)} kg`;
}

/** The sentence the packer reads when a parcel is held. */
export function heldMessage(verdict: Extract<VarianceVerdict, { kind: 'outside' }>, actualG: number): string {
  return (
    `The parcel weighs ${kg(actualG)}, ${Math.abs(verdict.deltaG)} g ${verdict.direction} the expected ` +
    `${kg(verdict.expectedG)}. Check what is in the box and weigh it again, or call the shift lead.`
  );
}

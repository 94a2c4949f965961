// The weight-variance gate: expected = product weights × quantities + box tare; a parcel outside
// the tolerance, or heavier than its package type may carry, is held until it is reweighed or a
// shift lead overrides it with a reason. Pure.
import type { Translate } from '../../../shared/i18n';
import type { OrderLine } from '../../../shared/order';

export interface VarianceRule {
  /** Tolerance as a share of the expected weight, in percent. */
  tolerancePct: number;
  /** Never tighter than this, in grams (light parcels swing more in relative terms). */
  toleranceMinG: number;
  /** The empty box and filling, in grams. */
  boxTareG: number;
  /** The package type's limit (Odoo's `max_weight`), when the parcel has one with a limit. */
  maxWeight?: { packageType: string; grams: number } | null;
}

/** The box the packer scanned, as far as the gate cares. */
export interface GatePackageType {
  name: string;
  baseWeightG: number;
  maxWeightG: number | null;
}

/** The rule for a parcel in this package type: its empty weight is the tare, its limit the maximum. */
export function ruleForPackageType(rule: VarianceRule, box: GatePackageType | null): VarianceRule {
  if (!box) return rule;
  return { ...rule, boxTareG: box.baseWeightG, maxWeight: box.maxWeightG === null ? null : { packageType: box.name, grams: box.maxWeightG } };
}

export type VarianceVerdict =
  | { kind: 'over_max'; packageType: string; maxWeightG: number; overG: number }
  | { kind: 'unknown'; missing: string[] }
  | { kind: 'within'; expectedG: number; toleranceG: number; deltaG: number }
  | { kind: 'outside'; expectedG: number; toleranceG: number; deltaG: number; direction: 'above' | 'below' };

export function checkWeightVariance(
  lines: Pick<OrderLine, 'name' | 'quantity' | 'unitWeightG'>[],
  actualG: number,
  rule: VarianceRule,
): VarianceVerdict {
  // A box's limit holds whatever the products weigh (known or not).
  const max = rule.maxWeight;
  if (max && actualG > max.grams) {
    return { kind: 'over_max', packageType: max.packageType, maxWeightG: max.grams, overG: Math.round(actualG - max.grams) };
  }
  // Without a weight for every product there is nothing honest to compare against.
  const missing = lines.filter((l) => l.unitWeightG === null || l.unitWeightG === 0).map((l) => l.name);
  if (missing.length > 0) return { kind: 'unknown', missing };
  const expectedG = Math.round(lines.reduce((g, l) => g + l.unitWeightG! * l.quantity, 0) + rule.boxTareG);
  const toleranceG = Math.max(rule.toleranceMinG, Math.round((expectedG * rule.tolerancePct) / 100));
  const deltaG = Math.round(actualG - expectedG);
  if (Math.abs(deltaG) <= toleranceG) return { kind: 'within', expectedG, toleranceG, deltaG };
  return { kind: 'outside', expectedG, toleranceG, deltaG, direction: deltaG > 0 ? 'above' : 'below' };
}

/** A weight for a record that stays English (a resolution note); the packer reads weights through `t`. */
export function kg(grams: number): string {
  return `${(grams / 1000).toFixed(3)} kg`;
}

export type HeldVerdict = Extract<VarianceVerdict, { kind: 'outside' | 'over_max' }>;

/** The sentence the packer reads when a parcel is held. */
export function heldMessage(t: Translate, verdict: HeldVerdict, actualG: number): string {
  if (verdict.kind === 'over_max') {
    return t('pack.weight.overMax', { actual: actualG, box: verdict.packageType, max: verdict.maxWeightG });
  }
  const params = { actual: actualG, delta: Math.abs(verdict.deltaG), expected: verdict.expectedG };
  return verdict.direction === 'above' ? t('pack.weight.above', params) : t('pack.weight.below', params);
}

/** The hold's title in the shift lead's queue. */
export function heldTitle(t: Translate, orderName: string, verdict: HeldVerdict, actualG: number): string {
  if (verdict.kind === 'over_max') {
    return t('pack.weight.overMaxTitle', { order: orderName, actual: actualG, max: verdict.maxWeightG, box: verdict.packageType });
  }
  return t('pack.weight.outsideTitle', { order: orderName, actual: actualG, expected: verdict.expectedG, tolerance: verdict.toleranceG });
}

/** What the hold records beside the session and the actual weight. */
export function heldFigures(verdict: HeldVerdict): Record<string, number | string> {
  if (verdict.kind === 'over_max') return { maxWeightG: verdict.maxWeightG, overG: verdict.overG, packageType: verdict.packageType };
  return { expectedG: verdict.expectedG, toleranceG: verdict.toleranceG, deltaG: verdict.deltaG };
}

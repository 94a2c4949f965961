import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../electron/core/i18n/translator';
import { checkWeightVariance, heldMessage, heldTitle, ruleForPackageType, type HeldVerdict } from '../../electron/core/pack/weight-variance';

const { t } = createTranslator('en');

const rule = { tolerancePct: 10, toleranceMinG: 50, boxTareG: 150 };
const lines = [
  { name: 'Mug', quantity: 2, unitWeightG: 350 },
  { name: 'Tea', quantity: 1, unitWeightG: 250 },
];
// expected = 2×350 + 250 + 150 = 1100 g; tolerance = max(50, 110) = 110 g

describe('weight-variance gate', () => {
  it('passes a parcel within tolerance, on either side', () => {
    expect(checkWeightVariance(lines, 1100, rule)).toEqual({ kind: 'within', expectedG: 1100, toleranceG: 110, deltaG: 0 });
    expect(checkWeightVariance(lines, 1210, rule).kind).toBe('within');
    expect(checkWeightVariance(lines, 990, rule).kind).toBe('within');
  });

  it('holds a parcel above the tolerance', () => {
    const verdict = checkWeightVariance(lines, 1450, rule);
    expect(verdict).toEqual({ kind: 'outside', expectedG: 1100, toleranceG: 110, deltaG: 350, direction: 'above' });
    expect(heldMessage(t, verdict as Extract<typeof verdict, { kind: 'outside' }>, 1450)).toBe(
      'The parcel weighs 1.450 kg, 350 g above the expected 1.100 kg. Check what is in the box and weigh it again, or call the shift lead.',
    );
  });

  it('holds a parcel below the tolerance (an item missing)', () => {
    expect(checkWeightVariance(lines, 760, rule)).toMatchObject({ kind: 'outside', direction: 'below', deltaG: -340 });
  });

  it('uses the minimum tolerance for light parcels', () => {
    const light = [{ name: 'Card', quantity: 1, unitWeightG: 20 }];
    // expected 170 g; 10 % would be 17 g, the floor is 50 g
    expect(checkWeightVariance(light, 215, rule)).toMatchObject({ kind: 'within', toleranceG: 50 });
    expect(checkWeightVariance(light, 225, rule)).toMatchObject({ kind: 'outside', toleranceG: 50 });
  });

  it('says it cannot judge when a product has no weight', () => {
    expect(checkWeightVariance([...lines, { name: 'Gift card', quantity: 1, unitWeightG: null }], 5000, rule)).toEqual({
      kind: 'unknown',
      missing: ['Gift card'],
    });
  });
});

describe('weight-variance gate with a package type', () => {
  const boxM = { name: 'Box M', baseWeightG: 350, maxWeightG: 1500 };

  it("uses the box's empty weight as the tare instead of the bench's", () => {
    // expected = 950 + 350 = 1300 g; tolerance 130 g
    expect(checkWeightVariance(lines, 1300, ruleForPackageType(rule, boxM))).toMatchObject({ kind: 'within', expectedG: 1300 });
    expect(checkWeightVariance(lines, 1300, rule)).toMatchObject({ kind: 'outside', expectedG: 1100 });
    expect(ruleForPackageType(rule, null)).toBe(rule);
  });

  it('holds a parcel over the limit of its box, before anything else and even with weights missing', () => {
    const inBox = ruleForPackageType(rule, boxM);
    const verdict = checkWeightVariance([...lines, { name: 'Gift card', quantity: 1, unitWeightG: null }], 1620, inBox);
    expect(verdict).toEqual({ kind: 'over_max', packageType: 'Box M', maxWeightG: 1500, overG: 120 });
    expect(heldMessage(t, verdict as HeldVerdict, 1620)).toBe(
      'The parcel weighs 1.620 kg, more than a Box M may carry (1.500 kg). Use a bigger box and scan its barcode, or split the parcel, then weigh it again; or call the shift lead.',
    );
    expect(heldTitle(t, 'WH/OUT/00001', verdict as HeldVerdict, 1620)).toBe('WH/OUT/00001 weighs 1.620 kg, over the 1.500 kg a Box M may carry.');
    // In German, with the decimal comma.
    expect(heldTitle(createTranslator('de').t, 'WH/OUT/00001', verdict as HeldVerdict, 1620)).toBe(
      'WH/OUT/00001 wiegt 1,620 kg, mehr als die 1,500 kg, die ein Box M tragen darf.',
    );
    // At the limit is allowed; a box without a limit never holds for it.
    expect(checkWeightVariance(lines, 1500, inBox).kind).not.toBe('over_max');
    expect(checkWeightVariance(lines, 90_000, ruleForPackageType(rule, { ...boxM, maxWeightG: null })).kind).toBe('outside');
  });
});

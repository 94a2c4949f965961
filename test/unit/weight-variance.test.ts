import { describe, expect, it } from 'vitest';
import { checkWeightVariance, heldMessage } from '../../electron/core/pack/weight-variance';

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
    expect(heldMessage(verdict as Extract<typeof verdict, { kind: 'outside' }>, 1450)).toBe(
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

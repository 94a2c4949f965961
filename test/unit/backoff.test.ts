// Full-jitter exponential backoff: bounds, growth and spread.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from '../../electron/core/sync/backoff';

const base = 1000;
const max = 300_000;

/** A small seeded generator so the statistical checks are reproducible. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('backoff', () => {
  it('doubles the ceiling per attempt up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffCeiling(n, base, max))).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(backoffCeiling(9, base, max)).toBe(256_000);
    expect(backoffCeiling(10, base, max)).toBe(max);
    expect(backoffCeiling(5000, base, max)).toBe(max);
    // Attempt 0 or nonsense is treated as the first retry.
    expect(backoffCeiling(0, base, max)).toBe(1000);
  });

  it('picks uniformly between zero and the ceiling (full jitter)', () => {
    expect(backoffDelay(3, { baseMs: base, maxMs: max, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { baseMs: base, maxMs: max, random: () => 0.5 })).toBe(2000);
    expect(backoffDelay(3, { baseMs: base, maxMs: max, random: () => 0.999_999 })).toBe(4000);
  });

  it('stays within [0, ceiling] for any attempt and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const delay = backoffDelay(n, { baseMs: base, maxMs: max, random: () => r });
          return Number.isInteger(delay) && delay >= 0 && delay <= backoffCeiling(n, base, max) && delay <= max;
        },
      ),
    );
  });

  it('has jitter: the same attempt gives spread-out delays', () => {
    const random = seeded(42);
    const delays = Array.from({ length: 200 }, () => backoffDelay(6, { baseMs: base, maxMs: max, random }));
    expect(new Set(delays).size).toBeGreaterThan(150);
    expect(Math.min(...delays)).toBeLessThan(32_000 * 0.1);
    expect(Math.max(...delays)).toBeGreaterThan(32_000 * 0.9);
  });

  it('grows with the attempt count on average', () => {
    const random = seeded(7);
    const mean = (n: number) => {
      let sum = 0;
      for (let i = 0; i < 2000; i++) sum += backoffDelay(n, { baseMs: base, maxMs: max, random });
      return sum / 2000;
    };
    const means = [1, 2, 3, 4, 5, 6].map(mean);
    for (let i = 1; i < means.length; i++) expect(means[i]!).toBeGreaterThan(means[i - 1]! * 1.6);
    // Full jitter: the mean sits near half the ceiling.
    expect(means[5]!).toBeGreaterThan(32_000 * 0.45);
    expect(means[5]!).toBeLessThan(32_000 * 0.55);
  });

  it('clamps a misbehaving random source', () => {
    expect(backoffDelay(2, { baseMs: base, maxMs: max, random: () => 1.5 })).toBe(2000);
    expect(backoffDelay(2, { baseMs: base, maxMs: max, random: () => -1 })).toBe(0);
    expect(backoffDelay(2, { baseMs: base, maxMs: max, random: () => Number.NaN })).toBe(0);
  });
});

// Scale units → grams, the core's one weight unit.

const GRAMS_PER_UNIT: Record<string, number> = {
  mg: 0.001,
  g: 1,
  kg: 1000,
  lb: 453.59237,
  oz: 28.349523125,
};

/** Grams for a value in a scale unit, or null for a unit we cannot convert. */
export function toGrams(value: number, unit: string): number | null {
  const factor = GRAMS_PER_UNIT[unit.trim().toLowerCase()];
  if (factor === undefined || !Number.isFinite(value)) return null;
  // Round to the milligram so 0.1 lb does not come out as 45.359237000000004.
  return Math.round(value * factor * 1000) / 1000;
}

/** A decimal weight field: optional sign, digits with at most one point. Null when it is not one. */
export function parseDecimal(field: string): number | null {
  // The sign may sit anywhere before the digits inside the field (`-    12.50`), never after them.
  const m = /^ *([+-]?) *(\d+\.?\d*|\.\d+) *$/.exec(field);
  if (!m) return null;
  const value = Number(`${m[1]}${m[2]}`);
  return Number.isFinite(value) ? value : null;
}

// Small display formats shared by the screens.

/** "850 g", "1.234 kg", or a dash when there is no reading. */
export function formatGrams(grams: number | null): string {
  if (grams === null) return '—';
  return grams >= 1000 ? `${(grams / 1000).toFixed(3)} kg` : `${grams} g`;
}

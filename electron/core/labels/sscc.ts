// SSCC (Serial Shipping Container Code, GS1 AI 00): 18 digits = extension digit, GS1 company
// prefix and serial reference (17 digits), then a mod-10 check digit.

export class InvalidSsccError extends Error {
  override name = 'InvalidSsccError';
}

/**
 * GS1 mod-10 check digit of `digits` (any length): weights 3,1,3,... from the rightmost
 * digit; check = (10 - sum mod 10) mod 10.
 */
export function gs1CheckDigit(digits: string): number {
  if (!/^\d+$/.test(digits)) throw new InvalidSsccError(`Not digits: ${JSON.stringify(digits)}`);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * The 18-digit SSCC from what a person or an ERP may hand us: 17 digits (check digit added)
 * or 18 digits (check digit verified), optionally prefixed "(00)" or "00" with 20 digits,
 * spaces allowed. Anything else throws InvalidSsccError with a readable message.
 */
export function normalizeSscc(input: string): string {
  let s = input.replace(/\s+/g, '');
  if (s.startsWith('(00)')) s = s.slice(4);
  else if (/^00\d{18}$/.test(s)) s = s.slice(2);
  if (!/^\d+$/.test(s)) throw new InvalidSsccError(`SSCC must be digits only: ${JSON.stringify(input)}`);
  if (s.length === 17) return s + String(gs1CheckDigit(s));
  if (s.length !== 18) throw new InvalidSsccError(`SSCC must have 17 or 18 digits, got ${s.length}: ${JSON.stringify(input)}`);
  const expected = gs1CheckDigit(s.slice(0, 17));
  if (Number(s[17]) !== expected) {
    throw new InvalidSsccError(`SSCC check digit is ${s[17]}, expected ${expected}: ${JSON.stringify(input)}`);
  }
  return s;
}

/** GS1 element string with the AI in parentheses, e.g. "(00)095287654321012346". */
export function ssccElementString(sscc: string): string {
  return `(00)${normalizeSscc(sscc)}`;
}

/** Human-readable line printed under the barcode: "(00) 095287654321012346". */
export function formatSscc(sscc: string): string {
  return `(00) ${normalizeSscc(sscc)}`;
}

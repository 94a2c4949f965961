// GS1 element strings as scanners send them: one scan of a GS1-128, GS1 DataMatrix, GS1 QR or
// DataBar code carrying application identifiers (AI 01 GTIN, AI 10 lot, AI 21 serial, dates…).
// Pure: no I/O. Three forms are read:
//   - the human-readable text "(01)09506000134352(10)ABC123", spaces allowed;
//   - the raw data with its symbology identifier ("]C1", "]d2", "]Q3", "]e0", "]J1") or a leading
//     FNC1 sent as GS (0x1D), variable-length fields ended by GS;
//   - the raw data with no prefix and no separators, only when it starts with a valid AI 01 GTIN
//     (a variable-length field then runs to the end of the scan, as the GS1 rules say it must).
// A scan that is none of these, or breaks the AI rules, is not GS1: the result is null.

export const GS = '\u001d';

export interface Gs1Element {
  ai: string;
  value: string;
}

export interface Gs1Data {
  elements: Gs1Element[];
  /** AI 01, 14 digits with a valid check digit. */
  gtin: string | null;
  /** AI 10 (batch or lot number). */
  lot: string | null;
  /** AI 21 (serial number). */
  serial: string | null;
}

/** How many characters an AI's value has: exactly `fixed` (all digits if `numeric`), or 1 to `max`. */
type Length = { fixed: number; numeric: boolean } | { max: number };

const fixed = (n: number): Length => ({ fixed: n, numeric: true });
const upTo = (n: number): Length => ({ max: n });

// The AIs of the GS1 General Specifications (section 3.2) a warehouse meets, by exact AI.
const TWO_DIGIT: Record<string, Length> = {
  '00': fixed(18),
  '01': fixed(14),
  '02': fixed(14),
  '03': fixed(14),
  '10': upTo(20),
  '11': fixed(6),
  '12': fixed(6),
  '13': fixed(6),
  '15': fixed(6),
  '16': fixed(6),
  '17': fixed(6),
  '20': fixed(2),
  '21': upTo(20),
  '22': upTo(20),
  '30': upTo(8),
  '37': upTo(8),
  '90': upTo(30),
};
const THREE_DIGIT: Record<string, Length> = {
  '235': upTo(28),
  '240': upTo(30),
  '241': upTo(30),
  '242': upTo(6),
  '243': upTo(20),
  '250': upTo(30),
  '251': upTo(30),
  '253': upTo(30),
  '254': upTo(20),
  '255': upTo(25),
  '400': upTo(30),
  '401': upTo(30),
  '402': fixed(17),
  '403': upTo(30),
  '420': upTo(20),
  '421': upTo(12),
  '422': fixed(3),
  '423': upTo(15),
  '424': fixed(3),
  '425': upTo(15),
  '426': fixed(3),
  '427': upTo(3),
};
const FOUR_DIGIT: Record<string, Length> = {
  '7001': fixed(13),
  '7002': upTo(30),
  '7003': fixed(10),
  '7004': upTo(4),
  '8001': fixed(14),
  '8002': upTo(20),
  '8003': upTo(30),
  '8004': upTo(30),
  '8005': fixed(6),
  '8006': fixed(18),
  '8007': upTo(34),
  '8008': upTo(12),
  '8012': upTo(20),
  '8017': fixed(18),
  '8018': fixed(18),
  '8020': upTo(25),
  '8200': upTo(70),
};

/** The AI at the start of `text` and its value's length, or null when no known AI starts there. */
function aiAt(text: string): { ai: string; length: Length } | null {
  const two = text.slice(0, 2);
  if (TWO_DIGIT[two]) return { ai: two, length: TWO_DIGIT[two] };
  // 91–99: company internal information.
  if (/^9[1-9]$/.test(two)) return { ai: two, length: upTo(90) };
  const three = text.slice(0, 3);
  if (THREE_DIGIT[three]) return { ai: three, length: THREE_DIGIT[three] };
  // 410–417: GLNs (ship to, bill to…).
  if (/^41[0-7]$/.test(three)) return { ai: three, length: fixed(13) };
  const four = text.slice(0, 4);
  if (FOUR_DIGIT[four]) return { ai: four, length: FOUR_DIGIT[four] };
  // 310n–369n: measures (weights, dimensions) with n decimals, six digits.
  if (/^3[1-6]\d\d$/.test(four)) return { ai: four, length: fixed(6) };
  // 390n–395n: amounts and prices.
  if (/^39[0-5]\d$/.test(four)) return { ai: four, length: upTo(18) };
  return null;
}

function lengthOf(ai: string): Length | null {
  const found = aiAt(ai);
  return found && found.ai === ai ? found.length : null;
}

/** GS1 character set 82: what an alphanumeric AI value may hold. */
const CSET_82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;

/** The GS1 mod-10 check digit of a GTIN (8, 12, 13 or 14 digits) is right. */
export function hasValidCheckDigit(digits: string): boolean {
  if (!/^\d{8,18}$/.test(digits)) return false;
  const body = digits.slice(0, -1);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    // Weights 3, 1, 3… counted from the digit next to the check digit.
    sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10 === Number(digits.at(-1));
}

/** A product barcode as a GTIN-14 (EAN-8, UPC-A, EAN-13 and GTIN-14 with a valid check digit), else null. */
export function gtin14(barcode: string | null | undefined): string | null {
  if (!barcode || !/^(\d{8}|\d{12,14})$/.test(barcode) || !hasValidCheckDigit(barcode)) return null;
  return barcode.padStart(14, '0');
}

function valueFits(ai: string, length: Length, value: string): boolean {
  if ('fixed' in length) {
    if (value.length !== length.fixed || (length.numeric && !/^\d+$/.test(value))) return false;
    return ai === '01' || ai === '02' || ai === '03' || ai === '00' ? hasValidCheckDigit(value) : true;
  }
  return value.length >= 1 && value.length <= length.max && CSET_82.test(value);
}

function collect(elements: Gs1Element[]): Gs1Data | null {
  if (elements.length === 0) return null;
  const seen = new Map<string, string>();
  for (const { ai, value } of elements) {
    // The same AI twice with different values is not one item.
    if (seen.has(ai) && seen.get(ai) !== value) return null;
    seen.set(ai, value);
  }
  return { elements, gtin: seen.get('01') ?? null, lot: seen.get('10') ?? null, serial: seen.get('21') ?? null };
}

/** "(01)09506000134352 (10)ABC123": the AIs are in brackets, so no table is needed to split. */
function parseBracketed(text: string): Gs1Data | null {
  const compact = text.replace(/\s+/g, '');
  const elements: Gs1Element[] = [];
  const pattern = /\((\d{2,4})\)([^()]+)/y;
  let at = 0;
  while (at < compact.length) {
    pattern.lastIndex = at;
    const m = pattern.exec(compact);
    if (!m) return null;
    const ai = m[1]!;
    const value = m[2]!;
    const length = lengthOf(ai);
    if (length ? !valueFits(ai, length, value) : !CSET_82.test(value)) return null;
    elements.push({ ai, value });
    at = pattern.lastIndex;
  }
  return collect(elements);
}

/** Raw element string: AIs from the table, variable-length values ended by GS or the end. */
function parseRaw(data: string): Gs1Data | null {
  const elements: Gs1Element[] = [];
  let at = 0;
  while (at < data.length) {
    if (data[at] === GS) {
      at++;
      continue;
    }
    const found = aiAt(data.slice(at));
    if (!found) return null;
    const start = at + found.ai.length;
    let value: string;
    if ('fixed' in found.length) {
      value = data.slice(start, start + found.length.fixed);
      at = start + found.length.fixed;
    } else {
      const end = data.indexOf(GS, start);
      value = data.slice(start, end === -1 ? data.length : end);
      at = end === -1 ? data.length : end;
    }
    if (!valueFits(found.ai, found.length, value)) return null;
    elements.push({ ai: found.ai, value });
  }
  return collect(elements);
}

/** Symbology identifiers (ISO/IEC 15424) of the symbols that carry GS1 data. */
const GS1_SYMBOLOGY = /^\](C1|e0|d2|Q3|J1)/;

/** What a scan says in GS1 terms, or null when it is not a GS1 element string. */
export function parseGs1(scan: string): Gs1Data | null {
  const text = scan.trim();
  if (text.startsWith('(')) return parseBracketed(text);
  const symbology = GS1_SYMBOLOGY.exec(text);
  if (symbology) return parseRaw(text.slice(symbology[0].length));
  if (text.startsWith(GS)) return parseRaw(text);
  // No marker at all: only a code that opens with a valid GTIN is taken as GS1.
  if (/^01\d{14}/.test(text) && hasValidCheckDigit(text.slice(2, 16))) return parseRaw(text);
  return null;
}

// What never reaches a log line or a support bundle: API keys, PINs, approval codes, passwords,
// Authorization / API-Key headers, and any secret value the station has read (whatever field or
// error message it turns up in). Pure helpers, used by the logger and the support bundle alike.

export const REDACTED = '[redacted]';

/** Field names whose values are secrets wherever they appear in a logged object. */
const SECRET_KEY = /^(authorization|proxy-authorization|api[-_]?key|x-api-key|apikey|access[-_]?token|refresh[-_]?token|token|password|passwd|secret|pin|pin[-_]?hash|nonce|approval[-_]?code|cookie|set-cookie|client[-_]?secret)$/i;
/** Keys that name a secret as part of a longer name: odooApiKey, carrier_api_key, leadPin. */
const SECRET_KEY_PART = /(api[-_]?key|password|secret|token|pin$|pin[-_]?hash|approval[-_]?code|authorization)/i;

/**
 * Paths for pino's own redaction (fast, exact): the headers carriers and Odoo are called with, the
 * approval on a command, wherever they sit in a logged object up to two levels down.
 */
export const REDACT_PATHS = [
  'headers.authorization',
  'headers["api-key"]',
  'headers["API-Key"]',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers["api-key"]',
  '*.headers["API-Key"]',
  'approval.pin',
  'approval.badge',
  'approval.nonce',
  '*.approval.pin',
  '*.approval.badge',
  '*.approval.nonce',
  'apiKey',
  '*.apiKey',
  'pin',
  '*.pin',
];

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || SECRET_KEY_PART.test(key);
}

/** Header and query spellings of a secret inside free text (an error message, a URL). */
const SECRET_IN_TEXT: [RegExp, string][] = [
  [/\b(authorization\s*[:=]\s*)(bearer|basic|token)?\s*[^\s,;"'}]+/gi, `$1${REDACTED}`],
  [/\b((?:x-)?api[-_]?key\s*[:=]\s*)[^\s,;"'}&]+/gi, `$1${REDACTED}`],
  [/\b((?:access_token|api_key|apikey|token|password|pin)=)[^\s&"']+/gi, `$1${REDACTED}`],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g, `Bearer ${REDACTED}`],
];

/** Secret values the station has read; every string that is logged or bundled is scrubbed of them. */
export class SecretValues {
  private readonly values = new Set<string>();
  private pattern: RegExp | null = null;

  add(value: string | null | undefined): void {
    // Short values (a 4-digit PIN) would mask ordinary numbers; those are covered by field names.
    if (typeof value !== 'string' || value.length < 6 || this.values.has(value)) return;
    this.values.add(value);
    this.pattern = null;
  }

  /**
   * A copy of raw bytes (what a device sent) with each secret value in them, as UTF-8, overwritten
   * with '*': the length is kept, so the bytes still line up with where they came from.
   */
  maskBytes(bytes: Buffer): Buffer {
    let out: Buffer | null = null;
    for (const value of this.values) {
      const needle = Buffer.from(value, 'utf8');
      for (let at = bytes.indexOf(needle); at >= 0; at = (out ?? bytes).indexOf(needle, at + needle.length)) {
        out ??= Buffer.from(bytes);
        out.fill(0x2a, at, at + needle.length);
      }
    }
    return out ?? bytes;
  }

  scrub(text: string): string {
    if (this.values.size === 0) return text;
    this.pattern ??= new RegExp([...this.values].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
    return text.replace(this.pattern, REDACTED);
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Free text with header-style secrets and known secret values replaced. */
export function scrubText(text: string, known?: SecretValues): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_IN_TEXT) out = out.replace(pattern, replacement);
  return known ? known.scrub(out) : out;
}

/** A copy of `value` with secret-named fields replaced and every string scrubbed (cycles cut). */
export function scrubValue(value: unknown, known?: SecretValues, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value, known);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    return { type: value.name, message: scrubText(value.message, known), stack: value.stack ? scrubText(value.stack, known) : undefined };
  }
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, known, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecretKey(key) && item !== null && item !== undefined && item !== '' ? REDACTED : scrubValue(item, known, seen);
  }
  return out;
}

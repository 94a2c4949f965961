// Every Shippo error shape → one canonical reason. Shippo's HTTP errors are Django REST framework
// bodies: `{"detail": "…"}` or field → messages (`{"address_to": {"zip": ["…"]}}`). A purchase the
// carrier refuses is HTTP 201 with a transaction in ERROR and `messages[{source, code, text}]`.
import { retryAfterMs } from '../../sync/backoff';
import { CarrierError } from '../carrier-result';

type Obj = Record<string, unknown>;

/** The first field path and message in a DRF error body, e.g. ['address_to.zip', 'This field is required.']. */
function firstFieldError(body: unknown, prefix = ''): [string, string] | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  for (const [key, value] of Object.entries(body as Obj)) {
    if (key === 'detail') continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'string') return [path, value[0]];
    const inner = firstFieldError(value, path);
    if (inner) return inner;
  }
  return null;
}

function reasonForField(field: string): 'address' | 'weight_dimensions' | 'service' | null {
  if (/^address_(to|from|return)\b/.test(field)) return 'address';
  if (/^parcels\b/.test(field)) return 'weight_dimensions';
  if (/^(rate|servicelevel|carrier_account)/.test(field)) return 'service';
  return null;
}

export function shippoError(status: number, body: unknown, headers: { get(name: string): string | null }): CarrierError {
  const detail = typeof body === 'object' && body !== null && typeof (body as Obj).detail === 'string' ? ((body as Obj).detail as string) : null;
  if (status === 429) {
    // DRF says "Expected available in N seconds." when it knows.
    const inText = detail ? /available in (\d+)/.exec(detail)?.[1] : undefined;
    const wait = retryAfterMs(headers.get('retry-after')) ?? (inText ? Number(inText) * 1000 : 60_000);
    return new CarrierError('rate_limited', 'Shippo asks the bench to slow down; the label will be tried again shortly', { retry: true, retryAfterMs: wait, status });
  }
  if (status === 401 || status === 403) {
    return new CarrierError('auth', 'Shippo refused the API token: a shift lead needs to check the carrier account', { retry: false, status });
  }
  if (status >= 500) return new CarrierError('outage', 'Shippo is not answering properly; the label will be tried again', { retry: true, status });
  const field = firstFieldError(body);
  if (field) {
    const reason = reasonForField(field[0]) ?? 'unknown';
    const what = { address: 'the address', weight_dimensions: "the parcel's weight or size", service: 'the service', unknown: 'the request' }[reason];
    return new CarrierError(reason, `Shippo does not accept ${what}: ${field[0]}: ${field[1]}`, { retry: false, field: field[0], status });
  }
  return new CarrierError('unknown', `Shippo refused the request: ${detail ?? `HTTP ${status}`}`, { retry: false, status });
}

/** A transaction in ERROR: its messages name what the carrier refused. */
export function shippoTransactionError(messages: { source?: string; code?: string; text?: string }[]): CarrierError {
  const text = messages.map((m) => m.text).filter(Boolean).join('; ') || 'no reason given';
  const withField = messages.find((m) => m.code && reasonForField(m.code));
  if (withField?.code) {
    const reason = reasonForField(withField.code)!;
    return new CarrierError(reason, `The carrier refused the label: ${text}`, { retry: false, field: withField.code, providerCode: withField.code });
  }
  if (/address|zip|postal|street|city/i.test(text)) {
    return new CarrierError('address', `The carrier does not accept the address: ${text}`, { retry: false, providerCode: messages[0]?.code });
  }
  if (/weight|dimension|size/i.test(text)) return new CarrierError('weight_dimensions', `The carrier does not accept the parcel: ${text}`, { retry: false });
  return new CarrierError('unknown', `The carrier refused the label: ${text}`, { retry: false, providerCode: messages[0]?.code });
}

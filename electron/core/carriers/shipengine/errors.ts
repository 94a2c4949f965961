// Every ShipEngine error shape → one canonical reason. ShipEngine answers
// `{request_id, errors[{error_source, error_type, error_code, message, field_name?}]}`;
// a void that is refused is HTTP 200 with `approved: false`.
import { z } from 'zod';
import { retryAfterMs } from '../../sync/backoff';
import { CarrierError } from '../carrier-result';

const ErrorBody = z.looseObject({
  errors: z.array(z.looseObject({ error_type: z.string().optional(), error_code: z.string().optional(), message: z.string().optional(), field_name: z.string().optional() })),
});

const SERVICE_CODES = new Set(['service_not_determined', 'carrier_not_connected', 'carrier_not_supported', 'carrier_disconnected', 'confirmation_not_supported', 'no_rates_returned', 'label_images_not_supported']);
const AUTH_CODES = new Set(['unauthorized', 'forbidden', 'subscription_inactive', 'trial_expired', 'terms_not_accepted']);

export function shipEngineError(status: number, body: unknown, headers: { get(name: string): string | null }): CarrierError {
  const parsed = ErrorBody.safeParse(body);
  const first = parsed.success ? parsed.data.errors[0] : undefined;
  const code = first?.error_code;
  const field = first?.field_name;
  const said = first?.message ?? `HTTP ${status}`;
  const base = { providerCode: code, status, ...(field ? { field } : {}) };
  if (status === 429 || code === 'rate_limit_exceeded') {
    return new CarrierError('rate_limited', 'ShipEngine asks the bench to slow down; the label will be tried again shortly', { ...base, retry: true, retryAfterMs: retryAfterMs(headers.get('retry-after')) ?? 60_000 });
  }
  if (status === 401 || status === 403 || (code && AUTH_CODES.has(code))) {
    return new CarrierError('auth', 'ShipEngine refused the API key: a shift lead needs to check the carrier account', { ...base, retry: false });
  }
  if (status >= 500) return new CarrierError('outage', 'ShipEngine is not answering properly; the label will be tried again', { ...base, retry: true });
  if (code === 'invalid_address' || code === 'verification_failure' || /^(ship_to|ship_from|shipment\.ship_to|shipment\.ship_from)\b/.test(field ?? '')) {
    return new CarrierError('address', `The carrier does not accept the address: ${said}`, { ...base, retry: false });
  }
  if (/weight|dimension|package/.test(field ?? '') || /\b(weight|dimension)/i.test(said)) {
    return new CarrierError('weight_dimensions', `The carrier does not accept the parcel's weight or size: ${said}`, { ...base, retry: false });
  }
  if (code && SERVICE_CODES.has(code)) return new CarrierError('service', `The carrier service cannot be used: ${said}`, { ...base, retry: false });
  return new CarrierError('unknown', `ShipEngine refused the request: ${said}`, { ...base, retry: false });
}

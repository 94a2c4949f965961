// Golden tests of the Shippo adapter's pure half: the exact shipment and transaction JSON, the
// rate chosen, every canonical field read back, and every error shape's canonical reason.
import { describe, expect, it } from 'vitest';
import { ShipmentRequest } from '../../shared/shipment';
import { shippoError, shippoTransactionError } from '../../electron/core/carriers/shippo/errors';
import { pickRate, purchaseResult, shipmentRequest, transaction, transactionRequest } from '../../electron/core/carriers/shippo/shipment-create';

const request = ShipmentRequest.parse({
  idempotencyKey: 'main:42:1',
  source: { system: 'odoo', url: 'http://odoo.test', db: 'main', pickingId: 42, pickingName: 'WH/OUT/00042', saleOrder: null },
  service: { carrier: 'usps', serviceCode: 'usps_priority' },
  shipper: { name: 'Warehouse', company: 'Packbench GmbH', street1: 'Lagerstrasse 5', city: 'Berlin', postalCode: '10115', region: 'BE', country: 'DE', phone: '+49 30 1' },
  recipient: { name: 'Ada Lovelace', street1: 'Keizersgracht 1', street2: '2nd floor', city: 'Amsterdam', postalCode: '1015 CJ', country: 'NL', email: 'ada@example.com' },
  parcels: [{ reference: 'P1', weightG: 1250, dimsMm: { l: 305, w: 200, h: 100 }, items: [] }],
});

const headers = (h: Record<string, string> = {}) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });

describe('Shippo requests', () => {
  it('a shipment is exactly this JSON: strings in grams and millimetres, our key in metadata, no empty fields', () => {
    expect(shipmentRequest(request)).toEqual({
      address_from: { name: 'Warehouse', company: 'Packbench GmbH', street1: 'Lagerstrasse 5', city: 'Berlin', state: 'BE', zip: '10115', country: 'DE', phone: '+49 30 1' },
      address_to: { name: 'Ada Lovelace', street1: 'Keizersgracht 1', street2: '2nd floor', city: 'Amsterdam', zip: '1015 CJ', country: 'NL', email: 'ada@example.com' },
      parcels: [{ length: '305', width: '200', height: '100', distance_unit: 'mm', weight: '1250', mass_unit: 'g', metadata: 'P1' }],
      extra: { reference_1: 'WH/OUT/00042' },
      metadata: 'main:42:1',
      async: false,
    });
  });

  it('refuses a parcel without a size before asking (Shippo needs it)', () => {
    const noSize = { ...request, parcels: [{ ...request.parcels[0]!, dimsMm: null }] };
    expect(() => shipmentRequest(noSize)).toThrow(expect.objectContaining({ reason: 'weight_dimensions', detail: expect.objectContaining({ field: 'parcels[0]' }) }));
  });

  it('buys the rate of the requested service level, with our key and the label file type', () => {
    const shipment = {
      object_id: 's1',
      rates: [
        { object_id: 'r-ground', servicelevel: { token: 'usps_ground_advantage' } },
        { object_id: 'r-priority', servicelevel: { token: 'usps_priority' } },
      ],
    };
    expect(pickRate(shipment, 'usps_priority')).toBe('r-priority');
    expect(() => pickRate(shipment, 'usps_express')).toThrow(expect.objectContaining({ reason: 'service', message: expect.stringContaining('usps_ground_advantage') }));
    expect(transactionRequest('r-priority', 'main:42:1', 'ZPL')).toEqual({ rate: 'r-priority', label_file_type: 'ZPLII', metadata: 'main:42:1', async: false });
    expect(transactionRequest('r', 'k', 'PDF').label_file_type).toBe('PDF_4x6');
  });
});

describe('Shippo transactions', () => {
  const piece = (id: string, tracking: string, fields: Record<string, unknown> = {}) =>
    transaction({ object_id: id, status: 'SUCCESS', rate: 'r1', tracking_number: tracking, label_url: `https://l/${tracking}`, label_file_type: 'ZPLII', metadata: 'k', ...fields });

  it('map to the first piece as the provider ref and one parcel per piece, in order', () => {
    expect(purchaseResult([piece('t1', 'A1'), piece('t2', 'A2', { label_file_type: 'PDF_4x6' })])).toEqual({
      providerRef: 't1',
      parcels: [
        { trackingNumber: 'A1', label: { format: 'ZPL', href: 'https://l/A1' } },
        { trackingNumber: 'A2', label: { format: 'PDF', href: 'https://l/A2' } },
      ],
    });
  });

  it('a purchase in ERROR is the carrier refusing it; one still QUEUED is looked up again, never bought again', () => {
    const failed = piece('t1', '', { status: 'ERROR', messages: [{ source: 'USPS', code: 'address_to.zip', text: 'The zip is not valid' }] });
    expect(() => purchaseResult([failed])).toThrow(expect.objectContaining({ reason: 'address', detail: expect.objectContaining({ field: 'address_to.zip', retry: false }) }));
    expect(() => purchaseResult([piece('t1', '', { status: 'QUEUED' })])).toThrow(expect.objectContaining({ reason: 'outage', retry: true }));
  });
});

describe('Shippo errors', () => {
  const cases: [string, number, unknown, Record<string, string>, { reason: string; retry: boolean; retryAfterMs?: number; field?: string }][] = [
    ['address field', 400, { address_to: { zip: ['This field is required.'] } }, {}, { reason: 'address', retry: false, field: 'address_to.zip' }],
    ['parcel field', 400, { parcels: { 0: { weight: ['A valid number is required.'] } } }, {}, { reason: 'weight_dimensions', retry: false, field: 'parcels.0.weight' }],
    ['rate', 400, { rate: ['Rate with object_id x does not exist.'] }, {}, { reason: 'service', retry: false }],
    ['auth', 401, { detail: 'Invalid token.' }, {}, { reason: 'auth', retry: false }],
    ['throttled', 429, { detail: 'Request was throttled.' }, { 'retry-after': '3' }, { reason: 'rate_limited', retry: true, retryAfterMs: 3000 }],
    ['throttled, wait in the text', 429, { detail: 'Request was throttled. Expected available in 9 seconds.' }, {}, { reason: 'rate_limited', retry: true, retryAfterMs: 9000 }],
    ['outage', 503, null, {}, { reason: 'outage', retry: true }],
    ['anything else', 400, { detail: 'Something odd' }, {}, { reason: 'unknown', retry: false }],
  ];
  it.each(cases)('%s → %j', (_name, status, body, h, expected) => {
    const error = shippoError(status, body, headers(h));
    expect(error.reason).toBe(expected.reason);
    expect(error.retry).toBe(expected.retry);
    if (expected.retryAfterMs !== undefined) expect(error.detail.retryAfterMs).toBe(expected.retryAfterMs);
    if (expected.field) expect(error.detail.field).toBe(expected.field);
  });

  it('reads a refused purchase by its messages when they name no field', () => {
    expect(shippoTransactionError([{ source: 'USPS', code: '', text: 'The address as submitted could not be found.' }]).reason).toBe('address');
    expect(shippoTransactionError([{ text: 'Package weight exceeds the service limit' }]).reason).toBe('weight_dimensions');
    expect(shippoTransactionError([]).reason).toBe('unknown');
  });
});

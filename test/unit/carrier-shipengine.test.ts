// Golden tests of the ShipEngine adapter's pure half: the exact request JSON, every canonical field
// read back from a reply, and every error shape's canonical reason.
import { describe, expect, it } from 'vitest';
import { ShipmentRequest } from '../../shared/shipment';
import { CarrierError } from '../../electron/core/carriers/carrier-result';
import { shipEngineError } from '../../electron/core/carriers/shipengine/errors';
import { labelRequest, labelResult } from '../../electron/core/carriers/shipengine/shipment-create';
import { externalShipmentId } from '../../electron/core/carriers/shipengine/units';

const request = ShipmentRequest.parse({
  idempotencyKey: 'main:42:1',
  source: { system: 'odoo', url: 'http://odoo.test', db: 'main', pickingId: 42, pickingName: 'WH/OUT/00042', saleOrder: 'S00042' },
  service: { carrier: 'ups', serviceCode: 'ups_ground' },
  shipper: { name: 'Warehouse', company: 'Packbench GmbH', street1: 'Lagerstrasse 5', city: 'Berlin', postalCode: '10115', region: 'BE', country: 'DE', phone: '+49 30 1' },
  recipient: { name: 'Ada Lovelace', street1: 'Keizersgracht 1', street2: '2nd floor', city: 'Amsterdam', postalCode: '1015 CJ', country: 'NL', email: 'ada@example.com' },
  parcels: [
    { reference: 'P1', weightG: 1250, dimsMm: { l: 305, w: 200, h: 100 }, items: [] },
    { reference: 'P2', weightG: 400, items: [] },
  ],
});

const headers = (h: Record<string, string> = {}) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });

describe('ShipEngine request', () => {
  it('is exactly this JSON: grams, centimetres, our key as external_shipment_id, the order\'s correlation id as external_order_id, ZPL 4x6 by URL', () => {
    expect(labelRequest(request, { carrierId: 'se-123456' }, 'ZPL')).toEqual({
      shipment: {
        carrier_id: 'se-123456',
        service_code: 'ups_ground',
        external_shipment_id: 'main:42:1',
        external_order_id: 'odoo:main:picking:42',
        ship_from: {
          name: 'Warehouse',
          phone: '+49 30 1',
          email: null,
          company_name: 'Packbench GmbH',
          address_line1: 'Lagerstrasse 5',
          address_line2: null,
          city_locality: 'Berlin',
          state_province: 'BE',
          postal_code: '10115',
          country_code: 'DE',
          address_residential_indicator: 'unknown',
        },
        ship_to: {
          name: 'Ada Lovelace',
          email: 'ada@example.com',
          company_name: null,
          address_line1: 'Keizersgracht 1',
          address_line2: '2nd floor',
          city_locality: 'Amsterdam',
          state_province: 'NL',
          postal_code: '1015 CJ',
          country_code: 'NL',
          address_residential_indicator: 'unknown',
        },
        packages: [
          {
            weight: { value: 1250, unit: 'gram' },
            dimensions: { unit: 'centimeter', length: 30.5, width: 20, height: 10 },
            external_package_id: 'P1',
            label_messages: { reference1: 'WH/OUT/00042', reference2: 'S00042', reference3: 'P1' },
          },
          {
            weight: { value: 400, unit: 'gram' },
            external_package_id: 'P2',
            label_messages: { reference1: 'WH/OUT/00042', reference2: 'S00042', reference3: 'P2' },
          },
        ],
      },
      label_format: 'zpl',
      label_layout: '4x6',
      label_download_type: 'url',
    });
    expect(labelRequest(request, { carrierId: 'se-1' }, 'PDF').label_format).toBe('pdf');
  });

  it('keeps a key longer than ShipEngine keeps (50) unique instead of letting it be cut', () => {
    const long = `main:42:${'x'.repeat(60)}`;
    expect(externalShipmentId(long)).toHaveLength(50);
    expect(externalShipmentId(long)).not.toBe(externalShipmentId(`${long}y`));
  });

  it('refuses a sender without a phone, an unknown carrier id and a malformed service before asking', () => {
    const noPhone = { ...request, shipper: { ...request.shipper, phone: null } };
    expect(() => labelRequest(noPhone, { carrierId: 'se-1' }, 'ZPL')).toThrow(expect.objectContaining({ reason: 'address', detail: expect.objectContaining({ field: 'ship_from.phone' }) }));
    expect(() => labelRequest(request, { carrierId: 'ups' }, 'ZPL')).toThrow(expect.objectContaining({ reason: 'service' }));
    expect(() => labelRequest({ ...request, service: { carrier: 'x', serviceCode: 'UPS Ground' } }, { carrierId: 'se-1' }, 'ZPL')).toThrow(
      expect.objectContaining({ reason: 'service' }),
    );
  });
});

describe('ShipEngine label reply', () => {
  const reply = {
    label_id: 'se-77',
    status: 'completed',
    tracking_number: '1Z0001',
    label_format: 'zpl',
    label_download: { href: 'https://x/labels/se-77.zpl', zpl: 'https://x/labels/se-77.zpl' },
    packages: [
      { tracking_number: '1Z0001', label_download: { href: 'https://x/p1', zpl: 'https://x/p1.zpl' } },
      { tracking_number: '1Z0002', label_download: { href: 'https://x/p2' } },
    ],
    unknown_field: 'ignored',
  };

  it('maps label_id, each package tracking number and its own label link', () => {
    expect(labelResult(reply)).toEqual({
      providerRef: 'se-77',
      parcels: [
        { trackingNumber: '1Z0001', label: { format: 'ZPL', href: 'https://x/p1.zpl' } },
        { trackingNumber: '1Z0002', label: { format: 'ZPL', href: 'https://x/p2' } },
      ],
    });
  });

  it('uses the label itself when no packages are listed, and refuses an error or voided label', () => {
    expect(labelResult({ ...reply, packages: [] }).parcels).toEqual([{ trackingNumber: '1Z0001', label: { format: 'ZPL', href: 'https://x/labels/se-77.zpl' } }]);
    expect(() => labelResult({ ...reply, status: 'error' })).toThrow(CarrierError);
    expect(() => labelResult({ ...reply, status: 'voided' })).toThrow(/voided/);
  });
});

describe('ShipEngine errors', () => {
  const body = (error_code: string, field_name?: string, message = 'msg') => ({
    request_id: '00000000-0000-0000-0000-000000000000',
    errors: [{ error_source: 'carrier', error_type: 'validation', error_code, message, ...(field_name ? { field_name } : {}) }],
  });
  const cases: [string, number, unknown, Record<string, string>, { reason: string; retry: boolean; retryAfterMs?: number; field?: string }][] = [
    ['invalid address', 400, body('invalid_address', 'ship_to.postal_code'), {}, { reason: 'address', retry: false, field: 'ship_to.postal_code' }],
    ['address field', 400, body('invalid_field_value', 'shipment.ship_to.city_locality'), {}, { reason: 'address', retry: false }],
    ['weight', 400, body('invalid_field_value', 'shipment.packages[0].weight.value'), {}, { reason: 'weight_dimensions', retry: false }],
    ['service', 400, body('service_not_determined'), {}, { reason: 'service', retry: false }],
    ['auth', 401, body('unauthorized'), {}, { reason: 'auth', retry: false }],
    ['rate limited', 429, body('rate_limit_exceeded'), { 'retry-after': '12' }, { reason: 'rate_limited', retry: true, retryAfterMs: 12_000 }],
    ['rate limited, no header', 429, null, {}, { reason: 'rate_limited', retry: true, retryAfterMs: 60_000 }],
    ['outage', 500, body('unspecified'), {}, { reason: 'outage', retry: true }],
    ['HTML from a proxy', 502, null, {}, { reason: 'outage', retry: true }],
    ['anything else', 400, body('insufficient_funds'), {}, { reason: 'unknown', retry: false }],
  ];
  it.each(cases)('%s → %j', (_name, status, errorBody, h, expected) => {
    const error = shipEngineError(status, errorBody, headers(h));
    expect(error.reason).toBe(expected.reason);
    expect(error.retry).toBe(expected.retry);
    if (expected.retryAfterMs !== undefined) expect(error.detail.retryAfterMs).toBe(expected.retryAfterMs);
    if (expected.field) expect(error.detail.field).toBe(expected.field);
  });
});

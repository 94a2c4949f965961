// Golden tests of the canonical fields added for customs, package types and references: each one's
// mapped value in the ShipEngine and Shippo requests (checked against the providers' OpenAPI
// documents), and what comes back in each reply read into the canonical result.
import { describe, expect, it } from 'vitest';
import { customsDeclaration, ShipmentRequest } from '../../shared/shipment';
import { contractPath } from '../../electron/sandbox/carriers/http';
import { OpenApiChecker } from '../../electron/sandbox/carriers/openapi';
import { labelRequest, labelResult } from '../../electron/core/carriers/shipengine/shipment-create';
import { purchaseResult, shipmentRequest, transaction } from '../../electron/core/carriers/shippo/shipment-create';

const mug = { sku: 'KIT-MUG-350', description: 'Ceramic Mug 350 ml', qty: 2, unitValue: { amount: '12.50', currency: 'EUR' }, unitWeightG: 320, hsCode: '6912.00', originCountry: 'PL' };
const lamp = { sku: 'FURN-LAMP-01', description: 'Desk Lamp LED', qty: 1, unitValue: { amount: '39.90', currency: 'EUR' }, unitWeightG: 850, hsCode: '9405.21', originCountry: 'CN' };

const base = ShipmentRequest.parse({
  idempotencyKey: 'http://odoo|main|42|session:7',
  source: { system: 'odoo', url: 'http://odoo', db: 'main', pickingId: 42, pickingName: 'WH/OUT/00042', saleOrder: 'S00042' },
  service: { carrier: 'shipengine', serviceCode: 'dhl_paket' },
  shipper: { name: 'Lager Berlin', company: 'Packbench Demo GmbH', street1: 'Am Borsigturm 100', city: 'Berlin', postalCode: '13507', country: 'DE', phone: '+49 30 5555 0200' },
  recipient: { name: 'Lea Brunner', street1: 'Bahnhofstrasse 21', city: 'Zürich', postalCode: '8001', country: 'CH', phone: '+41 44 555 01 23' },
  parcels: [
    { reference: 'WH/OUT/00042 1/2', weightG: 1400, dimsMm: { l: 300, w: 200, h: 100 }, packageType: { name: 'Box S' }, items: [mug] },
    { reference: 'WH/OUT/00042 2/2', weightG: 1100, dimsMm: { l: 400, w: 300, h: 200 }, packageType: { name: 'Large parcel', code: 'large_package' }, items: [lamp] },
  ],
  references: { picking: 'WH/OUT/00042', saleOrder: 'S00042-WEB' },
});
const request: ShipmentRequest = { ...base, customs: customsDeclaration(base.parcels, { incoterm: 'DAP', invoiceNo: 'INV/2026/0042' }) };

const shipEngine = OpenApiChecker.fromFile(contractPath('shipengine-openapi.yaml'));
const shippo = OpenApiChecker.fromFile(contractPath('shippo-openapi.yaml'));
const valid = (result: { ok: boolean; errors?: string[] }) => expect(result.ok ? [] : result.errors).toEqual([]);

describe('ShipEngine: canonical fields out', () => {
  const body = labelRequest(request, { carrierId: 'se-123456' }, 'ZPL');

  it('validates against the OpenAPI document', () => {
    valid(shipEngine.checkRequest('POST /v1/labels', body));
  });

  it('maps customs, package types, items and references to these fields', () => {
    expect(body.shipment.customs).toEqual({
      contents: 'merchandise',
      non_delivery: 'return_to_sender',
      terms_of_trade_code: 'dap',
      invoice_additional_details: { invoice_number: 'INV/2026/0042' },
    });
    expect(body.shipment.packages).toEqual([
      {
        package_code: 'package',
        package_name: 'Box S',
        weight: { value: 1400, unit: 'gram' },
        dimensions: { unit: 'centimeter', length: 30, width: 20, height: 10 },
        external_package_id: 'WH/OUT/00042 1/2',
        label_messages: { reference1: 'WH/OUT/00042', reference2: 'S00042-WEB', reference3: 'WH/OUT/00042 1/2' },
        products: [
          { description: 'Ceramic Mug 350 ml', quantity: 2, value: { currency: 'eur', amount: 12.5 }, weight: { value: 640, unit: 'gram' }, harmonized_tariff_code: '6912.00', country_of_origin: 'PL', sku: 'KIT-MUG-350' },
        ],
      },
      {
        package_code: 'large_package',
        package_name: 'Large parcel',
        weight: { value: 1100, unit: 'gram' },
        dimensions: { unit: 'centimeter', length: 40, width: 30, height: 20 },
        external_package_id: 'WH/OUT/00042 2/2',
        label_messages: { reference1: 'WH/OUT/00042', reference2: 'S00042-WEB', reference3: 'WH/OUT/00042 2/2' },
        products: [
          { description: 'Desk Lamp LED', quantity: 1, value: { currency: 'eur', amount: 39.9 }, weight: { value: 850, unit: 'gram' }, harmonized_tariff_code: '9405.21', country_of_origin: 'CN', sku: 'FURN-LAMP-01' },
        ],
      },
    ]);
    expect(body.shipment.ship_from).toMatchObject({ name: 'Lager Berlin', company_name: 'Packbench Demo GmbH', address_line1: 'Am Borsigturm 100', city_locality: 'Berlin', postal_code: '13507', phone: '+49 30 5555 0200' });
  });

  it('sends no customs and no products inside one customs territory; a gift abandoned is said so', () => {
    const domestic = labelRequest({ ...request, customs: null }, { carrierId: 'se-1' }, 'ZPL');
    expect(domestic.shipment).not.toHaveProperty('customs');
    expect(domestic.shipment.packages.map((p) => 'products' in p)).toEqual([false, false]);
    valid(shipEngine.checkRequest('POST /v1/labels', domestic));
    const gift = labelRequest({ ...request, customs: { ...request.customs!, contentType: 'return', nonDelivery: 'abandon', incoterm: 'XYZ' } }, { carrierId: 'se-1' }, 'ZPL');
    expect(gift.shipment.customs).toEqual({ contents: 'returned_goods', non_delivery: 'treat_as_abandoned', invoice_additional_details: { invoice_number: 'INV/2026/0042' } });
    valid(shipEngine.checkRequest('POST /v1/labels', gift));
  });
});

describe('ShipEngine: the reply in', () => {
  it('gives each parcel, in the request’s order, its own tracking number and label; the reply validates', () => {
    const reply = {
      label_id: 'se-9',
      status: 'completed',
      shipment_id: 'se-s9',
      external_shipment_id: request.idempotencyKey,
      external_order_id: null,
      rma_number: null,
      charge_event: 'carrier_default',
      label_image_id: null,
      qr_code_download: null,
      paperless_download: null,
      insurance_claim: null,
      ship_to: labelRequest(request, { carrierId: 'se-123456' }, 'ZPL').shipment.ship_to,
      ship_date: '2026-12-06T00:00:00Z',
      created_at: '2026-12-06T00:00:00Z',
      shipment_cost: { currency: 'usd', amount: 15 },
      insurance_cost: { currency: 'usd', amount: 0 },
      tracking_number: '9400001',
      is_return_label: false,
      is_international: true,
      batch_id: 'se-0',
      carrier_id: 'se-123456',
      service_code: 'dhl_paket',
      package_code: 'package',
      voided: false,
      label_format: 'zpl',
      display_scheme: 'label',
      label_layout: '4x6',
      trackable: true,
      carrier_code: 'dhl_express',
      tracking_status: 'in_transit',
      label_download: { href: 'https://se.test/l/se-9.zpl', zpl: 'https://se.test/l/se-9.zpl' },
      form_download: { href: 'https://se.test/f/se-9.pdf' },
      packages: [
        { package_code: 'package', weight: { value: 1400, unit: 'gram' }, tracking_number: '9400001', label_download: { href: 'https://se.test/l/1', zpl: 'https://se.test/l/1.zpl' } },
        { package_code: 'large_package', weight: { value: 1100, unit: 'gram' }, tracking_number: '9400002', label_download: { href: 'https://se.test/l/2', zpl: 'https://se.test/l/2.zpl' } },
      ],
    };
    valid(shipEngine.checkResponse('POST /v1/labels', 200, reply));
    expect(labelResult(reply)).toEqual({
      providerRef: 'se-9',
      parcels: [
        { trackingNumber: '9400001', label: { format: 'ZPL', href: 'https://se.test/l/1.zpl' } },
        { trackingNumber: '9400002', label: { format: 'ZPL', href: 'https://se.test/l/2.zpl' } },
      ],
    });
  });
});

describe('Shippo: canonical fields out', () => {
  const body = shipmentRequest(request);

  it('validates against the OpenAPI document', () => {
    valid(shippo.checkRequest('POST /shipments', body));
  });

  it('maps customs as an inline customs_declaration (line totals), references to extra', () => {
    expect(body.customs_declaration).toEqual({
      certify: true,
      certify_signer: 'Packbench Demo GmbH',
      contents_type: 'MERCHANDISE',
      non_delivery_option: 'RETURN',
      incoterm: 'DAP',
      invoice: 'INV/2026/0042',
      items: [
        { description: 'Ceramic Mug 350 ml', quantity: 2, net_weight: '640', mass_unit: 'g', value_amount: '25.00', value_currency: 'EUR', origin_country: 'PL', hs_code: '6912.00', sku_code: 'KIT-MUG-350' },
        { description: 'Desk Lamp LED', quantity: 1, net_weight: '850', mass_unit: 'g', value_amount: '39.90', value_currency: 'EUR', origin_country: 'CN', hs_code: '9405.21', sku_code: 'FURN-LAMP-01' },
      ],
    });
    expect(body.extra).toEqual({ reference_1: 'WH/OUT/00042', reference_2: 'S00042-WEB' });
    expect(body.address_from).toMatchObject({ name: 'Lager Berlin', company: 'Packbench Demo GmbH', street1: 'Am Borsigturm 100', city: 'Berlin', zip: '13507' });
    expect(body.parcels.map((p) => [p.length, p.width, p.height, p.weight])).toEqual([
      ['300', '200', '100', '1400'],
      ['400', '300', '200', '1100'],
    ]);
  });

  it('sends no declaration inside one customs territory; other contents and abandon are said so', () => {
    const domestic = shipmentRequest({ ...request, customs: null });
    expect(domestic).not.toHaveProperty('customs_declaration');
    valid(shippo.checkRequest('POST /shipments', domestic));
    const other = shipmentRequest({ ...request, customs: { ...request.customs!, contentType: 'other', nonDelivery: 'abandon', incoterm: null } });
    expect(other.customs_declaration).toMatchObject({ contents_type: 'OTHER', contents_explanation: 'Ceramic Mug 350 ml, Desk Lamp LED', non_delivery_option: 'ABANDON' });
    expect(other.customs_declaration).not.toHaveProperty('incoterm');
    valid(shippo.checkRequest('POST /shipments', other));
  });

  it('refuses a customs line without origin before asking, naming the field', () => {
    const noOrigin = { ...request, customs: { ...request.customs!, items: [{ ...request.customs!.items[0]!, originCountry: null }] } };
    expect(() => shipmentRequest(noOrigin)).toThrow(expect.objectContaining({ detail: expect.objectContaining({ field: 'customs.items[0].originCountry' }) }));
  });
});

describe('Shippo: the reply in', () => {
  it('reads each piece of the purchase into its parcel, oldest first; the transaction validates', () => {
    const piece = (id: string, n: string) => ({
      object_id: id,
      object_owner: 'me@example.com',
      object_created: '2026-12-06T00:00:00Z',
      object_updated: '2026-12-06T00:00:00Z',
      object_state: 'VALID',
      status: 'SUCCESS',
      rate: 'rate-1',
      tracking_number: n,
      tracking_status: 'UNKNOWN',
      tracking_url_provider: `https://track.test/${n}`,
      label_url: `https://labels.test/${n}.zpl`,
      label_file_type: 'ZPLII',
      metadata: request.idempotencyKey,
      commercial_invoice_url: 'https://labels.test/invoice.pdf',
      messages: [],
      test: true,
    });
    const first = piece('t1', 'SHIPPO_1');
    valid(shippo.checkResponse('POST /transactions', 201, first));
    expect(purchaseResult([transaction(first), transaction(piece('t2', 'SHIPPO_2'))])).toEqual({
      providerRef: 't1',
      parcels: [
        { trackingNumber: 'SHIPPO_1', label: { format: 'ZPL', href: 'https://labels.test/SHIPPO_1.zpl' } },
        { trackingNumber: 'SHIPPO_2', label: { format: 'ZPL', href: 'https://labels.test/SHIPPO_2.zpl' } },
      ],
    });
  });
});

// Each carrier client against its sandbox over real HTTP. The sandboxes check every request and
// every reply against the provider's OpenAPI document (test/contracts) and refuse what does not
// validate, so `contractFailures` staying empty is the proof that the client speaks the contract.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShipmentRequest } from '../../shared/shipment';
import { CarrierError, type CarrierLabelResult } from '../../electron/core/carriers/carrier-result';
import { createShipEngineClient } from '../../electron/core/carriers/shipengine/client';
import { createShippoClient } from '../../electron/core/carriers/shippo/client';
import type { CarrierServer, Purchase } from '../../electron/sandbox/carriers/http';
import { contractPath } from '../../electron/sandbox/carriers/http';
import { OpenApiChecker } from '../../electron/sandbox/carriers/openapi';
import { startSandboxShipEngine } from '../../electron/sandbox/carriers/shipengine';
import { startSandboxShippo } from '../../electron/sandbox/carriers/shippo';
import { decodeBarcodes, renderZplToPng } from '../support/label-decode';

function shipment(key: string, parcels = 1): ShipmentRequest {
  return ShipmentRequest.parse({
    idempotencyKey: key,
    source: { system: 'odoo', url: 'http://odoo.test', db: 'main', pickingId: 42, pickingName: 'WH/OUT/00042', saleOrder: 'S00042' },
    service: { carrier: 'sandbox', serviceCode: 'shippo_ground' },
    shipper: { name: 'Packbench Warehouse', street1: 'Lagerstrasse 5', city: 'Berlin', postalCode: '10115', country: 'DE', phone: '+49 30 1234567' },
    recipient: { name: 'Ada Lovelace', street1: 'Keizersgracht 1', city: 'Amsterdam', postalCode: '1015 CJ', country: 'NL', email: 'ada@example.com' },
    parcels: Array.from({ length: parcels }, (_, i) => ({
      reference: `WH/OUT/00042-${i + 1}`,
      weightG: 1200 + i * 100,
      dimsMm: { l: 300, w: 200, h: 100 },
      items: [{ sku: 'SKU-1', description: 'Widget', qty: 1 }],
    })),
  });
}

interface Client {
  buyLabel(req: ShipmentRequest, format: 'ZPL' | 'PDF'): Promise<CarrierLabelResult>;
  findByKey(key: string): Promise<CarrierLabelResult | null>;
  void(ref: string): Promise<{ voided: boolean; pending: boolean }>;
  downloadLabel(href: string): Promise<Buffer>;
}

interface Rig {
  server: CarrierServer & { purchases: Purchase[] };
  client: Client;
  /** The recipient field a refused address names, as the provider spells it. */
  addressField: string;
}

async function carrierError(promise: Promise<unknown>): Promise<CarrierError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CarrierError);
  return error as CarrierError;
}

const providers: { name: string; start(): Promise<Rig> }[] = [
  {
    name: 'ShipEngine',
    async start() {
      const server = await startSandboxShipEngine({ apiKey: 'TEST_sandbox_key' });
      const client = createShipEngineClient({ baseUrl: server.url, apiKey: 'TEST_sandbox_key', carrierId: 'se-123456', timeoutMs: 10_000 });
      const wrap: Client = { ...client, buyLabel: (req, f) => client.buyLabel({ ...req, service: { carrier: 'sandbox', serviceCode: 'sandbox_ground' } }, f) };
      return { server, client: wrap, addressField: 'ship_to.postal_code' };
    },
  },
  {
    name: 'Shippo',
    async start() {
      const server = await startSandboxShippo({ apiKey: 'shippo_test_key' });
      const client = createShippoClient({ baseUrl: server.url, apiToken: 'shippo_test_key', timeoutMs: 10_000 });
      return { server, client, addressField: 'address_to.zip' };
    },
  },
];

describe.each(providers)('$name client against its sandbox', ({ start }) => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await start();
  });
  afterAll(async () => {
    await rig.server.close();
  });

  it('buys one label for three parcels: three tracking numbers, one purchase, labels whose barcode is the number', async () => {
    const bought = await rig.client.buyLabel(shipment('main:42:multi', 3), 'ZPL');
    expect(rig.server.contractFailures).toEqual([]);
    expect(bought.parcels).toHaveLength(3);
    const numbers = bought.parcels.map((p) => p.trackingNumber);
    expect(new Set(numbers).size).toBe(3);
    expect(rig.server.purchases.filter((p) => p.key === 'main:42:multi')).toHaveLength(1);
    for (const parcel of bought.parcels) {
      expect(parcel.label.format).toBe('ZPL');
      const zpl = (await rig.client.downloadLabel(parcel.label.href!)).toString('utf8');
      expect(zpl).toMatch(/^\^XA/);
      const codes = await decodeBarcodes(await renderZplToPng(zpl));
      expect(codes).toContainEqual({ format: 'Code128', text: parcel.trackingNumber });
    }
  });

  it('finds a purchase whose reply was lost by our key, so it is not bought again', async () => {
    rig.server.setKnobs({ dropAfterPurchase: 1 });
    const lost = await carrierError(rig.client.buyLabel(shipment('main:42:dropped', 2), 'ZPL'));
    expect(lost.reason).toBe('outage');
    expect(lost.retry).toBe(true);
    const found = await rig.client.findByKey('main:42:dropped');
    expect(found?.parcels.map((p) => p.trackingNumber)).toEqual(rig.server.purchases.find((p) => p.key === 'main:42:dropped')?.trackingNumbers);
    expect(rig.server.purchases.filter((p) => p.key === 'main:42:dropped')).toHaveLength(1);
    expect(await rig.client.findByKey('main:42:never-bought')).toBeNull();
    expect(rig.server.contractFailures).toEqual([]);
  });

  it('reads 429 as rate_limited with the wait from Retry-After, and 500 as an outage worth retrying', async () => {
    rig.server.setKnobs({ tooManyRequests: 1, retryAfterS: 7 });
    const limited = await carrierError(rig.client.buyLabel(shipment('main:42:busy'), 'ZPL'));
    expect([limited.reason, limited.retry, limited.detail.retryAfterMs]).toEqual(['rate_limited', true, 7000]);
    rig.server.setKnobs({ serverErrors: 1 });
    const outage = await carrierError(rig.client.buyLabel(shipment('main:42:down'), 'ZPL'));
    expect([outage.reason, outage.retry]).toEqual(['outage', true]);
    expect(rig.server.purchases.filter((p) => p.key?.startsWith('main:42:busy') || p.key?.startsWith('main:42:down'))).toEqual([]);
  });

  it('reads a refused address as `address`, naming the field, and does not retry it', async () => {
    rig.server.setKnobs({ rejectAddress: { field: 'postal_code' } });
    try {
      const refused = await carrierError(rig.client.buyLabel(shipment('main:42:address'), 'PDF'));
      expect([refused.reason, refused.retry, refused.detail.field]).toEqual(['address', false, rig.addressField]);
      expect(refused.message).toMatch(/address/);
    } finally {
      rig.server.setKnobs({ rejectAddress: false });
    }
  });

  it('voids a label it bought', async () => {
    const bought = await rig.client.buyLabel(shipment('main:42:void'), 'PDF');
    const pdf = await rig.client.downloadLabel(bought.parcels[0]!.label.href!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await rig.client.void(bought.providerRef)).toMatchObject({ voided: true });
    expect(rig.server.contractFailures).toEqual([]);
  });
});

describe('the sandboxes hold the providers to their contracts', () => {
  it('ShipEngine answers a request that breaks the document with its 400 error body naming the field', async () => {
    const server = await startSandboxShipEngine({ apiKey: 'TEST_k' });
    try {
      const res = await fetch(`${server.url}/v1/labels`, {
        method: 'POST',
        headers: { 'API-Key': 'TEST_k', 'content-type': 'application/json' },
        body: JSON.stringify({ shipment: { carrier_id: 'se-1', service_code: 'x', ship_to: { name: 'A' }, packages: [{ weight: { value: 1, unit: 'stone' } }] } }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { request_id: string; errors: { error_code: string; field_name: string }[] };
      expect(body.request_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.errors.map((e) => e.field_name)).toEqual(expect.arrayContaining(['shipment.ship_to.postal_code', 'shipment.packages[0].weight.unit']));
      const unauthorized = await fetch(`${server.url}/v1/labels/se-1/track`, { headers: { 'API-Key': 'wrong' } });
      expect(unauthorized.status).toBe(401);
      const auth = createShipEngineClient({ baseUrl: server.url, apiKey: 'wrong', carrierId: 'se-1' });
      expect((await carrierError(auth.track('se-1'))).reason).toBe('auth');
    } finally {
      await server.close();
    }
  });

  it('Shippo answers a request that breaks the document with field errors, and a wrong token with 401', async () => {
    const server = await startSandboxShippo({ apiKey: 'shippo_test_k' });
    try {
      const res = await fetch(`${server.url}/shipments`, {
        method: 'POST',
        headers: { Authorization: 'ShippoToken shippo_test_k', 'content-type': 'application/json' },
        body: JSON.stringify({ address_from: { country: 'DE' }, address_to: { country: 'NL' }, parcels: [{ weight: 1 }] }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ parcels: { 0: { weight: expect.arrayContaining(['$.parcels[0].weight must be string']) } } });
      const auth = createShippoClient({ baseUrl: server.url, apiToken: 'wrong' });
      expect((await carrierError(auth.buyLabel(shipment('k'), 'ZPL'))).reason).toBe('auth');
    } finally {
      await server.close();
    }
  });

  it('the checker reads both documents lazily and names the JSON path at fault (figures printed)', () => {
    const figures: string[] = [];
    for (const [file, operation, body, expected] of [
      ['shipengine-openapi.yaml', 'POST /v1/labels', { shipment: { carrier_id: 'se-1', service_code: 'a', ship_to: {}, packages: [], surprise: 1 } }, '$.shipment.surprise is not allowed'],
      ['shippo-openapi.yaml', 'POST /transactions', { rate: 42 }, '$.rate must be string'],
    ] as const) {
      const checker = OpenApiChecker.fromFile(contractPath(file));
      const started = performance.now();
      const result = checker.checkRequest(operation, body);
      const firstMs = performance.now() - started;
      expect(result.ok).toBe(false);
      expect(result.ok ? [] : result.errors).toContain(expected);
      const again = performance.now();
      checker.checkRequest(operation, body);
      figures.push(`${file}: load ${checker.loadMs.toFixed(0)} ms, first ${operation} ${firstMs.toFixed(0)} ms, then ${(performance.now() - again).toFixed(2)} ms`);
    }
    console.log(figures.join('\n'));
  });
});

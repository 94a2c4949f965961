// The carrier registry: pack asks it for a service and for labels; the local carrier (the first
// provider) draws the label the bench always drew, with the bench's printer settings, and a
// shipment for a carrier the bench does not have is refused for good.
import { describe, expect, it } from 'vitest';
import { localCarrier, localTrackingNumber } from '../../electron/core/carriers/local/index';
import { CarrierRegistry } from '../../electron/core/carriers/registry';
import { renderShippingLabelZpl, type ShippingLabelOptions } from '../../electron/core/labels/zpl-shipping-label';
import { Order } from '../../shared/order';
import { ShipmentRequest } from '../../shared/shipment';
import { party } from '../support/label-data';

const shipper = party({ name: 'Warehouse', street1: 'Dock 1', city: 'Berlin', postalCode: '10115', country: 'DE' });
const recipient = party({ name: 'Zoë Łukasiewicz', street1: 'Hauptstraße 5', city: 'Köln', postalCode: '50667', country: 'DE' });

function shipment(weights: number[], carrier = 'local'): ShipmentRequest {
  return ShipmentRequest.parse({
    idempotencyKey: 'http://odoo.test|shop|42|session:7',
    source: { system: 'odoo', url: 'http://odoo.test', db: 'shop', pickingId: 42, pickingName: 'WH/OUT/00042', saleOrder: 'S00042' },
    service: { carrier, serviceCode: 'standard' },
    shipper,
    recipient,
    parcels: weights.map((weightG) => ({ reference: 'WH/OUT/00042', weightG, items: [] })),
  });
}

const order = Order.parse({
  source: { url: 'http://odoo.test', db: 'shop' },
  pickingId: 42,
  name: 'WH/OUT/00042',
  origin: 'S00042',
  state: 'assigned',
  carrier: null,
  shipTo: recipient,
  shipFrom: shipper,
  lines: [{ moveId: 1, productId: 1, name: 'Mug', sku: 'MUG', barcode: null, quantity: 1, unit: 'Units', unitWeightG: 300, tracking: 'none' }],
  writeDate: '2026-01-01 00:00:00',
});

describe('the carrier registry with the local carrier', () => {
  it('names the service the shipment goes with, for the screen and the request', () => {
    const registry = new CarrierRegistry([localCarrier()]);
    expect(registry.serviceFor(order)).toEqual({ carrier: 'local', serviceCode: 'standard', carrierName: 'Local delivery', serviceName: 'Standard' });
  });

  it('draws the label the bench always drew, with the same tracking number on every retry', async () => {
    const today = new Date('2026-12-06T09:00:00Z');
    const registry = new CarrierRegistry([localCarrier({ today: () => today })]);
    const first = await registry.createLabel(shipment([1250]));
    const again = await registry.createLabel(shipment([1250]));
    const trackingNumber = localTrackingNumber('http://odoo.test|shop|42|session:7');
    expect(first.parcels.map((p) => p.trackingNumber)).toEqual([trackingNumber]);
    expect(again.parcels[0]!.trackingNumber).toBe(trackingNumber);
    const expected = renderShippingLabelZpl({
      shipFrom: shipper,
      shipTo: recipient,
      carrier: 'Local delivery',
      service: 'Standard',
      trackingNumber,
      reference: 'WH/OUT/00042',
      weightG: 1250,
      parcelIndex: 1,
      parcelCount: 1,
      date: today,
    });
    expect(first.parcels[0]!.label).toEqual({ format: 'ZPL', bytes: Buffer.from(expected, 'utf8') });
  });

  it("draws for the bench's printer: its resolution reaches the label", async () => {
    let options: ShippingLabelOptions = {};
    const registry = new CarrierRegistry([localCarrier({ labelOptions: () => options })]);
    const at203 = (await registry.createLabel(shipment([900]))).parcels[0]!.label.bytes.toString('utf8');
    options = { dpi: 300 };
    const at300 = (await registry.createLabel(shipment([900]))).parcels[0]!.label.bytes.toString('utf8');
    expect(at203).toContain('^PW812');
    expect(at300).toContain('^PW1200');
  });

  it('gives every parcel of a shipment its own tracking number and label, "n of N"', async () => {
    const created = await new CarrierRegistry([localCarrier()]).createLabel(shipment([800, 1600]));
    expect(created.parcels).toHaveLength(2);
    expect(new Set(created.parcels.map((p) => p.trackingNumber)).size).toBe(2);
    expect(created.parcels[0]!.trackingNumber).toBe(localTrackingNumber('http://odoo.test|shop|42|session:7'));
    const second = created.parcels[1]!.label.bytes.toString('utf8');
    expect(second).toContain(created.parcels[1]!.trackingNumber);
    expect(second).toMatch(/2\s*(of|\/)\s*2/);
  });

  it('refuses, for good, a shipment for a carrier the bench does not have', async () => {
    const registry = new CarrierRegistry([localCarrier()]);
    await expect(registry.createLabel(shipment([900], 'dhl'))).rejects.toMatchObject({
      message: 'No carrier "dhl" is set up on this bench',
      permanent: true,
    });
  });
});

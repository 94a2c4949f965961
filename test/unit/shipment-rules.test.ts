// The shipment checks with the real libraries behind them (libphonenumber-js, postcode-validator):
// each rule names the field at fault and says what to do, and a shipment that is fine passes.
import { describe, expect, it } from 'vitest';
import { customsDeclaration, customsTerritory, needsCustoms, ShipmentRequest } from '../../shared/shipment';
import { createI18n, sayIn, type Translate } from '../../shared/i18n';
import { checkShipment, countryName, type ShipmentNeeds } from '../../shared/shipment-rules';

const item = (description: string, extra: Record<string, unknown> = {}) => ({
  sku: description.toUpperCase().replace(/\W+/g, '-'),
  description,
  qty: 2,
  unitValue: { amount: '12.50', currency: 'EUR' },
  unitWeightG: 300,
  hsCode: '6912.00',
  originCountry: 'PL',
  ...extra,
});

function request(overrides: { recipient?: Record<string, unknown>; shipper?: Record<string, unknown>; weights?: number[]; items?: ReturnType<typeof item>[] } = {}) {
  const parcels = (overrides.weights ?? [1200]).map((weightG, i) => ({ reference: `WH/OUT/00042 ${i + 1}`, weightG, items: overrides.items ?? [item('Ceramic Mug')] }));
  const shipper = { name: 'Lager Berlin', company: 'Packbench Demo GmbH', street1: 'Am Borsigturm 100', city: 'Berlin', postalCode: '13507', country: 'DE', phone: '+49 30 5555 0200', ...overrides.shipper };
  const recipient = { name: 'Lea Brunner', street1: 'Bahnhofstrasse 21', city: 'Zürich', postalCode: '8001', country: 'CH', phone: '+41 44 555 01 23', ...overrides.recipient };
  const parsed = ShipmentRequest.parse({
    idempotencyKey: 'k',
    source: { system: 'odoo', url: 'http://odoo', db: 'main', pickingId: 42, pickingName: 'WH/OUT/00042', saleOrder: 'S00042' },
    service: { carrier: 'shipengine', serviceCode: 'dhl_paket' },
    shipper,
    recipient,
    parcels,
  });
  return { ...parsed, customs: needsCustoms(shipper.country, recipient.country) ? customsDeclaration(parsed.parcels) : null };
}

const SHIPENGINE: ShipmentNeeds = { service: 'DHL Paket', shipperPhone: true, recipientPhone: 'customs', regionCountries: ['US', 'CA', 'AU'], customs: true, maxWeightG: 31_500 };

describe('checkShipment', () => {
  it('passes a complete customs shipment to Switzerland', () => {
    expect(checkShipment(request(), SHIPENGINE)).toEqual([]);
  });

  it('names a postcode that is not in the format of its country', () => {
    expect(checkShipment(request({ recipient: { postalCode: '1011', country: 'DE', city: 'Hamburg' } }), SHIPENGINE)).toMatchObject([
      { field: 'recipient.postalCode', message: "The postcode 1011 is not valid for Germany (DE): check the recipient's address" },
    ]);
    // The same digits are a Swiss postcode; a Dutch one needs its letters.
    expect(checkShipment(request({ recipient: { postalCode: '1011' } }), SHIPENGINE)).toEqual([]);
    expect(checkShipment(request({ recipient: { postalCode: '1015', country: 'NL', city: 'Amsterdam', phone: null } }), SHIPENGINE).map((p) => p.field)).toEqual(['recipient.postalCode']);
    expect(checkShipment(request({ shipper: { postalCode: 'ABC' } }), SHIPENGINE)).toMatchObject([
      { field: 'shipper.postalCode', message: 'The postcode ABC is not valid for Germany (DE): check the warehouse address in Odoo' },
    ]);
  });

  it('asks for the recipient phone on customs shipments only, and a valid one for the country', () => {
    expect(checkShipment(request({ recipient: { phone: null } }), SHIPENGINE)).toMatchObject([
      { field: 'recipient.phone', message: "DHL Paket needs the recipient's phone number for a shipment to Switzerland (CH): add one to the recipient's address" },
    ]);
    // A German number is not a Swiss one.
    expect(checkShipment(request({ recipient: { phone: '+49 30 1' } }), SHIPENGINE)).toMatchObject([
      { field: 'recipient.phone', message: "The phone number +49 30 1 is not a valid number for Switzerland (CH): check the recipient's phone number" },
    ]);
    // Inside the EU customs union no phone is needed for this provider.
    expect(checkShipment(request({ recipient: { phone: null, country: 'AT', postalCode: '1060', city: 'Wien' } }), SHIPENGINE)).toEqual([]);
    expect(checkShipment(request({ recipient: { phone: null, country: 'AT', postalCode: '1060', city: 'Wien' } }), { ...SHIPENGINE, recipientPhone: 'always' }).map((p) => p.field)).toEqual([
      'recipient.phone',
    ]);
    expect(checkShipment(request({ shipper: { phone: null } }), SHIPENGINE).map((p) => p.field)).toEqual(['shipper.phone']);
  });

  it('asks for the state of a US address', () => {
    const us = { country: 'US', city: 'New York', postalCode: '10118', phone: '+1 212 555 0142' };
    expect(checkShipment(request({ recipient: us }), SHIPENGINE)).toMatchObject([
      { field: 'recipient.region', message: "DHL Paket needs the state or region of an address in United States (US): add it to the recipient's address" },
    ]);
    expect(checkShipment(request({ recipient: { ...us, region: 'NY' } }), SHIPENGINE)).toEqual([]);
  });

  it('names the parcel over the service’s weight and says by how much', () => {
    expect(checkShipment(request({ weights: [1200, 32_400] }), SHIPENGINE)).toMatchObject([
      { field: 'parcels[1].weightG', message: 'Parcel 2 weighs 32.4 kg; DHL Paket takes at most 31.5 kg: split it into two parcels or choose another service' },
    ]);
    expect(checkShipment(request({ weights: [31_500] }), SHIPENGINE)).toEqual([]);
    expect(checkShipment(request({ weights: [40_000] }), { ...SHIPENGINE, maxWeightG: null })).toEqual([]);
  });

  it('names customs lines without HS code, origin or value, where the provider files customs', () => {
    const items = [item('Ceramic Mug'), item('Gift Card', { hsCode: null, originCountry: null, unitValue: null, unitWeightG: null })];
    expect(checkShipment(request({ items }), SHIPENGINE)).toMatchObject([
      { field: 'customs.items[1].hsCode', message: 'The customs declaration needs the HS code of Gift Card: set it on the product in Odoo (HS Code)' },
      { field: 'customs.items[1].originCountry', message: 'The customs declaration needs the country Gift Card was made in: set Origin of Goods on the product in Odoo' },
      { field: 'customs.items[1].unitValue', message: 'The customs declaration needs the value of Gift Card: set its sales price in Odoo' },
    ]);
    // A provider that files no customs (the bench's own fleet) does not ask; nor does a parcel inside the EU.
    expect(checkShipment(request({ items }), { ...SHIPENGINE, customs: false })).toEqual([]);
    expect(checkShipment(request({ items, recipient: { country: 'FR', postalCode: '75002', city: 'Paris' } }), SHIPENGINE)).toEqual([]);
    // A customs shipment queued without a declaration (an older build) is named as a whole.
    expect(checkShipment({ ...request(), customs: null }, SHIPENGINE)).toMatchObject([{ field: 'customs', message: expect.stringContaining('Germany (DE) to Switzerland (CH) needs a customs declaration') }]);
  });
});

describe('checkShipment in German', () => {
  const de = createI18n('de', 'core');
  const german: Translate = (key, params) => de.t(key, params ?? {});

  it('words each problem in the bench language, and keeps the key to word it again later', () => {
    const [phone, weight] = checkShipment(request({ recipient: { phone: null }, weights: [32_400] }), SHIPENGINE, german);
    expect(phone).toMatchObject({
      field: 'recipient.phone',
      message: 'DHL Paket braucht die Telefonnummer des Empfängers für eine Sendung nach Schweiz (CH): eine in die Adresse des Empfängers eintragen',
    });
    expect(weight?.message).toBe('Paket 1 wiegt 32,4 kg; DHL Paket nimmt höchstens 31,5 kg: auf zwei Pakete aufteilen oder einen anderen Service wählen');
    // Checked in English (the outbox's error), the same problem is said in German where it is shown.
    const [english] = checkShipment(request({ recipient: { phone: null } }), SHIPENGINE);
    expect(sayIn(german, english!.said)).toBe(phone!.message);
  });
});

describe('customs territories and the declaration', () => {
  it('treats the EU customs union as one territory and every other country on its own', () => {
    expect(customsTerritory('de')).toBe('EU');
    expect(customsTerritory('MC')).toBe('EU');
    expect(needsCustoms('DE', 'PL')).toBe(false);
    expect(needsCustoms('DE', 'CH')).toBe(true);
    expect(needsCustoms('DE', 'GB')).toBe(true);
    expect(needsCustoms('NO', 'CH')).toBe(true);
    expect(needsCustoms('US', 'US')).toBe(false);
    expect(countryName('ch')).toBe('Switzerland (CH)');
  });

  it('sums a product over the parcels and shares out the weight of items Odoo has no weight for', () => {
    const parcels = ShipmentRequest.shape.parcels.parse([
      { reference: 'a', weightG: 2000, items: [item('Ceramic Mug'), item('Gift Card', { sku: 'GIFT', unitWeightG: null })] },
      { reference: 'b', weightG: 1000, items: [item('Ceramic Mug', { qty: 1 })] },
    ]);
    const customs = customsDeclaration(parcels)!;
    expect(customs).toMatchObject({ contentType: 'merchandise', nonDelivery: 'return' });
    expect(customs.items).toEqual([
      { sku: 'CERAMIC-MUG', description: 'Ceramic Mug', qty: 3, unitValue: { amount: '12.50', currency: 'EUR' }, weightG: 900, hsCode: '6912.00', originCountry: 'PL' },
      { sku: 'GIFT', description: 'Gift Card', qty: 2, unitValue: { amount: '12.50', currency: 'EUR' }, weightG: 2100, hsCode: '6912.00', originCountry: 'PL' },
    ]);
  });

  it('parses a request an older build queued (no customs, references, package type or item customs data)', () => {
    const old = ShipmentRequest.parse({
      idempotencyKey: 'k',
      source: { system: 'odoo', url: 'u', db: 'd', pickingId: 1, pickingName: 'WH/OUT/00001', saleOrder: null },
      service: { carrier: 'local', serviceCode: 'standard' },
      shipper: request().shipper,
      recipient: request().recipient,
      parcels: [{ reference: 'r', weightG: 100, dimsMm: null, items: [{ sku: null, description: 'x', qty: 1 }] }],
    });
    expect(old).toMatchObject({ customs: null, references: null, parcels: [{ packageType: null, items: [{ unitValue: null, hsCode: null, originCountry: null }] }] });
  });
});

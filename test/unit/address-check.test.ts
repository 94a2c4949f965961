// The address check the shift lead's corrected address passes (shared/address-check.ts): the
// canonical Party schema, the postcode's format for its country, the phone number, each problem
// named by its field in plain words; and the provider's field names read as the recipient's fields.
import { describe, expect, it } from 'vitest';
import { checkAddress, faultInWords, recipientFieldOf } from '../../shared/address-check';
import { createI18n, englishCore, type Translate } from '../../shared/i18n';

const berlin = {
  name: 'Anja Weiß',
  company: 'Bäckerei Groß GmbH',
  street1: 'Schloßstraße 88',
  street2: '',
  postalCode: '12163',
  city: 'Berlin',
  region: '',
  country: 'de',
  phone: '+49 30 555 7788',
  email: 'anja@example.de',
};

describe('checkAddress', () => {
  it('accepts a good address, blanks as empty fields and the country in capitals', () => {
    expect(checkAddress(berlin)).toEqual({ ok: true, party: { ...berlin, street2: null, region: null, country: 'DE' } });
    expect(checkAddress({ ...berlin, country: 'NL', postalCode: '1016 GV', phone: '+31 20 555 0263' }).ok).toBe(true);
  });

  it('names a postcode that cannot exist in the country, and a phone that is no number there', () => {
    const result = checkAddress({ ...berlin, postalCode: '1011', phone: '12' });
    expect(result).toEqual({
      ok: false,
      errors: {
        postalCode: "The postcode 1011 is not valid for Germany (DE): check the recipient's address",
        phone: "The phone number 12 is not a valid number for Germany (DE): check the recipient's phone number; write it with the country code, e.g. +49 30 1234567",
      },
    });
  });

  it('says what to write in each missing field', () => {
    const result = checkAddress({ ...berlin, name: ' ', street1: '', city: '', country: 'Germany' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      name: 'Write the name of the person the parcel goes to',
      street1: 'Write the street and house number',
      city: 'Write the city',
      country: 'Write the country as its two-letter code, e.g. DE',
    });
  });
});

describe('the field a provider named', () => {
  it('reads ShipEngine and Shippo recipient fields, and nothing of the sender or parcel', () => {
    expect(recipientFieldOf('ship_to.postal_code')).toBe('postalCode');
    expect(recipientFieldOf('ship_to.address_line1')).toBe('street1');
    expect(recipientFieldOf('ship_to.city_locality')).toBe('city');
    expect(recipientFieldOf('address_to.zip')).toBe('postalCode');
    expect(recipientFieldOf('address_to.phone')).toBe('phone');
    expect(recipientFieldOf('ship_from.phone')).toBeNull();
    expect(recipientFieldOf('shipment.packages.0.weight')).toBeNull();
    expect(recipientFieldOf(undefined)).toBeNull();
  });

  it('puts the fault in a packer’s words', () => {
    expect(faultInWords(englishCore, 'postalCode', 'address')).toBe('the postcode is not valid');
    expect(faultInWords(englishCore, 'country', 'address')).toBe('the country is not valid');
    expect(faultInWords(englishCore, null, 'weight_dimensions')).toBe("the parcel's weight or size is not accepted");
  });

  it('says the fault and the address checks in German on a German bench', () => {
    const de = createI18n('de', 'core');
    const german: Translate = (key, params) => de.t(key, params ?? {});
    expect(faultInWords(german, 'postalCode', 'address')).toBe('die Postleitzahl ist ungültig');
    expect(faultInWords(german, null, 'weight_dimensions')).toBe('Gewicht oder Größe des Pakets werden nicht akzeptiert');
    expect(checkAddress({ ...berlin, postalCode: '1011', city: '' }, german)).toEqual({
      ok: false,
      errors: { city: 'Den Ort eintragen' },
    });
    expect(checkAddress({ ...berlin, postalCode: '1011' }, german)).toEqual({
      ok: false,
      errors: { postalCode: 'Die Postleitzahl 1011 ist für Deutschland (DE) ungültig: die Adresse des Empfängers prüfen' },
    });
  });
});

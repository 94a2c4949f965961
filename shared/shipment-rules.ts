// Shipment checks before a carrier is asked: what a provider would refuse, found by the bench and
// said in plain words naming the field (`recipient.postalCode`, `parcels[1].weightG`…), so the
// lead's address form and the registry show the same errors. Phone numbers and postcodes are
// judged by libphonenumber-js and postcode-validator, not by patterns of our own. Each problem is a
// `core` key with its parameters (`said`), worded by whoever shows it: the checks take the `t` of
// the screen or the bench (English without one: the outbox's error, the audit).
import { countryName as countryIn, englishCore, said, sayIn, type Said, type Translate } from './i18n';
import { isValidPhoneNumber, type CountryCode } from 'libphonenumber-js';
import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';
import type { Party } from './order';
import { needsCustoms, type ShipmentRequest } from './shipment';

/** What a provider's service needs of a shipment (the provider's `requires` plus the service's limit). */
export interface ShipmentNeeds {
  /** The service as people know it, e.g. "DHL Paket". */
  service: string;
  /** When the recipient's phone is needed: on every shipment, only on customs shipments, or never (absent). */
  recipientPhone?: 'always' | 'customs';
  /** Whether the sender's (warehouse's) phone is needed. */
  shipperPhone?: boolean;
  /** Countries whose addresses need a state or region (ISO 3166-1 alpha-2). */
  regionCountries?: readonly string[];
  /** Whether the provider files the customs declaration (then every customs line needs an HS code, origin and value). */
  customs?: boolean;
  /** The heaviest parcel the service takes, in grams. */
  maxWeightG?: number | null;
}

export interface ShipmentProblem {
  /** Path in the canonical request, e.g. `recipient.postalCode`. */
  field: string;
  /** What is wrong and what to do, for the packer or the shift lead, in the language of the `t` it was checked with. */
  message: string;
  /** The same as a `core` key with its parameters, for whoever words it later (the lead's console). */
  said: Said;
}

/** "Germany (DE)" (in English; the catalogue's `{{country, country}}` says it in the bench's language). */
export const countryName = (code: string): string => countryIn(code, 'en');

type Role = 'shipper' | 'recipient';
const WHOSE: Record<Role, { address: Said; phone: Said }> = {
  recipient: { address: said('rules.whose.recipientAddress'), phone: said('rules.whose.recipientPhone') },
  shipper: { address: said('rules.whose.shipperAddress'), phone: said('rules.whose.shipperPhone') },
};

const problem = (t: Translate, field: string, what: Said): ShipmentProblem => ({ field, message: sayIn(t, what), said: what });

/** A postcode in the format of its country (countries the library does not know pass). */
export function checkPostcode(party: Pick<Party, 'postalCode' | 'country'>, role: Role, t: Translate = englishCore): ShipmentProblem | null {
  const country = party.country.toUpperCase();
  if (!postcodeValidatorExistsForCountry(country)) return null;
  if (postcodeValidator(party.postalCode.trim(), country)) return null;
  return problem(t, `${role}.postalCode`, said('rules.postcode', { postcode: party.postalCode, country, whose: WHOSE[role].address }));
}

/** A phone that is needed: present and a valid number for the address's country. */
/** `to`: the country a shipment goes to when that is why the phone is needed (customs). */
export function checkPhone(party: Pick<Party, 'phone' | 'country'>, role: Role, needs: Pick<ShipmentNeeds, 'service'>, to: string | null, t: Translate = englishCore): ShipmentProblem | null {
  const field = `${role}.phone`;
  const phone = party.phone?.trim();
  if (!phone) {
    const whose = { service: needs.service, phone: WHOSE[role].phone, whose: WHOSE[role].address };
    return problem(t, field, to ? said('rules.phoneNeededTo', { ...whose, country: to.toUpperCase() }) : said('rules.phoneNeeded', whose));
  }
  if (!isValidPhoneNumber(phone, party.country.toUpperCase() as CountryCode)) {
    return problem(t, field, said('rules.phoneInvalid', { phone, country: party.country.toUpperCase(), whose: WHOSE[role].phone }));
  }
  return null;
}

/** Everything the service would refuse in this shipment, in the order a person fixes it; empty when it may be asked. */
export function checkShipment(request: ShipmentRequest, needs: ShipmentNeeds, t: Translate = englishCore): ShipmentProblem[] {
  const problems: ShipmentProblem[] = [];
  const add = (p: ShipmentProblem | null) => {
    if (p) problems.push(p);
  };
  const { shipper, recipient } = request;
  const crossesBorder = needsCustoms(shipper.country, recipient.country);

  add(checkPostcode(recipient, 'recipient', t));
  if (needs.recipientPhone === 'always' || (needs.recipientPhone === 'customs' && crossesBorder)) add(checkPhone(recipient, 'recipient', needs, recipient.country, t));
  for (const [role, party] of [['recipient', recipient], ['shipper', shipper]] as const) {
    if (needs.regionCountries?.includes(party.country.toUpperCase()) && !party.region?.trim()) {
      add(problem(t, `${role}.region`, said('rules.region', { service: needs.service, country: party.country.toUpperCase(), whose: WHOSE[role].address })));
    }
  }
  add(checkPostcode(shipper, 'shipper', t));
  if (needs.shipperPhone) add(checkPhone(shipper, 'shipper', needs, null, t));

  const max = needs.maxWeightG;
  if (max) {
    request.parcels.forEach((parcel, i) => {
      if (parcel.weightG > max) {
        add(problem(t, `parcels[${i}].weightG`, said('rules.overweight', { parcel: i + 1, weight: parcel.weightG, service: needs.service, max })));
      }
    });
  }

  if (needs.customs && crossesBorder) {
    if (!request.customs) {
      add(problem(t, 'customs', said('rules.customs.missing', { from: shipper.country.toUpperCase(), to: recipient.country.toUpperCase() })));
    } else {
      request.customs.items.forEach((item, i) => {
        const at = `customs.items[${i}]`;
        const product = item.description;
        if (!item.hsCode) add(problem(t, `${at}.hsCode`, said('rules.customs.hsCode', { product })));
        if (!item.originCountry) add(problem(t, `${at}.originCountry`, said('rules.customs.origin', { product })));
        if (!item.unitValue || Number(item.unitValue.amount) <= 0) add(problem(t, `${at}.unitValue`, said('rules.customs.value', { product })));
      });
    }
  }
  return problems;
}

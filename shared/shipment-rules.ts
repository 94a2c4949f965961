// Shipment checks before a carrier is asked: what a provider would refuse, found by the bench and
// said in plain words naming the field (`recipient.postalCode`, `parcels[1].weightG`…), so the
// lead's address form and the registry show the same errors. Phone numbers and postcodes are
// judged by libphonenumber-js and postcode-validator, not by patterns of our own.
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
  /** What is wrong and what to do, for the packer or the shift lead. */
  message: string;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** "Germany (DE)". */
export function countryName(code: string): string {
  let name: string | undefined;
  try {
    name = regionNames.of(code.toUpperCase());
  } catch {
    name = undefined;
  }
  return name && name !== code.toUpperCase() ? `${name} (${code.toUpperCase()})` : code.toUpperCase();
}

const kg = (g: number) => `${(g / 1000).toLocaleString('en', { maximumFractionDigits: 1 })} kg`;

type Role = 'shipper' | 'recipient';
const WHOSE: Record<Role, { address: string; phone: string }> = {
  recipient: { address: "the recipient's address", phone: "the recipient's phone number" },
  shipper: { address: 'the warehouse address in Odoo', phone: "the warehouse's phone number in Odoo" },
};

/** A postcode in the format of its country (countries the library does not know pass). */
export function checkPostcode(party: Pick<Party, 'postalCode' | 'country'>, role: Role): ShipmentProblem | null {
  const country = party.country.toUpperCase();
  if (!postcodeValidatorExistsForCountry(country)) return null;
  if (postcodeValidator(party.postalCode.trim(), country)) return null;
  return { field: `${role}.postalCode`, message: `The postcode ${party.postalCode} is not valid for ${countryName(country)}: check ${WHOSE[role].address}` };
}

/** A phone that is needed: present and a valid number for the address's country. */
export function checkPhone(party: Pick<Party, 'phone' | 'country'>, role: Role, needs: Pick<ShipmentNeeds, 'service'>, why: string): ShipmentProblem | null {
  const field = `${role}.phone`;
  const phone = party.phone?.trim();
  if (!phone) return { field, message: `${needs.service} needs ${WHOSE[role].phone}${why}: add one to ${WHOSE[role].address}` };
  if (!isValidPhoneNumber(phone, party.country.toUpperCase() as CountryCode)) {
    return { field, message: `The phone number ${phone} is not a valid number for ${countryName(party.country)}: check ${WHOSE[role].phone}` };
  }
  return null;
}

/** Everything the service would refuse in this shipment, in the order a person fixes it; empty when it may be asked. */
export function checkShipment(request: ShipmentRequest, needs: ShipmentNeeds): ShipmentProblem[] {
  const problems: ShipmentProblem[] = [];
  const add = (p: ShipmentProblem | null) => {
    if (p) problems.push(p);
  };
  const { shipper, recipient } = request;
  const crossesBorder = needsCustoms(shipper.country, recipient.country);

  add(checkPostcode(recipient, 'recipient'));
  const to = ` for a shipment to ${countryName(recipient.country)}`;
  if (needs.recipientPhone === 'always' || (needs.recipientPhone === 'customs' && crossesBorder)) add(checkPhone(recipient, 'recipient', needs, to));
  for (const [role, party] of [['recipient', recipient], ['shipper', shipper]] as const) {
    if (needs.regionCountries?.includes(party.country.toUpperCase()) && !party.region?.trim()) {
      problems.push({
        field: `${role}.region`,
        message: `${needs.service} needs the state or region of an address in ${countryName(party.country)}: add it to ${WHOSE[role].address}`,
      });
    }
  }
  add(checkPostcode(shipper, 'shipper'));
  if (needs.shipperPhone) add(checkPhone(shipper, 'shipper', needs, ''));

  const max = needs.maxWeightG;
  if (max) {
    request.parcels.forEach((parcel, i) => {
      if (parcel.weightG > max) {
        problems.push({
          field: `parcels[${i}].weightG`,
          message: `Parcel ${i + 1} weighs ${kg(parcel.weightG)}; ${needs.service} takes at most ${kg(max)}: split it into two parcels or choose another service`,
        });
      }
    });
  }

  if (needs.customs && crossesBorder) {
    const route = `${countryName(shipper.country)} to ${countryName(recipient.country)}`;
    if (!request.customs) {
      problems.push({ field: 'customs', message: `A shipment from ${route} needs a customs declaration: pack the order again so the bench can make one` });
    } else {
      request.customs.items.forEach((item, i) => {
        const at = `customs.items[${i}]`;
        if (!item.hsCode) {
          problems.push({ field: `${at}.hsCode`, message: `The customs declaration needs the HS code of ${item.description}: set it on the product in Odoo (HS Code)` });
        }
        if (!item.originCountry) {
          problems.push({ field: `${at}.originCountry`, message: `The customs declaration needs the country ${item.description} was made in: set Origin of Goods on the product in Odoo` });
        }
        if (!item.unitValue || Number(item.unitValue.amount) <= 0) {
          problems.push({ field: `${at}.unitValue`, message: `The customs declaration needs the value of ${item.description}: set its sales price in Odoo` });
        }
      });
    }
  }
  return problems;
}

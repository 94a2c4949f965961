// The check an address passes before the bench sends it to a carrier again (the shift lead's fix of
// a refused shipment): the canonical Party schema, the postcode's format for its country
// (postcode-validator) and the phone number (libphonenumber-js), each problem named by its field in
// plain words. The screen runs it as the lead types; the core runs it again before it accepts, and
// then the whole shipment's checks (shipment-rules.ts `checkShipment`, whose postcode and phone
// checks these are) for what the service needs beyond a well-formed address.
import { postcodeValidatorExistsForCountry } from 'postcode-validator';
import { Party } from './order';
import { checkPhone, checkPostcode } from './shipment-rules';

export type PartyField = keyof Party;

/** The recipient's fields in the order a form shows them, with the words people use. */
export const PARTY_FIELDS: readonly { field: PartyField; label: string }[] = [
  { field: 'name', label: 'Name' },
  { field: 'company', label: 'Company' },
  { field: 'street1', label: 'Street' },
  { field: 'street2', label: 'Street (2nd line)' },
  { field: 'postalCode', label: 'Postcode' },
  { field: 'city', label: 'City' },
  { field: 'region', label: 'Region / state' },
  { field: 'country', label: 'Country (2 letters)' },
  { field: 'phone', label: 'Phone' },
  { field: 'email', label: 'Email' },
];

export type AddressCheck = { ok: true; party: Party } | { ok: false; errors: Partial<Record<PartyField, string>> };

const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : typeof v === 'string' ? v.trim() : v);

/** Check an address (as typed: blanks are empty optional fields); every field at fault says what to fix. */
export function checkAddress(input: Partial<Record<PartyField, string | null>>): AddressCheck {
  const trimmed = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, blankToNull(v)]));
  const errors: Partial<Record<PartyField, string>> = {};
  const parsed = Party.safeParse({ ...trimmed, country: typeof trimmed.country === 'string' ? trimmed.country.toUpperCase() : trimmed.country });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as PartyField | undefined;
      if (field && !errors[field]) errors[field] = REQUIRED[field] ?? `${labelOf(field)} is not right`;
    }
    return { ok: false, errors };
  }
  const party = parsed.data;
  if (!postcodeValidatorExistsForCountry(party.country)) {
    // Countries without postcode rules (and unknown codes) are not refused here; a country must be two letters.
    if (!/^[A-Z]{2}$/.test(party.country)) errors.country = 'Write the country as its two-letter code, e.g. DE';
  } else {
    const postcode = checkPostcode(party, 'recipient');
    if (postcode) errors.postalCode = postcode.message;
  }
  // A phone is optional here (the service's checks say when one is needed); one written must be a real number.
  const phone = party.phone ? checkPhone(party, 'recipient', { service: 'The carrier' }, '') : null;
  if (phone) errors.phone = `${phone.message}; write it with the country code, e.g. +49 30 1234567`;
  if (party.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(party.email)) errors.email = `${party.email} is not an email address`;
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, party };
}

const REQUIRED: Partial<Record<PartyField, string>> = {
  name: 'Write the name of the person the parcel goes to',
  street1: 'Write the street and house number',
  postalCode: 'Write the postcode',
  city: 'Write the city',
  country: 'Write the country as its two-letter code, e.g. DE',
};

export function labelOf(field: PartyField): string {
  return PARTY_FIELDS.find((f) => f.field === field)?.label ?? field;
}

/**
 * The recipient's field a provider named in its refusal (ShipEngine `ship_to.postal_code`, Shippo
 * `address_to.zip`, …), or null when it names something else (the sender, a parcel, the service).
 */
export function recipientFieldOf(providerField: string | null | undefined): PartyField | null {
  if (!providerField) return null;
  const f = providerField.toLowerCase();
  if (/ship_from|address_from|shipper|parcel|package|service|carrier/.test(f)) return null;
  if (/postal|zip|postcode/.test(f)) return 'postalCode';
  if (/line2|street2|street_2/.test(f)) return 'street2';
  if (/line1|street|address_line/.test(f)) return 'street1';
  if (/city|locality/.test(f)) return 'city';
  if (/state|province|region/.test(f)) return 'region';
  if (/country/.test(f)) return 'country';
  if (/phone/.test(f)) return 'phone';
  if (/email/.test(f)) return 'email';
  if (/company/.test(f)) return 'company';
  if (/name/.test(f)) return 'name';
  return null;
}

/** "the postcode is not valid": what the carrier found wrong, in the words a packer reads. */
export function faultInWords(field: PartyField | null, reason: string): string {
  if (field) return `the ${labelOf(field).toLowerCase().replace(' (2 letters)', '').replace(' / state', '')} is not valid`;
  switch (reason) {
    case 'address':
      return 'the address is wrong';
    case 'weight_dimensions':
      return "the parcel's weight or size is not accepted";
    case 'service':
      return 'the carrier service cannot be used';
    default:
      return 'the request was refused';
  }
}

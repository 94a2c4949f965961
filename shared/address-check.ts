// The check an address passes before the bench sends it to a carrier again (the shift lead's fix of
// a refused shipment): the canonical Party schema, the postcode's format for its country
// (postcode-validator) and the phone number (libphonenumber-js), each problem named by its field in
// plain words. The screen runs it as the lead types; the core runs it again before it accepts, and
// then the whole shipment's checks (shipment-rules.ts `checkShipment`, whose postcode and phone
// checks these are) for what the service needs beyond a well-formed address. The words are `core`
// keys, rendered with the `t` of whoever shows them (the screen loads the `core` namespace too).
import { postcodeValidatorExistsForCountry } from 'postcode-validator';
import { englishCore, type Translate } from './i18n';
import { Party } from './order';
import { checkPhone, checkPostcode } from './shipment-rules';

export type PartyField = keyof Party;

/** The recipient's fields in the order a form shows them (their words: `address.field.<field>`). */
export const PARTY_FIELDS: readonly { field: PartyField }[] = [
  { field: 'name' },
  { field: 'company' },
  { field: 'street1' },
  { field: 'street2' },
  { field: 'postalCode' },
  { field: 'city' },
  { field: 'region' },
  { field: 'country' },
  { field: 'phone' },
  { field: 'email' },
];
// i18n-keys: address.field.name address.field.company address.field.street1 address.field.street2 address.field.postalCode
// i18n-keys: address.field.city address.field.region address.field.country address.field.phone address.field.email
// i18n-keys: address.fault.name address.fault.company address.fault.street1 address.fault.street2 address.fault.postalCode
// i18n-keys: address.fault.city address.fault.region address.fault.country address.fault.phone address.fault.email
// i18n-keys: address.required.name address.required.street1 address.required.postalCode address.required.city

export type AddressCheck = { ok: true; party: Party } | { ok: false; errors: Partial<Record<PartyField, string>> };

const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : typeof v === 'string' ? v.trim() : v);

/** Check an address (as typed: blanks are empty optional fields); every field at fault says what to fix. */
export function checkAddress(input: Partial<Record<PartyField, string | null>>, t: Translate = englishCore): AddressCheck {
  const trimmed = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, blankToNull(v)]));
  const errors: Partial<Record<PartyField, string>> = {};
  const parsed = Party.safeParse({ ...trimmed, country: typeof trimmed.country === 'string' ? trimmed.country.toUpperCase() : trimmed.country });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as PartyField | undefined;
      if (field && !errors[field]) errors[field] = REQUIRED.has(field) ? t(`address.required.${field}`) : t('address.notRight', { field: labelOf(field, t) });
    }
    return { ok: false, errors };
  }
  const party = parsed.data;
  if (!postcodeValidatorExistsForCountry(party.country)) {
    // Countries without postcode rules (and unknown codes) are not refused here; a country must be two letters.
    if (!/^[A-Z]{2}$/.test(party.country)) errors.country = t('address.required.country');
  } else {
    const postcode = checkPostcode(party, 'recipient', t);
    if (postcode) errors.postalCode = postcode.message;
  }
  // A phone is optional here (the service's checks say when one is needed); one written must be a real number.
  const phone = party.phone ? checkPhone(party, 'recipient', { service: '' }, null, t) : null;
  if (phone) errors.phone = t('address.phoneHint', { problem: phone.message });
  if (party.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(party.email)) errors.email = t('address.email', { email: party.email });
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, party };
}

/** The fields whose absence has its own words (`address.required.<field>`). */
const REQUIRED = new Set<PartyField>(['name', 'street1', 'postalCode', 'city', 'country']);

/** A field's name in `t`'s language ("Postcode" / "Postleitzahl"). */
export function labelOf(field: PartyField, t: Translate = englishCore): string {
  return t(`address.field.${field}`);
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

/** "the postcode is not valid": what the carrier found wrong, in the words a packer reads, in `t`'s language. */
export function faultInWords(t: Translate, field: PartyField | null, reason: string): string {
  if (field) return t(`address.fault.${field}`);
  switch (reason) {
    case 'address':
      return t('carrier.rejected.address');
    case 'weight_dimensions':
      return t('carrier.rejected.weightDimensions');
    case 'service':
      return t('carrier.rejected.service');
    default:
      return t('carrier.rejected.unknown');
  }
}

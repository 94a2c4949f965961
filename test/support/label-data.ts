// Label test data: an address with only what a test cares about, the rest empty as Odoo leaves it.
import type { Party } from '../../shared/order';

export function party(p: Partial<Party> & Pick<Party, 'name' | 'street1' | 'city' | 'postalCode' | 'country'>): Party {
  return { company: null, street2: null, region: null, phone: null, email: null, ...p };
}

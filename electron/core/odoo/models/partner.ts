// product.product, res.partner, res.country(.state) and res.company as the bench reads them: one
// schema per model, each reader picks the fields it needs.
import { z } from 'zod';
import { M2o, Text } from '../read-rows';

const Product = z.object({
  id: z.number().int(),
  name: Text,
  display_name: z.string(),
  default_code: Text,
  barcode: Text,
  weight: z.number(),
  tracking: z.enum(['none', 'lot', 'serial']).catch('none'),
});

/** A product on an order line (pickings.ts), with its sales price (`lst_price`, every version). */
export const OrderProductRow = Product.extend({ lst_price: z.number() });

/**
 * The same with its customs data, where the database has the fields: the delivery module (16) or
 * stock_delivery (17+) adds them; a database without it has neither (pickings.ts asks fields_get).
 */
export const OrderProductCustomsRow = OrderProductRow.extend({ hs_code: Text, country_of_origin: M2o });
export const PRODUCT_CUSTOMS_FIELDS = ['hs_code', 'country_of_origin'] as const;

/** product.product's fields_get as far as the bench reads it: every field described by an object with its type. */
export const FieldsGetReply = z
  .record(z.string(), z.looseObject({ type: z.string() }))
  .refine((fields) => 'name' in fields, 'a model without a name field');

/** Whether a packed product needs a lot or serial, and its name for the lead (dispatch). */
export const TrackedProductRow = Product.pick({ id: true, display_name: true, tracking: true });

const Partner = z.object({
  id: z.number().int(),
  name: Text,
  street: Text,
  street2: Text,
  city: Text,
  zip: Text,
  state_id: M2o,
  country_id: M2o,
  phone: Text,
  /** ≤18 only: merged into phone in 19. */
  mobile: Text.optional(),
  email: Text,
  is_company: z.boolean(),
  parent_id: M2o,
});

/** An address on an order (pickings.ts); the phone fields come from the dialect. */
export const OrderPartnerRow = Partner;

/** The address the dispatch compares with the one the bench shipped to. */
export const AddressRow = Partner.pick({ id: true, name: true, street: true, street2: true, zip: true, city: true, country_id: true });

/** res.country and res.country.state: their code. */
export const CodeRow = z.object({ id: z.number().int(), code: Text });

/** res.company: its partner (the ship-from address when the warehouse has none) and its currency (prices). */
export const CompanyRow = z.object({ id: z.number().int(), partner_id: M2o, currency_id: M2o });

/** stock.warehouse: its address (the ship-from address of its deliveries). */
export const WarehouseRow = z.object({ id: z.number().int(), partner_id: M2o });

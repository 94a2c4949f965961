// ShipmentRequest → Shippo's POST /shipments body (our key in `metadata`), the rate to buy,
// POST /transactions, and the transactions of one purchase → the canonical result. Pure: no I/O.
import { z } from 'zod';
import type { Party } from '../../../../shared/order';
import { referencesOf, type Customs, type ShipmentRequest } from '../../../../shared/shipment';
import { CarrierError, type CarrierLabelFormat, type CarrierLabelResult } from '../carrier-result';
import { shippoTransactionError } from './errors';
import { LABEL_FILE_TYPES, canonicalFormat, mass, servicelevelToken, size } from './units';

function address(p: Party) {
  const out: Record<string, string> = { name: p.name, street1: p.street1, city: p.city, zip: p.postalCode, country: p.country };
  if (p.company) out.company = p.company;
  if (p.street2) out.street2 = p.street2;
  if (p.region) out.state = p.region;
  if (p.phone) out.phone = p.phone;
  if (p.email) out.email = p.email;
  return out;
}

const CONTENTS: Record<Customs['contentType'], string> = {
  merchandise: 'MERCHANDISE',
  documents: 'DOCUMENTS',
  gift: 'GIFT',
  sample: 'SAMPLE',
  return: 'RETURN_MERCHANDISE',
  other: 'OTHER',
};
const INCOTERMS = new Set(['DDP', 'DDU', 'FCA', 'DAP']);

/**
 * The customs declaration inline in the shipment (Shippo makes the object). Shippo's value_amount
 * is the line's total; origin and value are required, so a line without them is refused here (the
 * shipment checks name it to the lead before this is reached).
 */
function customsDeclaration(c: Customs, signer: string) {
  const incoterm = c.incoterm?.toUpperCase();
  return {
    certify: true,
    certify_signer: signer,
    contents_type: CONTENTS[c.contentType],
    ...(c.contentType === 'other' ? { contents_explanation: c.items.map((i) => i.description).join(', ').slice(0, 100) } : {}),
    non_delivery_option: c.nonDelivery === 'abandon' ? 'ABANDON' : 'RETURN',
    ...(incoterm && INCOTERMS.has(incoterm) ? { incoterm } : {}),
    ...(c.invoiceNo ? { invoice: c.invoiceNo } : {}),
    items: c.items.map((item, i) => {
      if (!item.originCountry || !item.unitValue) {
        const field = `customs.items[${i}].${item.originCountry ? 'unitValue' : 'originCountry'}`;
        throw new CarrierError('unknown', `Shippo needs the origin and value of ${item.description} for customs`, { retry: false, field });
      }
      return {
        description: item.description,
        quantity: item.qty,
        net_weight: String(item.weightG),
        mass_unit: 'g',
        value_amount: (Number(item.unitValue.amount) * item.qty).toFixed(2),
        value_currency: item.unitValue.currency,
        origin_country: item.originCountry,
        ...(item.hsCode ? { hs_code: item.hsCode } : {}),
        ...(item.sku ? { sku_code: item.sku } : {}),
      };
    }),
  };
}

export function shipmentRequest(req: ShipmentRequest) {
  const refs = referencesOf(req);
  return {
    address_from: address(req.shipper),
    address_to: address(req.recipient),
    parcels: req.parcels.map((p, i) => {
      // Shippo's parcel needs its size; the bench knows it from the box scanned.
      if (!p.dimsMm) throw new CarrierError('weight_dimensions', `Shippo needs the size of parcel ${i + 1}: scan its box`, { field: `parcels[${i}]` });
      return { ...size(p.dimsMm), ...mass(p.weightG), metadata: p.reference };
    }),
    ...(req.customs ? { customs_declaration: customsDeclaration(req.customs, req.shipper.company ?? req.shipper.name) } : {}),
    extra: { reference_1: refs.picking, ...(refs.saleOrder ? { reference_2: refs.saleOrder } : {}) },
    metadata: req.idempotencyKey,
    async: false,
  };
}

const Shipment = z.looseObject({
  object_id: z.string(),
  rates: z.array(z.looseObject({ object_id: z.string(), servicelevel: z.looseObject({ token: z.string().optional() }) })),
  messages: z.array(z.looseObject({ text: z.string().optional() })).default([]),
});

/** The rate for the shipment's service level, or a `service` error naming what was offered. */
export function pickRate(reply: unknown, serviceCode: string): string {
  const shipment = Shipment.safeParse(reply);
  if (!shipment.success) throw new CarrierError('unknown', 'Shippo answered with a shipment the bench cannot read');
  const token = servicelevelToken(serviceCode);
  const rate = shipment.data.rates.find((r) => r.servicelevel.token === token);
  if (!rate) {
    const offered = shipment.data.rates.map((r) => r.servicelevel.token).filter(Boolean);
    const why = shipment.data.messages.map((m) => m.text).filter(Boolean).join('; ');
    throw new CarrierError('service', `The carrier does not offer ${token} for this parcel${offered.length ? ` (offered: ${offered.join(', ')})` : ''}${why ? `: ${why}` : ''}`, { retry: false });
  }
  return rate.object_id;
}

export function transactionRequest(rateId: string, key: string, format: CarrierLabelFormat) {
  return { rate: rateId, label_file_type: LABEL_FILE_TYPES[format], metadata: key, async: false };
}

export const Transaction = z.looseObject({
  object_id: z.string(),
  status: z.string(),
  rate: z.union([z.string(), z.looseObject({ object_id: z.string() })]).optional(),
  tracking_number: z.string().optional(),
  label_url: z.string().optional(),
  label_file_type: z.string().optional(),
  metadata: z.string().optional(),
  object_created: z.string().optional(),
  messages: z.array(z.looseObject({ source: z.string().optional(), code: z.string().optional(), text: z.string().optional() })).default([]),
});
export type Transaction = z.infer<typeof Transaction>;

export function transaction(reply: unknown): Transaction {
  const parsed = Transaction.safeParse(reply);
  if (!parsed.success) throw new CarrierError('unknown', 'Shippo answered with a transaction the bench cannot read');
  return parsed.data;
}

export function rateOf(t: Transaction): string | null {
  return typeof t.rate === 'string' ? t.rate : (t.rate?.object_id ?? null);
}

/**
 * The pieces of one purchase (the first transaction, then every other piece of the same rate,
 * oldest first) → the canonical result. A failed purchase becomes its CarrierError.
 */
export function purchaseResult(pieces: Transaction[]): CarrierLabelResult {
  const first = pieces[0];
  if (!first) throw new CarrierError('unknown', 'Shippo returned no transaction');
  if (first.status === 'ERROR') throw shippoTransactionError(first.messages);
  if (first.status !== 'SUCCESS') {
    // Still queued at Shippo: bought or about to be; finding it by our key later is safe, buying again is not.
    throw new CarrierError('outage', 'Shippo has not finished the label yet; it will be looked up again', { retry: true, providerCode: first.status });
  }
  return {
    providerRef: first.object_id,
    parcels: pieces
      .filter((t) => t.status === 'SUCCESS')
      .map((t) => ({ trackingNumber: t.tracking_number ?? '', label: { format: canonicalFormat(t.label_file_type ?? 'PDF'), href: t.label_url } })),
  };
}

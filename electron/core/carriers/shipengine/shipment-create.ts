// ShipmentRequest → ShipEngine's POST /v1/labels body (buy from shipment details), and its label
// reply → the canonical result. Pure: no I/O.
import { z } from 'zod';
import type { Party } from '../../../../shared/order';
import { orderKey } from '../../pack/effects';
import { referencesOf, type Customs, type ParcelItem, type ParcelRequest, type ShipmentRequest } from '../../../../shared/shipment';
import { CarrierError, type CarrierLabelFormat, type CarrierLabelResult } from '../carrier-result';
import { LABEL_FORMATS, canonicalFormat, carrierId, dimensions, externalShipmentId, serviceCode, weight } from './units';

export interface ShipEngineAccount {
  /** The carrier account in ShipEngine, e.g. `se-123456`. */
  carrierId: string;
}

function address(p: Party, role: 'ship_from' | 'ship_to') {
  if (role === 'ship_from' && !p.phone) {
    throw new CarrierError('address', 'ShipEngine needs a phone number for the sender: add one to the warehouse address in Odoo', { field: 'ship_from.phone' });
  }
  return {
    name: p.name,
    ...(p.phone ? { phone: p.phone } : {}),
    email: p.email,
    company_name: p.company,
    address_line1: p.street1,
    address_line2: p.street2,
    city_locality: p.city,
    // The document requires a state or province; where the address has none (most of Europe) we
    // send the country code rather than invent a region.
    state_province: p.region ?? p.country,
    postal_code: p.postalCode,
    country_code: p.country,
    address_residential_indicator: 'unknown' as const,
  };
}

/** ShipEngine's package codes look like `medium_flat_rate_box`; a box of our own is `package`, named by package_name. */
const PACKAGE_CODE = /^[a-z0-9]+(_[a-z0-9]+)*$/;

function packageType(p: ParcelRequest) {
  if (!p.packageType) return {};
  const code = p.packageType.code && PACKAGE_CODE.test(p.packageType.code) ? p.packageType.code : 'package';
  return { package_code: code, package_name: p.packageType.name };
}

/** A parcel's items as ShipEngine's customs `products` (value of each unit, weight of all units). */
function products(items: readonly ParcelItem[]) {
  return items.map((item) => ({
    description: item.description.slice(0, 100),
    quantity: Math.ceil(item.qty),
    ...(item.unitValue ? { value: { currency: item.unitValue.currency.toLowerCase(), amount: Number(item.unitValue.amount) } } : {}),
    ...(item.unitWeightG ? { weight: weight(Math.max(1, Math.round(item.unitWeightG * item.qty))) } : {}),
    harmonized_tariff_code: item.hsCode,
    country_of_origin: item.originCountry,
    sku: item.sku,
  }));
}

const CONTENTS: Record<Customs['contentType'], string> = {
  merchandise: 'merchandise',
  documents: 'documents',
  gift: 'gift',
  sample: 'sample',
  return: 'returned_goods',
  other: 'other',
};
const INCOTERMS = new Set(['exw', 'fca', 'cpt', 'cip', 'dpu', 'dap', 'ddp', 'fas', 'fob', 'cfr', 'cif', 'ddu', 'daf', 'deq', 'des']);

/** The shipment's customs options; the items travel per package (`products`), as ShipEngine now wants. */
function customs(c: Customs) {
  const incoterm = c.incoterm?.toLowerCase();
  return {
    contents: CONTENTS[c.contentType],
    ...(c.contentType === 'other' ? { contents_explanation: c.items.map((i) => i.description).join(', ').slice(0, 100) } : {}),
    non_delivery: c.nonDelivery === 'abandon' ? 'treat_as_abandoned' : 'return_to_sender',
    ...(incoterm && INCOTERMS.has(incoterm) ? { terms_of_trade_code: incoterm } : {}),
    ...(c.invoiceNo ? { invoice_additional_details: { invoice_number: c.invoiceNo } } : {}),
  };
}

export function labelRequest(req: ShipmentRequest, account: ShipEngineAccount, format: CarrierLabelFormat) {
  const refs = referencesOf(req);
  return {
    shipment: {
      carrier_id: carrierId(account.carrierId),
      service_code: serviceCode(req.service.serviceCode),
      external_shipment_id: externalShipmentId(req.idempotencyKey),
      // The order's correlation id, as in the bench's logs and the picking's chatter.
      external_order_id: orderKey({ source: req.source, pickingId: req.source.pickingId }),
      ship_from: address(req.shipper, 'ship_from'),
      ship_to: address(req.recipient, 'ship_to'),
      ...(req.customs ? { customs: customs(req.customs) } : {}),
      packages: req.parcels.map((p) => ({
        ...packageType(p),
        weight: weight(p.weightG),
        ...(p.dimsMm ? { dimensions: dimensions(p.dimsMm) } : {}),
        external_package_id: p.reference,
        label_messages: { reference1: refs.picking, reference2: refs.saleOrder, reference3: p.reference },
        ...(req.customs && p.items.length > 0 ? { products: products(p.items) } : {}),
      })),
    },
    label_format: LABEL_FORMATS[format],
    label_layout: '4x6' as const,
    label_download_type: 'url' as const,
  };
}

const Download = z.looseObject({ href: z.string().optional(), pdf: z.string().optional(), png: z.string().optional(), zpl: z.string().optional() });

/** The part of ShipEngine's label the bench reads; anything else is ignored. */
export const LabelReply = z.looseObject({
  label_id: z.string(),
  status: z.enum(['processing', 'completed', 'error', 'voided']),
  tracking_number: z.string(),
  label_format: z.string(),
  label_download: Download,
  packages: z.array(z.looseObject({ tracking_number: z.string().optional(), label_download: Download.optional() })).default([]),
  voided: z.boolean().optional(),
});
export type LabelReply = z.infer<typeof LabelReply>;

export function labelResult(reply: unknown): CarrierLabelResult {
  const parsed = LabelReply.safeParse(reply);
  if (!parsed.success) throw new CarrierError('unknown', 'ShipEngine answered with a label the bench cannot read', { retry: false });
  const label = parsed.data;
  if (label.status === 'error') throw new CarrierError('unknown', `ShipEngine could not make label ${label.label_id}`);
  if (label.status === 'voided' || label.voided) throw new CarrierError('unknown', `Label ${label.label_id} has been voided`);
  const format = canonicalFormat(label.label_format);
  const pick = (d: z.infer<typeof Download> | undefined) => d?.[label.label_format as 'zpl'] ?? d?.href;
  const parcels =
    label.packages.length > 0
      ? label.packages.map((p) => ({ trackingNumber: p.tracking_number ?? label.tracking_number, label: { format, href: pick(p.label_download) ?? pick(label.label_download) } }))
      : [{ trackingNumber: label.tracking_number, label: { format, href: pick(label.label_download) } }];
  return { providerRef: label.label_id, parcels };
}

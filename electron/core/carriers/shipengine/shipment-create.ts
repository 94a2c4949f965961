// ShipmentRequest → ShipEngine's POST /v1/labels body (buy from shipment details), and its label
// reply → the canonical result. Pure: no I/O.
import { z } from 'zod';
import type { Party } from '../../../../shared/order';
import type { ShipmentRequest } from '../../../../shared/shipment';
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

export function labelRequest(req: ShipmentRequest, account: ShipEngineAccount, format: CarrierLabelFormat) {
  return {
    shipment: {
      carrier_id: carrierId(account.carrierId),
      service_code: serviceCode(req.service.serviceCode),
      external_shipment_id: externalShipmentId(req.idempotencyKey),
      ship_from: address(req.shipper, 'ship_from'),
      ship_to: address(req.recipient, 'ship_to'),
      packages: req.parcels.map((p) => ({
        weight: weight(p.weightG),
        ...(p.dimsMm ? { dimensions: dimensions(p.dimsMm) } : {}),
        external_package_id: p.reference,
        label_messages: { reference1: req.source.pickingName, reference2: req.source.saleOrder, reference3: p.reference },
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

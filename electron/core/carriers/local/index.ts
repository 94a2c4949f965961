// The local carrier: the bench's own delivery service. It issues tracking numbers itself, derived
// from the shipment's idempotency key, so a retried request always gets the same number, and draws
// its labels as ZPL for the bench's printer (resolution and Unicode text as set for it).
import { createHash } from 'node:crypto';
import { renderShippingLabelZpl, type ShippingLabelOptions } from '../../labels/zpl-shipping-label';
import type { CarrierProvider } from '../registry';

/** A tracking-style reference the local carrier derives from the idempotency key (stable on retry). */
export function localTrackingNumber(idempotencyKey: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 10).toUpperCase();
  return `PB${digest}`;
}

const NAME = 'Local delivery';
// The bench's own drivers carry what one person lifts, as the parcel carriers do (31.5 kg).
const SERVICES = [{ code: 'standard', name: 'Standard', maxWeightG: 31_500 }] as const;

export function localCarrier(options: { labelOptions?: () => ShippingLabelOptions; today?: () => Date } = {}): CarrierProvider {
  const today = options.today ?? (() => new Date());
  return {
    code: 'local',
    name: NAME,
    services: SERVICES,
    async createLabel(shipment) {
      const service = SERVICES.find((s) => s.code === shipment.service.serviceCode) ?? SERVICES[0];
      const count = shipment.parcels.length;
      return {
        parcels: shipment.parcels.map((parcel, i) => {
          // The first parcel keeps the number the shipment always had; the others get one of their own.
          const trackingNumber = localTrackingNumber(i === 0 ? shipment.idempotencyKey : `${shipment.idempotencyKey}|parcel:${i + 1}`);
          const zpl = renderShippingLabelZpl(
            {
              shipFrom: shipment.shipper,
              shipTo: shipment.recipient,
              carrier: NAME,
              service: service.name,
              trackingNumber,
              reference: parcel.reference,
              weightG: parcel.weightG,
              parcelIndex: i + 1,
              parcelCount: count,
              date: today(),
            },
            options.labelOptions?.() ?? {},
          );
          return { trackingNumber, label: { format: 'ZPL' as const, bytes: Buffer.from(zpl, 'utf8') } };
        }),
      };
    },
  };
}

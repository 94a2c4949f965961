// The local carrier: the bench's own delivery service. It issues tracking numbers itself, derived
// from the shipment's idempotency key, so a retried request always gets the same number, and draws
// its labels as ZPL for the bench's printer (resolution and Unicode text as set for it).
import { createHash } from 'node:crypto';
import { renderShippingLabelZpl, type ShippingLabelOptions } from '../../labels/zpl-shipping-label';
import type { ShipmentRequest } from '../../../../shared/shipment';
import type { CarrierProvider } from '../registry';

/** A tracking-style reference the local carrier derives from the idempotency key (stable on retry). */
export function localTrackingNumber(idempotencyKey: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 10).toUpperCase();
  return `PB${digest}`;
}

const NAME = 'Local delivery';
// The bench's own drivers carry what one person lifts, as the parcel carriers do (31.5 kg).
const SERVICES = [{ code: 'standard', name: 'Standard', maxWeightG: 31_500 }] as const;

/** What the local carrier draws a label from: a shipment request, or a draft of one before the weight is known. */
export type LabelDraft = Pick<ShipmentRequest, 'idempotencyKey' | 'shipper' | 'recipient' | 'service'> & {
  parcels: Pick<ShipmentRequest['parcels'][number], 'reference' | 'weightG'>[];
};

export interface LocalCarrier extends CarrierProvider {
  /**
   * Draw the labels of a draft and throw them away, while the parcel settles: every field but the
   * weight (plain text) is then drawn already, so the label at capture takes a moment, not the
   * 15-160 ms a line of Greek or CJK takes to draw.
   */
  predraw(draft: LabelDraft): void;
}

export function localCarrier(options: { labelOptions?: () => ShippingLabelOptions; today?: () => Date } = {}): LocalCarrier {
  const today = options.today ?? (() => new Date());
  const draw = (shipment: LabelDraft) => {
    const service = SERVICES.find((s) => s.code === shipment.service.serviceCode) ?? SERVICES[0];
    const count = shipment.parcels.length;
    return shipment.parcels.map((parcel, i) => {
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
    });
  };
  return {
    code: 'local',
    name: NAME,
    services: SERVICES,
    async createLabel(shipment) {
      return { parcels: draw(shipment) };
    },
    predraw(draft) {
      draw(draft);
    },
  };
}

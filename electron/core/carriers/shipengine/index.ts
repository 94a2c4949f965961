// ShipEngine as a CarrierProvider: buys one 4x6 ZPL label per shipment (every parcel in
// `packages[]`) on the carrier account set in settings, our key as external_shipment_id, and
// finds an earlier purchase by that id (GET /v1/labels/external_shipment_id/{id}); voids a label by
// its label_id (PUT /v1/labels/{label_id}/void).
import type { ShipmentRequest } from '../../../../shared/shipment';
import { CarrierError } from '../carrier-result';
import { requireKey, withLabelBytes, type ProviderKey } from '../hosted-labels';
import type { CarrierProvider, VoidOutcome } from '../registry';
import { createShipEngineClient } from './client';

export interface ShipEngineCarrierOptions {
  settings: () => { baseUrl: string; carrierId: string | null };
  apiKey: ProviderKey;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function shipEngineCarrier(options: ShipEngineCarrierOptions): CarrierProvider {
  async function client() {
    const { baseUrl, carrierId } = options.settings();
    if (!carrierId) {
      throw new CarrierError('service', 'No ShipEngine carrier account is set: a shift lead sets it in Settings (carriers, ShipEngine carrier id)', {
        retry: false,
        field: 'carriers.shipengine.carrierId',
      });
    }
    const apiKey = await requireKey('ShipEngine', options.apiKey);
    return createShipEngineClient({ baseUrl, apiKey, carrierId, fetch: options.fetch, timeoutMs: options.timeoutMs });
  }
  return {
    code: 'shipengine',
    name: 'ShipEngine',
    services: [],
    // ShipEngine's ship_from needs a phone; customs shipments go with the recipient's phone and the
    // products' customs data; North American and Australian addresses need their state.
    requires: { shipperPhone: true, recipientPhone: 'customs', regionCountries: ['US', 'CA', 'AU'], customs: true },
    async createLabel(shipment: ShipmentRequest) {
      const c = await client();
      return withLabelBytes(await c.buyLabel(shipment, 'ZPL'), (href) => c.downloadLabel(href));
    },
    async findLabel(shipment: ShipmentRequest) {
      const c = await client();
      const found = await c.findByKey(shipment.idempotencyKey);
      return found ? withLabelBytes(found, (href) => c.downloadLabel(href)) : null;
    },
    async voidLabel(labelId: string): Promise<VoidOutcome> {
      const c = await client();
      const answer = await c.void(labelId);
      if (answer.voided) return { voided: true, pending: false, message: answer.message };
      // HTTP 200 with approved: false: its normalized reason in words, else ShipEngine's own.
      const why = (answer.reasonCode && VOID_REFUSED[answer.reasonCode]) || answer.message || 'no reason given';
      return { voided: false, pending: false, message: why };
    },
  };
}

/** ShipEngine's reason_code for a void it did not approve, as a lead reads it. */
const VOID_REFUSED: Record<string, string> = {
  label_already_used: 'already in transit',
  label_not_found_within_void_period: 'the time to void it has passed',
  contact_carrier: 'only the carrier can void it now',
  validation_failed: 'the carrier did not accept the request',
};

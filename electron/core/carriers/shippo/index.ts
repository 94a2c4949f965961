// Shippo as a CarrierProvider: rates the shipment, buys the rate of the service set in settings
// as a ZPL label (our key in `metadata`), and finds an earlier purchase by the rate it kept before
// buying (one GET /transactions?rate=…); without one, by our key among the account's newest
// transactions. A void is a refund of every piece of the purchase (POST /refunds).
import type { ShipmentRequest } from '../../../../shared/shipment';
import { requireKey, withLabelBytes, type ProviderKey } from '../hosted-labels';
import type { CarrierProvider, VoidOutcome } from '../registry';
import { createShippoClient } from './client';

export interface ShippoCarrierOptions {
  settings: () => { baseUrl: string };
  apiKey: ProviderKey;
  /** Where the rate chosen for a shipment is kept (by its idempotency key) before it is bought. */
  rateHints?: { get(key: string): string | null; put(key: string, rateId: string): void };
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function shippoCarrier(options: ShippoCarrierOptions): CarrierProvider {
  async function client() {
    const apiToken = await requireKey('Shippo', options.apiKey);
    return createShippoClient({ baseUrl: options.settings().baseUrl, apiToken, fetch: options.fetch, timeoutMs: options.timeoutMs });
  }
  return {
    code: 'shippo',
    name: 'Shippo',
    services: [],
    // Carriers behind Shippo want the recipient's phone and every customs line on customs shipments.
    requires: { recipientPhone: 'customs', regionCountries: ['US', 'CA', 'AU'], customs: true },
    async createLabel(shipment: ShipmentRequest) {
      const c = await client();
      const bought = await c.buyLabel(shipment, 'ZPL', (rateId) => options.rateHints?.put(shipment.idempotencyKey, rateId));
      return withLabelBytes(bought, (href) => c.downloadLabel(href));
    },
    async findLabel(shipment: ShipmentRequest) {
      const c = await client();
      const rateId = options.rateHints?.get(shipment.idempotencyKey) ?? undefined;
      const found = await c.findByKey(shipment.idempotencyKey, rateId ? { rateId } : {});
      return found ? withLabelBytes(found, (href) => c.downloadLabel(href)) : null;
    },
    async voidLabel(transactionId: string): Promise<VoidOutcome> {
      const c = await client();
      // Pieces refunded before (a lost reply) are skipped: asking again is safe.
      const answer = await c.void(transactionId);
      return answer.voided || answer.pending ? answer : { ...answer, message: 'Shippo refused the refund' };
    },
  };
}

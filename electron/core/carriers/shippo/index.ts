// Shippo as a CarrierProvider: rates the shipment, buys the rate of the service set in settings
// as a ZPL label (our key in `metadata`), and finds an earlier purchase by our key among Shippo's
// transactions (the client pages GET /transactions for it, then lists every piece of its rate).
import type { ShipmentRequest } from '../../../../shared/shipment';
import { requireKey, withLabelBytes, type ProviderKey } from '../hosted-labels';
import type { CarrierProvider } from '../registry';
import { createShippoClient } from './client';

export interface ShippoCarrierOptions {
  settings: () => { baseUrl: string };
  apiKey: ProviderKey;
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
    async createLabel(shipment: ShipmentRequest) {
      const c = await client();
      return withLabelBytes(await c.buyLabel(shipment, 'ZPL'), (href) => c.downloadLabel(href));
    },
    async findLabel(shipment: ShipmentRequest) {
      const c = await client();
      const found = await c.findByKey(shipment.idempotencyKey);
      return found ? withLabelBytes(found, (href) => c.downloadLabel(href)) : null;
    },
  };
}

// What ShipEngine and Shippo share as CarrierProviders: the API key from the secret store (never
// settings), ZPL 4x6 labels fetched from where the provider keeps them, bytes in hand before the
// purchase counts as done.
import { CarrierError, type CarrierLabelResult } from './carrier-result';
import type { CreatedLabels } from './registry';

export interface ProviderKey {
  /** The secret's name (`carrier.shipengine.api_key`), and how it reads in the environment. */
  name: string;
  envName: string;
  get(): Promise<string | null>;
}

/** The key, or an `auth` error that tells the lead where to put it. */
export async function requireKey(provider: string, key: ProviderKey): Promise<string> {
  const value = await key.get();
  if (!value) {
    throw new CarrierError('auth', `No ${provider} API key is set on this bench: set ${key.envName} or add "${key.name}" to secrets.json`, { retry: false });
  }
  return value;
}

/**
 * Every parcel's label as bytes (downloaded where the provider gave a link). The files of a
 * multi-parcel shipment are fetched side by side: one round trip for all, not one per parcel.
 */
export async function withLabelBytes(result: CarrierLabelResult, download: (href: string) => Promise<Buffer>): Promise<CreatedLabels> {
  const parcels = await Promise.all(
    result.parcels.map(async (parcel) => {
      const { format, bytes, href } = parcel.label;
      if (!parcel.trackingNumber) throw new CarrierError('unknown', 'The carrier sent a label without a tracking number', { retry: false });
      const file = bytes ?? (href ? await download(href) : null);
      if (!file) throw new CarrierError('unknown', `The carrier sent no label file for ${parcel.trackingNumber}`, { retry: false });
      return { trackingNumber: parcel.trackingNumber, label: { format, bytes: file } };
    }),
  );
  return { providerRef: result.providerRef, parcels };
}

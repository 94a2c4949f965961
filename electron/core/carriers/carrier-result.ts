// What every provider adapter gives back, whatever the provider: labels per parcel, or a
// CarrierError with one canonical reason and whether trying again can help.

export type CarrierLabelFormat = 'ZPL' | 'PDF' | 'PNG';

export interface CarrierParcelLabel {
  trackingNumber: string;
  /** The label itself (`bytes`) or where the provider keeps it (`href`, fetched with downloadLabel). */
  label: { format: CarrierLabelFormat; bytes?: Buffer; href?: string };
}

export interface CarrierLabelResult {
  /** The provider's id for what was bought: what void and tracking need (ShipEngine label_id, Shippo transaction). */
  providerRef: string;
  parcels: CarrierParcelLabel[];
}

export interface TrackingSummary {
  trackingNumber: string;
  /** The provider's status code, raw (mapping to the canonical taxonomy is tracking's job). */
  status: string;
  events: { at: string; code: string; description: string }[];
}

export type CarrierReason = 'address' | 'weight_dimensions' | 'service' | 'auth' | 'rate_limited' | 'outage' | 'unknown';

export class CarrierError extends Error {
  override readonly name = 'CarrierError';
  constructor(
    readonly reason: CarrierReason,
    /** Plain words for the packer or the shift lead. */
    message: string,
    readonly detail: {
      /** Whether the same request may succeed later (rate limit, outage). */
      retry?: boolean;
      retryAfterMs?: number;
      /** The field at fault, as the provider names it (e.g. `ship_to.postal_code`). */
      field?: string;
      providerCode?: string;
      status?: number;
    } = {},
  ) {
    super(message);
  }

  get retry(): boolean {
    return this.detail.retry ?? (this.reason === 'rate_limited' || this.reason === 'outage');
  }
}


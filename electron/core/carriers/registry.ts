// The carriers the bench can ship with, behind one interface: each provider (one folder each,
// local/ first) turns a shipment into tracking numbers and label files. The registry picks the
// provider by the shipment's service, and is the outbox target of the create-label rows, so the
// pack session asks it for a service and stores what it got, never drawing a label itself.
import { z } from 'zod';
import type { Order } from '../../../shared/order';
import type { ShipmentRequest } from '../../../shared/shipment';
import { CARRIER_CREATE_LABEL, carrierTarget, CreateLabelPayload } from '../pack/effects';
import type { ApplyResult, SyncTarget } from '../sync/worker';

export const LabelFormat = z.enum(['ZPL', 'PNG', 'PDF']);
export type LabelFormat = z.infer<typeof LabelFormat>;

/** What a provider gives for a shipment: per parcel, in the request's order, its tracking number and label. */
export interface CreatedLabels {
  parcels: { trackingNumber: string; label: { format: LabelFormat; bytes: Buffer } }[];
}

/** A carrier service as the bench names it, and as the shipment request carries it. */
export interface CarrierService {
  carrier: string;
  serviceCode: string;
  /** Names a person reads on the screen and on the label. */
  carrierName: string;
  serviceName: string;
}

export interface CarrierProvider {
  /** The code in `service.carrier` of the requests it takes. */
  readonly code: string;
  readonly name: string;
  /** Its services; the first is its default. */
  readonly services: readonly { code: string; name: string }[];
  createLabel(shipment: ShipmentRequest): Promise<CreatedLabels>;
  /** The labels an earlier request of this shipment made, found by its reference (after a lost reply); absent: nothing to ask. */
  findLabel?(shipment: ShipmentRequest): Promise<CreatedLabels | null>;
}

/** The result kept with a done create-label row: the labels as base64, read back by onApplied. */
const StoredLabels = z.object({
  parcels: z.array(
    z.object({ trackingNumber: z.string().min(1), label: z.object({ format: LabelFormat, base64: z.string() }) }),
  ),
});

export class CarrierRegistry {
  private readonly providers = new Map<string, CarrierProvider>();

  constructor(providers: readonly CarrierProvider[]) {
    for (const provider of providers) {
      if (this.providers.has(provider.code)) throw new Error(`Carrier "${provider.code}" is listed twice`);
      this.providers.set(provider.code, provider);
    }
    if (this.providers.size === 0) throw new Error('A bench needs at least one carrier');
  }

  /**
   * The service an order ships with. Selection rules (weight, country, Odoo's carrier) are later
   * work: for now the first provider's default service.
   */
  serviceFor(_order: Order): CarrierService {
    const provider = [...this.providers.values()][0]!;
    const service = provider.services[0]!;
    return { carrier: provider.code, serviceCode: service.code, carrierName: provider.name, serviceName: service.name };
  }

  /** The shipment's labels from the provider its service names. */
  async createLabel(shipment: ShipmentRequest): Promise<CreatedLabels> {
    const provider = this.providerOf(shipment);
    const created = await provider.createLabel(shipment);
    if (created.parcels.length !== shipment.parcels.length) {
      throw new Error(`${provider.name} returned ${created.parcels.length} labels for ${shipment.parcels.length} parcels`);
    }
    return created;
  }

  private providerOf(shipment: ShipmentRequest): CarrierProvider {
    const provider = this.providers.get(shipment.service.carrier);
    if (!provider) throw Object.assign(new Error(`No carrier "${shipment.service.carrier}" is set up on this bench`), { permanent: true });
    return provider;
  }

  /**
   * The outbox target of create-label rows. The worker routes a kind to one target, so while the
   * bench has one provider its rows go to that provider's target (`carrier:<code>`); a second
   * provider needs the worker to route one kind to several targets.
   */
  target(onLabel: (payload: CreateLabelPayload, created: CreatedLabels) => void): { kind: string; target: SyncTarget<CreateLabelPayload> } {
    const provider = [...this.providers.values()][0]!;
    return {
      kind: CARRIER_CREATE_LABEL,
      target: {
        target: carrierTarget(provider.code),
        label: provider.name,
        payload: CreateLabelPayload,
        maxBatch: 20,
        orderName: (row) => row.payload.request.source.pickingName,
        apply: async (rows) =>
          Promise.all(
            rows.map(async (row): Promise<ApplyResult> => {
              const created = await this.createLabel(row.payload.request);
              return { status: 'done', result: toStored(created) };
            }),
          ),
        // A provider that cannot be asked makes the same labels for the same key: applying again is safe.
        lookup: async (row) => {
          const found = await this.providerOf(row.payload.request).findLabel?.(row.payload.request);
          return found ? { applied: true, result: toStored(found) } : { applied: false };
        },
        onApplied(row, result) {
          onLabel(row.payload, fromStored(StoredLabels.parse(result)));
        },
      },
    };
  }
}

function toStored(created: CreatedLabels): z.infer<typeof StoredLabels> {
  return {
    parcels: created.parcels.map((p) => ({ trackingNumber: p.trackingNumber, label: { format: p.label.format, base64: p.label.bytes.toString('base64') } })),
  };
}

function fromStored(stored: z.infer<typeof StoredLabels>): CreatedLabels {
  return {
    parcels: stored.parcels.map((p) => ({ trackingNumber: p.trackingNumber, label: { format: p.label.format, bytes: Buffer.from(p.label.base64, 'base64') } })),
  };
}

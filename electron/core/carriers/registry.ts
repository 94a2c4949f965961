// The carriers the bench can ship with, behind one interface: each provider (one folder each:
// local/, shipengine/, shippo/) turns a shipment into tracking numbers and label files. The
// registry picks the provider and service for an order (settings `carriers`: Odoo's carrier mapped
// to a provider's service, else the default), and gives each provider its own outbox target
// (`carrier:<code>`), so a provider that is down or refuses our key never holds up another.
import { z } from 'zod';
import type { Order } from '../../../shared/order';
import type { CarrierChoice, Settings } from '../../../shared/settings';
import type { ShipmentRequest } from '../../../shared/shipment';
import { checkShipment, type ShipmentNeeds, type ShipmentProblem } from '../../../shared/shipment-rules';
import { CARRIER_CREATE_LABEL, CARRIER_VOID_LABEL, carrierTarget, CreateLabelPayload, VoidLabelPayload } from '../pack/effects';
import type { ApplyResult, OutboxRow, SyncTarget } from '../sync/target';
import type { Translate } from '../../../shared/i18n';
import { said, type Said } from '../i18n/translator';
import { CarrierError } from './carrier-result';
import { crashPoint } from '../crash-points';

export const LabelFormat = z.enum(['ZPL', 'PNG', 'PDF']);
export type LabelFormat = z.infer<typeof LabelFormat>;

/** What a provider gives for a shipment: per parcel, in the request's order, its tracking number and label. */
export interface CreatedLabels {
  /** The provider's id of the purchase (ShipEngine label_id, Shippo transaction), for void and tracking. */
  providerRef?: string;
  parcels: { trackingNumber: string; label: { format: LabelFormat; bytes: Buffer } }[];
  /** The provider validated the Odoo picking to get them (an Odoo carrier connector): the dispatch must not validate again. */
  validatedInOdoo?: boolean;
}

/** A carrier service as the bench names it, and as the shipment request carries it. */
export interface CarrierService {
  carrier: string;
  serviceCode: string;
  /** Names a person reads on the screen and on the label. */
  carrierName: string;
  serviceName: string;
}

/** What a provider needs of every shipment it takes (checked by checkShipment before it is asked). */
export type CarrierRequirements = Omit<ShipmentNeeds, 'service' | 'maxWeightG'>;

export interface CarrierProvider {
  /** The code in `service.carrier` of the requests it takes. */
  readonly code: string;
  readonly name: string;
  /** Services it names for people; the first is its default. Others may be set by code in settings. */
  readonly services: readonly { code: string; name: string; /** The heaviest parcel it takes. */ maxWeightG?: number }[];
  /**
   * The carrier as the packer and the label name it for this order, when that is not the provider
   * (Odoo's connector ships with the picking's own carrier, e.g. "GLS Business Parcel").
   */
  carrierNameFor?(order: Order): string | null;
  /** What it needs of a shipment beyond the canonical schema; absent: nothing more. */
  readonly requires?: CarrierRequirements;
  /** `context`: the shipments row the label is for (an Odoo-managed label reads what was packed from it). */
  createLabel(shipment: ShipmentRequest, context?: { shipmentId: number }): Promise<CreatedLabels>;
  /** The labels an earlier request of this shipment made, found by its reference (after a lost reply); absent: nothing to ask. */
  findLabel?(shipment: ShipmentRequest): Promise<CreatedLabels | null>;
  /**
   * Give up the purchase `providerRef` names (CreatedLabels.providerRef). An already voided label
   * answers voided. Absent: nothing to void (the local carrier's numbers are the bench's own).
   */
  voidLabel?(providerRef: string): Promise<VoidOutcome>;
}

/** A provider's answer to a void: `pending` when it took the request but has not confirmed it yet (Shippo's queued refund). */
export interface VoidOutcome {
  voided: boolean;
  pending: boolean;
  /** Why not, in plain words, when neither voided nor pending ("already in transit"). */
  message: string;
}

/** The result kept with a done void row, read back by onApplied. */
export const VoidDone = z.object({ pending: z.boolean(), message: z.string() });
export type VoidDone = z.infer<typeof VoidDone>;

/** The result kept with a done create-label row: the labels as base64, read back by onApplied. */
const StoredLabels = z.object({
  providerRef: z.string().optional(),
  validatedInOdoo: z.boolean().optional(),
  parcels: z.array(
    z.object({ trackingNumber: z.string().min(1), label: z.object({ format: LabelFormat, base64: z.string() }) }),
  ),
});

export type CarrierSettings = Settings['carriers'];

export class CarrierRegistry {
  private readonly providers = new Map<string, CarrierProvider>();

  /** `settings`: the carriers section in force; absent, every order gets the first provider's default. */
  constructor(
    providers: readonly CarrierProvider[],
    private readonly settings?: () => CarrierSettings,
  ) {
    for (const provider of providers) {
      if (this.providers.has(provider.code)) throw new Error(`Carrier "${provider.code}" is listed twice`);
      this.providers.set(provider.code, provider);
    }
    if (this.providers.size === 0) throw new Error('A bench needs at least one carrier');
  }

  /**
   * The service an order ships with: the one set for Odoo's carrier on the picking (by its name,
   * ignoring case), else the default in settings.
   */
  serviceFor(order: Order): CarrierService {
    const choice = this.choiceFor(order);
    const provider = this.providers.get(choice.provider);
    if (!provider) throw new Error(`The carrier "${choice.provider}" in Settings is not available on this bench`);
    const name = provider.services.find((s) => s.code === choice.service)?.name ?? choice.service;
    return { carrier: provider.code, serviceCode: choice.service, carrierName: provider.carrierNameFor?.(order) ?? provider.name, serviceName: name };
  }

  /** Every provider on the bench with the services it names: what a shift lead may switch a refused shipment to. */
  offered(): { code: string; name: string; services: { code: string; name: string }[] }[] {
    // API providers name no services of their own: the ones set in Settings are the ones the site has.
    const settings = this.settings?.();
    const set = settings ? [settings.default, ...settings.byOdooCarrier] : [];
    return [...this.providers.values()].map((p) => {
      const services = new Map(p.services.map((s) => [s.code, s.name]));
      for (const choice of set) if (choice.provider === p.code && !services.has(choice.service)) services.set(choice.service, choice.service);
      return { code: p.code, name: p.name, services: [...services].map(([code, name]) => ({ code, name })) };
    });
  }

  /**
   * What the shipment's service would refuse, found by the bench (shared/shipment-rules.ts): the
   * purchase runs it, and so does the lead's fix before it is accepted. A provider not on this
   * bench is not judged here (the purchase says so).
   */
  problemsOf(shipment: ShipmentRequest, t?: Translate): ShipmentProblem[] {
    const provider = this.providers.get(shipment.service.carrier);
    return provider ? checkShipment(shipment, needsOf(provider, shipment), t) : [];
  }

  /** A provider's service by code, named for people; null when the provider is not on this bench. */
  serviceOf(choice: { provider: string; service: string }): CarrierService | null {
    const provider = this.providers.get(choice.provider);
    if (!provider) return null;
    const name = provider.services.find((s) => s.code === choice.service)?.name ?? choice.service;
    return { carrier: provider.code, serviceCode: choice.service, carrierName: provider.name, serviceName: name };
  }

  private choiceFor(order: Order): CarrierChoice {
    const settings = this.settings?.();
    if (!settings) {
      const first = [...this.providers.values()][0]!;
      return { provider: first.code as CarrierChoice['provider'], service: first.services[0]!.code };
    }
    const odooCarrier = order.carrier?.trim().toLowerCase();
    const mapped = odooCarrier ? settings.byOdooCarrier.find((m) => m.odooCarrier.trim().toLowerCase() === odooCarrier) : undefined;
    return mapped ?? settings.default;
  }

  /** The shipment's labels from the provider its service names. */
  async createLabel(shipment: ShipmentRequest): Promise<CreatedLabels> {
    return this.checked(this.providerOf(shipment), shipment, await this.providerOf(shipment).createLabel(shipment));
  }

  private checked(provider: CarrierProvider, shipment: ShipmentRequest, created: CreatedLabels): CreatedLabels {
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
   * The outbox targets of create-label rows, one per provider (`carrier:<code>`): each has its own
   * lane, backoff and auth stop in the worker.
   */
  targets(onLabel: (payload: CreateLabelPayload, created: CreatedLabels) => void): { kind: string; target: SyncTarget<CreateLabelPayload> }[] {
    return [...this.providers.values()].map((provider) => ({ kind: CARRIER_CREATE_LABEL, target: this.targetOf(provider, onLabel) }));
  }

  private targetOf(provider: CarrierProvider, onLabel: (payload: CreateLabelPayload, created: CreatedLabels) => void): SyncTarget<CreateLabelPayload> {
    return {
      target: carrierTarget(provider.code),
      label: provider.name,
      payload: CreateLabelPayload,
      maxBatch: 20,
      orderName: (row) => row.payload.request.source.pickingName,
      apply: async (rows) => Promise.all(rows.map((row) => this.buy(provider, row))),
      // A provider that cannot be asked (local) makes the same labels for the same key: applying again is safe.
      lookup: async (row) => {
        try {
          const found = await provider.findLabel?.(row.payload.request);
          return found ? { applied: true, result: toStored(this.checked(provider, row.payload.request, found)) } : { applied: false };
        } catch (error) {
          // Refused credentials stop the target (the worker reads `kind`); anything else: asked again later.
          if (error instanceof CarrierError && error.reason === 'auth') throw Object.assign(new Error(error.message), { kind: 'auth' });
          throw error;
        }
      },
      onApplied(row, result) {
        onLabel(row.payload, fromStored(StoredLabels.parse(result)));
      },
    };
  }

  /** Can this provider void a label it sold (the local carrier has nothing to void)? */
  canVoid(carrier: string): boolean {
    return typeof this.providers.get(carrier)?.voidLabel === 'function';
  }

  /**
   * The outbox targets of void-label rows: in each provider's own lane (`carrier:<code>`, the same
   * target as its purchases, its own kind), for the providers that can void.
   */
  voidTargets(onVoided: (payload: VoidLabelPayload, done: VoidDone) => void): { kind: string; target: SyncTarget<VoidLabelPayload> }[] {
    return [...this.providers.values()]
      .filter((provider) => provider.voidLabel)
      .map((provider) => ({
        kind: CARRIER_VOID_LABEL,
        target: {
          target: carrierTarget(provider.code),
          label: provider.name,
          payload: VoidLabelPayload,
          orderName: (row) => row.payload.pickingName,
          apply: async (rows) => Promise.all(rows.map((row) => voidAt(provider, row.payload))),
          // Voiding is idempotent at the provider (an already voided label answers voided), so
          // after a lost reply asking again is the lookup: the row is simply applied again.
          lookup: async () => ({ applied: false }),
          onApplied(row, result) {
            onVoided(row.payload, VoidDone.parse(result));
          },
        },
      }));
  }

  /**
   * One purchase. A row tried before may have been bought with its reply lost (a dropped
   * connection, a timeout, a label file that did not download): the provider is asked by our key
   * first, so a label is never bought twice.
   */
  private async buy(provider: CarrierProvider, row: OutboxRow<CreateLabelPayload>): Promise<ApplyResult> {
    const shipment = row.payload.request;
    try {
      const earlier = row.attempts > 0 && provider.findLabel ? await provider.findLabel(shipment) : null;
      if (!earlier) {
        // What the provider would refuse is found here, and nothing is bought.
        const problems = checkShipment(shipment, needsOf(provider, shipment));
        if (problems.length > 0) return checkedOut(provider, shipment, problems);
      }
      const created = earlier ?? (await provider.createLabel(shipment, { shipmentId: row.payload.shipmentId }));
      crashPoint('carrier.purchased');
      return { status: 'done', result: toStored(this.checked(provider, shipment, created)) };
    } catch (error) {
      if (!(error instanceof CarrierError)) throw error;
      return carrierOutcome(provider, shipment, error);
    }
  }
}

/** What the provider's service needs of this shipment: the provider's requirements and the service's weight limit. */
export function needsOf(provider: CarrierProvider, shipment: Pick<ShipmentRequest, 'service'>): ShipmentNeeds {
  const service = provider.services.find((s) => s.code === shipment.service.serviceCode);
  return {
    ...provider.requires,
    service: service ? `${provider.name} ${service.name}` : provider.name,
    maxWeightG: service?.maxWeightG ?? null,
  };
}

/** The canonical reason of a problem the bench found, by the field at fault. */
function reasonOfField(field: string): string {
  if (/^(recipient|shipper)\./.test(field)) return 'address';
  if (/^parcels\b/.test(field)) return 'weight_dimensions';
  if (/^customs\b/.test(field)) return 'customs';
  return 'unknown';
}

/** A shipment the bench's checks refused: the same rejection a provider's refusal becomes, with every field at fault. */
function checkedOut(provider: CarrierProvider, shipment: ShipmentRequest, problems: ShipmentProblem[]): ApplyResult {
  const first = problems[0]!;
  const message = problems.map((p) => p.message).join('. ');
  return {
    status: 'permanent',
    error: message,
    exceptionKind: 'carrier_rejection',
    // Worded for the lead's console in the bench's language when the worker raises it (sync-alerts.ts).
    title: said('carrier.notAsked', { carrier: provider.name, order: shipment.source.pickingName, problems: problems.map((p) => p.said) }),
    context: {
      provider: provider.code,
      providerName: provider.name,
      reason: reasonOfField(first.field),
      field: first.field,
      // `message` in English (as the outbox's error); `said` for the lead's console to word in the bench's language.
      fields: problems.map((p) => ({ field: p.field, message: p.message, said: p.said })),
      // Found by the bench, not said by the provider: the provider was never asked.
      checkedBy: 'bench',
      providerMessage: message,
    },
  };
}

/** A provider's canonical error → what the worker does with the row. */
function carrierOutcome(provider: CarrierProvider, shipment: ShipmentRequest, error: CarrierError): ApplyResult {
  const { reason, detail } = error;
  if (reason === 'auth') return { status: 'auth', error: error.message };
  if (error.retry) {
    return detail.retryAfterMs !== undefined ? { status: 'retry', error: error.message, retryAfterMs: detail.retryAfterMs } : { status: 'retry', error: error.message };
  }
  const order = shipment.source.pickingName;
  const what = REJECTED[reason] ?? REJECTED.unknown!;
  return {
    status: 'permanent',
    error: error.message,
    exceptionKind: 'carrier_rejection',
    // The provider's own words (error.message) are quoted as they came.
    title: detail.field
      ? said('carrier.refusedField', { carrier: provider.name, order, what, field: detail.field, message: error.message })
      : said('carrier.refused', { carrier: provider.name, order, what, message: error.message }),
    context: {
      provider: provider.code,
      providerName: provider.name,
      reason,
      ...(detail.field ? { field: detail.field, fields: [{ field: detail.field, message: error.message }] } : {}),
      ...(detail.providerCode ? { providerCode: detail.providerCode } : {}),
      ...(detail.status ? { httpStatus: detail.status } : {}),
      providerMessage: error.message,
    },
  };
}

/** One void: voided (or pending) is done; a refusal is a dead row for the lead in plain words. */
async function voidAt(provider: CarrierProvider, payload: VoidLabelPayload): Promise<ApplyResult> {
  try {
    const outcome = await provider.voidLabel!(payload.providerRef);
    if (outcome.voided || outcome.pending) return { status: 'done', result: { pending: !outcome.voided, message: outcome.message } satisfies VoidDone };
    return voidRefused(provider, payload, outcome.message);
  } catch (error) {
    if (!(error instanceof CarrierError)) throw error;
    if (error.reason === 'auth') return { status: 'auth', error: error.message };
    if (error.retry) {
      return error.detail.retryAfterMs !== undefined ? { status: 'retry', error: error.message, retryAfterMs: error.detail.retryAfterMs } : { status: 'retry', error: error.message };
    }
    return voidRefused(provider, payload, error.message);
  }
}

function voidRefused(provider: CarrierProvider, payload: VoidLabelPayload, why: string): ApplyResult {
  const labels = payload.trackingNumbers.join(', ');
  return {
    status: 'permanent',
    error: why,
    title: said('carrier.voidRefused', { carrier: provider.name, labels, order: payload.pickingName, why }),
    context: { provider: provider.code, providerRef: payload.providerRef, trackingNumbers: payload.trackingNumbers, providerMessage: why, void: true },
  };
}

const REJECTED: Record<string, Said> = {
  address: said('carrier.rejected.address'),
  weight_dimensions: said('carrier.rejected.weightDimensions'),
  service: said('carrier.rejected.service'),
  unknown: said('carrier.rejected.unknown'),
};

function toStored(created: CreatedLabels): z.infer<typeof StoredLabels> {
  return {
    ...(created.providerRef ? { providerRef: created.providerRef } : {}),
    ...(created.validatedInOdoo ? { validatedInOdoo: true } : {}),
    parcels: created.parcels.map((p) => ({ trackingNumber: p.trackingNumber, label: { format: p.label.format, base64: p.label.bytes.toString('base64') } })),
  };
}

function fromStored(stored: z.infer<typeof StoredLabels>): CreatedLabels {
  return {
    ...(stored.providerRef ? { providerRef: stored.providerRef } : {}),
    ...(stored.validatedInOdoo ? { validatedInOdoo: true } : {}),
    parcels: stored.parcels.map((p) => ({ trackingNumber: p.trackingNumber, label: { format: p.label.format, bytes: Buffer.from(p.label.base64, 'base64') } })),
  };
}

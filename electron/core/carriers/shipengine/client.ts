// The only place that talks to ShipEngine over HTTP: `API-Key` header (the key is passed in and
// never logged), a timeout on every call, replies read by shipment-create.ts and errors.ts.
import { z } from 'zod';
import type { ShipmentRequest } from '../../../../shared/shipment';
import { CarrierError, type CarrierLabelFormat, type CarrierLabelResult, type TrackingSummary } from '../carrier-result';
import { fetchLabelFile } from '../fetch-label';
import { callJson } from '../json-call';
import { shipEngineError } from './errors';
import { labelRequest, labelResult, type ShipEngineAccount } from './shipment-create';
import { externalShipmentId } from './units';

export interface ShipEngineClientOptions extends ShipEngineAccount {
  /** https://api.shipengine.com, or a sandbox. */
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const VoidReply = z.looseObject({ approved: z.boolean(), message: z.string(), reason_code: z.string().optional() });
const TrackReply = z.looseObject({
  tracking_number: z.string(),
  status_code: z.string(),
  status_detail_code: z.string().optional(),
  events: z.array(z.looseObject({ occurred_at: z.string(), status_code: z.string().optional(), description: z.string().optional() })),
});

export function createShipEngineClient(options: ShipEngineClientOptions) {
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const reply = await callJson(fetchFn, new URL(path, options.baseUrl), {
      method,
      headers: { 'API-Key': options.apiKey },
      body,
      timeoutMs,
      provider: 'ShipEngine',
    });
    if (!reply.ok) {
      if (reply.status === 404) return null;
      throw shipEngineError(reply.status, reply.json, reply.headers);
    }
    return reply.json;
  }

  return {
    /** Buys one label for every parcel of the shipment (one purchase, `packages[]`). */
    async buyLabel(req: ShipmentRequest, format: CarrierLabelFormat): Promise<CarrierLabelResult> {
      const reply = await call('POST', '/v1/labels', labelRequest(req, options, format));
      if (reply === null) throw new CarrierError('unknown', 'ShipEngine does not know the label operation', { retry: false });
      return labelResult(reply);
    },
    /** The label bought earlier under our key, or null: ask this before buying again. */
    async findByKey(key: string): Promise<CarrierLabelResult | null> {
      const reply = await call('GET', `/v1/labels/external_shipment_id/${encodeURIComponent(externalShipmentId(key))}`);
      return reply === null ? null : labelResult(reply);
    },
    async void(labelId: string): Promise<{ voided: boolean; pending: boolean; message: string; reasonCode?: string }> {
      const reply = await call('PUT', `/v1/labels/${encodeURIComponent(labelId)}/void`);
      if (reply === null) throw new CarrierError('unknown', `ShipEngine has no label ${labelId}`, { retry: false });
      const v = VoidReply.parse(reply);
      // A refusal is HTTP 200 with approved: false; an already voided label counts as voided.
      return { voided: v.approved || v.reason_code === 'label_already_voided', pending: false, message: v.message, ...(v.reason_code ? { reasonCode: v.reason_code } : {}) };
    },
    async track(labelId: string): Promise<TrackingSummary> {
      const reply = await call('GET', `/v1/labels/${encodeURIComponent(labelId)}/track`);
      if (reply === null) throw new CarrierError('unknown', `ShipEngine has no label ${labelId}`, { retry: false });
      const t = TrackReply.parse(reply);
      return {
        trackingNumber: t.tracking_number,
        status: t.status_detail_code ? `${t.status_code}/${t.status_detail_code}` : t.status_code,
        events: t.events.map((e) => ({ at: e.occurred_at, code: e.status_code ?? '', description: e.description ?? '' })),
      };
    },
    async downloadLabel(href: string): Promise<Buffer> {
      // The key goes only to ShipEngine itself, never to another host a reply names.
      const own = new URL(href).origin === new URL(options.baseUrl).origin;
      return fetchLabelFile(fetchFn, href, own ? { 'API-Key': options.apiKey } : {}, timeoutMs);
    },
  };
}

export type ShipEngineClient = ReturnType<typeof createShipEngineClient>;

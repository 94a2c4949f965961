// The only place that talks to Shippo over HTTP: `Authorization: ShippoToken <token>` (passed in,
// never logged), a timeout on every call. Buying is two calls (a shipment with rates, then the
// rate); a multi-piece purchase answers with its first piece and the rest are listed by rate.
import { z } from 'zod';
import type { ShipmentRequest } from '../../../../shared/shipment';
import { type CarrierLabelFormat, type CarrierLabelResult, type TrackingSummary } from '../carrier-result';
import { fetchLabelFile } from '../fetch-label';
import { callJson } from '../json-call';
import { shippoError } from './errors';
import { pickRate, purchaseResult, rateOf, shipmentRequest, transaction, transactionRequest, Transaction } from './shipment-create';

export interface ShippoClientOptions {
  /** https://api.goshippo.com, or a sandbox. */
  baseUrl: string;
  apiToken: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Pages of GET /transactions searched for our key when the rate is not known (100 a page). */
  findPages?: number;
}

const Page = z.looseObject({ next: z.string().nullable().optional(), results: z.array(Transaction) });
const Refund = z.looseObject({ status: z.enum(['QUEUED', 'PENDING', 'SUCCESS', 'ERROR']) });
const Track = z.looseObject({
  tracking_number: z.string(),
  tracking_status: z.looseObject({ status: z.string(), substatus: z.looseObject({ code: z.string() }).nullable().optional() }).nullable().optional(),
  tracking_history: z.array(z.looseObject({ status: z.string(), status_date: z.string().nullable().optional(), status_details: z.string().optional() })),
});

export function createShippoClient(options: ShippoClientOptions) {
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const reply = await callJson(fetchFn, new URL(path, options.baseUrl), {
      method,
      headers: { Authorization: `ShippoToken ${options.apiToken}` },
      body,
      timeoutMs,
      provider: 'Shippo',
    });
    if (!reply.ok) throw shippoError(reply.status, reply.json, reply.headers);
    return reply.json;
  }

  /** Every piece bought with one rate, oldest first (Shippo lists newest first). */
  async function pieces(rateId: string): Promise<Transaction[]> {
    const page = Page.parse(await call('GET', `/transactions?rate=${encodeURIComponent(rateId)}&results=100`));
    return page.results.filter((t) => t.status !== 'ERROR').reverse();
  }

  return {
    /** `onRate`: told the rate before it is bought, so the bench can keep it for findByKey. */
    async buyLabel(req: ShipmentRequest, format: CarrierLabelFormat, onRate?: (rateId: string) => void): Promise<CarrierLabelResult> {
      const rateId = pickRate(await call('POST', '/shipments', shipmentRequest(req)), req.service.serviceCode);
      onRate?.(rateId);
      const first = transaction(await call('POST', '/transactions', transactionRequest(rateId, req.idempotencyKey, format)));
      if (first.status !== 'SUCCESS' || req.parcels.length === 1) return purchaseResult([first]);
      const rest = (await pieces(rateId)).filter((t) => t.object_id !== first.object_id);
      return purchaseResult([first, ...rest]);
    },
    /**
     * The purchase made earlier under our key, or null. With the rate (when the bench kept it) one
     * call; without, the newest transactions are searched for our key in `metadata`.
     */
    async findByKey(key: string, hint: { rateId?: string } = {}): Promise<CarrierLabelResult | null> {
      let rateId = hint.rateId ?? null;
      if (!rateId) {
        let path: string | null = '/transactions?results=100';
        for (let page = 0; path && page < (options.findPages ?? 5) && !rateId; page++) {
          const found = Page.parse(await call('GET', path));
          rateId = rateOf(found.results.find((t) => t.metadata === key && t.status !== 'ERROR') ?? ({} as Transaction));
          path = found.next ? found.next : null;
        }
      }
      if (!rateId) return null;
      const bought = (await pieces(rateId)).filter((t) => t.metadata === key);
      return bought.length > 0 ? purchaseResult(bought) : null;
    },
    /** Refunds every piece of the purchase; Shippo may answer QUEUED/PENDING ("void pending"). */
    async void(transactionId: string): Promise<{ voided: boolean; pending: boolean; message: string }> {
      const t = transaction(await call('GET', `/transactions/${encodeURIComponent(transactionId)}`));
      const rateId = rateOf(t);
      const all = rateId ? (await pieces(rateId)).filter((p) => p.status === 'SUCCESS') : [t];
      const statuses = [];
      for (const piece of all) statuses.push(Refund.parse(await call('POST', '/refunds', { transaction: piece.object_id, async: false })).status);
      if (statuses.includes('ERROR')) return { voided: false, pending: false, message: 'Shippo refused the refund' };
      const done = statuses.every((s) => s === 'SUCCESS');
      return { voided: done, pending: !done, message: done ? 'Refunded' : 'Refund pending at Shippo' };
    },
    async track(carrier: string, trackingNumber: string): Promise<TrackingSummary> {
      const t = Track.parse(await call('GET', `/tracks/${encodeURIComponent(carrier)}/${encodeURIComponent(trackingNumber)}`));
      const status = t.tracking_status ? `${t.tracking_status.status}${t.tracking_status.substatus ? `/${t.tracking_status.substatus.code}` : ''}` : 'UNKNOWN';
      return {
        trackingNumber: t.tracking_number,
        status,
        events: t.tracking_history.map((e) => ({ at: e.status_date ?? '', code: e.status, description: e.status_details ?? '' })),
      };
    },
    /** Shippo's label URLs are public links: no token goes with them. */
    async downloadLabel(href: string): Promise<Buffer> {
      return fetchLabelFile(fetchFn, href, {}, timeoutMs);
    },
  };
}

export type ShippoClient = ReturnType<typeof createShippoClient>;

// Sandbox Shippo: shipments with rates, buying a rate, finding transactions, refunds and tracking
// (../shared/ref/carriers.md §7), on real paths with `Authorization: ShippoToken <key>`, every
// request and reply checked against Shippo's OpenAPI document. Errors are Django REST framework
// bodies (`{"detail": …}` or field → messages), as Shippo's are. A multi-piece shipment is bought
// with one rate: POST /transactions answers with the first piece, GET /transactions?rate= lists
// every piece (Shippo's way). Shippo has no idempotency key: our key rides in `metadata`.
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { contractPath, loadChecker, startCarrierServer, type ApiReply, type ApiRequest, type CarrierKnobs, type CarrierServer, type Purchase } from './http';
import { labelParty, sandboxLabelFile, sandboxTrackingNumber } from './labels';

export interface SandboxShippoOptions {
  port?: number;
  apiKey: string;
  knobs?: CarrierKnobs;
  contract?: string;
}

export interface SandboxShippo extends CarrierServer {
  apiKey: string;
  purchases: Purchase[];
}

type Obj = Record<string, unknown>;

/** Service levels the sandbox rates every shipment with. */
export const SANDBOX_SHIPPO_SERVICES = [
  { token: 'shippo_ground', name: 'Ground', amount: '6.90', days: 3 },
  { token: 'shippo_express', name: 'Express', amount: '14.50', days: 1 },
];

const GRAMS: Record<string, number> = { g: 1, kg: 1000, oz: 28.349523125, lb: 453.59237 };
const OWNER = 'sandbox@packbench.invalid';

function id(): string {
  return randomUUID().replace(/-/g, '');
}

function stamp(): string {
  return new Date().toISOString();
}

/** DRF's field errors: `$.address_to.zip is required` → `{ address_to: { zip: ['…'] } }`. */
function fieldErrors(messages: string[]): Obj {
  const out: Obj = {};
  for (const message of messages) {
    const path = (/^\$(\S*)/.exec(message)?.[1] ?? '').split(/[.[\]]+/).filter(Boolean);
    if (path.length === 0) path.push('non_field_errors');
    // The deepest field wins: "parcels[0] must be string" (a oneOf branch) yields to "parcels[0].weight …".
    let node = out;
    for (const key of path.slice(0, -1)) node = (node[key] = isObj(node[key]) ? node[key] : {}) as Obj;
    const last = path[path.length - 1]!;
    if (isObj(node[last])) continue;
    node[last] = [...(Array.isArray(node[last]) ? (node[last] as string[]) : []), message];
  }
  return out;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function startSandboxShippo(options: SandboxShippoOptions): Promise<SandboxShippo> {
  const checker = loadChecker(options.contract ?? contractPath('shippo-openapi.yaml'));
  const shipments = new Map<string, Obj>();
  const rates = new Map<string, { shipment: string; token: string; rate: Obj }>();
  const transactions: Obj[] = [];
  const purchases: Purchase[] = [];
  let serial = 0;
  let base = '';
  const files = new Map<string, { type: string; bytes: Buffer }>();

  const address = (a: Obj): Obj => ({ ...a, object_id: id(), object_owner: OWNER, object_created: stamp(), object_updated: stamp(), is_complete: true, test: true });

  const createShipment = (body: Obj): ApiReply => {
    const shipmentId = id();
    const parcels = (body.parcels as Obj[]).map((p) => ({ ...p, object_id: id(), object_owner: OWNER, object_state: 'VALID', object_created: stamp(), object_updated: stamp(), test: true }));
    const shipmentRates = SANDBOX_SHIPPO_SERVICES.map((s) => {
      const rate = {
        object_id: id(),
        object_owner: OWNER,
        object_created: stamp(),
        shipment: shipmentId,
        attributes: s.days === 1 ? ['FASTEST'] : ['CHEAPEST'],
        amount: s.amount,
        currency: 'USD',
        amount_local: s.amount,
        currency_local: 'USD',
        provider: 'Sandbox',
        servicelevel: { name: s.name, token: s.token, terms: '' },
        carrier_account: 'sandbox-account',
        estimated_days: s.days,
        messages: [],
        test: true,
      };
      rates.set(rate.object_id, { shipment: shipmentId, token: s.token, rate });
      return rate;
    });
    const shipment: Obj = {
      object_id: shipmentId,
      object_owner: OWNER,
      object_created: stamp(),
      object_updated: stamp(),
      status: 'SUCCESS',
      address_from: address(body.address_from as Obj),
      address_to: address(body.address_to as Obj),
      parcels,
      rates: shipmentRates,
      carrier_accounts: [],
      messages: [],
      metadata: (body.metadata as string | undefined) ?? '',
      extra: (body.extra as Obj | undefined) ?? {},
      test: true,
    };
    shipments.set(shipmentId, shipment);
    return { status: 201, body: shipment };
  };

  const transaction = (fields: Obj): Obj => ({
    object_id: id(),
    object_owner: OWNER,
    object_created: stamp(),
    object_updated: stamp(),
    object_state: 'VALID',
    test: true,
    messages: [],
    commercial_invoice_url: '',
    qr_code_url: '',
    eta: '',
    tracking_status: 'UNKNOWN',
    ...fields,
  });

  const buy = async (body: Obj, knobs: CarrierKnobs): Promise<ApiReply> => {
    if (typeof body.rate !== 'string') {
      return { status: 400, body: { non_field_errors: ['The sandbox buys rates only: create a shipment, then send its rate'] } };
    }
    const found = rates.get(body.rate);
    if (!found) return { status: 400, body: { rate: [`Rate with object_id ${body.rate} does not exist.`] } };
    const metadata = (body.metadata as string | undefined) ?? '';
    const format = (body.label_file_type as string | undefined) ?? 'PDF_4x6';
    const shipment = shipments.get(found.shipment)!;
    // A purchase refused by the carrier comes back as a transaction in ERROR, not as a 4xx.
    if (knobs.rejectAddress) {
      const field = { postal_code: 'zip', city: 'city', street1: 'street1', country: 'country' }[knobs.rejectAddress.field];
      const failed = transaction({
        status: 'ERROR',
        rate: body.rate,
        metadata,
        label_file_type: format,
        tracking_number: '',
        label_url: '',
        tracking_url_provider: '',
        messages: [{ source: 'Sandbox', code: `address_to.${field}`, text: knobs.rejectAddress.message ?? `The recipient's ${field} is not valid for this address.` }],
      });
      transactions.push(failed);
      return { status: 201, body: failed };
    }
    if (format !== 'ZPLII' && !format.startsWith('PDF')) {
      return { status: 400, body: { label_file_type: [`The sandbox carrier makes ZPLII and PDF labels, not ${format}`] } };
    }
    const parcels = shipment.parcels as Obj[];
    const from = shipment.address_from as Obj;
    const to = shipment.address_to as Obj;
    const bought: Obj[] = [];
    for (const [i, parcel] of parcels.entries()) {
      serial++;
      const trackingNumber = sandboxTrackingNumber('SHIPPO', serial);
      const file = await sandboxLabelFile(format === 'ZPLII' ? 'zpl' : 'pdf', {
        shipFrom: labelParty({ name: from.name as string, street: from.street1 as string, city: from.city as string, zip: from.zip as string, country: from.country as string }),
        shipTo: labelParty({ name: to.name as string, street: to.street1 as string, city: to.city as string, zip: to.zip as string, country: to.country as string }),
        carrier: 'SANDBOX',
        service: found.token,
        trackingNumber,
        reference: metadata || trackingNumber,
        weightG: Math.max(1, Math.round(Number(parcel.weight) * (GRAMS[String(parcel.mass_unit)] ?? 1))),
        parcelIndex: i + 1,
        parcelCount: parcels.length,
      });
      const name = `${trackingNumber}.${format === 'ZPLII' ? 'zpl' : 'pdf'}`;
      files.set(name, file);
      bought.push(
        transaction({
          status: 'SUCCESS',
          rate: body.rate,
          metadata,
          label_file_type: format,
          tracking_number: trackingNumber,
          tracking_status: 'PRE_TRANSIT',
          label_url: `${base}/labels/${name}`,
          tracking_url_provider: `${base}/track/${trackingNumber}`,
        }),
      );
    }
    transactions.push(...bought);
    purchases.push({ key: metadata || null, id: String(bought[0]!.object_id), trackingNumbers: bought.map((t) => String(t.tracking_number)), format, at: new Date(), voided: false, voidRequests: 0 });
    if (knobs.dropAfterPurchase) {
      knobs.dropAfterPurchase--;
      return { status: 201, body: bought[0], drop: true };
    }
    return { status: 201, body: bought[0] };
  };

  const route = async (req: ApiRequest, knobs: CarrierKnobs): Promise<ApiReply> => {
    switch (req.operation) {
      case 'POST /shipments':
        return createShipment(req.body as Obj);
      case 'POST /transactions':
        return buy(req.body as Obj, knobs);
      case 'GET /transactions': {
        // Newest first, as Shippo lists; `rate` narrows to one purchase (every piece of it).
        const rate = req.query.get('rate');
        const page = Math.max(1, Number(req.query.get('page') ?? 1));
        const size = Math.min(100, Math.max(1, Number(req.query.get('results') ?? 25)));
        const all = transactions.filter((t) => !rate || t.rate === rate).reverse();
        const results = all.slice((page - 1) * size, page * size);
        const next = page * size < all.length ? `${base}/transactions?page=${page + 1}&results=${size}${rate ? `&rate=${rate}` : ''}` : '';
        return { status: 200, body: { next, previous: page > 1 ? `${base}/transactions?page=${page - 1}&results=${size}` : '', results } };
      }
      case 'GET /transactions/{TransactionId}': {
        const t = transactions.find((x) => x.object_id === req.params.TransactionId);
        return t ? { status: 200, body: t } : { status: 404, body: { detail: 'Not found.' } };
      }
      case 'POST /refunds': {
        const body = req.body as Obj;
        const t = transactions.find((x) => x.object_id === body.transaction);
        if (!t) return { status: 400, body: { transaction: [`Transaction with object_id ${String(body.transaction)} does not exist.`] } };
        // The purchase a piece belongs to (every piece of a multi-piece purchase shares its rate).
        const purchase = purchases.find((p) => p.trackingNumbers.includes(String(t.tracking_number)));
        if (purchase) purchase.voidRequests++;
        if (t.status === 'REFUNDED') return { status: 400, body: { transaction: ['This transaction has already been refunded.'] } };
        const refund = { object_id: id(), object_owner: OWNER, object_created: stamp(), object_updated: stamp(), status: 'SUCCESS', transaction: t.object_id, test: true };
        if (knobs.refuseVoid) return { status: 201, body: { ...refund, status: 'ERROR' } };
        t.status = 'REFUNDED';
        if (purchase) purchase.voided = true;
        if (knobs.dropAfterVoid) {
          knobs.dropAfterVoid--;
          return { status: 201, body: refund, drop: true };
        }
        return { status: 201, body: refund };
      }
      case 'GET /tracks/{Carrier}/{TrackingNumber}': {
        const number = req.params.TrackingNumber!;
        const t = transactions.find((x) => x.tracking_number === number);
        if (!t) return { status: 400, body: { tracking_number: [`Tracking number ${number} is not known to the sandbox.`] } };
        const status = {
          object_id: id(),
          object_created: stamp(),
          object_updated: stamp(),
          status: t.status === 'REFUNDED' ? 'UNKNOWN' : 'PRE_TRANSIT',
          substatus: { code: 'information_received', text: 'Information about the package received.', action_required: false },
          status_details: 'The carrier has received the electronic shipment information.',
          status_date: String(t.object_created),
          location: { city: '', state: '', zip: '', country: '' },
        };
        return {
          status: 200,
          body: { carrier: req.params.Carrier, tracking_number: number, tracking_status: status, tracking_history: [status], messages: [], metadata: t.metadata, transaction: t.object_id },
        };
      }
      default:
        return { status: 404, body: { detail: 'Not found.' } };
    }
  };

  const server = await startCarrierServer(
    {
      name: 'Sandbox Shippo',
      checker,
      authorized: (req: IncomingMessage) => req.headers.authorization === `ShippoToken ${options.apiKey}`,
      errorSchema: 'BadRequest',
      errorBody: (kind, detail) => {
        switch (kind) {
          case 'auth':
            return { detail: 'Invalid token.' };
          case 'invalid':
            return fieldErrors(detail);
          case 'rate_limited':
            return { detail: 'Request was throttled.' };
          case 'outage':
            return { detail: detail.join('; ') || 'A server error occurred.' };
          case 'not_found':
            return { detail: 'Not found.' };
        }
      },
      route,
    },
    { port: options.port, knobs: options.knobs, files },
  );
  base = server.url;
  return Object.assign(server, { apiKey: options.apiKey, purchases });
}

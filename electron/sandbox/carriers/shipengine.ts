// Sandbox ShipEngine: the label operations the bench uses (../shared/ref/carriers.md §6), on real
// paths with the `API-Key` header, every request and reply checked against ShipEngine's own
// OpenAPI document. ShipEngine has no idempotency key: a second purchase with the same
// external_shipment_id buys a second label, as the real one does; finding by that id first is
// the client's job.
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';
import { contractPath, loadChecker, startCarrierServer, type ApiReply, type ApiRequest, type CarrierKnobs, type CarrierServer, type Purchase } from './http';
import { labelParty, sandboxLabelFile, sandboxTrackingNumber } from './labels';

export interface SandboxShipEngineOptions {
  port?: number;
  apiKey: string;
  knobs?: CarrierKnobs;
  /** Default: the copy in test/contracts. */
  contract?: string;
}

export interface SandboxShipEngine extends CarrierServer {
  apiKey: string;
  /** Every label bought, in order: the witness for "bought once". */
  purchases: Purchase[];
  /** Every label request received (bought or refused), as sent: what the bench asked for. */
  labelRequests: Obj[];
}

type Obj = Record<string, unknown>;

interface StoredLabel {
  body: Obj;
  voided: boolean;
}

/** ShipEngine's words for a void it does not approve, by reason code. */
const VOID_REFUSALS: Record<string, string> = {
  label_already_used: 'The label has already been used: the package is in transit.',
  label_not_found_within_void_period: 'The label cannot be voided: the void period has passed.',
  contact_carrier: 'Please contact the carrier to void this label.',
};

const GRAMS: Record<string, number> = { gram: 1, kilogram: 1000, ounce: 28.349523125, pound: 453.59237 };

function errorBody(code: string, type: string, messages: string[], extra: Obj = {}): Obj {
  return {
    request_id: randomUUID(),
    errors: messages.map((message) => ({ error_source: 'shipengine', error_type: type, error_code: code, message, ...extra })),
  };
}

export async function startSandboxShipEngine(options: SandboxShipEngineOptions): Promise<SandboxShipEngine> {
  const checker = loadChecker(options.contract ?? contractPath('shipengine-openapi.yaml'));
  const labels = new Map<string, StoredLabel>();
  const purchases: Purchase[] = [];
  const labelRequests: Obj[] = [];
  let serial = 0;
  let base = '';
  const files = new Map<string, { type: string; bytes: Buffer }>();

  const buy = async (body: Obj, knobs: CarrierKnobs): Promise<ApiReply> => {
    const shipment = body.shipment as Obj;
    const shipTo = shipment.ship_to as Obj;
    const shipFrom = (shipment.ship_from ?? {}) as Obj;
    labelRequests.push(structuredClone(body));
    const refuse = (field: string, message: string): ApiReply => ({
      status: 400,
      body: {
        request_id: randomUUID(),
        errors: [{ error_source: 'carrier', error_type: 'validation', error_code: 'invalid_address', message, field_name: `ship_to.${field}`, carrier_id: shipment.carrier_id }],
      },
    });
    if (knobs.rejectAddress) {
      const field = { postal_code: 'postal_code', city: 'city_locality', street1: 'address_line1', country: 'country_code' }[knobs.rejectAddress.field];
      return refuse(field, knobs.rejectAddress.message ?? `Invalid ship_to address: the ${field} is not valid for this address`);
    }
    // Like a real carrier: a postcode that cannot exist in the recipient's country is refused.
    const country = String(shipTo.country_code ?? '');
    const postcode = String(shipTo.postal_code ?? '');
    if (postcodeValidatorExistsForCountry(country) && !postcodeValidator(postcode, country)) {
      return refuse('postal_code', `Invalid ship_to address: the postal_code ${postcode} is not valid for ${country}`);
    }
    const format = (body.label_format as string | undefined) ?? 'pdf';
    if (format === 'png') return { status: 400, body: errorBody('label_images_not_supported', 'validation', ['The sandbox carrier makes ZPL and PDF labels only']) };
    serial++;
    const labelId = `se-${serial}${Date.now().toString(36)}`;
    const packages = shipment.packages as Obj[];
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const trackingNumbers = packages.map((_p, i) => sandboxTrackingNumber('9400', serial * 100 + i + 1));
    const ext = (shipment.external_shipment_id as string | null | undefined) ?? null;
    const pieces: Buffer[] = [];
    const packageBodies: Obj[] = [];
    for (const [i, pkg] of packages.entries()) {
      const weight = pkg.weight as { value: number; unit: string };
      const file = await sandboxLabelFile(format === 'zpl' ? 'zpl' : 'pdf', {
        shipFrom: labelParty({ name: shipFrom.name as string, street: shipFrom.address_line1 as string, city: shipFrom.city_locality as string, zip: shipFrom.postal_code as string, country: shipFrom.country_code as string }),
        shipTo: labelParty({ name: shipTo.name as string, street: shipTo.address_line1 as string, city: shipTo.city_locality as string, zip: shipTo.postal_code as string, country: shipTo.country_code as string }),
        carrier: 'SANDBOX',
        service: String(shipment.service_code),
        trackingNumber: trackingNumbers[i]!,
        reference: ext ?? labelId,
        weightG: Math.max(1, Math.round(weight.value * (GRAMS[weight.unit] ?? 1))),
        parcelIndex: i + 1,
        parcelCount: packages.length,
      });
      const name = `${labelId}-${i + 1}.${format}`;
      files.set(name, file);
      pieces.push(file.bytes);
      const href = `${base}/labels/${name}`;
      packageBodies.push({
        package_id: i + 1,
        package_code: 'package',
        weight,
        ...(pkg.dimensions ? { dimensions: pkg.dimensions } : {}),
        insured_value: { currency: 'usd', amount: 0 },
        tracking_number: trackingNumbers[i],
        label_download: { href, [format]: href },
        label_messages: { reference1: null, reference2: null, reference3: null },
        sequence: i + 1,
        has_label_documents: true,
        has_form_documents: false,
        has_qr_code_documents: false,
        has_paperless_label_documents: false,
        alternative_identifiers: [],
      });
    }
    // The label's own download holds every package's label, one after the other (ZPL) or the first (PDF).
    const whole = `${labelId}.${format}`;
    files.set(whole, { type: format === 'zpl' ? 'application/zpl' : 'application/pdf', bytes: format === 'zpl' ? Buffer.concat(pieces) : pieces[0]! });
    const href = `${base}/labels/${whole}`;
    const label: Obj = {
      label_id: labelId,
      status: 'completed',
      shipment_id: `se-s${serial}`,
      external_shipment_id: ext,
      external_order_id: null,
      ship_date: now,
      created_at: now,
      shipment_cost: { currency: 'usd', amount: 7.5 * packages.length },
      insurance_cost: { currency: 'usd', amount: 0 },
      tracking_number: trackingNumbers[0],
      is_return_label: false,
      rma_number: null,
      is_international: shipFrom.country_code !== undefined && shipFrom.country_code !== shipTo.country_code,
      batch_id: 'se-0',
      carrier_id: shipment.carrier_id,
      charge_event: 'carrier_default',
      service_code: shipment.service_code,
      package_code: 'package',
      voided: false,
      voided_at: null,
      label_format: format,
      display_scheme: 'label',
      label_layout: (body.label_layout as string | undefined) ?? '4x6',
      trackable: true,
      label_image_id: null,
      carrier_code: 'sandbox_carrier',
      tracking_status: 'in_transit',
      label_download: { href, [format]: href },
      form_download: null,
      qr_code_download: null,
      paperless_download: null,
      insurance_claim: null,
      packages: packageBodies,
      alternative_identifiers: [],
      tracking_url: null,
      ship_to: shipTo,
    };
    labels.set(labelId, { body: label, voided: false });
    purchases.push({ key: ext, id: labelId, trackingNumbers, format, at: new Date(), voided: false, voidRequests: 0 });
    if (knobs.dropAfterPurchase) {
      knobs.dropAfterPurchase--;
      return { status: 200, body: label, drop: true };
    }
    return { status: 200, body: label };
  };

  const route = async (req: ApiRequest, knobs: CarrierKnobs): Promise<ApiReply> => {
    const notFound = (what: string): ApiReply => ({ status: 404, body: errorBody('invalid_identifier', 'validation', [`${what} was not found`]) });
    switch (req.operation) {
      case 'POST /v1/labels':
        return buy(req.body as Obj, knobs);
      case 'GET /v1/labels/external_shipment_id/{external_shipment_id}': {
        const id = req.params.external_shipment_id;
        // The newest label bought under that id, as ShipEngine answers.
        const found = [...labels.values()].reverse().find((l) => l.body.external_shipment_id === id);
        return found ? { status: 200, body: found.body } : notFound(`A label with external_shipment_id ${id}`);
      }
      case 'PUT /v1/labels/{label_id}/void': {
        const label = labels.get(req.params.label_id!);
        if (!label) return notFound(`Label ${req.params.label_id}`);
        const purchase = purchases.find((p) => p.id === req.params.label_id)!;
        purchase.voidRequests++;
        if (label.voided) return { status: 200, body: { approved: false, message: 'This label has already been voided.', reason_code: 'label_already_voided' } };
        if (knobs.refuseVoid) {
          const message = knobs.refuseVoid.message ?? VOID_REFUSALS[knobs.refuseVoid.reasonCode];
          return { status: 200, body: { approved: false, message, reason_code: knobs.refuseVoid.reasonCode } };
        }
        label.voided = true;
        purchase.voided = true;
        Object.assign(label.body, { voided: true, voided_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), status: 'voided' });
        const body = { approved: true, message: 'Request for refund submitted.  This label has been voided.' };
        if (knobs.dropAfterVoid) {
          knobs.dropAfterVoid--;
          return { status: 200, body, drop: true };
        }
        return { status: 200, body };
      }
      case 'GET /v1/labels/{label_id}/track': {
        const label = labels.get(req.params.label_id!);
        if (!label) return notFound(`Label ${req.params.label_id}`);
        const at = String(label.body.created_at);
        return {
          status: 200,
          body: {
            tracking_number: label.body.tracking_number,
            status_code: 'AC',
            status_detail_code: 'SHIPMENT_CREATED',
            status_description: 'Accepted',
            carrier_code: 'sandbox_carrier',
            carrier_status_code: 'MP',
            carrier_detail_code: 'OC',
            carrier_status_description: 'Shipment information received',
            ship_date: at,
            events: [
              {
                occurred_at: at,
                description: 'Shipment information received',
                city_locality: '',
                state_province: 'NA',
                postal_code: '',
                carrier_detail_code: 'OC',
                status_code: 'AC',
                status_detail_code: 'SHIPMENT_CREATED',
                status_description: 'Accepted',
                carrier_status_code: 'MP',
                carrier_status_description: 'Shipment information received',
              },
            ],
          },
        };
      }
      default:
        return notFound(`${req.operation} in the sandbox`);
    }
  };

  const server = await startCarrierServer(
    {
      name: 'Sandbox ShipEngine',
      checker,
      authorized: (req: IncomingMessage) => req.headers['api-key'] === options.apiKey,
      errorSchema: 'error_response_body',
      errorBody: (kind, detail) => {
        switch (kind) {
          case 'auth':
            return errorBody('unauthorized', 'security', ['The API key is invalid. Please see https://www.shipengine.com/docs/auth']);
          case 'invalid':
            return {
              request_id: randomUUID(),
              errors: detail.map((message) => ({ error_source: 'shipengine', error_type: 'validation', error_code: 'invalid_field_value', message, field_name: message.split(' ')[0]!.replace(/^\$\.?/, '') })),
            };
          case 'rate_limited':
            return errorBody('rate_limit_exceeded', 'system', ['You have exceeded the rate limit. Please see https://www.shipengine.com/docs/rate-limits']);
          case 'outage':
            return errorBody('unspecified', 'system', detail);
          case 'not_found':
            return errorBody('invalid_identifier', 'validation', detail);
        }
      },
      route,
    },
    { port: options.port, knobs: options.knobs, files },
  );
  base = server.url;
  return Object.assign(server, { apiKey: options.apiKey, purchases, labelRequests });
}

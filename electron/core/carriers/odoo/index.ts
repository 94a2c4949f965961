// Odoo's own carrier connectors as a CarrierProvider (`odoo`): for sites whose Odoo carrier
// (DHL, UPS, Sendcloud… with integration_level 'rate_and_ship') buys the label when the picking
// is validated. Creating the label writes the parcels and validates the picking once
// (odoo/dispatch/connector.ts); the labels are the connector's LabelShipping-* attachments, its
// tracking refs the parcels' numbers (ZPL as is; PDF/PNG printed through the print path's
// conversion). Its refusal (a UserError on validation) is a rejection with its words; Odoo down,
// an outage. After a lost reply the picking is read first: done means validated, never twice.
import { createHash } from 'node:crypto';
import type { ShipmentRequest } from '../../../../shared/shipment';
import type { DispatchPayload } from '../../pack/effects';
import type { ApplyResult } from '../../sync/target';
import { findConnectorLabels, labelThroughConnector } from '../../odoo/dispatch/connector';
import type { BackorderPolicy, ConnectorLabels } from '../../odoo/dispatch/steps';
import { applyResultOf } from '../../odoo/errors';
import type { OdooTransport } from '../../odoo/transport';
import { CarrierError } from '../carrier-result';
import type { CarrierProvider, CreatedLabels } from '../registry';

export interface OdooCarrierOptions {
  /** The bench's Odoo transport (odoo/connection.ts); null while no Odoo is connected. */
  transport: () => OdooTransport | null;
  /** The picking's writes for a shipment still waiting for its label (pack), parcels' packages named as given. */
  draft: (shipmentId: number, shipment: ShipmentRequest, packageNames: string[]) => DispatchPayload | null;
  /** Setting `odoo.backorder`. */
  backorder: () => BackorderPolicy;
}

/** The Odoo package of each parcel: named from the shipment's key, so a retry finds it instead of making a twin. */
export function connectorPackageNames(shipment: ShipmentRequest): string[] {
  const stem = createHash('sha256').update(shipment.idempotencyKey).digest('hex').slice(0, 10).toUpperCase();
  return shipment.parcels.map((_, i) => `PB${stem}-${i + 1}`);
}

export function odooCarrier(options: OdooCarrierOptions): CarrierProvider {
  function transportFor(shipment: ShipmentRequest): OdooTransport {
    const transport = options.transport();
    if (!transport) throw new CarrierError('outage', 'The bench is not connected to Odoo yet; the label is asked for when it is', { retry: true });
    if (transport.url !== shipment.source.url || transport.db !== shipment.source.db) {
      throw Object.assign(new Error(`${shipment.source.pickingName} was packed for another Odoo (${shipment.source.url}); its label is not asked of this one`), {
        permanent: true,
      });
    }
    return transport;
  }

  /** An Odoo failure on the way → what the registry does with it. */
  async function odooCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof CarrierError) throw error;
      throw carrierErrorOf(applyResultOf(error));
    }
  }

  return {
    code: 'odoo',
    name: "Odoo's carrier connector",
    services: [{ code: 'connector', name: 'Carrier set in Odoo' }],
    // The packer knows the parcel by the picking's carrier, which the connector ships with.
    carrierNameFor: (order) => order.carrier,
    async createLabel(shipment, context) {
      const transport = transportFor(shipment);
      if (!context) throw new Error('An Odoo-managed label needs its shipment');
      const draft = options.draft(context.shipmentId, shipment, connectorPackageNames(shipment));
      if (!draft) throw Object.assign(new Error(`${shipment.source.pickingName} no longer waits for its label`), { permanent: true });
      const outcome = await odooCall(() => labelThroughConnector(transport, draft, options.backorder()));
      if ('refused' in outcome) throw carrierErrorOf(outcome.refused);
      return createdFrom(shipment, outcome.labels);
    },
    async findLabel(shipment) {
      const transport = transportFor(shipment);
      const found = await odooCall(() => findConnectorLabels(transport, shipment.source.pickingId));
      return found ? createdFrom(shipment, found) : null;
    },
  };
}

/** The connector's refs and files as the parcels' labels, in order; a count that does not match is refused. */
function createdFrom(shipment: ShipmentRequest, labels: ConnectorLabels): CreatedLabels {
  const order = shipment.source.pickingName;
  if (labels.refs.length !== shipment.parcels.length) {
    throw new CarrierError('unknown', `Odoo's carrier connector gave ${labels.refs.length} tracking numbers for the ${shipment.parcels.length} parcels of ${order}`, {
      retry: false,
    });
  }
  return {
    validatedInOdoo: true,
    parcels: labels.refs.map((ref, i) => {
      const file = labels.files[i];
      if (!file) throw new CarrierError('unknown', `Odoo has no label file for ${ref} of ${order} (its carrier connector attached none)`, { retry: false });
      return { trackingNumber: ref, label: { format: file.format, bytes: file.bytes } };
    }),
  };
}

/**
 * What Odoo answered → a CarrierError: refusals keep the connector's words, with the reason
 * "address" when they are about the address, postcode or phone; Odoo unreachable is an outage.
 * A conflict (the order changed in Odoo) stays Odoo's own words for the lead.
 */
function carrierErrorOf(result: ApplyResult): Error {
  switch (result.status) {
    case 'done':
      return new CarrierError('unknown', "Odoo answered without the connector's labels", { retry: false });
    case 'auth':
      return new CarrierError('auth', result.error, { retry: false });
    case 'retry':
      return new CarrierError('outage', `Odoo cannot be reached for the label; it is asked again (${result.error})`, { retry: true, ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}) });
    case 'permanent': {
      if (result.exceptionKind) return Object.assign(new Error(result.error), { permanent: true, ...(result.title ? { title: result.title } : {}) });
      const words = result.error.replace(/^[\w.]+(Error|Warning|Exception): /, '');
      const field = /post\s?code|zip|postal/i.test(words) ? 'recipient.postalCode' : /phone|mobile/i.test(words) ? 'recipient.phone' : /address|street|city|country/i.test(words) ? 'recipient' : undefined;
      return new CarrierError(field ? 'address' : 'unknown', words, { retry: false, ...(field ? { field } : {}) });
    }
  }
}

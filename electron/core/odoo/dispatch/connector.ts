// Labels from Odoo's own carrier connectors (integration_level 'rate_and_ship': DHL, UPS, FedEx,
// Sendcloud…, ../shared/ref/carriers.md §2): the connector buys the label when the picking is
// validated. So the bench does here what a dispatch does up to the validation, with the dispatch's
// own steps: one package per parcel (weight, box, move lines), the picking written without a
// tracking ref (a connector ships only a picking without one), then validated once. Odoo's answer
// is read back: carrier_tracking_ref (several joined by ",") and the LabelShipping-* attachments.
// The dispatch row that follows the label finds the picking done with those refs and adds only
// the bench's chatter message (plan.ts, labelledBy 'odoo_connector').
import { said } from '../../i18n/translator';
import type { DispatchPayload } from '../../pack/effects';
import type { ApplyResult } from '../../sync/target';
import { ownUid } from '../claims';
import { ReferenceData } from '../pickings';
import { unique } from '../read-rows';
import type { OdooTransport } from '../transport';
import { dialectFor } from '../versions';
import { planDispatch } from './plan';
import { readDispatchSnapshot } from './snapshot';
import { findOrCreatePackages, readConnectorLabels, validatePickings, writePickings, type BackorderPolicy, type ConnectorLabels, type Results } from './steps';

/** What came of asking Odoo's connector for the labels: the labels, or why not (as the outbox says it). */
export type ConnectorOutcome = { labels: ConnectorLabels } | { refused: ApplyResult };

/**
 * Write the parcels into the picking and validate it, so that its carrier connector buys the
 * labels; or, when an earlier attempt validated it already, only read them back. Never validates
 * a picking that is done.
 */
export async function labelThroughConnector(transport: OdooTransport, draft: DispatchPayload, backorder: BackorderPolicy): Promise<ConnectorOutcome> {
  const dialect = dialectFor(await transport.version());
  const uid = await ownUid(transport);
  const lotNames = unique(draft.lines.flatMap((l) => (l.lots ?? []).map((lot) => lot.name)));
  const snap = await readDispatchSnapshot(transport, dialect, [draft.pickingId], lotNames, new ReferenceData());
  const [decision] = planDispatch(dialect, uid, [draft], snap, 'connector');
  if (!decision) throw new Error('no plan for the picking');
  if ('result' in decision) return { refused: decision.result };
  const { plan } = decision;
  if (plan.finishOnly) return read(transport, draft);
  const picking = snap.pickings.get(draft.pickingId)!;
  if (picking.carrier_tracking_ref) {
    // Odoo's connectors ship only a picking without a tracking ref: validating it would make no label.
    return {
      refused: {
        status: 'permanent',
        error: `Delivery ${draft.pickingName} has tracking ${picking.carrier_tracking_ref} in Odoo already; its carrier connector will not make a label`,
        title: said('odoo.dispatch.hasTracking', { order: draft.pickingName, tracking: picking.carrier_tracking_ref }),
      },
    };
  }
  const results: Results = [undefined];
  const packages = await findOrCreatePackages(transport, dialect, [plan]);
  const written = await writePickings(transport, [plan], packages, uid, 1, results);
  await validatePickings(transport, written, backorder, 1, results);
  if (results[0]) return { refused: results[0] };
  return read(transport, draft);
}

/** The labels Odoo's connector made, once the picking is done; else why not. */
async function read(transport: OdooTransport, draft: DispatchPayload): Promise<ConnectorOutcome> {
  const labels = await readConnectorLabels(transport, draft.pickingId);
  if (labels && labels.state === 'done') return { labels };
  return {
    refused: {
      status: 'permanent',
      error: `Delivery ${draft.pickingName} was not validated by Odoo: it is "${labels?.state ?? 'missing'}"`,
      title: said('odoo.dispatch.connectorNoLabel', { order: draft.pickingName, state: labels?.state ?? said('odoo.dispatch.missing') }),
    },
  };
}

/** After a lost reply: the labels, when the picking is done with the connector's refs; null when it is not done (ask again). */
export async function findConnectorLabels(transport: OdooTransport, pickingId: number): Promise<ConnectorLabels | null> {
  const labels = await readConnectorLabels(transport, pickingId);
  return labels && labels.state === 'done' && labels.refs.length > 0 ? labels : null;
}

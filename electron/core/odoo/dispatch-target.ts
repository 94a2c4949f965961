// Outbox target that tells Odoo a picking was packed: quantities, weight, tracking ref, validate.
// Rows are bound to the Odoo (URL + database) they were written for and never sent elsewhere.
import { ODOO_DISPATCH, type DispatchPayload } from '../pack/pack-session';
import type { ApplyResult, SyncTarget } from '../sync/worker';
import { OdooError } from './errors';
import type { OdooTransport } from './transport';
import { readPickingForLookup, writeBackPicking } from './pickings';

export const ODOO_TARGET = 'odoo';

export function odooBinding(transport: { url: string; db: string }): string {
  return `${transport.url}|${transport.db}`;
}

function resultOf(error: unknown): ApplyResult {
  if (error instanceof OdooError) {
    if (error.kind === 'auth') return { status: 'auth', error: error.message };
    if (error.permanent) return { status: 'permanent', error: error.message, title: error.packerMessage };
    return { status: 'retry', error: error.message };
  }
  return { status: 'retry', error: error instanceof Error ? error.message : String(error) };
}

export function createOdooDispatchTarget(
  transport: OdooTransport,
  onDispatched: (payload: DispatchPayload) => void,
): { kind: string; target: SyncTarget<DispatchPayload> } {
  const binding = odooBinding(transport);
  return {
    kind: ODOO_DISPATCH,
    target: {
      target: ODOO_TARGET,
      label: 'Odoo',
      maxBatch: 1,
      async apply(rows) {
        const results: ApplyResult[] = [];
        for (const row of rows) {
          if (row.binding !== binding) {
            results.push({
              status: 'permanent',
              error: `row written for ${row.binding}, bench now uses ${binding}`,
              title: `${row.payload.pickingName} was packed for another Odoo (${row.binding?.split('|')[0]}); it was not sent to this one.`,
            });
            continue;
          }
          try {
            await writeBackPicking(transport, {
              pickingId: row.payload.pickingId,
              trackingRef: row.payload.trackingRef,
              weightG: row.payload.weightG,
              lines: row.payload.lines,
            });
            results.push({ status: 'done', result: { trackingRef: row.payload.trackingRef } });
          } catch (error) {
            results.push(resultOf(error));
          }
        }
        return results;
      },
      async lookup(row) {
        // The reply was lost: if Odoo already shows our tracking ref on a done picking, it took effect.
        const picking = await readPickingForLookup(transport, row.payload.pickingId);
        return picking.state === 'done' && picking.carrierTrackingRef === row.payload.trackingRef
          ? { applied: true, result: { trackingRef: row.payload.trackingRef } }
          : { applied: false };
      },
      onApplied(row) {
        onDispatched(row.payload);
      },
    },
  };
}

// The local carrier: the bench's own delivery service. It issues tracking numbers itself, derived
// from the shipment's idempotency key, so a retried request always gets the same number.
import type { CreateLabelPayload } from '../../pack/pack-session';
import { CARRIER_CREATE_LABEL, localTrackingNumber } from '../../pack/pack-session';
import type { SyncTarget } from '../../sync/worker';

export const LOCAL_CARRIER_TARGET = 'carrier:local';

export interface LocalCarrierResult {
  trackingNumber: string;
}

export function createLocalCarrier(options: {
  onLabel(payload: CreateLabelPayload, result: LocalCarrierResult): void;
}): { kind: string; target: SyncTarget<CreateLabelPayload> } {
  const issue = (payload: CreateLabelPayload): LocalCarrierResult => ({
    trackingNumber: localTrackingNumber(payload.request.idempotencyKey),
  });
  return {
    kind: CARRIER_CREATE_LABEL,
    target: {
      target: LOCAL_CARRIER_TARGET,
      label: 'Local delivery',
      maxBatch: 20,
      orderName: (row) => row.payload.request.source.pickingName,
      async apply(rows) {
        return rows.map((row) => ({ status: 'done' as const, result: issue(row.payload) }));
      },
      // Nothing remote to ask: the same key gives the same number, so applying again is safe.
      async lookup() {
        return { applied: false };
      },
      onApplied(row, result) {
        options.onLabel(row.payload, result as LocalCarrierResult);
      },
    },
  };
}

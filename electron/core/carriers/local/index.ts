// The local carrier: the bench's own delivery service. It issues tracking numbers itself, derived
// from the shipment's idempotency key, so a retried request always gets the same number.
import { createHash } from 'node:crypto';
import { CARRIER_CREATE_LABEL, CreateLabelPayload } from '../../pack/effects';
import type { SyncTarget } from '../../sync/worker';

export const LOCAL_CARRIER_TARGET = 'carrier:local';

/** A tracking-style reference the local carrier derives from the idempotency key (stable on retry). */
export function localTrackingNumber(idempotencyKey: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 10).toUpperCase();
  return `PB${digest}`;
}

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
      payload: CreateLabelPayload,
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

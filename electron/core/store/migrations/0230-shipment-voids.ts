import type { Migration } from '../migrate';

// What voiding a bought label needs and leaves behind: the provider's id of the purchase
// (ShipEngine label_id, Shippo transaction; absent for the local carrier, whose numbers are ours),
// and whether the label was given up: 'requested' when the void row was written, 'voided' when the
// provider confirmed it (or nothing had to be asked). Columns, not a rebuilt table: the shipment's
// status stays what it was (a repacked one is cancelled, a cancelled order's stays printed).
export const m0230: Migration = {
  version: 230,
  name: 'shipment-voids',
  up(db) {
    db.exec(`
      ALTER TABLE shipments ADD COLUMN provider_ref TEXT CHECK (provider_ref IS NULL OR length(provider_ref) > 0);
      ALTER TABLE shipments ADD COLUMN void_state TEXT CHECK (void_state IS NULL OR void_state IN ('requested', 'voided'));
      ALTER TABLE shipments ADD COLUMN voided_at INTEGER;
    `);
  },
};

// The shipments repository on a real SQLite file: a print confirmation that comes after the
// shipment was given up (the lead's repack, a send-back) does not bring it back as printed.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/core/clock';
import { migrate } from '../../electron/core/store/migrate';
import { migrations } from '../../electron/core/store/migrations/index';
import { Shipments } from '../../electron/core/store/shipments';
import { tempDir } from '../support/temp-dir';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

describe('shipments', () => {
  it('keeps a cancelled shipment cancelled when its label is confirmed printed afterwards', () => {
    const db = new Database(dir.file('station.sqlite'));
    migrate(db, migrations);
    db.exec(`INSERT INTO orders (id, source_url, source_db, picking_id, name, state, data, write_date, fetched_at) VALUES (1, 'u', 'd', 1, 'WH/OUT/1', 'assigned', '{}', 'x', 1)`);
    db.exec(`INSERT INTO pack_sessions (id, order_id, packer, step, active, opened_at, updated_at) VALUES (1, 1, 'p', 'labelling', 0, 1, 1)`);
    const shipments = new Shipments(db, systemClock);
    const id = shipments.create(1, { carrier: 'ShipEngine', service: 'Ground' }, { any: 'request' }, [1200]);
    shipments.labelled(id, 1, '9400111');
    shipments.cancelOfSession(1);

    shipments.printed(id);
    expect(shipments.byId(id)?.status).toBe('cancelled');
    db.close();
  });
});

import type { Station } from '../../electron/core/station';
import { withStationDb } from './station-db';

/** What the open parcel should weigh: products × quantities + the configured box tare. */
export function expectedParcelWeight(station: Station): number {
  const row = withStationDb(station, (db) =>
    db
      .prepare(
        `SELECT coalesce(sum(l.unit_weight_g * l.quantity), 0) AS g FROM order_lines l
         JOIN pack_sessions s ON s.order_id = l.order_id WHERE s.active = 1`,
      )
      .get(),
  ) as { g: number };
  return Math.round(row.g) + station.effectiveSettings().packing.boxTareG;
}

// The local copy of package types, per Odoo database: replaced whole when the prefetch reads them,
// read by barcode when a packer scans a box, and by id for the box a session chose. Fully offline.
import { PackageType } from '../../../shared/package-type';
import type { Clock } from '../clock';
import type { Db } from './db';
import type { OrderSourceBinding } from './order-cache';

const COLUMNS = `type_id, name, barcode, length_mm, width_mm, height_mm, base_weight_g, max_weight_g, carrier_type, sequence, company_id`;

/** A box barcode in one Odoo database: index package_types_barcode. */
export const PACKAGE_TYPE_BY_BARCODE_SQL = `SELECT ${COLUMNS} FROM package_types
  WHERE barcode = ? AND source_url = ? AND source_db = ? AND active = 1 ORDER BY sequence, type_id LIMIT 1`;

interface Row {
  type_id: number;
  name: string;
  barcode: string | null;
  length_mm: number | null;
  width_mm: number | null;
  height_mm: number | null;
  base_weight_g: number;
  max_weight_g: number | null;
  carrier_type: string | null;
  sequence: number;
  company_id: number | null;
}

function fromRow(row: Row): PackageType {
  return PackageType.parse({
    typeId: row.type_id,
    name: row.name,
    barcode: row.barcode,
    dimsMm: row.length_mm !== null && row.width_mm !== null && row.height_mm !== null ? { l: row.length_mm, w: row.width_mm, h: row.height_mm } : null,
    baseWeightG: row.base_weight_g,
    maxWeightG: row.max_weight_g,
    carrierType: row.carrier_type,
    sequence: row.sequence,
    companyId: row.company_id,
  });
}

export class PackageTypeStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * The types Odoo has now, replacing the copy: new and changed ones written, the ones gone kept
   * but inactive (a session may still point at one). One transaction. Returns what changed.
   */
  replaceAll(source: OrderSourceBinding, types: PackageType[]): { saved: number; retired: number } {
    const checked = types.map((t) => PackageType.parse(t));
    return this.db.transaction(() => {
      const now = this.clock.now();
      const upsert = this.db.prepare(
        `INSERT INTO package_types (source_url, source_db, ${COLUMNS}, active, fetched_at)
         VALUES (@url, @db, @typeId, @name, @barcode, @l, @w, @h, @base, @max, @carrier, @sequence, @company, 1, @now)
         ON CONFLICT (source_url, source_db, type_id) DO UPDATE SET
           name = excluded.name, barcode = excluded.barcode, length_mm = excluded.length_mm, width_mm = excluded.width_mm,
           height_mm = excluded.height_mm, base_weight_g = excluded.base_weight_g, max_weight_g = excluded.max_weight_g,
           carrier_type = excluded.carrier_type, sequence = excluded.sequence, company_id = excluded.company_id,
           active = 1, fetched_at = excluded.fetched_at`,
      );
      for (const t of checked) {
        upsert.run({
          url: source.url,
          db: source.db,
          typeId: t.typeId,
          name: t.name,
          barcode: t.barcode,
          l: t.dimsMm?.l ?? null,
          w: t.dimsMm?.w ?? null,
          h: t.dimsMm?.h ?? null,
          base: t.baseWeightG,
          max: t.maxWeightG,
          carrier: t.carrierType,
          sequence: t.sequence,
          company: t.companyId,
          now,
        });
      }
      const keep = JSON.stringify(checked.map((t) => t.typeId));
      const retired = this.db
        .prepare(
          `UPDATE package_types SET active = 0, fetched_at = ?
           WHERE source_url = ? AND source_db = ? AND active = 1 AND type_id NOT IN (SELECT value FROM json_each(?))`,
        )
        .run(now, source.url, source.db, keep).changes;
      return { saved: checked.length, retired };
    })();
  }

  /** The box whose barcode was scanned, among the types Odoo still has; null if none. */
  byBarcode(code: string, source: OrderSourceBinding): PackageType | null {
    const value = code.trim();
    if (value === '') return null;
    const row = this.db.prepare(PACKAGE_TYPE_BY_BARCODE_SQL).get(value, source.url, source.db) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** A type by its Odoo id, retired ones included (the box a session chose before it was retired). */
  byId(typeId: number, source: OrderSourceBinding): PackageType | null {
    const row = this.db
      .prepare(`SELECT ${COLUMNS} FROM package_types WHERE source_url = ? AND source_db = ? AND type_id = ?`)
      .get(source.url, source.db, typeId) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** Odoo's default: the first in the sequence (then the lowest id) of the types it still has. */
  defaultType(source: OrderSourceBinding): PackageType | null {
    const row = this.db
      .prepare(`SELECT ${COLUMNS} FROM package_types WHERE source_url = ? AND source_db = ? AND active = 1 ORDER BY sequence, type_id LIMIT 1`)
      .get(source.url, source.db) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** Every type Odoo still has, in its order. */
  list(source: OrderSourceBinding): PackageType[] {
    return (
      this.db
        .prepare(`SELECT ${COLUMNS} FROM package_types WHERE source_url = ? AND source_db = ? AND active = 1 ORDER BY sequence, type_id`)
        .all(source.url, source.db) as Row[]
    ).map(fromRow);
  }
}

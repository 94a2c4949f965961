import type { Migration } from '../migrate';

// Package types (Odoo's stock.package.type: boxes, mailer bags) per Odoo database, in grams and
// millimetres, so a box barcode is understood offline. A type gone from Odoo is kept inactive: a
// session that chose it still knows its tare. Plus the package type chosen for a session's parcel
// (the Odoo id), so a restart keeps it.
export const m0110: Migration = {
  version: 110,
  name: 'package-types',
  up(db) {
    db.exec(`
      CREATE TABLE package_types (
        source_url    TEXT NOT NULL,
        source_db     TEXT NOT NULL,
        type_id       INTEGER NOT NULL CHECK (type_id > 0),
        name          TEXT NOT NULL,
        barcode       TEXT,
        length_mm     INTEGER CHECK (length_mm > 0),
        width_mm      INTEGER CHECK (width_mm > 0),
        height_mm     INTEGER CHECK (height_mm > 0),
        base_weight_g INTEGER NOT NULL CHECK (base_weight_g >= 0),
        max_weight_g  INTEGER CHECK (max_weight_g > 0),
        carrier_type  TEXT,
        sequence      INTEGER NOT NULL,
        company_id    INTEGER,
        active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        fetched_at    INTEGER NOT NULL,
        PRIMARY KEY (source_url, source_db, type_id),
        CHECK ((length_mm IS NULL) = (width_mm IS NULL) AND (width_mm IS NULL) = (height_mm IS NULL))
      ) STRICT;
      CREATE INDEX package_types_barcode ON package_types (barcode, source_url, source_db) WHERE barcode IS NOT NULL AND active = 1;
      ALTER TABLE pack_sessions ADD COLUMN package_type_id INTEGER CHECK (package_type_id > 0);
    `);
  },
};

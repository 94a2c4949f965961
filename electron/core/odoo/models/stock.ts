// stock.move, stock.move.line, stock.lot and packages as the bench reads them: one schema per
// model, each reader picks the fields it needs.
import { z } from 'zod';
import { M2o, Text } from '../read-rows';

const StockMove = z.object({
  id: z.number().int(),
  picking_id: M2o,
  product_id: M2o,
  product_uom_qty: z.number(),
  product_uom: M2o,
  location_id: M2o,
  location_dest_id: M2o,
  state: z.string(),
});

/** A move as an order line (pickings.ts). */
export const OrderMoveRow = StockMove.pick({ id: true, product_id: true, product_uom_qty: true, product_uom: true, state: true });

/**
 * A move as the dispatch plans its quantities (with the locations a new move line needs, and its
 * product's tracking: `has_tracking`, related to product_id.tracking on 16–19, so the product
 * itself is not read).
 */
export const DispatchMoveRow = StockMove.extend({ has_tracking: z.enum(['none', 'lot', 'serial']).catch('none') });

const StockMoveLine = z.object({
  id: z.number().int(),
  picking_id: M2o,
  move_id: M2o,
  product_id: M2o,
  lot_id: M2o,
  lot_name: Text,
  result_package_id: M2o,
});

/**
 * A reserved move line as the dispatch plans onto it. Loose: the reserved quantity's field is
 * named by the dialect (`lineReservedField`) and read beside these.
 */
export const ReservedLineRow = z.looseObject(StockMoveLine.pick({ id: true, move_id: true, product_id: true, lot_id: true, lot_name: true }).shape);

/** Which package a picking's lines were packed into (the prefetch's package names). */
export const PackageLineRow = StockMoveLine.pick({ id: true, picking_id: true, result_package_id: true });

/** stock.lot: a lot or serial name is unique per product and company. */
export const LotRow = z.object({ id: z.number().int(), name: z.string(), product_id: M2o, company_id: M2o });

/** stock.quant.package (≤18) / stock.package (19), found by name (the tracking ref). */
export const PackageRow = z.object({ id: z.number().int(), name: z.string() });

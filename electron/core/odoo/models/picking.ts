// stock.picking as the bench reads it: every field any reader asks for, once. Each reader picks the
// fields it needs (`fields: fieldsOf(Row)`), so one field has one shape everywhere.
import { z } from 'zod';
import { M2o, Text } from '../read-rows';

const StockPicking = z.object({
  id: z.number().int(),
  name: z.string(),
  origin: Text,
  state: z.string(),
  partner_id: M2o,
  user_id: M2o,
  carrier_id: M2o,
  company_id: M2o,
  picking_type_id: M2o,
  move_ids: z.array(z.number().int()),
  carrier_tracking_ref: Text,
  backorder_id: M2o,
  write_date: z.string(),
});

/** What a delivery becomes a canonical Order from (pickings.ts). */
export const OrderPickingRow = StockPicking.pick({
  id: true,
  name: true,
  origin: true,
  state: true,
  partner_id: true,
  carrier_id: true,
  company_id: true,
  picking_type_id: true,
  move_ids: true,
  write_date: true,
});

/** The prefetch's read: the order's fields plus what a scan may look it up by. */
export const PrefetchPickingRow = OrderPickingRow.extend({ carrier_tracking_ref: Text });

/** What the dispatch compares with what the bench packed against, and claims from. */
export const DispatchPickingRow = StockPicking.pick({
  id: true,
  name: true,
  state: true,
  partner_id: true,
  user_id: true,
  company_id: true,
  move_ids: true,
  carrier_tracking_ref: true,
  write_date: true,
});

/** Who holds a claim (claims.ts). */
export const ClaimPickingRow = StockPicking.pick({ id: true, name: true, state: true, user_id: true });

/** Whether a release still has something to clear (release-target.ts). */
export const ReleasePickingRow = StockPicking.pick({ id: true, state: true, user_id: true });

/** Done, and with which tracking ref: whether a dispatch took effect. */
export const PickingStateRow = StockPicking.pick({ id: true, state: true, carrier_tracking_ref: true });

/** The prefetch's check of pickings that left the ready set. */
export const PickingWriteDateRow = StockPicking.pick({ id: true, state: true, write_date: true });

/** The backorders Odoo made of a validated picking. */
export const BackorderRow = StockPicking.pick({ id: true, backorder_id: true });

/** stock.picking.type: its warehouse and lot rules (pickings.ts). */
export const PickingTypeRow = z.object({
  id: z.number().int(),
  warehouse_id: M2o,
  use_create_lots: z.boolean(),
  use_existing_lots: z.boolean(),
});

// The dispatch's reads: everything the checks and the plan need for a batch of pickings, in a
// fixed number of calls whatever the batch's size (pickings and claim notes; moves, move lines,
// partners; new countries, lots by the names scanned). Products' tracking comes with the moves.
import type { z } from 'zod';
import { claimsFrom, readClaimSnapshot, type ClaimHolder } from '../claims';
import { AddressRow, CodeRow, type TrackedProductRow } from '../models/partner';
import type { ReferenceData } from '../pickings';
import { DispatchPickingRow } from '../models/picking';
import { DispatchMoveRow, LotRow, ReservedLineRow } from '../models/stock';
import { fieldsOf, idOf, readRows, unique } from '../read-rows';
import type { OdooTransport } from '../transport';
import type { OdooDialect } from '../versions';

export type PickingRow = z.infer<typeof DispatchPickingRow>;
export type MoveRow = z.infer<typeof DispatchMoveRow>;
/** A reserved move line; its reserved quantity is in the dialect's `lineReservedField`. */
export type LineRow = z.infer<typeof ReservedLineRow>;
export type ProductRow = z.infer<typeof TrackedProductRow>;
export type LotRow = z.infer<typeof LotRow>;
export type PartnerRow = z.infer<typeof AddressRow>;

/** Odoo as it is now, for one batch. Plain data: the plan is computed from it alone. */
export interface Snapshot {
  pickings: Map<number, PickingRow>;
  claims: Map<number, ClaimHolder>;
  moves: Map<number, MoveRow>;
  lines: LineRow[];
  products: Map<number, ProductRow>;
  /** The stock.lot records Odoo has for the lot names the bench scanned (any of the batch's companies). */
  lots: LotRow[];
  partners: Map<number, PartnerRow>;
  countryCodes: Map<number, string | null>;
}

/**
 * Read the batch's pickings and what hangs off them. Country codes never change under a bench:
 * they come from `reference`, the station's memory shared with the prefetch and the scan, so a
 * country the prefetch has seen costs the dispatch no read.
 */
export async function readDispatchSnapshot(
  transport: Pick<OdooTransport, 'call'>,
  dialect: OdooDialect,
  pickingIds: number[],
  lotNames: string[],
  reference: ReferenceData,
): Promise<Snapshot> {
  // search_read: a deleted picking is absent (a conflict of its own), not a refusal of the batch.
  const { pickings, notes } = await readClaimSnapshot(transport, pickingIds, DispatchPickingRow, 'search_read');
  const [moves, lines, partners] = await Promise.all([
    readRows(transport, DispatchMoveRow, 'stock.move', 'read', { ids: pickings.flatMap((p) => p.move_ids), fields: fieldsOf(DispatchMoveRow) }),
    readRows(transport, ReservedLineRow, 'stock.move.line', 'search_read', {
      domain: [['picking_id', 'in', pickings.map((p) => p.id)]],
      fields: [...fieldsOf(ReservedLineRow), dialect.lineReservedField],
      order: 'id',
    }),
    readRows(transport, AddressRow, 'res.partner', 'read', {
      ids: unique(pickings.map((p) => idOf(p.partner_id))),
      fields: fieldsOf(AddressRow),
    }),
  ]);
  const countryIds = unique(partners.map((p) => idOf(p.country_id)));
  const productIds = unique([...moves.map((m) => idOf(m.product_id)), ...lines.map((l) => idOf(l.product_id))]);
  // The moves' products as the plan needs them (name and tracking), from the moves themselves.
  const products: ProductRow[] = [];
  for (const m of moves) {
    const product = m.product_id;
    if (product !== false && !products.some((p) => p.id === product[0])) products.push({ id: product[0], display_name: product[1], tracking: m.has_tracking });
  }
  const [countries, lots] = await Promise.all([
    reference.read(transport, CodeRow, 'res.country', countryIds),
    // The lots Odoo already knows by the names scanned at the bench (one search for the batch).
    lotNames.length === 0
      ? Promise.resolve([])
      : readRows(transport, LotRow, 'stock.lot', 'search_read', {
          domain: [
            ['name', 'in', lotNames],
            ['product_id', 'in', productIds],
            ['company_id', 'in', [...unique(pickings.map((p) => idOf(p.company_id))), false]],
          ],
          fields: fieldsOf(LotRow),
          order: 'id',
        }),
  ]);
  return {
    pickings: new Map(pickings.map((p) => [p.id, p])),
    claims: claimsFrom(pickings, notes),
    moves: new Map(moves.map((m) => [m.id, m])),
    lines,
    products: new Map(products.map((p) => [p.id, p])),
    lots,
    partners: new Map(partners.map((p) => [p.id, p])),
    countryCodes: new Map(countries.map((c) => [c.id, c.code])),
  };
}

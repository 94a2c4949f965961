// The move-line commands that record the lots or serials scanned at the bench for one stock.move,
// over the lines Odoo reserved for it. Pure: no I/O.
//   - a reserved line already on a scanned lot takes that lot's quantity;
//   - other scanned lots take the remaining reserved lines (their lot replaced), then new lines;
//   - a lot Odoo knows (stock.lot by product and name) is written as lot_id, else as lot_name;
//   - reserved lines left over are set to nothing, so only what was packed is processed.
// The scanned lots win over the reservation. Units packed beyond them (not expected from the bench)
// come from the reserved lines that carry a lot; null when there is none.
import type { OdooDialect } from './versions';

/** A stock.move.line Odoo reserved for the move. */
export interface ReservedLine {
  id: number;
  lotId: number | null;
  /** The lot's name (lot_id's display name, or lot_name), null when none. */
  lotName: string | null;
  reserved: number;
}

/** One2many command on stock.picking.move_line_ids: (1, id, vals) update or (0, 0, vals) create. */
export type LineCommand = [number, number, Record<string, unknown>];

export interface ScannedLine {
  moveId: number;
  productId: number;
  quantity: number;
  lots: readonly { name: string; quantity: number }[];
  /** Values a created line carries besides move, product, quantity and lot (locations, unit). */
  newLine?: Record<string, unknown>;
}

/** Key of `knownLots`: stock.lot ids by product and name. */
export const lotKey = (productId: number, name: string) => `${productId}|${name}`;

export function lotLineCommands(
  dialect: OdooDialect,
  line: ScannedLine,
  reserved: readonly ReservedLine[],
  knownLots: ReadonlyMap<string, number>,
): LineCommand[] | null {
  const values = (quantity: number) => dialect.packedLine(quantity);
  const free = [...reserved];
  const takeFree = (test: (r: ReservedLine) => boolean): ReservedLine | null => {
    const i = free.findIndex(test);
    return i === -1 ? null : free.splice(i, 1)[0]!;
  };

  // Scanned lots onto the reserved lines of the same lot first.
  const scanned = line.lots
    .filter((l) => l.quantity > 0)
    .map((l) => ({ ...l, onto: takeFree((r) => r.lotName === l.name) }));

  // Units beyond the scanned lots keep the reservation's lots.
  const commands: LineCommand[] = [];
  let rest = line.quantity - scanned.reduce((n, l) => n + l.quantity, 0);
  const withLot = free.filter((r) => r.lotName !== null);
  for (const [i, r] of withLot.entries()) {
    if (rest <= 0) break;
    const take = i === withLot.length - 1 ? rest : Math.min(rest, r.reserved);
    if (take <= 0) continue;
    takeFree((x) => x.id === r.id);
    commands.push([1, r.id, values(take)]);
    rest -= take;
  }
  if (rest > 0) return null;

  for (const lot of scanned) {
    const onto = lot.onto ?? takeFree(() => true);
    const lotId = onto && onto.lotName === lot.name && onto.lotId !== null ? onto.lotId : (knownLots.get(lotKey(line.productId, lot.name)) ?? null);
    const lotValues = lotId === null ? { lot_id: false, lot_name: lot.name } : { lot_id: lotId };
    if (onto) commands.push([1, onto.id, { ...values(lot.quantity), ...lotValues }]);
    else commands.push([0, 0, { ...line.newLine, move_id: line.moveId, product_id: line.productId, ...values(lot.quantity), ...lotValues }]);
  }
  // What Odoo reserved beyond what was packed is not processed.
  for (const r of free) commands.push([1, r.id, dialect.unpackedLine()]);
  return commands;
}

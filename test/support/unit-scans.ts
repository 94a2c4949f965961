// The scans that pack every unit of an open order, as a packer with a GS1 scanner would: an item's
// barcode, or for a lot- or serial-tracked item one GS1 code with its GTIN and its lot (AI 10) or
// a serial of its own (AI 21), so tests that are not about lots pack tracked orders in one scan a unit.
import type { OrderView } from '../../shared/api';

export function unitScans(lines: OrderView['lines'], lot = 'LOT-T1'): string[] {
  return lines.flatMap((line) =>
    Array.from({ length: line.quantity - line.packed }, (_, i) => {
      if (line.tracking === 'none') return line.barcode!;
      const gtin = line.barcode!.padStart(14, '0');
      return line.tracking === 'lot' ? `(01)${gtin}(10)${lot}` : `(01)${gtin}(21)SN-${line.moveId}-${line.packed + i + 1}`;
    }),
  );
}

import { describe, expect, it } from 'vitest';
import { lotKey, lotLineCommands, type ReservedLine } from '../../electron/core/odoo/lot-lines';
import { dialectFor, parseServerVersion } from '../../electron/core/odoo/versions';

const dialect = (major: number) => dialectFor(parseServerVersion(`${major}.0`, [major, 0])!);
const reserved = (id: number, lotName: string | null, qty: number, lotId: number | null = lotName ? id * 10 : null): ReservedLine => ({
  id,
  lotId,
  lotName,
  reserved: qty,
});

describe('lotLineCommands', () => {
  it('puts a scanned lot that Odoo reserved on its own line, and empties the rest of the reservation', () => {
    const commands = lotLineCommands(
      dialect(17),
      { moveId: 5, productId: 7, quantity: 2, lots: [{ name: 'L-B', quantity: 2 }] },
      [reserved(1, 'L-A', 1), reserved(2, 'L-B', 1)],
      new Map(),
    );
    expect(commands).toEqual([
      [1, 2, { quantity: 2, picked: true, lot_id: 20 }],
      [1, 1, { quantity: 0, picked: false }],
    ]);
  });

  it('replaces the reserved lot with a scanned one: lot_id when Odoo knows it, lot_name when not (Odoo 16 qty_done)', () => {
    const known = new Map([[lotKey(7, 'L-KNOWN'), 99]]);
    const commands = lotLineCommands(
      dialect(16),
      { moveId: 5, productId: 7, quantity: 3, lots: [{ name: 'L-KNOWN', quantity: 1 }, { name: 'L-NEW', quantity: 2 }] },
      [reserved(1, 'L-A', 3)],
      known,
    );
    expect(commands).toEqual([
      [1, 1, { qty_done: 1, lot_id: 99 }],
      [0, 0, { move_id: 5, product_id: 7, qty_done: 2, lot_id: false, lot_name: 'L-NEW' }],
    ]);
  });

  it('gives each serial its own line, creating lines beyond the reservation', () => {
    const commands = lotLineCommands(
      dialect(19),
      { moveId: 8, productId: 9, quantity: 3, lots: ['S1', 'S2', 'S3'].map((name) => ({ name, quantity: 1 })) },
      [reserved(4, 'S9', 1), reserved(5, 'S2', 1)],
      new Map(),
    );
    expect(commands).toEqual([
      [1, 4, { quantity: 1, picked: true, lot_id: false, lot_name: 'S1' }],
      [1, 5, { quantity: 1, picked: true, lot_id: 50 }],
      [0, 0, { move_id: 8, product_id: 9, quantity: 1, picked: true, lot_id: false, lot_name: 'S3' }],
    ]);
  });

  it('takes units beyond the scanned lots from the reserved lots, or says a lot is missing (null)', () => {
    expect(
      lotLineCommands(
        dialect(17),
        { moveId: 5, productId: 7, quantity: 3, lots: [{ name: 'L-B', quantity: 1 }] },
        [reserved(1, 'L-A', 1), reserved(2, 'L-B', 1), reserved(3, 'L-C', 1)],
        new Map(),
      ),
    ).toEqual([
      [1, 1, { quantity: 1, picked: true }],
      [1, 3, { quantity: 1, picked: true }],
      [1, 2, { quantity: 1, picked: true, lot_id: 20 }],
    ]);
    expect(
      lotLineCommands(dialect(17), { moveId: 5, productId: 7, quantity: 2, lots: [{ name: 'L-B', quantity: 1 }] }, [reserved(1, null, 2)], new Map()),
    ).toBeNull();
  });
});

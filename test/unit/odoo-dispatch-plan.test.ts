// Golden tests of the dispatch plan (electron/core/odoo/dispatch/plan.ts): a fixture snapshot of
// Odoo in, the exact commands of the picking's write out, for Odoo 16, 17, 18 and 19. 16 records
// what was packed in `qty_done` (lines) / `quantity_done` (moves) and reserves in
// `reserved_uom_qty`; 17+ in `quantity` + `picked`. Conflicts and refusals: the result, no commands.
import { describe, expect, it } from 'vitest';
import type { ClaimHolder } from '../../electron/core/odoo/claims';
import { planDispatch, pickingWrite, type Decision, type Plan } from '../../electron/core/odoo/dispatch/plan';
import type { LineRow, LotRow, MoveRow, PartnerRow, PickingRow, ProductRow, Snapshot } from '../../electron/core/odoo/dispatch/snapshot';
import { dialectFor, parseServerVersion, type OdooDialect } from '../../electron/core/odoo/versions';
import type { DispatchPayload } from '../../electron/core/pack/effects';
import { createTranslator, sayIn } from '../../electron/core/i18n/translator';

const UID = 2;
const dialectOf = (major: number) => dialectFor(parseServerVersion(`${major}.0`, [major, 0])!);

// Picking 10: move 100 (untracked, 2 ordered, reserved on line 1000), move 101 (lot-tracked, 3
// ordered, reserved on line 1001 with lot L-A), move 102 (untracked, 1 ordered, no line).
const picking = (over: Partial<PickingRow> = {}): PickingRow => ({
  id: 10,
  name: 'WH/OUT/00010',
  state: 'assigned',
  partner_id: [7, 'Jürgen Müller'],
  user_id: [UID, 'Bench user'],
  company_id: [1, 'Packbench Demo GmbH'],
  move_ids: [100, 101, 102],
  carrier_tracking_ref: null,
  write_date: '2025-06-01 08:00:00',
  ...over,
});
const move = (id: number, productId: number, qty: number): MoveRow => ({
  id,
  picking_id: [10, 'WH/OUT/00010'],
  product_id: [productId, `Product ${productId}`],
  product_uom_qty: qty,
  product_uom: [1, 'Units'],
  location_id: [8, 'WH/Stock'],
  location_dest_id: [5, 'Partners/Customers'],
  state: 'assigned',
  // The plan takes tracking from the snapshot's products (built from this field by the snapshot).
  has_tracking: 'none',
});
/** A reserved move line, its reservation in this version's field. */
const line = (d: OdooDialect, id: number, moveId: number, productId: number, reserved: number, lot: [number, string] | false = false): LineRow => ({
  id,
  move_id: [moveId, `Move ${moveId}`],
  product_id: [productId, `Product ${productId}`],
  lot_id: lot,
  lot_name: null,
  [d.lineReservedField]: reserved,
});
const product = (id: number, tracking: ProductRow['tracking']): ProductRow => ({ id, display_name: `Product ${id}`, tracking });
const address: PartnerRow = { id: 7, name: 'Jürgen Müller', street: 'Königstraße 1', street2: null, zip: '70173', city: 'Stuttgart', country_id: [57, 'Germany'] };
const lot = (id: number, name: string, productId: number, company: number | false = 1): LotRow => ({
  id,
  name,
  product_id: [productId, `Product ${productId}`],
  company_id: company === false ? false : [company, 'Company'],
});

function snapshot(d: OdooDialect, over: { picking?: Partial<PickingRow>; claims?: [number, ClaimHolder][]; lots?: LotRow[]; lines?: LineRow[] } = {}): Snapshot {
  return {
    pickings: new Map([[10, picking(over.picking)]]),
    claims: new Map(over.claims ?? [[10, { uid: UID, userName: 'Bench user', bench: 'Bench 1', since: Date.UTC(2025, 5, 1, 8) }]]),
    moves: new Map([move(100, 5, 2), move(101, 6, 3), move(102, 8, 1)].map((m) => [m.id, m])),
    lines: over.lines ?? [line(d, 1000, 100, 5, 2), line(d, 1001, 101, 6, 3, [40, 'L-A'])],
    products: new Map([product(5, 'none'), product(6, 'lot'), product(8, 'none')].map((p) => [p.id, p])),
    lots: over.lots ?? [],
    partners: new Map([[7, address]]),
    countryCodes: new Map([[57, 'DE']]),
  };
}

const payload = (over: Partial<DispatchPayload> = {}): DispatchPayload => ({
  sessionId: 1,
  pickingId: 10,
  pickingName: 'WH/OUT/00010',
  trackingRef: 'PB0000100001',
  weightG: 1250,
  lines: [
    { moveId: 100, quantity: 2, ordered: 2 },
    { moveId: 101, quantity: 3, ordered: 3, lots: [{ name: 'L-B', quantity: 3 }] },
    { moveId: 102, quantity: 1, ordered: 1 },
  ],
  shipTo: { name: 'Jürgen Müller', street1: 'Königstraße 1', street2: null, postalCode: '70173', city: 'Stuttgart', country: 'DE' },
  bench: 'Bench 1',
  openedAt: Date.UTC(2025, 5, 1, 8),
  lotRule: 'existing',
  ...over,
});

function onlyPlan(decisions: Decision[]): Plan {
  expect(decisions).toHaveLength(1);
  const [d] = decisions;
  if (!d || !('plan' in d)) throw new Error(`expected a plan, got ${JSON.stringify(d)}`);
  return d.plan;
}
function onlyResult(decisions: Decision[]) {
  expect(decisions).toHaveLength(1);
  const [d] = decisions;
  if (!d || !('result' in d)) throw new Error(`expected a result, got ${JSON.stringify(d)}`);
  // The lead's title, as the console shows it on an English bench.
  const r = d.result;
  return r.status === 'permanent' && r.title !== undefined && typeof r.title !== 'string' ? { ...r, title: sayIn(createTranslator('en').t, r.title) } : r;
}

/** What each version writes for "packed n" on a line, and on a move with no line. */
const golden = {
  16: { line: (n: number) => ({ qty_done: n }), unpacked: { qty_done: 0 }, move: (n: number) => ({ quantity_done: n }), reserved: 'reserved_uom_qty' },
  17: { line: (n: number) => ({ quantity: n, picked: true }), unpacked: { quantity: 0, picked: false }, move: (n: number) => ({ quantity: n, picked: true }), reserved: 'quantity' },
} as const;

describe.each([16, 17, 18, 19])('the dispatch plan for Odoo %i', (major) => {
  const d = dialectOf(major);
  const g = golden[major === 16 ? 16 : 17];

  it(`reads reservations from ${g.reserved}`, () => {
    expect(d.lineReservedField).toBe(g.reserved);
  });

  it('a full pack: reserved lines take the quantities, a scanned lot Odoo knows replaces the reserved one, a move with no line is written itself', () => {
    const plan = onlyPlan(planDispatch(d, UID, [payload()], snapshot(d, { lots: [lot(77, 'L-B', 6)] })));
    expect(plan).toMatchObject({ index: 0, name: 'WH/OUT/00010', finishOnly: false, claimNow: false, short: false, trackingRef: 'PB0000100001' });
    expect(plan.lineCommands).toEqual([
      [1, 1000, g.line(2)],
      [1, 1001, { ...g.line(3), lot_id: 77 }],
    ]);
    expect(plan.moveCommands).toEqual([[1, 102, g.move(1)]]);
    // The one stock.picking write, with the package made for the parcel.
    expect(pickingWrite(plan, 55, UID)).toEqual({
      carrier_tracking_ref: 'PB0000100001',
      shipping_weight: 1.25,
      move_line_ids: [
        [1, 1000, { ...g.line(2), result_package_id: 55 }],
        [1, 1001, { ...g.line(3), lot_id: 77, result_package_id: 55 }],
      ],
      move_ids: [[1, 102, g.move(1)]],
    });
  });

  it('a scanned lot Odoo does not know goes as lot_name where the type creates lots; an extra scanned lot gets a new line with the move’s locations', () => {
    const p = payload({
      lotRule: 'create',
      lines: [
        { moveId: 100, quantity: 2, ordered: 2 },
        { moveId: 101, quantity: 3, ordered: 3, lots: [{ name: 'L-A', quantity: 1 }, { name: 'L-NEW', quantity: 2 }] },
        { moveId: 102, quantity: 1, ordered: 1 },
      ],
    });
    const plan = onlyPlan(planDispatch(d, UID, [p], snapshot(d)));
    expect(plan.lineCommands).toEqual([
      [1, 1000, g.line(2)],
      [1, 1001, { ...g.line(1), lot_id: 40 }],
      [0, 0, { location_id: 8, location_dest_id: 5, product_uom_id: 1, move_id: 101, product_id: 6, ...g.line(2), lot_id: false, lot_name: 'L-NEW' }],
    ]);
  });

  it('a short pack: the packed quantity only, marked short; what Odoo reserved beyond a scanned lot is emptied', () => {
    const p = payload({
      lines: [
        { moveId: 100, quantity: 1, ordered: 2 },
        { moveId: 101, quantity: 1, ordered: 3, lots: [{ name: 'L-B', quantity: 1 }] },
        { moveId: 102, quantity: 0, ordered: 1 },
      ],
    });
    const lines = [line(d, 1000, 100, 5, 2), line(d, 1001, 101, 6, 2, [40, 'L-A']), line(d, 1002, 101, 6, 1, [41, 'L-C'])];
    const plan = onlyPlan(planDispatch(d, UID, [p], snapshot(d, { lines, lots: [lot(77, 'L-B', 6)] })));
    expect(plan.short).toBe(true);
    expect(plan.lineCommands).toEqual([
      [1, 1000, g.line(1)],
      [1, 1001, { ...g.line(1), lot_id: 77 }],
      [1, 1002, g.unpacked],
    ]);
    expect(plan.moveCommands).toEqual([[1, 102, g.move(0)]]);
  });

  it('several reserved lines of one move fill in order; the last takes the rest', () => {
    const p = payload({ lines: [{ moveId: 100, quantity: 2, ordered: 2 }], shipTo: undefined });
    const lines = [line(d, 1000, 100, 5, 1), line(d, 1003, 100, 5, 1)];
    const s = snapshot(d, { lines, picking: { move_ids: [100] } });
    expect(onlyPlan(planDispatch(d, UID, [p], s)).lineCommands).toEqual([
      [1, 1000, g.line(1)],
      [1, 1003, g.line(1)],
    ]);
  });

  it('a picking nobody holds in Odoo (opened offline) is claimed by the write; Odoo’s own tracking ref is kept before ours', () => {
    const plan = onlyPlan(planDispatch(d, UID, [payload()], snapshot(d, { claims: [], lots: [lot(77, 'L-B', 6)], picking: { carrier_tracking_ref: 'OLD-1' } })));
    expect(plan).toMatchObject({ claimNow: true, trackingRef: 'OLD-1,PB0000100001' });
    expect(pickingWrite(plan, 55, UID)).toMatchObject({ carrier_tracking_ref: 'OLD-1,PB0000100001', user_id: UID });
  });

  it('done already with our tracking ref (an earlier attempt): nothing to write, only the finish', () => {
    const plan = onlyPlan(planDispatch(d, UID, [payload()], snapshot(d, { picking: { state: 'done', carrier_tracking_ref: 'PB0000100001' } })));
    expect(plan).toMatchObject({ finishOnly: true, lineCommands: [], moveCommands: [], trackingRef: 'PB0000100001' });
  });

  describe('conflicts: nothing written, an odoo_conflict for the shift lead', () => {
    const conflictOf = (s: Snapshot, p = payload()) => onlyResult(planDispatch(d, UID, [p], s));

    it('cancelled', () => {
      expect(conflictOf(snapshot(d, { picking: { state: 'cancel' } }))).toEqual({
        status: 'permanent',
        exceptionKind: 'odoo_conflict',
        error: 'Delivery WH/OUT/00010 was cancelled in Odoo',
        title: 'WH/OUT/00010 was cancelled in Odoo. It was not changed in Odoo; the shift lead decides what happens to the parcel.',
        context: { pickingId: 10, pickingName: 'WH/OUT/00010', change: 'cancelled', cached: 'assigned', current: 'cancel', writeDate: '2025-06-01 08:00:00' },
      });
    });

    it('done elsewhere (another tracking ref)', () => {
      expect(conflictOf(snapshot(d, { picking: { state: 'done', carrier_tracking_ref: 'DHL-9' } }))).toMatchObject({
        error: 'Delivery WH/OUT/00010 was already shipped in Odoo with tracking DHL-9',
        context: { change: 'done_elsewhere', cached: 'PB0000100001', current: 'DHL-9' },
      });
    });

    it('claimed by another bench', () => {
      const holder: ClaimHolder = { uid: 9, userName: 'Marek', bench: 'Bench 2', since: Date.UTC(2025, 5, 1, 9) };
      expect(conflictOf(snapshot(d, { claims: [[10, holder]] }))).toMatchObject({
        exceptionKind: 'odoo_conflict',
        error: expect.stringMatching(/^Delivery WH\/OUT\/00010 was claimed by another bench: is being packed at Bench 2 by Marek since \d\d:\d\d$/),
        context: { change: 'claimed_elsewhere', current: { bench: 'Bench 2', user: 'Marek', since: '2025-06-01T09:00:00.000Z' } },
      });
    });

    it('re-addressed (the address, not write_date)', () => {
      const s = snapshot(d);
      s.partners.set(7, { ...address, city: 'Berlin', zip: '10115' });
      expect(conflictOf(s)).toMatchObject({
        error: 'Delivery WH/OUT/00010 was re-addressed in Odoo (postcode, city changed)',
        context: { change: 'readdressed', current: { city: 'Berlin', postalCode: '10115' } },
      });
    });

    it('quantities changed', () => {
      const s = snapshot(d);
      s.moves.set(100, { ...move(100, 5, 2), product_uom_qty: 4 });
      expect(conflictOf(s)).toMatchObject({
        error: 'Delivery WH/OUT/00010 has different quantities in Odoo than when it was packed',
        context: { change: 'quantities', cached: { 100: 2, 101: 3, 102: 1 }, current: { 100: 4, 101: 3, 102: 1 } },
      });
    });

    it('deleted', () => {
      const s = snapshot(d);
      s.pickings.clear();
      expect(conflictOf(s)).toMatchObject({ error: 'Picking 10 (WH/OUT/00010) no longer exists in Odoo', context: { change: 'deleted' } });
    });
  });

  describe('refusals: nothing written, the reason for the shift lead', () => {
    it('a scanned lot Odoo does not have where the type ships only existing lots', () => {
      expect(onlyResult(planDispatch(d, UID, [payload()], snapshot(d)))).toEqual({
        status: 'permanent',
        error: 'Delivery WH/OUT/00010 ships only lots Odoo has; not in Odoo: L-B (Product 6)',
        title:
          'WH/OUT/00010 can only ship lots and serial numbers Odoo has, and these are not in Odoo: L-B (Product 6). The shift lead creates them in Odoo (or corrects the order), then retries.',
      });
    });

    it('another company’s lot of that name is not used', () => {
      expect(onlyResult(planDispatch(d, UID, [payload()], snapshot(d, { lots: [lot(78, 'L-B', 6, 2)] })))).toMatchObject({ status: 'permanent' });
    });

    it('a tracked line with no lot scanned and none reserved', () => {
      const p = payload({ lines: [{ moveId: 101, quantity: 3, ordered: 3 }], shipTo: undefined });
      const s = snapshot(d, { lines: [line(d, 1001, 101, 6, 3)], picking: { move_ids: [101] } });
      expect(onlyResult(planDispatch(d, UID, [p], s))).toMatchObject({
        status: 'permanent',
        error: 'Delivery WH/OUT/00010 needs a lot/serial number for Product 6 and the bench recorded none',
      });
    });
  });

  describe('several parcels: one package each, the move lines dealt out to them', () => {
    // Parcel 1: one unit of move 100 and move 102's unit; parcel 2: the other unit of move 100 and
    // the three lot-tracked units of move 101.
    const parcels: NonNullable<DispatchPayload['parcels']> = [
      { trackingRef: 'PB0000100001', weightG: 700, packageTypeId: 3, lines: [{ moveId: 100, quantity: 1 }, { moveId: 102, quantity: 1 }] },
      { trackingRef: 'PB0000100002', weightG: 550, lines: [{ moveId: 100, quantity: 1 }, { moveId: 101, quantity: 3, lots: [{ name: 'L-B', quantity: 3 }] }] },
    ];
    const newLine = (moveId: number, productId: number) => ({ move_id: moveId, product_id: productId, location_id: 8, location_dest_id: 5, product_uom_id: 1 });

    it('a move in two parcels is split across two lines; a move with no line gets one in its parcel; the refs are joined by ","', () => {
      const plan = onlyPlan(planDispatch(d, UID, [payload({ parcels })], snapshot(d, { lots: [lot(77, 'L-B', 6)] })));
      expect(plan.parcels).toEqual([
        { trackingRef: 'PB0000100001', weightG: 700, packageTypeId: 3 },
        { trackingRef: 'PB0000100002', weightG: 550, packageTypeId: undefined },
      ]);
      expect(plan.trackingRef).toBe('PB0000100001,PB0000100002');
      expect(pickingWrite(plan, [55, 56], UID)).toEqual({
        carrier_tracking_ref: 'PB0000100001,PB0000100002',
        shipping_weight: 1.25,
        move_line_ids: [
          [1, 1000, { ...g.line(1), result_package_id: 55 }],
          [0, 0, { ...newLine(100, 5), ...g.line(1), result_package_id: 56 }],
          [1, 1001, { ...g.line(3), lot_id: 77, result_package_id: 56 }],
          [0, 0, { ...newLine(102, 8), ...g.line(1), result_package_id: 55 }],
        ],
      });
    });

    it('a reserved lot line split across parcels keeps its lot on both parts', () => {
      const split: NonNullable<DispatchPayload['parcels']> = [
        { trackingRef: 'PB1', weightG: 600, lines: [{ moveId: 100, quantity: 2 }, { moveId: 101, quantity: 1 }] },
        { trackingRef: 'PB2', weightG: 650, lines: [{ moveId: 101, quantity: 2 }, { moveId: 102, quantity: 1 }] },
      ];
      const p = payload({ parcels: split, lines: [{ moveId: 100, quantity: 2 }, { moveId: 101, quantity: 3 }, { moveId: 102, quantity: 1 }] });
      const plan = onlyPlan(planDispatch(d, UID, [p], snapshot(d)));
      expect(pickingWrite(plan, [55, 56], UID).move_line_ids).toEqual([
        [1, 1000, { ...g.line(2), result_package_id: 55 }],
        [1, 1001, { ...g.line(1), result_package_id: 55 }],
        [0, 0, { ...newLine(101, 6), lot_id: 40, ...g.line(2), result_package_id: 56 }],
        [0, 0, { ...newLine(102, 8), ...g.line(1), result_package_id: 56 }],
      ]);
    });

    it('a row without parcels (queued by an older build) is one parcel with every line', () => {
      const plan = onlyPlan(planDispatch(d, UID, [payload({ packageTypeId: 3 })], snapshot(d, { lots: [lot(77, 'L-B', 6)] })));
      expect(plan.parcels).toEqual([{ trackingRef: 'PB0000100001', weightG: 1250, packageTypeId: 3 }]);
      expect(plan.linePackages).toEqual([0, 0]);
    });
  });

  it('a second row for the same picking in one batch waits for the first', () => {
    const decisions = planDispatch(d, UID, [payload(), payload({ trackingRef: 'PB0000100002' })], snapshot(d, { lots: [lot(77, 'L-B', 6)] }));
    expect('plan' in decisions[0]!).toBe(true);
    expect(decisions[1]).toEqual({ result: { status: 'retry', error: 'another update of this delivery goes first' } });
  });

  describe("Odoo's carrier connector makes the label (carriers/odoo)", () => {
    it('the writes before its validation set no tracking ref (the connector ships only a picking without one)', () => {
      const plan = onlyPlan(planDispatch(d, UID, [payload({ trackingRef: 'PBPKG-1' })], snapshot(d, { lots: [lot(77, 'L-B', 6)] }), 'connector'));
      expect(plan).toMatchObject({ finishOnly: false, trackingRef: null, parcels: [{ trackingRef: 'PBPKG-1', weightG: 1250 }] });
      const write = pickingWrite(plan, 55, UID);
      expect(write).not.toHaveProperty('carrier_tracking_ref');
      expect(write).toMatchObject({ shipping_weight: 1.25, move_line_ids: [[1, 1000, { ...g.line(2), result_package_id: 55 }], expect.anything()] });
    });

    it('a picking found done was validated by an earlier attempt: nothing is written, the labels are read', () => {
      const plan = onlyPlan(planDispatch(d, UID, [payload({ trackingRef: 'PBPKG-1' })], snapshot(d, { picking: { state: 'done', carrier_tracking_ref: 'GL1,GL2' } }), 'connector'));
      expect(plan).toMatchObject({ finishOnly: true, trackingRef: 'GL1,GL2' });
    });

    it('the dispatch after its label finishes a picking done with its refs, and never validates one that is not', () => {
      const labelled = payload({ trackingRef: 'GL1', labelledBy: 'odoo_connector' });
      expect(onlyPlan(planDispatch(d, UID, [labelled], snapshot(d, { picking: { state: 'done', carrier_tracking_ref: 'GL1' } })))).toMatchObject({ finishOnly: true });
      const result = onlyResult(planDispatch(d, UID, [labelled], snapshot(d, { lots: [lot(77, 'L-B', 6)] })));
      expect(result).toMatchObject({ status: 'permanent', title: expect.stringMatching(/was not validated again/) });
    });
  });
});

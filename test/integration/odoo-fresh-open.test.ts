// Opening an order from a fresh local copy (issue 14): a ready order the prefetch caught up with
// recently opens without reading it from Odoo again; only the claim asks Odoo (one read of its
// notes, then user_id and the note). A stale copy, or a picking the prefetch saw leave the ready
// set, is read from Odoo as before; another bench's claim is still refused at the scan.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../electron/core/clock';
import { localCarrier } from '../../electron/core/carriers/local/index';
import { CarrierRegistry } from '../../electron/core/carriers/registry';
import type { PrintJournal } from '../../electron/core/devices/printer/print-journal';
import { claimPicking, ownUid } from '../../electron/core/odoo/claims';
import { connectOdoo } from '../../electron/core/odoo/connect';
import { createOdooOrderSource } from '../../electron/core/odoo/order-source';
import { scopedOdooTransport } from '../../electron/core/odoo/pickings';
import { Prefetcher } from '../../electron/core/odoo/prefetch';
import type { OdooTransport } from '../../electron/core/odoo/transport';
import { PackSession } from '../../electron/core/pack/pack-session';
import { openDatabase, type Db } from '../../electron/core/store/db';
import { ExceptionQueue } from '../../electron/core/store/exceptions';
import { OrderCache } from '../../electron/core/store/order-cache';
import { startSandboxOdoo, type Rec, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { tempDir } from '../support/temp-dir';
import { readyUntracked } from '../support/dispatch-rig';
import { createTranslator } from '../../electron/core/i18n/translator';

const KEY = 'fresh-open-key-0123456789';
const BENCH2_KEY = 'fresh-open-bench2-key-0123456789';
const packer = { id: 1, name: 'Pia', role: 'packer' as const };

let odoo: SandboxOdoo;
let transport: OdooTransport;
let dir: ReturnType<typeof tempDir>;
let db: Db;
let prefetcher: Prefetcher;
/** How old the bench's local copy is, as the prefetcher would say. */
let age: number | null;

function session(): PackSession {
  const clock = new ManualClock(Date.now());
  return new PackSession({
    db,
    clock,
    exceptions: new ExceptionQueue(db, clock, createTranslator('en').t),
    orders: createOdooOrderSource(transport, { localCopyAge: () => age }),
    scale: () => null,
    printerUri: () => null,
    carriers: new CarrierRegistry([localCarrier()]),
    journal: {} as PrintJournal,
    kickSync: () => {},
    changed: () => {},
    packing: () => ({ verifyItems: true, tolerancePct: 10, toleranceMinG: 50, boxTareG: 150 }),
    benchName: () => 'Bench 1',
    t: createTranslator('en').t,
  });
}

const untracked = (): Rec[] => readyUntracked(odoo);
const calls = () => odoo.rpcLog.filter((e) => e.method !== 'authenticate' && e.method !== 'version').map((e) => `${e.model}.${e.method}`);
const notesOf = (pickingId: number) => odoo.state.all('mail.message').filter((m) => m.model === 'stock.picking' && m.res_id === pickingId);

beforeEach(async () => {
  odoo = await startSandboxOdoo({ apiKey: KEY, seed: 20, users: [{ login: 'bench2', apiKey: BENCH2_KEY, access: 'write' }] });
  transport = (await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: KEY })).transport;
  dir = tempDir();
  db = openDatabase(dir.file('station.db'));
  const scope = { companyId: null, warehouseId: null, pickingTypeIds: [] };
  prefetcher = new Prefetcher({
    transport: scopedOdooTransport(transport, () => scope),
    binding: { url: odoo.url, db: odoo.db },
    cache: new OrderCache(db, systemClock),
    clock: systemClock,
    scope: () => scope,
  });
  await prefetcher.runOnce();
  age = prefetcher.age();
  // The bench knows its own Odoo user before the first scan (the first claim asks once).
  await ownUid(transport);
});

afterEach(async () => {
  db.close();
  dir.remove();
  await odoo.close();
});

describe('opening an order from a fresh local copy', () => {
  it('reads nothing of the order from Odoo: the claim alone asks, in one read and two writes', async () => {
    const [picking] = untracked();
    odoo.rpcLog.length = 0;
    const opened = await session().scanCode(String(picking!.name), packer);
    expect(opened).toMatchObject({ kind: 'order', tone: 'success' });
    expect(calls().sort()).toEqual(['mail.message.search_read', 'stock.picking.message_post', 'stock.picking.write']);
    // Claimed in Odoo all the same.
    expect(odoo.state.get('stock.picking', picking!.id)!.user_id).toBe(odoo.users[0]!.uid);
    expect(String(notesOf(picking!.id)[0]!.body)).toMatch(/^Packing at Bench 1 \(Pia\) since \d\d:\d\d/);
  });

  it('an order opened here before (put aside, or repacked after a conflict) is read from Odoo again', async () => {
    const [picking] = untracked();
    const bench = session();
    expect(await bench.scanCode(String(picking!.name), packer)).toMatchObject({ tone: 'success' });
    await bench.command('CANCEL', packer);
    // Someone changes the customer's street in Odoo: the picking's write_date stays, the prefetch cannot tell.
    odoo.state.update('res.partner', picking!.partner_id as number, { street: 'Corso Como 2' });
    odoo.rpcLog.length = 0;
    const again = await bench.scanCode(String(picking!.name), packer);
    expect(again).toMatchObject({ tone: 'success' });
    expect(calls()).toContain('stock.picking.search_read');
    // The order as opened (and kept in the local copy) has the new street.
    expect(new OrderCache(db, systemClock).findByName(String(picking!.name), { url: odoo.url, db: odoo.db })!.order.shipTo.street1).toBe('Corso Como 2');
  });

  it('a copy older than the prefetch interval is read from Odoo again', async () => {
    const [picking] = untracked();
    age = 10 * 60_000;
    odoo.rpcLog.length = 0;
    expect(await session().scanCode(String(picking!.name), packer)).toMatchObject({ tone: 'success' });
    expect(calls()).toContain('stock.picking.search_read');
    expect(calls()).toContain('stock.move.read');
  });

  it('a delivery the prefetch saw cancelled is asked of Odoo, and the packer is told', async () => {
    const [picking] = untracked();
    odoo.state.update('stock.picking', picking!.id, { state: 'cancel' });
    await prefetcher.runOnce();
    age = prefetcher.age();
    const refused = await session().scanCode(String(picking!.name), packer);
    expect(refused.tone).toBe('error');
    expect(refused.text).toBe(`${String(picking!.name)} was cancelled in Odoo. Do not ship it; tell the shift lead.`);
    expect(notesOf(picking!.id)).toHaveLength(0);
  });

  it("another bench's claim is still refused at the scan", async () => {
    const [picking] = untracked();
    const bench2 = (await connectOdoo({ url: odoo.url, db: odoo.db, login: 'bench2', apiKey: BENCH2_KEY })).transport;
    expect((await claimPicking(bench2, { id: picking!.id, name: String(picking!.name) }, { name: 'Bench 2', packer: 'Marek' }, Date.now())).ok).toBe(true);
    const bench = session();
    const refused = await bench.scanCode(String(picking!.name), packer);
    expect(refused.tone).toBe('error');
    expect(refused.text).toMatch(new RegExp(`^${String(picking!.name)} is being packed at Bench 2 by bench2 since \\d\\d:\\d\\d`));
    expect(bench.step()).toBe('idle');
  });

  it('Odoo unreachable: the fresh copy opens with the offline note, on a local claim', async () => {
    const [picking] = untracked();
    odoo.setOffline(true);
    const opened = await session().scanCode(String(picking!.name), packer);
    expect(opened.tone).toBe('warning');
    expect(opened.text).toMatch(new RegExp(`^Odoo is offline: using the local copy\\. ${String(picking!.name)} for `));
  });
});

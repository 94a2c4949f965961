// Claims against the sandbox Odoo 16–19: two benches, one order — the second is refused with who
// and since when; a claim made offline that lost to another bench is caught before dispatch and
// becomes an odoo_conflict exception instead of a write; benches sharing one Odoo user are told
// apart by the bench name.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock';
import type { PrintJournal } from '../../electron/core/devices/printer/print-journal';
import { claimPicking, readClaims } from '../../electron/core/odoo/claims';
import { connectOdoo } from '../../electron/core/odoo/connect';
import { createOdooOrderSource } from '../../electron/core/odoo/order-source';
import type { OdooTransport } from '../../electron/core/odoo/transport';
import { localCarrier } from '../../electron/core/carriers/local/index';
import { CarrierRegistry } from '../../electron/core/carriers/registry';
import { PackSession } from '../../electron/core/pack/pack-session';
import { openDatabase } from '../../electron/core/store/db';
import { ExceptionQueue } from '../../electron/core/store/exceptions';
import { startSandboxOdoo, type Rec, type SandboxOdoo, type SandboxVersion } from '../../electron/sandbox/odoo/server';
import { dispatchRig } from '../support/dispatch-rig';
import { tempDir } from '../support/temp-dir';
import { readyUntracked } from '../support/dispatch-rig';
import { createTranslator, sayIn } from '../../electron/core/i18n/translator';

const ADMIN_KEY = 'claims-admin-key-0123456789';
const BENCH2_KEY = 'claims-bench2-key-0123456789';

let odoo: SandboxOdoo;
let bench1: OdooTransport;
let bench2: OdooTransport;

const ready = (): Rec[] => readyUntracked(odoo);
const notesOf = (pickingId: number) => odoo.state.all('mail.message').filter((m) => m.model === 'stock.picking' && m.res_id === pickingId);

describe.each([16, 17, 18, 19] as SandboxVersion[])('claims against Odoo %i', (version) => {
  beforeEach(async () => {
    odoo = await startSandboxOdoo({ version, apiKey: ADMIN_KEY, seed: 12, users: [{ login: 'bench2', apiKey: BENCH2_KEY, access: 'write' }] });
    bench1 = (await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: ADMIN_KEY })).transport;
    bench2 = (await connectOdoo({ url: odoo.url, db: odoo.db, login: 'bench2', apiKey: BENCH2_KEY })).transport;
    expect(bench1.protocol).toBe(version >= 19 ? 'json-2' : 'json-rpc');
  });
  afterEach(async () => {
    await odoo.close();
  });

  it('two benches, one order: the second is refused with who and since when', async () => {
    const [picking] = ready();
    const name = String(picking!.name);
    const source1 = createOdooOrderSource(bench1);
    const source2 = createOdooOrderSource(bench2);
    const order = (await source1.findByName(name))!;

    expect(await source1.claim!(order, { name: 'Bench 1', packer: 'Pia' })).toEqual({ ok: true });
    const claimed = odoo.state.get('stock.picking', picking!.id)!;
    expect(claimed.user_id).toBe(odoo.users[0]!.uid);
    expect(notesOf(picking!.id)).toHaveLength(1);
    expect(String(notesOf(picking!.id)[0]!.body)).toMatch(/^Packing at Bench 1 \(Pia\) since \d\d:\d\d/);

    const refused = await source2.claim!(order, { name: 'Bench 2', packer: 'Marek' });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && sayIn(createTranslator('en').t, refused.message)).toMatch(new RegExp(`^${name} is being packed at Bench 1 by Mitchell Admin since \\d\\d:\\d\\d\\.`));
    // The refused bench wrote nothing.
    expect(odoo.state.get('stock.picking', picking!.id)!.user_id).toBe(odoo.users[0]!.uid);
    expect(notesOf(picking!.id)).toHaveLength(1);

    // Two benches sharing one Odoo user are told apart by the bench name.
    expect((await source1.claim!(order, { name: 'Bench 3', packer: 'Ola' })).ok).toBe(false);
    // The claiming bench reopening the order (after a restart) is not refused and posts nothing new.
    expect(await source1.claim!(order, { name: 'Bench 1', packer: 'Pia' })).toEqual({ ok: true });
    expect(notesOf(picking!.id)).toHaveLength(1);
  });

  it('user_id alone is no claim, and re-assigning the picking in Odoo releases one', async () => {
    const [picking] = ready().filter((p) => p.user_id !== false);
    // Odoo set the responsible user when the picking was created: nobody is packing it.
    expect((await readClaims(bench2, [picking!.id])).size).toBe(0);
    expect((await claimPicking(bench1, { id: picking!.id, name: String(picking!.name) }, { name: 'Bench 1' }, Date.now())).ok).toBe(true);
    expect((await claimPicking(bench2, { id: picking!.id, name: String(picking!.name) }, { name: 'Bench 2' }, Date.now())).ok).toBe(false);
    // The shift lead clears "Responsible" in Odoo: the claim is released.
    odoo.state.update('stock.picking', picking!.id, { user_id: false });
    expect((await claimPicking(bench2, { id: picking!.id, name: String(picking!.name) }, { name: 'Bench 2' }, Date.now())).ok).toBe(true);
  });

  it('the pack session refuses an order claimed by another bench when it is scanned', async () => {
    const dirs = [tempDir(), tempDir()];
    const dbs = dirs.map((d) => openDatabase(d.file('station.db')));
    const session = (i: number, transport: OdooTransport, bench: string) => {
      const clock = new ManualClock(Date.now());
      return new PackSession({
        db: dbs[i]!,
        clock,
        exceptions: new ExceptionQueue(dbs[i]!, clock, createTranslator('en').t),
        orders: createOdooOrderSource(transport),
        scale: () => null,
        printerUri: () => null,
        carriers: new CarrierRegistry([localCarrier()]),
        // Not reached when an order is opened.
        journal: {} as PrintJournal,
        kickSync: () => {},
        changed: () => {},
        packing: () => ({ verifyItems: true, tolerancePct: 10, toleranceMinG: 50, boxTareG: 150 }),
        benchName: () => bench,
        t: createTranslator('en').t,
      });
    };
    try {
      const [picking] = ready();
      const packer = { id: 1, name: 'Pia', role: 'packer' as const };
      const first = await session(0, bench1, 'Bench 1').scanCode(String(picking!.name), packer);
      expect(first).toMatchObject({ kind: 'order', tone: 'success' });
      // The note in Odoo names the packer as people know them, not by an internal id.
      expect(String(notesOf(picking!.id)[0]!.body)).toMatch(/^Packing at Bench 1 \(Pia\) since/);
      const second = session(1, bench2, 'Bench 2');
      const refused = await second.scanCode(String(picking!.name), packer);
      expect(refused.tone).toBe('error');
      expect(refused.text).toMatch(new RegExp(`^${String(picking!.name)} is being packed at Bench 1 by Mitchell Admin since \\d\\d:\\d\\d`));
      expect(second.step()).toBe('idle');
    } finally {
      for (const db of dbs) db.close();
      for (const d of dirs) d.remove();
    }
  });

  it('an offline claim that lost is caught before dispatch: odoo_conflict, nothing written', async () => {
    const [lost, won] = ready();
    // Bench 1 cached both orders, then packed them while Odoo was unreachable (local claims only).
    const rig = await dispatchRig(odoo, { bench: 'Bench 1' });
    try {
      const lostOrder = await rig.cache(String(lost!.name));
      const wonOrder = await rig.cache(String(won!.name));
      // Meanwhile Bench 2 claimed one of them in Odoo.
      const claim = await claimPicking(bench2, { id: lost!.id, name: String(lost!.name) }, { name: 'Bench 2', packer: 'Marek' }, Date.now());
      expect(claim.ok).toBe(true);
      const lostId = rig.queue(lostOrder);
      const wonId = rig.queue(wonOrder);
      await rig.drain();

      expect(rig.state(lostId)).toBe('dead');
      const after = odoo.state.get('stock.picking', lost!.id)!;
      expect(after.state).toBe('assigned');
      expect(after.carrier_tracking_ref).toBe(false);
      expect(after.user_id).toBe(odoo.users[1]!.uid);
      const [ex] = rig.exceptions.list('open');
      expect(ex!.kind).toBe('odoo_conflict');
      expect(ex!.title).toMatch(new RegExp(`${String(lost!.name)} was claimed by another bench: is being packed at Bench 2 by bench2 since \\d\\d:\\d\\d`));
      expect(ex!.context).toMatchObject({ change: 'claimed_elsewhere', current: { bench: 'Bench 2', user: 'bench2' } });

      // The offline claim nobody contested goes through, and the claim is recorded in Odoo.
      expect(rig.state(wonId)).toBe('done');
      expect(odoo.state.get('stock.picking', won!.id)!.user_id).toBe(odoo.users[0]!.uid);
    } finally {
      rig.close();
    }
  });

  it('two benches sharing one Odoo user: the bench name tells them apart at dispatch too', async () => {
    const [picking] = ready();
    const ref = { id: picking!.id, name: String(picking!.name) };
    // Bench 2 logs in with the same key as Bench 1 and claimed the delivery first.
    expect((await claimPicking(bench1, ref, { name: 'Bench 2', packer: 'Marek' }, Date.now())).ok).toBe(true);
    const one = await dispatchRig(odoo, { bench: 'Bench 1' });
    const two = await dispatchRig(odoo, { bench: 'Bench 2' });
    try {
      const ours = one.queue(await one.cache(ref.name), { trackingRef: 'BENCH1-1' });
      await one.drain();
      expect(one.state(ours)).toBe('dead');
      const [ex] = one.exceptions.list('open');
      expect(ex).toMatchObject({ kind: 'odoo_conflict', context: { change: 'claimed_elsewhere', current: { bench: 'Bench 2', user: 'Mitchell Admin' } } });
      expect(odoo.state.get('stock.picking', ref.id)).toMatchObject({ state: 'assigned', carrier_tracking_ref: false });

      // The bench that holds the claim ships it.
      const theirs = two.queue(await two.cache(ref.name), { trackingRef: 'BENCH2-1' });
      await two.drain();
      expect(two.state(theirs)).toBe('done');
      expect(odoo.state.get('stock.picking', ref.id)).toMatchObject({ state: 'done', carrier_tracking_ref: 'BENCH2-1' });
    } finally {
      one.close();
      two.close();
    }
  });
});

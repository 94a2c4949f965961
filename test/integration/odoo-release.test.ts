// Putting an order aside releases the bench's claim in Odoo, through the outbox, against the
// sandbox Odoo 16–19: another bench may then claim it; a release never removes another bench's
// newer claim (even one sharing the Odoo user, even one made while the release was on its way);
// offline the release waits in the outbox; an order opened again at the bench stays claimed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Person, ScanReply } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { ManualClock } from '../../electron/core/clock';
import type { PrintJournal } from '../../electron/core/devices/printer/print-journal';
import { claimPicking, readClaims } from '../../electron/core/odoo/claims';
import { connectOdoo } from '../../electron/core/odoo/connect';
import { createOdooOrderSource } from '../../electron/core/odoo/order-source';
import { createOdooReleaseTarget } from '../../electron/core/odoo/release-target';
import type { OdooParams, OdooTransport } from '../../electron/core/odoo/transport';
import { localCarrier } from '../../electron/core/carriers/local/index';
import { CarrierRegistry } from '../../electron/core/carriers/registry';
import { PackSession } from '../../electron/core/pack/pack-session';
import { ODOO_RELEASE, ReleasePayload } from '../../electron/core/pack/effects';
import { createStation } from '../../electron/core/station';
import { openDatabase, type Db } from '../../electron/core/store/db';
import { PackSessions } from '../../electron/core/store/pack-sessions';
import { ExceptionQueue } from '../../electron/core/store/exceptions';
import { getOutboxRow, type OutboxRecord } from '../../electron/core/sync/outbox';
import { SyncWorker } from '../../electron/core/sync/worker';
import { startSandboxOdoo, type Rec, type SandboxOdoo, type SandboxVersion } from '../../electron/sandbox/odoo/server';
import { tempDir } from '../support/temp-dir';
import { waitForEvent } from '../support/wait';
import { stationDb } from '../support/station-db';
import { readyUntracked } from '../support/dispatch-rig';
import { createTranslator } from '../../electron/core/i18n/translator';

const ADMIN_KEY = 'release-admin-key-0123456789';
const BENCH2_KEY = 'release-bench2-key-0123456789';
const PIA: Person = { id: 1, name: 'Pia', role: 'packer' };
const MAREK: Person = { id: 2, name: 'Marek', role: 'packer' };
const RELEASE_NOTE = /^Put aside at Bench 1 \(Pia\) at \d\d:\d\d, free to pack at another bench \(Packbench claim released by user (\d+) at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)$/;

let odoo: SandboxOdoo;
let admin: OdooTransport;
let bench2: OdooTransport;
const cleanup: (() => void)[] = [];

const ready = (): Rec[] => readyUntracked(odoo);
const notesOf = (pickingId: number) =>
  odoo.state
    .all('mail.message')
    .filter((m) => m.model === 'stock.picking' && m.res_id === pickingId)
    .sort((a, b) => a.id - b.id)
    .map((m) => String(m.body));
const userOf = (pickingId: number) => odoo.state.get('stock.picking', pickingId)!.user_id;

interface Bench {
  db: Db;
  clock: ManualClock;
  session: PackSession;
  worker: SyncWorker;
  /** The bench's outbox rows that release claims. */
  releases(): (OutboxRecord & { payload: ReleasePayload })[];
  /** Run the worker until nothing is due. */
  drain(): Promise<void>;
}

/** A bench: its own database, pack session and outbox worker with the release target, on one Odoo user. */
function bench(transport: OdooTransport, name: string): Bench {
  const dir = tempDir();
  const db = openDatabase(dir.file('station.db'));
  const clock = new ManualClock(Date.now());
  const exceptions = new ExceptionQueue(db, clock, createTranslator('en').t);
  const worker = new SyncWorker({ t: createTranslator('en').t, db, clock, exceptions, baseDelayMs: 1000, random: () => 0.5, onError: () => {} });
  const release = createOdooReleaseTarget(transport, { reopened: (p) => new PackSessions(db, clock).reopenedSince(p.sessionId) });
  worker.register(release.kind, release.target);
  const session = new PackSession({
    db,
    clock,
    exceptions,
    orders: createOdooOrderSource(transport),
    scale: () => null,
    printerUri: () => null,
    carriers: new CarrierRegistry([localCarrier()]),
    // Not reached when an order is opened or put aside.
    journal: {} as PrintJournal,
    kickSync: () => {},
    changed: () => {},
    packing: () => ({ verifyItems: true, tolerancePct: 10, toleranceMinG: 50, boxTareG: 150 }),
    benchName: () => name,
    t: createTranslator('en').t,
  });
  cleanup.push(() => {
    db.close();
    dir.remove();
  });
  return {
    db,
    clock,
    session,
    worker,
    releases: () =>
      (db.prepare('SELECT id FROM outbox WHERE kind = ? ORDER BY id').pluck().all(ODOO_RELEASE) as number[]).map((id) => {
        const row = getOutboxRow(db, id)!;
        return { ...row, payload: ReleasePayload.parse(row.payload) };
      }),
    async drain() {
      for (let i = 0; i < 100; i++) {
        const run = await worker.runOnce();
        if (run.applied + run.retried + run.dead === 0) return;
        clock.advance(60_000);
      }
    },
  };
}

afterEach(async () => {
  for (const fn of cleanup.splice(0)) fn();
  await odoo.close();
});

describe.each([16, 17, 18, 19] as SandboxVersion[])('releasing a claim in Odoo %i', (version) => {
  beforeEach(async () => {
    odoo = await startSandboxOdoo({ version, apiKey: ADMIN_KEY, seed: 12, users: [{ login: 'bench2', apiKey: BENCH2_KEY, access: 'write' }] });
    admin = (await connectOdoo({ url: odoo.url, db: odoo.db, login: odoo.login, apiKey: ADMIN_KEY })).transport;
    bench2 = (await connectOdoo({ url: odoo.url, db: odoo.db, login: 'bench2', apiKey: BENCH2_KEY })).transport;
  });

  it('bench A claims and puts it aside: the release drains from the outbox and bench B can claim it', async () => {
    const [picking] = ready();
    const name = String(picking!.name);
    const a = bench(admin, 'Bench 1');
    const b = bench(bench2, 'Bench 2');

    expect(await a.session.scanCode(name, PIA)).toMatchObject({ kind: 'order', tone: 'success' });
    expect(await a.session.command('CANCEL', PIA)).toMatchObject({ tone: 'info', text: 'Order put aside. Scan the next order.' });
    expect(a.session.step()).toBe('idle');

    // Committed with the cancel: one row, bound to this Odoo; nothing is released before it drains.
    const [row] = a.releases();
    expect(a.releases()).toHaveLength(1);
    expect(row).toMatchObject({
      target: 'odoo',
      state: 'pending',
      binding: `${odoo.url}|${odoo.db}`,
      orderKey: `odoo:${odoo.db}:picking:${picking!.id}`,
      payload: { pickingId: picking!.id, pickingName: name, bench: 'Bench 1', packer: 'Pia' },
    });
    expect((await b.session.scanCode(name, MAREK)).tone).toBe('error');

    await a.drain();
    expect(getOutboxRow(a.db, row!.id)).toMatchObject({ state: 'done', result: { released: true } });
    const notes = notesOf(picking!.id);
    expect(notes).toHaveLength(2);
    expect(notes[1]).toMatch(RELEASE_NOTE);
    expect(Number(RELEASE_NOTE.exec(notes[1]!)![1])).toBe(odoo.users[0]!.uid);
    expect(userOf(picking!.id)).toBe(false);
    expect((await readClaims(bench2, [picking!.id])).size).toBe(0);

    // Bench B may pack it now, and holds it.
    expect(await b.session.scanCode(name, MAREK)).toMatchObject({ kind: 'order', tone: 'success' });
    expect(userOf(picking!.id)).toBe(odoo.users[1]!.uid);
    expect((await readClaims(admin, [picking!.id])).get(picking!.id)).toMatchObject({ bench: 'Bench 2', uid: odoo.users[1]!.uid });
    // A's release, looked up again (say after a crash), is not taken for done over B's claim.
    expect(await (createOdooReleaseTarget(admin).target.lookup({ ...getOutboxRow(a.db, row!.id)!, payload: row!.payload }))).toEqual({ applied: false });
  });

  it("a release does not remove bench B's newer claim", async () => {
    const [picking] = ready();
    const name = String(picking!.name);
    const a = bench(admin, 'Bench 1');
    const b = bench(bench2, 'Bench 2');
    await a.session.scanCode(name, PIA);
    await a.session.command('CANCEL', PIA);
    // Before A's release reached Odoo, the shift lead cleared Responsible and bench B claimed it.
    odoo.state.update('stock.picking', picking!.id, { user_id: false });
    expect(await b.session.scanCode(name, MAREK)).toMatchObject({ kind: 'order', tone: 'success' });
    const before = notesOf(picking!.id);

    await a.drain();
    expect(a.releases()[0]).toMatchObject({ state: 'done', result: { released: false, reason: 'not_held' } });
    expect(notesOf(picking!.id)).toEqual(before);
    expect(userOf(picking!.id)).toBe(odoo.users[1]!.uid);
    expect((await readClaims(admin, [picking!.id])).get(picking!.id)).toMatchObject({ bench: 'Bench 2' });
  });

  it('a claim by another bench on the same Odoo user made while the release was on its way stays in force', async () => {
    const [picking] = ready();
    const ref = { id: picking!.id, name: String(picking!.name) };
    const a = bench(admin, 'Bench 1');
    await a.session.scanCode(ref.name, PIA);
    await a.session.command('CANCEL', PIA);
    // Bench 3 shares Bench 1's Odoo user. Between the release's read and its note, the lead clears
    // Responsible and Bench 3 claims the delivery: the note lands after Bench 3's claim.
    let raced = false;
    const racing = {
      url: admin.url,
      db: admin.db,
      async call(model: string, method: string, params?: OdooParams) {
        if (method === 'message_post' && !raced) {
          raced = true;
          odoo.state.update('stock.picking', ref.id, { user_id: false });
          expect((await claimPicking(admin, ref, { name: 'Bench 3', packer: 'Ola' }, Date.now())).ok).toBe(true);
        }
        return admin.call(model, method, params);
      },
    };
    const release = createOdooReleaseTarget(racing, { reopened: (p) => new PackSessions(a.db, a.clock).reopenedSince(p.sessionId) });
    const [row] = a.releases();
    expect(await release.target.apply([row!])).toEqual([{ status: 'done', result: { released: true } }]);

    expect(raced).toBe(true);
    const notes = notesOf(ref.id);
    expect(notes).toHaveLength(3);
    expect(notes[1]).toMatch(/^Packing at Bench 3 \(Ola\) since/);
    expect(notes[2]).toMatch(RELEASE_NOTE);
    // Bench 3 still holds it: Responsible kept, and Bench 1 is refused.
    expect(userOf(ref.id)).toBe(odoo.users[0]!.uid);
    expect((await readClaims(admin, [ref.id])).get(ref.id)).toMatchObject({ bench: 'Bench 3' });
    expect((await claimPicking(admin, ref, { name: 'Bench 1', packer: 'Pia' }, Date.now())).ok).toBe(false);
  });

  it('offline: the release waits in the outbox and goes when Odoo answers again', async () => {
    const [picking] = ready();
    const name = String(picking!.name);
    const a = bench(admin, 'Bench 1');
    await a.session.scanCode(name, PIA);
    odoo.setChaos({ outages: [{ fromMs: 0, toMs: 24 * 3_600_000 }] });
    expect(await a.session.command('CANCEL', PIA)).toMatchObject({ tone: 'info' });
    expect(a.session.step()).toBe('idle');

    expect(await a.worker.runOnce()).toMatchObject({ applied: 0, retried: 1, dead: 0 });
    expect(a.releases()[0]).toMatchObject({ state: 'pending', attempts: 1 });
    expect(notesOf(picking!.id)).toHaveLength(1);
    expect(userOf(picking!.id)).toBe(odoo.users[0]!.uid);

    odoo.setChaos({});
    a.clock.advance(60_000);
    await a.drain();
    expect(a.releases()[0]).toMatchObject({ state: 'done', result: { released: true } });
    expect(notesOf(picking!.id).at(-1)).toMatch(RELEASE_NOTE);
    expect(userOf(picking!.id)).toBe(false);
  });

  it('opened again at the same bench before the release went: the bench keeps its claim', async () => {
    const [picking] = ready();
    const name = String(picking!.name);
    const a = bench(admin, 'Bench 1');
    await a.session.scanCode(name, PIA);
    await a.session.command('CANCEL', PIA);
    expect(await a.session.scanCode(name, PIA)).toMatchObject({ kind: 'order', tone: 'success' });

    await a.drain();
    expect(a.releases()[0]).toMatchObject({ state: 'done', result: { released: false, reason: 'reopened' } });
    expect(notesOf(picking!.id)).toHaveLength(1);
    expect(userOf(picking!.id)).toBe(odoo.users[0]!.uid);
    expect((await readClaims(bench2, [picking!.id])).get(picking!.id)).toMatchObject({ bench: 'Bench 1' });

    // Put aside again: this time it is released.
    await a.session.command('CANCEL', PIA);
    await a.drain();
    expect(a.releases().map((r) => r.state)).toEqual(['done', 'done']);
    expect(userOf(picking!.id)).toBe(false);
    expect((await readClaims(bench2, [picking!.id])).size).toBe(0);
  });
});

describe('the station', () => {
  beforeEach(async () => {
    odoo = await startSandboxOdoo({ apiKey: ADMIN_KEY, seed: 12 });
  });

  it('releases the claim when the packer scans CANCEL', async () => {
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    const station = createStation({
      dataDir: dir.file('bench'),
      mode: 'training',
      identity: { scryptN: 1024 },
      log: () => {},
      odooApiKey: ADMIN_KEY,
      overrides: { bench: { name: 'Bench 1' }, odoo: { url: odoo.url, db: odoo.db, login: odoo.login } },
    });
    try {
      station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
      await station.start();
      const scan = async (code: string) => {
        const result = await dispatch(station.handlers, 'scan', { code });
        if (!result.ok) throw new Error(result.error.message);
        return result.value as ScanReply;
      };
      const [picking] = ready();
      await scan('P-1');
      expect((await scan(String(picking!.name))).state.step).toBe('packing');
      expect(userOf(picking!.id)).toBe(odoo.users[0]!.uid);

      expect((await scan('*PB*CANCEL')).message.text).toBe('Order put aside. Scan the next order.');
      const id = stationDb(station).prepare('SELECT id FROM outbox WHERE kind = ?').pluck().get(ODOO_RELEASE) as number;
      await waitForEvent(station.events, 'queue', () => getOutboxRow(stationDb(station), id)?.state === 'done', 15_000, 'the release row done');
      expect(notesOf(picking!.id).at(-1)).toMatch(RELEASE_NOTE);
      expect(userOf(picking!.id)).toBe(false);
    } finally {
      await station.stop();
    }
  });
});

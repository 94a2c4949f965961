// A shift lead's approval is the bench's main safeguard: it is spent on one action, a badge counts
// only when scanned, a lead's badge mid-order does not log the packer out, and badge guessing is
// locked out like PIN guessing. Through the station's handlers, on a real data folder.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallResult, ScanReply, StationState } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { ManualClock } from '../../electron/core/clock';
import { createStation, type Station } from '../../electron/core/station';
import { startSandboxRig, type SandboxRig } from '../support/sandbox-rig';
import { tempDir } from '../support/temp-dir';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';
import { stationDb } from '../support/station-db';

let station: Station;
const call = async <T>(name: string, request: unknown): Promise<CallResult<T>> =>
  (await dispatch(station.handlers, name, request)) as CallResult<T>;
const errorOf = async (name: string, request: unknown) => {
  const result = await call(name, request);
  if (result.ok) throw new Error(`${name} was accepted`);
  return result.error;
};
const audited = (action: string) =>
  (stationDb(station).prepare('SELECT count(*) AS n FROM audit_log WHERE action = ?').get(action) as { n: number }).n;
/** A fresh approval, as the screen makes one each time a lead gives it. */
const approval = (given: { pin?: string; badge?: string; via?: 'scan' | 'typed' }) => ({ ...given, nonce: randomUUID() });

describe('approvals on a bench without Odoo', () => {
  let dir: ReturnType<typeof tempDir>;
  let clock: ManualClock;
  const open = () => createStation({ dataDir: dir.path, mode: 'live', clock, identity: { scryptN: 1024 }, log: () => {} });

  beforeEach(async () => {
    dir = tempDir();
    clock = new ManualClock();
    station = open();
    station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
    station.identities.addStaff({ badge: 'L-1', name: 'Lena', role: 'lead', pin: '482913' });
    station.identities.addStaff({ badge: 'L-2', name: 'Omar', role: 'lead', pin: '111222' });
    await station.start();
  });
  afterEach(async () => {
    await station.stop();
    dir.remove();
  });

  it('uses an approval once: the same approval sent again is refused, for the same action or another', async () => {
    const first = station.exceptions.raise({ kind: 'print_failure', orderRef: 'WH/OUT/1', title: 'Label 1 did not print.' });
    const second = station.exceptions.raise({ kind: 'print_failure', orderRef: 'WH/OUT/2', title: 'Label 2 did not print.' });
    const lena = approval({ badge: 'L-1', via: 'scan' });
    expect(await call('resolveException', { id: first, resolution: 'done', approval: lena })).toMatchObject({ ok: true });
    // The packer (or anything on the web bridge) sends the lead's approval again.
    const replayed = await errorOf('resolveException', { id: second, resolution: 'done', approval: lena });
    expect(replayed).toMatchObject({ code: 'approval_used', message: 'That approval was already used — ask the shift lead again.' });
    expect(station.exceptions.list('open').map((e) => e.id)).toEqual([second]);
    expect(await errorOf('updateSettings', { patch: { bench: { name: 'Dock 9' } }, approval: lena })).toMatchObject({ code: 'approval_used' });

    const byPin = approval({ pin: '482913' });
    expect(await call('updateSettings', { patch: { bench: { name: 'Dock 3' } }, approval: byPin })).toMatchObject({ ok: true });
    expect(await errorOf('updateSettings', { patch: { bench: { name: 'Dock 4' } }, approval: byPin })).toMatchObject({ code: 'approval_used' });
    expect(station.effectiveSettings().bench.name).toBe('Dock 3');
    // A fresh approval from the lead works again.
    expect(await call('resolveException', { id: second, resolution: 'done', approval: approval({ pin: '482913' }) })).toMatchObject({ ok: true });
  });

  it('leaves an approval unspent when the change it was given for is refused', async () => {
    const lena = approval({ pin: '482913' });
    expect(await errorOf('resolveException', { id: 999, resolution: 'done', approval: lena })).not.toMatchObject({ code: 'approval_used' });
    expect(await call('updateSettings', { patch: { bench: { name: 'Dock 5' } }, approval: lena })).toMatchObject({ ok: true });
  });

  it('counts a badge in an approval only when it was scanned, not typed by hand', async () => {
    const typed = await errorOf('updateSettings', { patch: { bench: { name: 'Dock 6' } }, approval: approval({ badge: 'L-1', via: 'typed' }) });
    expect(typed).toMatchObject({ code: 'badge_typed' });
    expect(typed.message).toMatch(/only when it is scanned/);
    expect(station.effectiveSettings().bench.name).toBe('Bench 1');
    expect(await call('updateSettings', { patch: { bench: { name: 'Dock 6' } }, approval: approval({ badge: 'L-1', via: 'scan' }) })).toMatchObject({ ok: true });
  });

  it('needs the lead’s scanned badge and that lead’s own PIN where the site asks for both', async () => {
    await call('updateSettings', { patch: { security: { approvalRequires: 'badge_and_pin' } }, approval: approval({ pin: '482913' }) });
    expect(station.effectiveSettings().security.approvalRequires).toBe('badge_and_pin');
    const patch = { bench: { name: 'Dock 7' } };
    expect(await errorOf('updateSettings', { patch, approval: approval({ pin: '482913' }) })).toMatchObject({ code: 'approval_incomplete' });
    expect(await errorOf('updateSettings', { patch, approval: approval({ badge: 'L-1', via: 'scan' }) })).toMatchObject({ code: 'approval_incomplete' });
    // Omar's PIN with Lena's badge is not Lena's approval.
    expect(await errorOf('updateSettings', { patch, approval: approval({ badge: 'L-1', via: 'scan', pin: '111222' }) })).toMatchObject({ code: 'wrong_pin' });
    expect(await call('updateSettings', { patch, approval: approval({ badge: 'L-1', via: 'scan', pin: '482913' }) })).toMatchObject({ ok: true });
    expect(station.effectiveSettings().bench.name).toBe('Dock 7');
  });

  it('slows down and then locks badge login after repeated unknown badges, for known badges too, audited per burst', async () => {
    const login = (badge: string) => errorOf('login', { badge });
    for (let i = 0; i < 3; i++) expect(await login(`GUESS-${i}`)).toMatchObject({ code: 'unknown_badge' });
    // From the third unknown badge on, each next try must wait (1 s, 2 s, 4 s, …), whoever scans.
    const slowed = await login('GUESS-3');
    expect(slowed).toMatchObject({ code: 'badge_wait' });
    expect(await login('P-1')).toEqual(slowed);
    for (let i = 3, wait = 1000; i < 9; i++, wait *= 2) {
      clock.advance(wait);
      expect(await login(`GUESS-${i}`)).toMatchObject({ code: 'unknown_badge' });
    }
    clock.advance(64_000);
    const locked = await login('GUESS-9');
    expect(locked).toMatchObject({ code: 'badge_locked' });
    // Locked: a known badge gets the very same answer as an unknown one, at login and at the scanner.
    clock.advance(1000);
    const known = await login('P-1');
    const unknown = await login('GUESS-10');
    expect(known).toEqual(unknown);
    expect(known.code).toBe('badge_locked');
    const scanned = await call<ScanReply>('scan', { code: 'P-1' });
    expect(scanned).toMatchObject({ ok: true, value: { state: { packer: null }, message: { tone: 'error', text: known.message } } });
    // Ten guesses made two audit entries: the burst began, and it locked the bench.
    expect([audited('badge.unknown'), audited('badge.locked')]).toEqual([1, 1]);

    // Kept across a restart; after the lock the next unknown badge locks again at once.
    await station.stop();
    station = open();
    await station.start();
    expect(await login('P-1')).toMatchObject({ code: 'badge_locked' });
    clock.advance(5 * 60_000);
    expect(await call('login', { badge: 'P-1' })).toMatchObject({ ok: true, value: { packer: { name: 'Pia' } } });
    await call('logout', {});
    expect(await login('GUESS-11')).toMatchObject({ code: 'badge_locked' });
    // Forgotten after a quiet quarter of an hour past the lock.
    clock.advance(5 * 60_000 + 15 * 60_000 + 1);
    expect(await login('GUESS-12')).toMatchObject({ code: 'unknown_badge' });
  });

  it('counts unknown badges given as an approval towards the same lock', async () => {
    for (let i = 0; i < 10; i++) {
      await errorOf('updateSettings', { patch: { bench: { name: 'X' } }, approval: approval({ badge: `GUESS-${i}`, via: 'scan' }) });
      clock.advance(120_000);
    }
    expect(await errorOf('login', { badge: 'P-1' })).toMatchObject({ code: 'badge_locked' });
    expect(await errorOf('updateSettings', { patch: { bench: { name: 'X' } }, approval: approval({ badge: 'L-1', via: 'scan' }) })).toMatchObject({ code: 'badge_locked' });
  });
});

describe('a lead’s badge at the bench mid-order', () => {
  let rig: SandboxRig<null>;
  beforeEach(async () => {
    rig = await startSandboxRig({ seed: 3, scale: false, staff: [{ badge: 'L-1', name: 'Lena', role: 'lead', pin: '482913' }] });
    station = rig.station;
  });
  afterEach(() => rig.close());

  it('asks "Approve as Lena?" and keeps the packer and the order', async () => {
    await call('scan', { code: 'P-1' });
    const name = rig.odoo.state.sampleNames()[0]!;
    await call('scan', { code: name });
    const reply = await call<ScanReply>('scan', { code: 'L-1' });
    expect(reply).toMatchObject({
      ok: true,
      value: { kind: 'badge', approvalOffer: { name: 'Lena' }, state: { packer: { name: 'Pia' }, order: { name } } },
    });
    expect(reply.ok && reply.value.message.text).toMatch(/^Approve as Lena\?/);
  });

  it('does not count orders and items scanned before anyone logged in as badge guesses', async () => {
    await waitForEvent(station.events, 'state', (s) => s.cacheAge !== null, 15_000, 'the first order sync');
    const names = rig.odoo.state.sampleNames();
    const opened = await call<ScanReply>('scan', { code: 'P-1' }).then(() => call<ScanReply>('scan', { code: names[0]! }));
    const barcodes = (opened.ok ? opened.value.state.order!.lines : []).flatMap((l) => (l.barcode ? [l.barcode] : []));
    await call('scan', { code: '*PB*CANCEL' });
    await call('scan', { code: '*PB*LOGOUT' });
    // A packer who forgot to log in scans a dozen orders and items: each is answered, none locks the bench.
    const codes = [...names, ...barcodes, '*PB*PRINT'];
    for (let i = 0; i < 12; i++) {
      const reply = await call<ScanReply>('scan', { code: codes[i % codes.length]! });
      expect(reply).toMatchObject({ ok: true, value: { message: { tone: 'warning', text: 'Scan your badge first, then the order.' } } });
    }
    expect(await call('login', { badge: 'P-1' })).toMatchObject({ ok: true, value: { packer: { name: 'Pia' } } });
  });

  it('spends a typed weight’s approval once', async () => {
    await call('scan', { code: 'P-1' });
    const opened = await call<ScanReply>('scan', { code: rig.odoo.state.sampleNames()[0]! });
    for (const code of unitScans(opened.ok ? opened.value.state.order!.lines : [])) await call('scan', { code });
    const lena = approval({ pin: '482913' });
    const typed = await call<StationState>('enterWeight', { grams: 400_000, reason: 'Scale cable cut', approval: lena });
    expect(typed).toMatchObject({ ok: true, value: { step: 'weighing' } }); // held: far off the expected weight
    expect(await errorOf('enterWeight', { grams: 400_001, reason: 'Scale cable cut', approval: lena })).toMatchObject({ code: 'approval_used' });
  });
});

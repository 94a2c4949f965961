// The station's command handlers end to end on a real data folder (no UI, no network).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../shared/bridge';
import { createStation, type Station } from '../../electron/core/station';
import { startScaleSimulator } from '../../electron/sandbox/scale-simulator';
import { tempDir } from '../support/temp-dir';
import { waitForEvent } from '../support/wait';
import { leadPin, leadBadge } from '../support/approval';
import { stationDb } from '../support/station-db';

let dir: ReturnType<typeof tempDir>;
let station: Station;

function open(): Station {
  const s = createStation({ dataDir: dir.path, mode: 'live', identity: { scryptN: 1024 }, log: () => {} });
  return s;
}

beforeEach(async () => {
  dir = tempDir();
  station = open();
  station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
  station.identities.addStaff({ badge: 'L-1', name: 'Lena', role: 'lead', pin: '482913' });
  await station.start();
});
afterEach(async () => {
  await station.stop();
  dir.remove();
});

const call = (name: string, request: unknown) => dispatch(station.handlers, name, request);

describe('station', () => {
  it('asks for a badge before anything else', async () => {
    const reply = await call('scan', { code: 'WH/OUT/00001' });
    expect(reply).toMatchObject({ ok: true, value: { kind: 'unknown', message: { tone: 'warning' } } });
    expect((reply as { value: { message: { text: string } } }).value.message.text).toMatch(/Scan your badge first/);
  });

  it('logs in by badge scan and tells an unknown barcode apart', async () => {
    expect(await call('scan', { code: 'P-1\r\n' })).toMatchObject({
      ok: true,
      value: { kind: 'badge', state: { packer: { name: 'Pia' }, nextAction: 'Scan an order barcode' } },
    });
    const unknown = await call('scan', { code: 'XYZ-000' });
    expect(unknown).toMatchObject({ ok: true, value: { kind: 'unknown', message: { tone: 'error' } } });
  });

  it('answers a garbled scan with a clear message', async () => {
    const reply = await call('scan', { code: 'AB\u0007CD' });
    expect(reply).toMatchObject({ ok: true, value: { message: { text: 'That barcode could not be read cleanly. Scan it again.' } } });
  });

  it('keeps the login and every accepted scan across a restart', async () => {
    await call('scan', { code: 'P-1' });
    await call('scan', { code: 'XYZ-000' });
    await station.stop();
    station = open();
    await station.start();
    const state = await call('getState', {});
    expect(state).toMatchObject({ ok: true, value: { packer: { name: 'Pia' }, scans: 2 } });
  });

  it('changes settings only with a shift-lead approval, and audits who did it', async () => {
    const refused = await call('updateSettings', { patch: { bench: { name: 'Dock 3' } }, approval: leadBadge('P-1') });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_a_lead' } });
    const wrongPin = await call('updateSettings', { patch: { bench: { name: 'Dock 3' } }, approval: leadPin('000000') });
    expect(wrongPin).toMatchObject({ ok: false, error: { code: 'wrong_pin' } });
    const ok = await call('updateSettings', { patch: { bench: { name: 'Dock 3' } }, approval: leadPin('482913') });
    expect(ok).toMatchObject({ ok: true, value: { bench: { name: 'Dock 3' } } });
    expect(await call('getState', {})).toMatchObject({ value: { bench: 'Dock 3' } });
    const audit = stationDb(station).prepare(`SELECT actor FROM audit_log WHERE action = 'settings.updated'`).all();
    expect(audit).toEqual([{ actor: 'staff:2' }]);
  });

  it('resolves an exception only with an approval and a valid choice', async () => {
    const id = station.exceptions.raise({ kind: 'print_failure', orderRef: 'WH/OUT/1', title: 'The label did not print.' });
    expect(await call('listExceptions', {})).toMatchObject({ ok: true, value: { items: [{ id, state: 'open' }] } });
    expect(await call('resolveException', { id, resolution: 'done', approval: leadBadge('P-1') })).toMatchObject({
      ok: false,
      error: { code: 'not_a_lead' },
    });
    expect(await call('resolveException', { id, resolution: 'shrug', approval: leadBadge('L-1') })).toMatchObject({
      ok: false,
      error: { code: 'bad_resolution' },
    });
    expect(
      await call('resolveException', { id, resolution: 'done', note: 'Reprinted by hand', approval: leadBadge('L-1') }),
    ).toMatchObject({ ok: true, value: { state: 'resolved', resolvedBy: 'staff:2', note: 'Reprinted by hand' } });
    expect(await call('listExceptions', { state: 'open' })).toMatchObject({ value: { items: [] } });
  });

  it('reports a missing printer honestly from testDevice', async () => {
    expect(await call('testDevice', { device: 'printer' })).toEqual({
      ok: true,
      value: { ok: false, message: 'No printer is set up for this bench. Enter its address in Settings.' },
    });
  });
});

describe('changing the scale in settings', () => {
  it('opens the new scale at once, with its own protocol, and closes the old port', async () => {
    const [sics, cas] = await Promise.all([startScaleSimulator({ protocol: 'sics' }), startScaleSimulator({ protocol: 'cas', frameIntervalMs: 50 })]);
    try {
      sics.setWeight(1000);
      cas.setWeight(2345);
      const approval = () => leadBadge('L-1');
      const reading = (grams: number) =>
        waitForEvent(station.events, 'scale', (r) => r.status === 'ok' && r.grams !== null && Math.abs(r.grams - grams) < 1, 10_000, `scale reads ${grams} g`);

      const first = reading(1000);
      expect(await call('updateSettings', { patch: { scale: { path: sics.appPath, protocol: 'sics' } }, approval: approval() })).toMatchObject({ ok: true });
      await first;

      const second = reading(2345);
      expect(await call('updateSettings', { patch: { scale: { path: cas.appPath, protocol: 'cas' } }, approval: approval() })).toMatchObject({ ok: true });
      await second;
      // The MT-SICS scale is no longer polled: its port was closed.
      const polls = sics.polls();
      await new Promise((r) => setTimeout(r, 800));
      expect(sics.polls()).toBe(polls);

      // A port that is not there is said so, not kept quiet.
      const missing = waitForEvent(station.events, 'scale', (r) => r.status !== 'ok', 10_000, 'scale not ok');
      await call('updateSettings', { patch: { scale: { path: `${dir.path}/no-such-port` } }, approval: approval() });
      expect((await missing).message).toBeTruthy();
    } finally {
      await Promise.all([sics.close(), cas.close()]);
    }
  });
});

describe('finding the scale’s protocol from settings', () => {
  it('pauses the scale, finds the protocol and speed that answer, then weighs again with what is saved', async () => {
    const cas = await startScaleSimulator({ protocol: 'cas', frameIntervalMs: 50 });
    try {
      cas.setWeight(1500);
      const approval = () => leadBadge('L-1');
      expect(await call('detectScale', {})).toMatchObject({ ok: true, value: { ok: false, found: null, message: expect.stringMatching(/No scale port/) } });

      // Saved with the wrong protocol: the bench cannot read it.
      await call('updateSettings', { patch: { scale: { path: cas.appPath, protocol: 'sics' } }, approval: approval() });
      const reply = await call('detectScale', {});
      expect(reply).toEqual({
        ok: true,
        value: { ok: true, found: { protocol: 'cas', baudRate: 9600 }, message: `The scale on ${cas.appPath} answers in CAS (continuous) at 9600 baud.` },
      });

      const reads = waitForEvent(station.events, 'scale', (r) => r.status === 'ok' && r.grams !== null && Math.abs(r.grams - 1500) < 1, 10_000, 'reads 1500 g');
      await call('updateSettings', { patch: { scale: { protocol: 'cas', baudRate: 9600 } }, approval: approval() });
      await reads;
      const saved = await call('getSettings', {});
      expect(saved).toMatchObject({ ok: true, value: { scale: { path: cas.appPath, protocol: 'cas', baudRate: 9600 } } });
    } finally {
      await cas.close();
    }
  });

  it('says so when nothing answers on the port', async () => {
    const sics = await startScaleSimulator({ protocol: 'sics' });
    const path = sics.appPath;
    await call('updateSettings', { patch: { scale: { path, protocol: 'sics' } }, approval: leadBadge('L-1') });
    await sics.unplug();
    try {
      const reply = await call('detectScale', {});
      expect(reply).toMatchObject({ ok: true, value: { ok: false, found: null, message: expect.stringMatching(/^No scale answered on .* Check that the scale is on/) } });
    } finally {
      await sics.close();
    }
  });
});

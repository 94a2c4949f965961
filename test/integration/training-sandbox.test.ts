// The training sandbox across a restart: the idle screen says how to start (badges, orders to
// try); an order the trainee shipped stays shipped (not offered again, not packable again); the
// printed-label files go on numbering instead of overwriting the earlier ones.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { StationState } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { bootStation, parseFlags, TRAINING_LEAD_BADGE, TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { scanOn } from '../support/sandbox-rig';
import { tempDir } from '../support/temp-dir';
import { unitScans } from '../support/unit-scans';
import { waitForEvent } from '../support/wait';

async function until(ok: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const options = { log: () => {}, identity: { scryptN: 1024 }, scaleOptions: { stableWindowMs: 300, reconnectMs: 200 } };
let booted: BootedStation | null = null;
const dir = tempDir('packbench-training-');
afterEach(async () => {
  await booted?.close();
  booted = null;
});
afterAll(() => dir.remove());

async function packFirstOrder(b: BootedStation): Promise<string> {
  const name = b.sandbox!.odoo.state.sampleNames()[0]!;
  await scanOn(b.station, TRAINING_PACKER_BADGE);
  const opened = await scanOn(b.station, name);
  expect(opened.state.order?.name).toBe(name);
  for (const code of unitScans(opened.state.order!.lines)) await scanOn(b.station, code);
  await waitForEvent(b.station.events, 'state', (s) => s.step === 'done', 30_000, 'step done');
  return name;
}

describe('training sandbox', () => {
  it('shows how to start, keeps shipped orders shipped across a restart, and numbers printed labels on', async () => {
    booted = await bootStation(parseFlags(['--data-dir', dir.path]), options);
    const state = ((await dispatch(booted.station.handlers, 'getState', {})) as { ok: true; value: StationState }).value;
    expect(state.training?.badges.map((b) => b.badge)).toEqual([TRAINING_PACKER_BADGE, TRAINING_LEAD_BADGE]);
    expect(state.training?.orders.length).toBeGreaterThan(0);
    const shipped = await packFirstOrder(booted);
    const printed = join(dir.path, 'training', 'printed');
    await until(() => existsSync(join(printed, 'label-0001.zpl')), 10_000, 'first label saved');
    await booted.close();
    booted = null;

    booted = await bootStation(parseFlags(['--data-dir', dir.path]), options);
    const { odoo } = booted.sandbox!;
    expect(odoo.state.all('stock.picking').find((p) => p.name === shipped)).toMatchObject({ state: 'done' });
    expect(odoo.state.sampleNames()).not.toContain(shipped);
    const again = ((await dispatch(booted.station.handlers, 'getState', {})) as { ok: true; value: StationState }).value;
    expect(again.training?.orders).not.toContain(shipped);
    // Scanned again, it is refused as shipped, not packed a second time.
    await scanOn(booted.station, TRAINING_PACKER_BADGE);
    const refused = await scanOn(booted.station, shipped);
    expect(refused.message.text).toContain('already shipped');
    expect(refused.state.step).not.toBe('packing');

    const next = await packFirstOrder(booted);
    expect(next).not.toBe(shipped);
    await until(() => existsSync(join(printed, 'label-0002.zpl')), 10_000, 'second label saved');
    expect(readdirSync(printed).sort()).toEqual(['label-0001.zpl', 'label-0002.zpl']);
  });
});

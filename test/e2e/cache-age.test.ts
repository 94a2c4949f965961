// The status bar says how old the local copy of orders is, and says offline (as a warning) when
// Odoo cannot be reached; in the sandbox, against its own Odoo.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReply } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { TRAINING_PACKER_BADGE, type BootedStation } from '../../electron/core/entry/boot';
import { ARTIFACTS, type BrowserStation } from '../support/browser-station';
import { startSandboxBench } from '../support/sandbox-bench';
import type { PackPage } from './pages/pack-page';

describe('cache age in the status bar', () => {
  let bench: BrowserStation;
  let pack: PackPage;
  let booted: BootedStation;

  beforeAll(async () => {
    ({ bench, booted, pack } = await startSandboxBench());
  });
  afterAll(async () => {
    booted?.sandbox?.odoo.setChaos({});
    await bench?.close();
  });

  it('says when the orders were last synced, quietly', async () => {
    const sync = pack.orderSync();
    await sync.filter({ hasText: 'Orders synced just now' }).waitFor({ timeout: 20_000 });
    expect(await sync.getAttribute('class')).not.toContain('chip-warn');
    expect(await sync.getAttribute('title')).toMatch(/^Last copied from Odoo at /);
    mkdirSync(ARTIFACTS, { recursive: true });
    await bench.page.screenshot({ path: join(ARTIFACTS, 'cache-age-synced.png'), clip: { x: 0, y: 0, width: 1280, height: 260 } });
  });

  it('says offline, as a warning, when Odoo cannot be reached', async () => {
    booted.sandbox!.odoo.setChaos({ outages: [{ fromMs: 0, toMs: 24 * 3_600_000 }] });
    // Scanned through the core (this test is about the status bar, not the keyboard wedge): the
    // order opens from the local copy, and putting it aside queues the release of its claim,
    // which cannot reach Odoo.
    const scan = async (code: string) => {
      const result = await dispatch(bench.station.handlers, 'scan', { code });
      if (!result.ok) throw new Error(result.error.message);
      return (result.value as ScanReply).message.text;
    };
    expect(await scan(TRAINING_PACKER_BADGE)).toMatch(/^Hello, Trainee Packer/);
    expect(await scan(booted.sandbox!.odoo.state.sampleNames()[0]!)).toMatch(/^Odoo is offline: using the local copy\./);
    expect(await scan('*PB*CANCEL')).toBe('Order put aside. Scan the next order.');
    await pack.message().filter({ hasText: 'Order put aside.' }).waitFor();

    const sync = pack.orderSync();
    await sync.filter({ hasText: /^Offline — orders from (a moment|\d+ min) ago$/ }).waitFor({ timeout: 20_000 });
    expect(await sync.getAttribute('class')).toContain('chip-warn');
    // One warning for Odoo: the outbox's retry is in its tooltip (once the release has been tried), not in a second chip.
    await expect.poll(() => sync.getAttribute('title'), { timeout: 10_000 }).toMatch(/^1 update for Odoo will be retried\. Last error: .+\nLast copied from Odoo at /);
    expect(await bench.page.getByTestId('connectivity').count()).toBe(0);
    await bench.page.screenshot({ path: join(ARTIFACTS, 'cache-age-offline.png'), clip: { x: 0, y: 0, width: 1280, height: 260 } });
  });
});

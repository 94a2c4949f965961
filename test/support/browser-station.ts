// Starts a real station in browser mode (fresh data folder, real SQLite, real HTTP + WebSocket host)
// and a headless Debian Chromium driven by playwright-core, for e2e tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Handlers } from '../../shared/bridge';
import type { StationEvents } from '../../electron/core/events';
import { startHost } from '../../electron/core/host/server';
import { createStation, type Station } from '../../electron/core/station';

// The folder of this file, in vitest and under tsx alike (npm run bench loads it as an ES module).
const HERE = dirname(fileURLToPath(import.meta.url));

export const CHROMIUM = process.env.PACKBENCH_CHROMIUM ?? '/usr/bin/chromium';

export interface BrowserStation {
  station: Station;
  browser: Browser;
  page: Page;
  openUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startBrowserStation(
  options: {
    mode?: 'live' | 'training';
    seed?: (station: Station) => void;
    /** Build the station another way (e.g. the sandbox boot); its close() runs at the end. */
    boot?: (dataDir: string) => Promise<{ station: Station; close(): Promise<void> }>;
    /** What the page reaches instead of the station's own handlers (e.g. a station that is not up yet). */
    handlers?: (station: Station) => Handlers;
    /** The events the page gets instead of the station's own. */
    events?: (station: Station) => StationEvents;
  } = {},
): Promise<BrowserStation> {
  const dataDir = mkdtempSync(join(tmpdir(), 'packbench-e2e-'));
  let station: Station;
  let closeStation: () => Promise<void>;
  if (options.boot) {
    const booted = await options.boot(dataDir);
    station = booted.station;
    closeStation = () => booted.close();
  } else {
    station = createStation({ dataDir, mode: options.mode ?? 'live', identity: { scryptN: 1024 }, log: () => {} });
    options.seed?.(station);
    await station.start();
    closeStation = () => station.stop();
  }
  const host = await startHost({
    handlers: options.handlers?.(station) ?? station.handlers,
    events: options.events?.(station) ?? station.events,
    staticDir: resolve(HERE, '..', '..', 'dist', 'renderer'),
    lastResortDir: station.lastResortDir,
    port: 0,
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(host.openUrl);
  return {
    station,
    browser,
    page,
    openUrl: host.openUrl,
    dataDir,
    async close() {
      await browser.close();
      await host.close();
      await closeStation();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const ARTIFACTS = resolve(HERE, '..', '..', 'test-results');

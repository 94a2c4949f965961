// An e2e bench booted as `--sandbox` does it (training mode, the sandbox's own Odoo, scale and printer)
// in a headless browser, with the pack page open and showing training mode. For the e2e tests that
// work against the whole sandbox rather than a rig of their own.
import { bootStation, parseFlags, type BootedStation } from '../../electron/core/entry/boot';
import type { StationConfig } from '../../electron/core/station';
import { PackPage } from '../e2e/pages/pack-page';
import { startBrowserStation, type BrowserStation } from './browser-station';

export interface SandboxBench {
  bench: BrowserStation;
  /** The booted sandbox station, with its fake systems under `sandbox`. */
  booted: BootedStation;
  pack: PackPage;
}

export async function startSandboxBench(options: Pick<StationConfig, 'syncDelays' | 'orderFreshMs'> = {}): Promise<SandboxBench> {
  let booted: BootedStation | undefined;
  const bench = await startBrowserStation({
    boot: async (dataDir) =>
      (booted = await bootStation(parseFlags(['--sandbox', '--data-dir', dataDir]), {
        log: () => {},
        identity: { scryptN: 1024 },
        scaleOptions: { stableWindowMs: 300 },
        ...options,
      })),
  });
  const pack = new PackPage(bench.page);
  try {
    await bench.page.getByTestId('training-badge').waitFor();
  } catch (error) {
    await bench.close();
    throw error;
  }
  return { bench, booted: booted!, pack };
}

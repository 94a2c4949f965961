// A station that does not answer yet (its core failed to start, or is starting again): the page says
// why instead of "Connecting…" for ever, keeps asking, and shows the bench as soon as it answers.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StationFault } from '../../shared/errors';
import { StationEvents } from '../../electron/core/events';
import { ARTIFACTS, startBrowserStation, type BrowserStation } from '../support/browser-station';
import { PackPage } from './pages/pack-page';

const WHY = 'The station could not start: This bench data was written by a newer Packbench. Start that newer version; nothing was changed.';

describe('a station that does not answer yet', () => {
  let bench: BrowserStation;
  let pack: PackPage;
  let down = true;
  let asked = 0;

  beforeAll(async () => {
    bench = await startBrowserStation({
      handlers: (station) => ({
        ...station.handlers,
        getState: (request: unknown) => {
          asked++;
          if (down) throw new StationFault('core_failed', WHY);
          return station.handlers.getState!(request as never);
        },
      }),
      // A core that is not up sends no events either.
      events: () => new StationEvents(),
    });
    pack = new PackPage(bench.page);
  });
  afterAll(async () => bench?.close());

  it('says why on screen, keeps asking, and shows the bench once the station answers', async () => {
    await pack.message().filter({ hasText: 'newer Packbench' }).waitFor();
    expect(await pack.message().getAttribute('class')).toContain('tone-error');
    expect(await bench.page.getByTestId('step').textContent()).toBe('Station not running');
    mkdirSync(ARTIFACTS, { recursive: true });
    await bench.page.screenshot({ path: join(ARTIFACTS, 'station-unavailable.png') });
    const before = asked;
    await expect.poll(() => asked, { timeout: 10_000 }).toBeGreaterThan(before);

    down = false;
    await pack.nextAction().filter({ hasText: 'Scan your badge' }).waitFor({ timeout: 10_000 });
    expect(await pack.message().textContent()).not.toContain('newer Packbench');
  });
});

// A refused Odoo login is asked once per bench, not once per scan or prefetch: Odoo locks out an
// address after repeated failures, and benches behind one router share it. Order lookups, the
// prefetch and the write-back all stop behind one latch until a shift lead resumes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScanReply } from '../../shared/api';
import { dispatch } from '../../shared/bridge';
import { createStation, type Station } from '../../electron/core/station';
import { startSandboxOdoo } from '../../electron/sandbox/odoo/server';
import { tempDir } from '../support/temp-dir';
import { leadPin } from '../support/approval';

type SandboxOdoo = Awaited<ReturnType<typeof startSandboxOdoo>>;

const GOOD_KEY = 'good-key-0123456789abcdef';
const BENCH_KEY = 'revoked-key-0123456789abcdef';

let dir: ReturnType<typeof tempDir>;
let odoo: SandboxOdoo;
let station: Station;

function open(): Station {
  return createStation({
    dataDir: dir.path,
    mode: 'training',
    identity: { scryptN: 1024 },
    log: () => {},
    odooApiKey: BENCH_KEY,
    overrides: { odoo: { url: odoo.url, db: odoo.db, login: odoo.login } },
  });
}

async function scan(code: string): Promise<ScanReply> {
  const result = await dispatch(station.handlers, 'scan', { code });
  if (!result.ok) throw new Error(`scan ${code} failed: ${result.error.message}`);
  return result.value as ScanReply;
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Odoo answers a wrong key with `false` from common.authenticate, not an error.
const refusedLogins = () => odoo.rpcLog.filter((e) => e.method === 'authenticate').length;
const callsSeen = () => odoo.rpcLog.length;

beforeEach(async () => {
  dir = tempDir();
  odoo = await startSandboxOdoo({ port: 0, apiKey: GOOD_KEY, seed: 4 });
  station = open();
  station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
  station.identities.addStaff({ badge: 'L-1', name: 'Lena', role: 'lead', pin: '482913' });
  await station.start();
});

afterEach(async () => {
  await station.stop();
  await odoo.close();
  dir.remove();
});

describe('a refused Odoo login', () => {
  it('is asked once: scans after it do not reach Odoo, one alert is raised, and resume lets the bench in again', async () => {
    await scan('P-1');
    const name = odoo.state.sampleNames()[0]!;
    const first = await scan(name);
    expect(first.message.tone).not.toBe('success');
    await waitFor(() => station.exceptions.list('open').some((e) => e.kind === 'sync_auth'), 5_000, 'auth alert');
    const seen = callsSeen();
    expect(refusedLogins()).toBe(1);

    // The packer keeps scanning; nothing more reaches Odoo.
    for (let i = 0; i < 5; i++) await scan(name);
    expect(callsSeen()).toBe(seen);
    const alerts = station.exceptions.list('open').filter((e) => e.kind === 'sync_auth');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.title).toMatch(/refused the bench's credentials/);

    // Still closed after a restart: the open alert keeps the latch shut.
    await station.stop();
    station = open();
    await station.start();
    await scan('P-1');
    await scan(name);
    expect(callsSeen()).toBe(seen);

    // The key is fixed in Odoo; the lead resumes: the next scan opens the order.
    odoo.users[0]!.apiKey = BENCH_KEY;
    const resumed = await dispatch(station.handlers, 'resolveException', {
      id: alerts[0]!.id,
      resolution: 'resume',
      approval: leadPin('482913'),
    });
    expect(resumed.ok).toBe(true);
    const again = await scan(name);
    expect(again.kind).toBe('order');
    expect(again.state.order?.name).toBe(name);
  });
});

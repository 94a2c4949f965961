// The browser-mode host on 127.0.0.1 with the test's own handlers, over a throwaway folder of static
// files, for the host tests (bridge, security): what they start it with and what they need back (its
// logs, the one-time token from the printed address, the Origin a page on it sends).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StationState } from '../../shared/api';
import type { Handlers } from '../../shared/bridge';
import { StationEvents } from '../../electron/core/events';
import { startHost, type RunningHost } from '../../electron/core/host/server';
import { sampleState } from './fake-handlers';

/** An idle training bench with nobody logged in: what the host tests' fake handlers report. */
export const idleState: StationState = { ...sampleState, mode: 'training', nextAction: 'Scan an order.' };

export interface HostRig {
  /** The throwaway folder (removed on close). */
  dir: string;
  /** The folder the host serves, inside dir. */
  staticDir: string;
  /** The running host; a test that starts another in its place sets it here, so close() closes that one. */
  host: RunningHost;
  events: StationEvents;
  /** What the host logged, one line each. */
  logs: string[];
  /** The one-time token from the host's openUrl fragment. */
  token: string;
  /** `127.0.0.1:<port>`, the Host header a browser on the printed address sends. */
  authority: string;
  /** `http://127.0.0.1:<port>`, the Origin a page the host served sends. */
  origin: string;
  close(): Promise<void>;
}

export async function startHostRig(
  handlers: Handlers,
  options: {
    /** Prefix of the temp folder's name. */
    prefix: string;
    /** Files to write, by path relative to the folder (parents are made). */
    files: Record<string, string>;
    /** Where the static files are, relative to the folder; files outside it are what must never be served. Default the folder itself. */
    staticDir?: string;
    /** Where the station keeps last-resort label files (served under /files/last-resort/), relative to the folder. */
    lastResortDir?: string;
  },
): Promise<HostRig> {
  const dir = await mkdtemp(path.join(tmpdir(), options.prefix));
  const staticDir = path.join(dir, options.staticDir ?? '.');
  for (const [name, content] of Object.entries(options.files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  const events = new StationEvents();
  const logs: string[] = [];
  const lastResortDir = options.lastResortDir === undefined ? undefined : path.join(dir, options.lastResortDir);
  const host = await startHost({ handlers, events, staticDir, lastResortDir, port: 0, log: (l) => logs.push(l) });
  const rig: HostRig = {
    dir,
    staticDir,
    host,
    events,
    logs,
    token: new URLSearchParams(new URL(host.openUrl).hash.slice(1)).get('token')!,
    authority: `127.0.0.1:${host.port}`,
    origin: `http://127.0.0.1:${host.port}`,
    async close() {
      await rig.host.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

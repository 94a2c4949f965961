// A ScaleService reading the scale simulator over a real socat pty pair on a temp folder, for the scale
// tests: what it captured and reported, bounded waits for a status or the next capture, and a close()
// that stops the service, the simulator and removes the folder.
import type { ScaleEvent } from '../../shared/api';
import { protocolByName } from '../../electron/core/devices/scale/protocols';
import { ScaleService, type ScaleServiceOptions } from '../../electron/core/devices/scale/scale-service';
import { startScaleSimulator, type ScaleSimulator, type ScaleSimulatorOptions } from '../../electron/sandbox/scale-simulator';
import { tempDir } from './temp-dir';

/** How long the waits below wait by default. */
export const SCALE_WAIT_MS = 8000;

export interface ScaleRig {
  sim: ScaleSimulator;
  scale: ScaleService;
  /** Every reading the service reported, in order. */
  readings: ScaleEvent[];
  /** Every weight it captured, in order. */
  captures: number[];
  close(): Promise<void>;
}

/** Start the simulator, then the service on its pty (the simulator's protocol, reconnect after 200 ms). */
export async function startScaleRig(options: {
  /** Prefix of the temp folder for the pty links. */
  prefix: string;
  /** How the simulator behaves, protocol included (default MT-SICS). */
  simulator?: Omit<ScaleSimulatorOptions, 'dir'>;
  /** Service settings besides the port, protocol and reconnect delay. */
  service?: Partial<ScaleServiceOptions>;
}): Promise<ScaleRig> {
  const dir = tempDir(options.prefix);
  const sim = await startScaleSimulator({ dir: dir.path, ...options.simulator });
  const scale = new ScaleService({
    path: sim.appPath,
    protocol: protocolByName(sim.protocol)!,
    reconnectMs: 200,
    ...options.service,
  });
  const readings: ScaleEvent[] = [];
  const captures: number[] = [];
  scale.on('reading', (e) => readings.push(e));
  scale.on('captured', (g) => captures.push(g));
  scale.start();
  return {
    sim,
    scale,
    readings,
    captures,
    async close() {
      await scale.stop();
      await sim.close();
      dir.remove();
    },
  };
}

/** The first status (current or coming) that matches; rejects after a bounded wait. */
export function statusWhere(scale: ScaleService, match: (e: ScaleEvent) => boolean, what: string, waitMs = SCALE_WAIT_MS): Promise<ScaleEvent> {
  const now = scale.latest();
  if (match(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const onReading = (e: ScaleEvent) => {
      if (!match(e)) return;
      clearTimeout(timer);
      scale.off('reading', onReading);
      resolve(e);
    };
    const timer = setTimeout(() => {
      scale.off('reading', onReading);
      reject(new Error(`no '${what}' status within ${waitMs} ms; last: ${JSON.stringify(scale.latest())}`));
    }, waitMs);
    scale.on('reading', onReading);
  });
}

/** The next weight the scale captures; rejects after a bounded wait. */
export function nextCapture(scale: ScaleService, waitMs = SCALE_WAIT_MS): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no capture within ${waitMs} ms`)), waitMs);
    scale.once('captured', (grams) => {
      clearTimeout(timer);
      resolve(grams);
    });
  });
}

/** The scale shows this weight, settled. */
export const okAt = (scale: ScaleService, grams: number, waitMs = SCALE_WAIT_MS) =>
  statusWhere(scale, (e) => e.status === 'ok' && e.grams === grams, `ok ${grams} g`, waitMs);

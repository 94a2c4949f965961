// The preload as Electron loads it: bundled to CommonJS, run with a fake `require` that only knows
// 'electron' (a sandboxed preload can require nothing else). It must expose exactly window.station
// and validate both ways, refusing unknown and malformed commands before anything is sent.
import { build } from 'esbuild';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleState } from '../support/fake-handlers';

interface Exposed {
  call(name: string, request: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

let code = '';

beforeAll(async () => {
  // The same options as scripts/build.mjs.
  const out = await build({
    entryPoints: [join(__dirname, '..', '..', 'electron', 'preload.ts')],
    bundle: true,
    platform: 'browser',
    format: 'cjs',
    external: ['electron'],
    write: false,
    logLevel: 'silent',
  });
  code = out.outputFiles[0]!.text;
});

function loadPreload(invoke: (channel: string, ...args: unknown[]) => Promise<unknown>) {
  const required: string[] = [];
  const exposed: [string, unknown][] = [];
  const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const ipcRenderer = {
    invoke: vi.fn(invoke),
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => listeners.set(channel, listener),
    off: (channel: string) => listeners.delete(channel),
  };
  const fakeRequire = (name: string) => {
    required.push(name);
    if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
    return { contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.push([key, value]) }, ipcRenderer };
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', code)(fakeRequire, module, module.exports);
  return {
    required,
    exposed,
    ipcRenderer,
    station: exposed[0]![1] as Exposed,
    push: (name: string, payload: unknown) => listeners.get('station:event')?.({}, name, payload),
  };
}

describe('preload', () => {
  it('requires only electron and exposes exactly one thing, window.station with call and on', () => {
    const p = loadPreload(async () => null);
    expect(new Set(p.required)).toEqual(new Set(['electron']));
    expect(p.exposed.map(([key]) => key)).toEqual(['station']);
    expect(Object.keys(p.station).sort()).toEqual(['call', 'on']);
    expect(typeof p.station.call).toBe('function');
    expect(typeof p.station.on).toBe('function');
  });

  it('refuses unknown and malformed commands without sending anything to the main process', async () => {
    const p = loadPreload(async () => ({ ok: true, value: sampleState }));
    expect(await p.station.call('runShell', { cmd: 'id' })).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    expect(await p.station.call('scan', { code: 42 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await p.station.call('scan', { code: 'A', extra: 1 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(p.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('sends a valid call on the call channel and refuses a reply that breaks the contract', async () => {
    let reply: unknown = { ok: true, value: sampleState };
    const p = loadPreload(async () => reply);
    expect(await p.station.call('getState', {})).toEqual({ ok: true, value: sampleState });
    expect(p.ipcRenderer.invoke).toHaveBeenLastCalledWith('station:call', 'getState', {});
    reply = { ok: true, value: { ...sampleState, step: 'flying' } };
    expect(await p.station.call('getState', {})).toMatchObject({ ok: false, error: { code: 'bad_reply' } });
    reply = { ok: false, error: { code: 'x' } };
    expect(await p.station.call('getState', {})).toMatchObject({ ok: false, error: { code: 'bad_reply' } });
  });

  it('delivers only declared, valid events, the snapshot first unless a live one came sooner', async () => {
    let answer!: (snapshot: unknown) => void;
    const p = loadPreload((channel) =>
      channel === 'station:snapshot' ? new Promise((resolve) => (answer = resolve)) : Promise.resolve(null),
    );
    const queue: unknown[] = [];
    const printer: unknown[] = [];
    p.station.on('queue', (q) => queue.push(q));
    p.station.on('printer', (e) => printer.push(e));
    expect(() => p.station.on('rootShell', () => {})).toThrow();
    expect(p.ipcRenderer.invoke).toHaveBeenCalledWith('station:snapshot');

    const live = { pending: 5, inFlight: 0, dead: 0, openExceptions: 0 };
    p.push('queue', live);
    p.push('queue', { pending: 'lots' });
    p.push('rootShell', { pending: 1 });
    answer([
      ['queue', { pending: 1, inFlight: 0, dead: 0, openExceptions: 0 }],
      ['printer', { status: 'ready', message: 'Printer tcp://p:9100' }],
      ['printer', { status: 'on fire' }],
      ['rootShell', {}],
    ]);
    await vi.waitFor(() => expect(printer).toHaveLength(1));
    expect(queue).toEqual([live]);
    expect(printer).toEqual([{ status: 'ready', message: 'Printer tcp://p:9100' }]);
  });
});

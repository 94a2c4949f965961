// The Electron IPC relay, driven with fakes of ipcMain and the core's port (no Electron runtime).
import { describe, expect, it } from 'vitest';
import {
  CALL_CHANNEL,
  CORE_HEALTHY_MS,
  SNAPSHOT_CHANNEL,
  startIpcRelay,
  superviseCore,
  trustedSender,
  type CoreProcessLike,
  type InvokeEventLike,
} from '../../electron/main-ipc';
import { sampleState } from '../support/fake-handlers';

const SILENT = Symbol('no reply');

function harness(options: { reply?: (msg: { id: number; name: string }) => unknown; coreDown?: () => boolean } = {}) {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  let coreListener: (message: unknown) => void = () => {};
  const posted: { id: number; name: string; request: unknown }[] = [];
  const sentEvents: [string, unknown][] = [];
  const relay = startIpcRelay({
    ipcMain: { handle: (c, l) => handlers.set(c, l), removeHandler: (c) => handlers.delete(c) },
    core: {
      postMessage(message) {
        if (options.coreDown?.()) throw new Error('the station core is not running');
        const m = message as { id: number; name: string; request: unknown };
        posted.push(m);
        const result = options.reply ? options.reply(m) : { ok: true, value: sampleState };
        if (result === SILENT) return;
        queueMicrotask(() => coreListener({ type: 'reply', id: m.id, result }));
      },
      on: (_e, l) => (coreListener = l),
    },
    isTrustedSender: (e) => e.sender.id === 1 && e.senderFrame?.url === 'file:///app/index.html',
    sendEvent: (event, payload) => sentEvents.push([event, payload]),
    timeoutMs: 200,
  });
  const trusted: InvokeEventLike = { sender: { id: 1 }, senderFrame: { url: 'file:///app/index.html' } };
  return {
    invoke: (event: InvokeEventLike, ...args: unknown[]) => handlers.get(CALL_CHANNEL)!(event, ...args),
    snapshot: (event: InvokeEventLike) => handlers.get(SNAPSHOT_CHANNEL)!(event),
    handlers,
    relay,
    trusted,
    posted,
    sentEvents,
    emitFromCore: (m: unknown) => coreListener(m),
  };
}

describe('IPC relay', () => {
  it('registers the one call channel', () => {
    expect(CALL_CHANNEL).toBe('station:call');
  });

  it('relays a valid call and validates the reply', async () => {
    const h = harness();
    expect(await h.invoke(h.trusted, 'getState', {})).toEqual({ ok: true, value: sampleState });
    expect(h.posted).toEqual([{ type: 'call', id: 1, name: 'getState', request: {} }]);
  });

  it('refuses a foreign sender or frame without reaching the core', async () => {
    const h = harness();
    const other = await h.invoke({ sender: { id: 2 }, senderFrame: { url: 'file:///app/index.html' } }, 'getState', {});
    const frame = await h.invoke({ sender: { id: 1 }, senderFrame: { url: 'https://evil.example/' } }, 'getState', {});
    expect(other).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(frame).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(h.posted).toEqual([]);
  });

  it('refuses unknown commands and malformed requests without reaching the core', async () => {
    const h = harness();
    expect(await h.invoke(h.trusted, 'runShell', { cmd: 'rm -rf /' })).toMatchObject({ error: { code: 'unknown_command' } });
    expect(await h.invoke(h.trusted, 'scan', { code: { $gt: '' } })).toMatchObject({ error: { code: 'bad_request' } });
    expect(h.posted).toEqual([]);
  });

  it('turns a core reply that breaks the contract into an error', async () => {
    const h = harness({ reply: () => ({ ok: true, value: { nonsense: true } }) });
    expect(await h.invoke(h.trusted, 'getState', {})).toMatchObject({ ok: false, error: { code: 'bad_reply' } });
  });

  it('answers with a timeout message when the core does not reply', async () => {
    const h = harness({ reply: () => SILENT });
    const result = await h.invoke(h.trusted, 'getState', {});
    expect(result).toEqual({
      ok: false,
      error: { code: 'timeout', message: 'The station took too long to answer. Try again.' },
    });
  });

  it('forwards only declared, valid events to the window', () => {
    const h = harness();
    h.emitFromCore({ type: 'event', event: 'queue', payload: { pending: 2, inFlight: 0, dead: 0, openExceptions: 1 } });
    h.emitFromCore({ type: 'event', event: 'queue', payload: { pending: -2 } });
    h.emitFromCore({ type: 'event', event: 'secrets', payload: { key: 'x' } });
    h.emitFromCore({ data: { type: 'event', event: 'printer', payload: { status: 'paper_out', message: 'Out of labels' } } });
    expect(h.sentEvents).toEqual([
      ['queue', { pending: 2, inFlight: 0, dead: 0, openExceptions: 1 }],
      ['printer', { status: 'paper_out', message: 'Out of labels' }],
    ]);
  });

  it('keeps the latest valid payload of each event for a window that (re)loads, and only for our window', async () => {
    const h = harness();
    h.emitFromCore({ type: 'event', event: 'queue', payload: { pending: 2, inFlight: 0, dead: 0, openExceptions: 1 } });
    h.emitFromCore({ type: 'event', event: 'printer', payload: { status: 'ready', message: 'Printer tcp://p:9100' } });
    h.emitFromCore({ type: 'event', event: 'queue', payload: { pending: 1, inFlight: 0, dead: 0, openExceptions: 0 } });
    h.emitFromCore({ type: 'event', event: 'queue', payload: { pending: 'many' } });
    expect(await h.snapshot(h.trusted)).toEqual([
      ['queue', { pending: 1, inFlight: 0, dead: 0, openExceptions: 0 }],
      ['printer', { status: 'ready', message: 'Printer tcp://p:9100' }],
    ]);
    expect(await h.snapshot({ sender: { id: 2 }, senderFrame: { url: 'file:///app/index.html' } })).toEqual([]);
  });

  it('answers every waiting call at once when the core dies, and forgets its snapshot', async () => {
    const h = harness({ reply: () => SILENT });
    h.emitFromCore({ type: 'event', event: 'printer', payload: { status: 'ready', message: 'Printer' } });
    const waiting = [h.invoke(h.trusted, 'getState', {}), h.invoke(h.trusted, 'scan', { code: 'A' })];
    h.relay.coreLost();
    for (const result of await Promise.all(waiting)) {
      expect(result).toMatchObject({ ok: false, error: { code: 'core_restarting', message: expect.stringMatching(/starting again/) } });
    }
    expect(await h.snapshot(h.trusted)).toEqual([]);
  });

  it('answers at once, without waiting for the timeout, while no core is running', async () => {
    const h = harness({ coreDown: () => true });
    const started = Date.now();
    expect(await h.invoke(h.trusted, 'getState', {})).toMatchObject({ ok: false, error: { code: 'core_restarting' } });
    expect(Date.now() - started).toBeLessThan(150);
  });

  it('says why the core could not start while it is down, until a core answers again', async () => {
    let down = false;
    const h = harness({ coreDown: () => down });
    h.emitFromCore({ type: 'fatal', message: 'This bench data was written by a newer Packbench. Start that newer version; nothing was changed.' });
    down = true;
    h.relay.coreLost();
    expect(await h.invoke(h.trusted, 'getState', {})).toEqual({
      ok: false,
      error: {
        code: 'core_failed',
        message:
          'The station could not start: This bench data was written by a newer Packbench. Start that newer version; nothing was changed. ' +
          'It keeps trying by itself; if this stays, call the shift lead.',
      },
    });
    // A new core that speaks (any event or reply) has started: the old reason no longer holds.
    down = false;
    h.emitFromCore({ type: 'event', event: 'printer', payload: { status: 'ready', message: null } });
    expect(await h.invoke(h.trusted, 'getState', {})).toEqual({ ok: true, value: sampleState });
    down = true;
    expect(await h.invoke(h.trusted, 'getState', {})).toMatchObject({ ok: false, error: { code: 'core_restarting' } });
  });

  it('removes both handlers on stop', () => {
    const h = harness();
    h.relay.stop();
    expect([...h.handlers.keys()]).toEqual([]);
  });
});

describe('trustedSender', () => {
  const mainFrame = { url: 'app://packbench/index.html' };
  const trusted = trustedSender(() => ({ id: 7, mainFrame }), 'app://packbench');

  it('accepts our window main frame showing a page of our origin, any path or fragment', () => {
    expect(trusted({ sender: { id: 7 }, senderFrame: mainFrame })).toBe(true);
    mainFrame.url = 'app://packbench/index.html#lead';
    expect(trusted({ sender: { id: 7 }, senderFrame: mainFrame })).toBe(true);
    mainFrame.url = 'app://packbench/settings';
    expect(trusted({ sender: { id: 7 }, senderFrame: mainFrame })).toBe(true);
  });

  it('refuses another window, a sub-frame, another origin, and a frame that is gone', () => {
    mainFrame.url = 'app://packbench/index.html';
    expect(trusted({ sender: { id: 8 }, senderFrame: mainFrame })).toBe(false);
    expect(trusted({ sender: { id: 7 }, senderFrame: { url: 'app://packbench/index.html' } })).toBe(false);
    expect(trusted({ sender: { id: 7 }, senderFrame: null })).toBe(false);
    for (const url of [
      'file:///opt/packbench/renderer/index.html',
      'https://evil.example/#app://packbench/index.html',
      'app://packbench.evil.example/index.html',
      'app://evil@packbench/index.html',
      'app://packbench:81/index.html',
      'not a url',
    ]) {
      mainFrame.url = url;
      expect(trusted({ sender: { id: 7 }, senderFrame: mainFrame }), url).toBe(false);
    }
  });
});

describe('superviseCore', () => {
  function fakeCores() {
    const cores: (CoreProcessLike & { exit(code: number): void; posted: unknown[]; killed: boolean; deliver(m: unknown): void })[] = [];
    let clock = 0;
    const timers: { at: number; fn: () => void }[] = [];
    const exits: [number, number | null][] = [];
    const supervisor = superviseCore({
      fork() {
        const listeners: ((m: unknown) => void)[] = [];
        let onExit: (code: number) => void = () => {};
        const core = {
          posted: [] as unknown[],
          killed: false,
          postMessage(m: unknown) {
            this.posted.push(m);
          },
          on: (_e: 'message', l: (m: unknown) => void) => void listeners.push(l),
          once: (_e: 'exit', l: (code: number) => void) => void (onExit = l),
          kill() {
            this.killed = true;
            return true;
          },
          exit: (code: number) => onExit(code),
          deliver: (m: unknown) => listeners.forEach((l) => l(m)),
        };
        cores.push(core);
        return core;
      },
      onExit: (code, restartInMs) => exits.push([code, restartInMs]),
      now: () => clock,
      setTimer: (fn, ms) => timers.push({ at: clock + ms, fn }),
      clearTimer: () => timers.splice(0),
    });
    const advance = (ms: number) => {
      clock += ms;
      for (const t of timers.splice(0)) {
        if (t.at <= clock) t.fn();
        else timers.push(t);
      }
    };
    return { cores, exits, supervisor, advance, timers };
  }

  it('starts a core, relays to it, and starts a new one when it dies, keeping the listeners', () => {
    const f = fakeCores();
    const got: unknown[] = [];
    f.supervisor.port.on('message', (m) => got.push(m));
    f.supervisor.port.postMessage('one');
    expect(f.cores).toHaveLength(1);
    expect(f.cores[0]!.posted).toEqual(['one']);

    f.advance(CORE_HEALTHY_MS);
    f.cores[0]!.exit(9);
    expect(f.exits).toEqual([[9, 500]]);
    expect(() => f.supervisor.port.postMessage('lost')).toThrow(/not running/);
    f.advance(499);
    expect(f.cores).toHaveLength(1);
    f.advance(1);
    expect(f.cores).toHaveLength(2);
    f.supervisor.port.postMessage('two');
    expect(f.cores[1]!.posted).toEqual(['two']);
    f.cores[1]!.deliver('from the new core');
    expect(got).toEqual(['from the new core']);
  });

  it('backs off a core that keeps dying at start, and starts over once one ran a while', () => {
    const f = fakeCores();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      f.cores.at(-1)!.exit(1);
      delays.push(f.exits.at(-1)![1]!);
      f.advance(delays.at(-1)!);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    f.advance(CORE_HEALTHY_MS);
    f.cores.at(-1)!.exit(1);
    expect(f.exits.at(-1)).toEqual([1, 500]);
  });

  it('asks the core to shut down when the app quits, waits for it, and starts none again', async () => {
    const f = fakeCores();
    let done = false;
    const stopped = f.supervisor.stop(10_000).then(() => (done = true));
    expect(f.cores[0]!.posted).toEqual([{ type: 'shutdown' }]);
    expect(f.cores[0]!.killed).toBe(false);
    await Promise.resolve();
    expect(done).toBe(false); // still closing its database
    f.cores[0]!.exit(0);
    await stopped;
    expect(f.cores[0]!.killed).toBe(false);
    expect(f.exits).toEqual([[0, null]]);
    f.advance(60_000);
    expect(f.cores).toHaveLength(1);
  });

  it('kills a core that has not shut down within the grace period', async () => {
    const f = fakeCores();
    const stopped = f.supervisor.stop(10_000);
    f.advance(9_999);
    expect(f.cores[0]!.killed).toBe(false);
    f.advance(1);
    await stopped;
    expect(f.cores[0]!.killed).toBe(true);
  });
});

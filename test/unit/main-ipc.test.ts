// The Electron IPC relay, driven with fakes of ipcMain and the core's port (no Electron runtime).
import { describe, expect, it } from 'vitest';
import { CALL_CHANNEL, startIpcRelay, type InvokeEventLike } from '../../electron/main-ipc';
import { sampleState } from '../support/fake-handlers';

const SILENT = Symbol('no reply');

function harness(options: { reply?: (msg: { id: number; name: string }) => unknown } = {}) {
  let handler: ((event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>) | null = null;
  let coreListener: (message: unknown) => void = () => {};
  const posted: { id: number; name: string; request: unknown }[] = [];
  const sentEvents: [string, unknown][] = [];
  startIpcRelay({
    ipcMain: { handle: (_c, l) => (handler = l), removeHandler: () => {} },
    core: {
      postMessage(message) {
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
    invoke: (event: InvokeEventLike, ...args: unknown[]) => handler!(event, ...args),
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
});

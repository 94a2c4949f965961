// The generic bridge: both ends validate against the contract and refuse what is not in it.
import { describe, expect, it, vi } from 'vitest';
import { createStationClient, dispatch, type BridgeTransport } from '../../shared/bridge';
import { StationFault } from '../../shared/errors';
import { fakeHandlers, sampleState } from '../support/fake-handlers';

describe('dispatch (core side)', () => {
  it('runs a valid command and returns its validated reply', async () => {
    const calls: string[] = [];
    const result = await dispatch(fakeHandlers(calls), 'scan', { code: 'ABC' });
    expect(result).toMatchObject({ ok: true, value: { kind: 'unknown' } });
    expect(calls).toEqual(['scan']);
  });

  it('refuses an unknown command without running anything', async () => {
    const calls: string[] = [];
    for (const name of ['deleteEverything', '__proto__', 'constructor', 42, null]) {
      const result = await dispatch(fakeHandlers(calls), name, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    }
    expect(calls).toEqual([]);
  });

  it('refuses malformed requests before the handler runs', async () => {
    const calls: string[] = [];
    const bad = [
      ['scan', { code: 42 }],
      ['scan', { code: '' }],
      ['scan', { code: 'A', extra: true }],
      ['scan', 'ABC'],
      ['updateSettings', { patch: { printer: { uri: 'http://x' } }, approval: { pin: '1234' } }],
      ['resolveException', { id: -1, resolution: 'retry', approval: { badge: 'L' } }],
    ] as const;
    for (const [name, request] of bad) {
      const result = await dispatch(fakeHandlers(calls), name, request);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('bad_request');
        expect(result.error.message).toMatch(/nothing was changed/);
      }
    }
    expect(calls).toEqual([]);
  });

  it('passes a StationFault through as { code, message, detail }', async () => {
    const handlers = { ...fakeHandlers(), getState: () => { throw new StationFault('not_logged_in', 'Scan your badge first.', { x: 1 }); } };
    expect(await dispatch(handlers, 'getState', {})).toEqual({
      ok: false,
      error: { code: 'not_logged_in', message: 'Scan your badge first.', detail: { x: 1 } },
    });
  });

  it('hides an unexpected error behind a bench message, and reports it', async () => {
    const seen = vi.fn();
    const handlers = { ...fakeHandlers(), getState: () => { throw new Error('SQLITE_BUSY: secret path /x'); } };
    const result = await dispatch(handlers, 'getState', {}, seen);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('SQLITE_BUSY');
    expect(seen).toHaveBeenCalledOnce();
  });

  it('refuses to send a reply that breaks the contract', async () => {
    const handlers = { ...fakeHandlers(), getState: () => ({ ...sampleState, step: 'flying' }) as never };
    expect(await dispatch(handlers, 'getState', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('createStationClient (renderer side)', () => {
  function transport(reply: unknown): BridgeTransport & { sent: unknown[] } {
    const sent: unknown[] = [];
    return {
      sent,
      send: async (name, request) => (sent.push([name, request]), reply),
      subscribe: () => () => {},
    };
  }

  it('validates the request before anything is sent', async () => {
    const t = transport({ ok: true, value: sampleState });
    const client = createStationClient(t);
    const result = await client.call('scan', { code: 7 as unknown as string });
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(t.sent).toEqual([]);
  });

  it('turns a reply that breaks the contract into an error', async () => {
    const client = createStationClient(transport({ ok: true, value: { ...sampleState, scans: -1 } }));
    expect(await client.call('getState', {})).toMatchObject({ ok: false, error: { code: 'bad_reply' } });
  });

  it('passes a well-formed error reply through', async () => {
    const error = { code: 'wrong_pin', message: 'That PIN is not right.' };
    const client = createStationClient(transport({ ok: false, error }));
    expect(await client.call('getSettings', {})).toEqual({ ok: false, error });
  });

  it('reports a broken transport as a message for the bench', async () => {
    const client = createStationClient({ send: async () => { throw new Error('socket hang up'); }, subscribe: () => () => {} });
    const result = await client.call('getState', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'bridge_unavailable' } });
  });

  it('delivers only valid, declared events', () => {
    let push: (event: string, payload: unknown) => void = () => {};
    const client = createStationClient({ send: async () => null, subscribe: (l) => ((push = l), () => {}) });
    const got: unknown[] = [];
    client.on('queue', (q) => got.push(q));
    push('queue', { pending: 1, inFlight: 0, dead: 0, openExceptions: 0 });
    push('queue', { pending: 'lots' });
    push('rootShell', { pending: 1 });
    expect(got).toEqual([{ pending: 1, inFlight: 0, dead: 0, openExceptions: 0 }]);
  });
});

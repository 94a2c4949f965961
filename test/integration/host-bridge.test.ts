// Browser-mode bridge: commands through POST /api/call, events over the WebSocket, and the
// renderer's web transport driven from Node against a real host on 127.0.0.1.
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { QueueCounts, StationState } from '../../shared/api';
import type { Handlers } from '../../shared/bridge';
import { StationFault } from '../../shared/errors';
import { defaultSettings } from '../../shared/settings';
import type { StationEvents } from '../../electron/core/events';
import type { RunningHost } from '../../electron/core/host/server';
import {
  NOT_CONNECTED_MESSAGE,
  connectWebStation,
  createWebTransport,
  type SocketHandlers,
  type WebEnvironment,
} from '../../renderer/src/station/web-transport';
import { idleState as state, startHostRig, type HostRig } from '../support/host-rig';
import { leadPin } from '../support/approval';

const queue: QueueCounts = { pending: 2, inFlight: 1, dead: 0, openExceptions: 0 };

function fakeHandlers(): Handlers {
  return {
    scan: vi.fn<Handlers['scan']>(({ code }) => ({
      kind: 'order',
      message: { tone: 'success', text: `Order ${code} claimed`, at: 1 },
      state: { ...state, step: 'packing', scans: 1 },
    })),
    getState: () => state,
    listExceptions: () => ({ items: [] }),
    resolveException: () => {
      throw new StationFault('not_found', 'That exception is no longer open.');
    },
    fixRejectedShipment: () => {
      throw new StationFault('not_found', 'That exception is no longer open.');
    },
    carrierServices: () => ({ providers: [] }),
    enterWeight: () => state,
    labelImage: () => ({ png: null }),
    getSettings: () => defaultSettings(),
    updateSettings: () => defaultSettings(),
    testDevice: () => {
      throw new Error('serial port exploded');
    },
    detectScale: () => ({ ok: false, message: 'No scale port is set up.', found: null }),
    login: () => ({ ...state, packer: { id: 1, name: 'Ana', role: 'packer' } }),
    // Breaks the reply contract on purpose.
    logout: () => ({ nope: true }) as unknown as StationState,
    benchCommand: () => ({ kind: 'command', message: { tone: 'info', text: 'Order put aside.', at: 1 }, state }),
    printCommandSheet: () => ({ ok: true, message: 'sent', pdf: null }),
    exportSupportBundle: () => ({ file: '/data/support/bundle.json', bytes: 1 }),
    listOutbox: () => ({ items: [] }),
    scopeOptions: () => ({ companies: [], warehouses: [], pickingTypes: [], source: 'local' as const, problem: null }),
    testOdoo: () => ({ ok: true, message: 'Odoo answers.' }),
  };
}

let rig: HostRig;
let host: RunningHost;
let events: StationEvents;
let handlers: Handlers;
let logs: string[];
let token: string;
let origin: string;

beforeEach(async () => {
  handlers = fakeHandlers();
  rig = await startHostRig(handlers, { prefix: 'pb-bridge-', files: { 'index.html': '<!doctype html><title>Packbench</title>' } });
  ({ host, events, logs, token, origin } = rig);
});

afterEach(() => rig.close());

function post(pathname: string, body: string, headers: OutgoingHttpHeaders): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: host.port,
        method: 'POST',
        path: pathname,
        headers: { origin, 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function login(): Promise<string> {
  const reply = await post('/api/session', JSON.stringify({ token }), {});
  expect(reply.status).toBe(204);
  return (reply.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
}

async function call(name: string, body: unknown, cookie: string): Promise<unknown> {
  const reply = await post(`/api/call/${name}`, JSON.stringify(body), { cookie });
  expect(reply.status).toBe(200);
  return JSON.parse(reply.body) as unknown;
}

describe('commands over POST /api/call', () => {
  it('returns the handler reply in an ok envelope', async () => {
    const cookie = await login();
    expect(await call('getState', {}, cookie)).toEqual({ ok: true, value: state });
    expect(await call('scan', { code: 'WH/OUT/00012' }, cookie)).toMatchObject({
      ok: true,
      value: { kind: 'order', state: { step: 'packing' } },
    });
    expect(handlers.scan).toHaveBeenCalledWith({ code: 'WH/OUT/00012' });
    // Defaults from the request schema are applied before the handler runs.
    expect(await call('listExceptions', {}, cookie)).toEqual({ ok: true, value: { items: [] } });
  });

  it('answers an unknown command with unknown_command', async () => {
    const cookie = await login();
    expect(await call('formatDisk', {}, cookie)).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    expect(await call('__proto__', {}, cookie)).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    expect(await call('toString', {}, cookie)).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
  });

  it('rejects a malformed request with bad_request without calling the handler', async () => {
    const cookie = await login();
    expect(await call('scan', { code: 42 }, cookie)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await call('scan', { code: 'A', extra: true }, cookie)).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await call('scan', [1, 2], cookie)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(handlers.scan).not.toHaveBeenCalled();
  });

  it('carries faults as errors and hides internal failures', async () => {
    const cookie = await login();
    expect(
      await call('resolveException', { id: 1, resolution: 'retry', approval: leadPin('1234') }, cookie),
    ).toEqual({ ok: false, error: { code: 'not_found', message: 'That exception is no longer open.' } });
    const crashed = (await call('testDevice', { device: 'scale' }, cookie)) as { ok: false; error: { code: string; message: string } };
    expect(crashed.error.code).toBe('internal');
    expect(crashed.error.message).not.toContain('exploded');
    expect(await call('logout', {}, cookie)).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(logs.some((l) => l.includes('internal error in testDevice'))).toBe(true);
  });
});

type Message = { event: string; payload: unknown };
type Outcome = { open: true; ws: WebSocket; inbox: Inbox } | { open: false; status: number | 'error' };

/** Collects messages from the first byte: the snapshot can arrive in the same packet as the handshake. */
class Inbox {
  private readonly seen: Message[] = [];
  private waiter: (() => void) | null = null;

  constructor(ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.seen.push(JSON.parse(data.toString('utf8')) as Message);
      this.waiter?.();
    });
  }

  async take(count: number): Promise<Message[]> {
    while (this.seen.length < count) await new Promise<void>((resolve) => (this.waiter = resolve));
    return this.seen.splice(0, count);
  }
}

function connect(headers: Record<string, string>, pathname = '/api/events'): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${pathname}`, { headers });
    const inbox = new Inbox(ws);
    ws.once('open', () => resolve({ open: true, ws, inbox }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ open: false, status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', () => resolve({ open: false, status: 'error' }));
  });
}

describe('events over the WebSocket', () => {
  it('refuses an upgrade from another Origin, without Origin, without the cookie or with a foreign Host', async () => {
    const cookie = await login();
    const refused = [
      await connect({ cookie, origin: 'http://evil.example' }),
      await connect({ cookie }),
      await connect({ origin }),
      await connect({ origin, cookie: `pb_session_${host.port}=guessed` }),
      await connect({ origin, cookie, host: `evil.example:${host.port}` }),
    ];
    for (const outcome of refused) expect(outcome).toEqual({ open: false, status: 403 });
    expect(await connect({ origin, cookie }, '/api/other')).toEqual({ open: false, status: 404 });
    expect(logs.filter((l) => l === 'GET /api/events 403')).toHaveLength(5);
  });

  it('sends the snapshot on connect, then every event, ignoring client messages', async () => {
    const cookie = await login();
    events.emit('state', state);
    const outcome = await connect({ origin, cookie });
    if (!outcome.open) throw new Error(`refused: ${outcome.status}`);
    const { ws, inbox } = outcome;
    try {
      expect(await inbox.take(1)).toEqual([{ event: 'state', payload: state }]);
      ws.send('{"event":"state","payload":"forged"}');
      ws.send('not json at all');
      events.emit('queue', queue);
      events.emit('printer', { status: 'paper_out', message: 'Load labels.' });
      expect(await inbox.take(2)).toEqual([
        { event: 'queue', payload: queue },
        { event: 'printer', payload: { status: 'paper_out', message: 'Load labels.' } },
      ]);
    } finally {
      ws.close();
    }
  });
});

/** A Node stand-in for the page: a cookie jar, the Origin a browser would add, and `ws`. */
function nodeEnvironment(hash: string, jar: { cookie: string | null }) {
  const replaced: string[] = [];
  const env: WebEnvironment = {
    location: { origin, host: `127.0.0.1:${host.port}`, protocol: 'http:', hash, pathname: '/pack', search: '?bench=1' },
    history: {
      replaceState(_data, _unused, url) {
        replaced.push(url);
        env.location.hash = '';
      },
    },
    async fetch(url, init) {
      const headers = new Headers(init.headers);
      if (init.method === 'POST') headers.set('origin', origin);
      if (jar.cookie) headers.set('cookie', jar.cookie);
      const response = await fetch(url, { ...init, headers });
      const set = response.headers.getSetCookie()[0];
      if (set) jar.cookie = set.split(';')[0]!;
      return response;
    },
    openSocket(url, handlers: SocketHandlers) {
      const ws = new WebSocket(url, { headers: { origin, ...(jar.cookie ? { cookie: jar.cookie } : {}) } });
      ws.on('open', () => handlers.onOpen());
      ws.on('message', (data: Buffer) => handlers.onMessage(data.toString('utf8')));
      ws.on('close', () => handlers.onClose());
      ws.on('error', () => {});
      return { close: () => ws.close() };
    },
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
  return { env, replaced };
}

describe('renderer web transport', () => {
  it('exchanges the fragment token, strips it, and then calls and listens through the host', async () => {
    const jar = { cookie: null as string | null };
    const { env, replaced } = nodeEnvironment(`#token=${token}`, jar);
    const station = await connectWebStation(env);
    expect(replaced).toEqual(['/pack?bench=1']);
    expect(jar.cookie).toMatch(/^pb_session_\d+=/);

    expect(await station.call('getState', {})).toEqual({ ok: true, value: state });
    expect(await station.call('scan', { code: 'WH/OUT/1' })).toMatchObject({ ok: true, value: { kind: 'order' } });
    // Client-side validation stops a bad request before it leaves the page.
    expect(await station.call('scan', { code: '' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(handlers.scan).toHaveBeenCalledTimes(1);

    const received = new Promise<QueueCounts>((resolve) => {
      const off = station.on('queue', (payload) => {
        off();
        resolve(payload);
      });
    });
    // The socket is opened on the first subscription; emit once it is connected.
    await vi.waitFor(() => expect(logs).toContain('GET /api/events 101'));
    events.emit('queue', queue);
    expect(await received).toEqual(queue);
  });

  it('falls back to an existing cookie when the token was already used (second tab)', async () => {
    const jar = { cookie: null as string | null };
    await connectWebStation(nodeEnvironment(`#token=${token}`, jar).env);
    const second = nodeEnvironment(`#token=${token}`, jar);
    const station = await connectWebStation(second.env);
    expect(second.replaced).toEqual(['/pack?bench=1']);
    expect(await station.call('getState', {})).toEqual({ ok: true, value: state });
    // A reload: no fragment at all.
    await expect(connectWebStation(nodeEnvironment('', jar).env)).resolves.toBeDefined();
  });

  it('tells the person to open the printed address when there is neither token nor cookie', async () => {
    await expect(connectWebStation(nodeEnvironment('', { cookie: null }).env)).rejects.toThrow(NOT_CONNECTED_MESSAGE);
    const wrong = nodeEnvironment('#token=wrong', { cookie: null });
    await expect(connectWebStation(wrong.env)).rejects.toThrow(/address Packbench printed/);
    expect(wrong.replaced).toEqual(['/pack?bench=1']);
  });

  it('reconnects the event socket with backoff from 1 s up to 10 s, reset by a successful open', () => {
    const delays: number[] = [];
    const pending: (() => void)[] = [];
    const sockets: SocketHandlers[] = [];
    const env: WebEnvironment = {
      location: { origin, host: `127.0.0.1:${host.port}`, protocol: 'http:', hash: '', pathname: '/', search: '' },
      history: { replaceState: () => {} },
      fetch: () => Promise.reject(new Error('unused')),
      openSocket: (url, handlers) => {
        expect(url).toBe(`ws://127.0.0.1:${host.port}/api/events`);
        sockets.push(handlers);
        return { close: () => {} };
      },
      setTimeout: (callback, ms) => {
        delays.push(ms);
        pending.push(callback);
        return pending.length;
      },
      clearTimeout: () => {},
    };
    const seen: [string, unknown][] = [];
    const unsubscribe = createWebTransport(env).subscribe((event, payload) => seen.push([event, payload]));
    const failOnce = () => {
      sockets.at(-1)!.onClose();
      pending.shift()!();
    };
    for (let i = 0; i < 6; i++) failOnce();
    expect(delays).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
    sockets.at(-1)!.onOpen();
    sockets.at(-1)!.onMessage(JSON.stringify({ event: 'queue', payload: queue }));
    sockets.at(-1)!.onMessage('garbage');
    failOnce();
    expect(delays.at(-1)).toBe(1000);
    expect(seen).toEqual([['queue', queue]]);
    unsubscribe();
    sockets.at(-1)!.onClose();
    expect(pending).toHaveLength(0);
  });
});

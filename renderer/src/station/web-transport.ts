// Browser mode's client side of the web bridge: commands as POST /api/call/<name>, events over a
// WebSocket on /api/events. The page first trades the start token from its URL fragment for a
// session cookie (core/host/server.ts). Plain browser code; the environment is injectable so
// tests can drive it from Node against a real host.
import type { CommandName, StationApi } from '../../../shared/api';
import { createStationClient, type BridgeTransport } from '../../../shared/bridge';

export const NOT_CONNECTED_MESSAGE =
  'This page is not connected to Packbench. Open the address Packbench printed when it started ' +
  '(if that address was already used, restart Packbench for a fresh one).';

export const UNREACHABLE_MESSAGE =
  'Packbench is not answering at this address. Check that it is still running, then reload the page.';

const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 10_000;

export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: unknown): void;
  onClose(): void;
}

/** What the transport needs from the page; `browserEnvironment()` is the real one. */
export interface WebEnvironment {
  location: { origin: string; host: string; protocol: string; hash: string; pathname: string; search: string };
  history: { replaceState(data: null, unused: string, url: string): void };
  fetch(url: string, init: RequestInit): Promise<Response>;
  openSocket(url: string, handlers: SocketHandlers): { close(): void };
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export function browserEnvironment(): WebEnvironment {
  return {
    location: window.location,
    history: window.history,
    fetch: (url, init) => window.fetch(url, init),
    openSocket(url, handlers) {
      const socket = new WebSocket(url);
      socket.onopen = () => handlers.onOpen();
      socket.onmessage = (event) => handlers.onMessage(event.data);
      // 'error' is always followed by 'close', so reconnecting hangs off 'close' alone.
      socket.onclose = () => handlers.onClose();
      return { close: () => socket.close() };
    },
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
  };
}

function parseMessage(data: unknown): { event: string; payload: unknown } | null {
  if (typeof data !== 'string') return null;
  try {
    const message = JSON.parse(data) as { event?: unknown; payload?: unknown } | null;
    if (!message || typeof message.event !== 'string') return null;
    return { event: message.event, payload: message.payload };
  } catch {
    return null;
  }
}

export function createWebTransport(env: WebEnvironment): BridgeTransport {
  return {
    async send(name: CommandName, request: unknown) {
      const response = await env.fetch(`${env.location.origin}/api/call/${encodeURIComponent(name)}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request ?? {}),
      });
      // Every /api/call answer is an envelope, errors (401, 413, ...) included; a body that is
      // not JSON throws, which the client reports as a lost connection.
      return (await response.json()) as unknown;
    },

    subscribe(listener) {
      const scheme = env.location.protocol === 'https:' ? 'wss:' : 'ws:';
      const url = `${scheme}//${env.location.host}/api/events`;
      let stopped = false;
      let delay = MIN_BACKOFF_MS;
      let socket: { close(): void } | null = null;
      let timer: unknown = null;

      const retry = () => {
        socket = null;
        if (stopped) return;
        timer = env.setTimeout(open, delay);
        delay = Math.min(delay * 2, MAX_BACKOFF_MS);
      };
      function open() {
        timer = null;
        try {
          socket = env.openSocket(url, {
            onOpen: () => {
              delay = MIN_BACKOFF_MS;
            },
            onMessage: (data) => {
              const message = parseMessage(data);
              if (message) listener(message.event, message.payload);
            },
            onClose: retry,
          });
        } catch {
          retry();
        }
      }
      open();

      return () => {
        stopped = true;
        if (timer !== null) env.clearTimeout(timer);
        socket?.close();
      };
    },
  };
}

function tokenFrom(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token ? token : null;
}

async function reachable<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch {
    throw new Error(UNREACHABLE_MESSAGE);
  }
}

/**
 * Establish the session, then return the StationApi. A token in the URL fragment is exchanged
 * for the cookie and stripped from the address bar; without one (a reload, a second tab) an
 * existing cookie is checked.
 */
export async function connectWebStation(env: WebEnvironment = browserEnvironment()): Promise<StationApi> {
  const { location } = env;
  const token = tokenFrom(location.hash);
  if (token !== null) {
    let exchanged: Response;
    try {
      exchanged = await reachable(() =>
        env.fetch(`${location.origin}/api/session`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token }),
        }),
      );
    } finally {
      // Strip it whatever happened: it works once, and must not linger in history or bookmarks.
      env.history.replaceState(null, '', location.pathname + location.search);
    }
    if (exchanged.status === 204) return createStationClient(createWebTransport(env));
  }
  // No token, or it was already used (a second tab): an existing cookie may still be good.
  const check = await reachable(() =>
    env.fetch(`${location.origin}/api/session`, { method: 'GET', credentials: 'same-origin' }),
  );
  if (check.status === 204) return createStationClient(createWebTransport(env));
  throw new Error(NOT_CONNECTED_MESSAGE);
}

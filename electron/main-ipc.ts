// The generic IPC relay between the renderer and the core's utility process. Derived from the
// contract: it validates every request and reply against shared/api.ts, refuses unknown commands
// and foreign senders, and never reads what it relays beyond that. It keeps the latest payload of
// each event so a window that (re)loads gets the current snapshot, as the web bridge does on
// connect. A supervisor keeps the core running: a core that dies is started again.
// Electron objects are passed in, so this file runs (and is tested) without the Electron runtime.
import { parseEvent, parseReply, parseRequest } from '../shared/bridge';
import type { CallResult, CommandName } from '../shared/api';
import type { KeychainReply, KeychainRequest } from './core/entry/keychain-port';

export const CALL_CHANNEL = 'station:call';
export const EVENT_CHANNEL = 'station:event';
/** invoke() on it answers the latest payload of every event, as [event, payload] pairs. */
export const SNAPSHOT_CHANNEL = 'station:snapshot';

/** The parts of ipcMain / IpcMainInvokeEvent the relay needs. */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string } | null;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}
/** The parts of a utility process's MessagePort / UtilityProcess the relay needs. */
export interface CorePortLike {
  /** Throws when there is no core to take it (see superviseCore). */
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: { data: unknown } | unknown) => void): void;
}

export type CoreMessage =
  | { type: 'reply'; id: number; result: unknown }
  | { type: 'event'; event: string; payload: unknown }
  /** The core could not start (or stopped on an error): why, in words for the bench. */
  | { type: 'fatal'; message: string }
  /** The core asks main's keychain (main-keychain.ts); answered on the core's port, never the window's. */
  | KeychainRequest;

export interface RelayOptions {
  ipcMain: IpcMainLike;
  core: CorePortLike;
  /** Is this sender our window, showing our renderer? */
  isTrustedSender(event: InvokeEventLike): boolean;
  sendEvent(event: string, payload: unknown): void;
  /** A call refused before it reached the core: a foreign sender, an unknown command, a malformed request. */
  onRefused?(refusal: { reason: 'sender' | 'request'; command: string; code: string; senderUrl: string | null }): void;
  /** Every reply that passed the contract, the window's and main's own (main applies desktop settings from them). */
  onReply?(name: CommandName, result: CallResult<unknown>): void;
  /** Answer the core's keychain requests (safeStorage lives in main only). */
  onKeychain?(request: KeychainRequest): KeychainReply;
  timeoutMs?: number;
}

export interface IpcRelay {
  /** A call of main's own (not the window's): checked against the contract like any other. */
  call(name: CommandName, request: unknown): Promise<CallResult<unknown>>;
  /** The core went away: answer every call waiting on it, and forget its event snapshot. */
  coreLost(): void;
  stop(): void;
}

const refused: CallResult<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This window may not talk to the station.' },
};

const restarting: CallResult<never> = {
  ok: false,
  error: {
    code: 'core_restarting',
    message: 'The station service stopped and is starting again. Wait a moment, then scan again.',
  },
};

/** The scheme and host of a URL ("app://packbench"), or null when it has none or does not parse. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password || parsed.port) return null;
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : null;
  } catch {
    return null;
  }
}

/** The parts of a BrowserWindow's webContents the sender check needs. */
export interface WebContentsLike {
  id: number;
  mainFrame: unknown;
}

/**
 * Our window (by webContents id), its main frame (never an iframe inside it), showing a page of
 * our own origin, and nothing else.
 */
export function trustedSender(webContents: () => WebContentsLike, origin: string): (event: InvokeEventLike) => boolean {
  return (event) => {
    const ours = webContents();
    return (
      event.sender.id === ours.id &&
      event.senderFrame !== null &&
      event.senderFrame === ours.mainFrame &&
      typeof event.senderFrame.url === 'string' &&
      originOf(event.senderFrame.url) === origin
    );
  };
}

/** What a call gets while there is no core: why it stopped, when it said so before exiting. */
function unavailable(failure: string | null): CallResult<never> {
  if (failure === null) return restarting;
  return {
    ok: false,
    error: { code: 'core_failed', message: `The station could not start: ${failure} It keeps trying by itself; if this stays, call the shift lead.` },
  };
}

export function startIpcRelay(options: RelayOptions): IpcRelay {
  let nextId = 1;
  /** The last core's own words on why it stopped; cleared as soon as a core answers again. */
  let failure: string | null = null;
  const pending = new Map<number, { name: CommandName; resolve: (r: unknown) => void }>();
  const latest = new Map<string, unknown>();
  const timeoutMs = options.timeoutMs ?? 60_000;

  options.core.on('message', (raw) => {
    // Electron's UtilityProcess passes the data directly; a MessagePortMain wraps it in { data }.
    const message = (raw && typeof raw === 'object' && 'data' in raw ? (raw as { data: unknown }).data : raw) as CoreMessage;
    if (message?.type === 'keychain') {
      if (typeof message.id !== 'number' || !options.onKeychain) return;
      try {
        options.core.postMessage(options.onKeychain(message));
      } catch {
        // No core to answer: it asks again when it starts.
      }
      return;
    }
    if (message?.type === 'fatal') {
      failure = typeof message.message === 'string' ? message.message.slice(0, 500) : null;
      return;
    }
    failure = null;
    if (message?.type === 'reply') {
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      const reply = parseReply(waiter.name, message.result);
      waiter.resolve(reply);
      options.onReply?.(waiter.name, reply as CallResult<unknown>);
    } else if (message?.type === 'event') {
      const parsed = parseEvent(message.event, message.payload);
      if (!parsed.ok) return;
      latest.set(parsed.event, parsed.payload);
      options.sendEvent(parsed.event, parsed.payload);
    }
  });

  options.ipcMain.handle(SNAPSHOT_CHANNEL, async (event) => (options.isTrustedSender(event) ? [...latest] : []));

  options.ipcMain.handle(CALL_CHANNEL, async (event, name, request) => {
    const command = typeof name === 'string' ? name.slice(0, 100) : typeof name;
    const senderUrl = event.senderFrame?.url ?? null;
    if (!options.isTrustedSender(event)) {
      options.onRefused?.({ reason: 'sender', command, code: 'forbidden', senderUrl });
      return refused;
    }
    const checked = parseRequest(name, request);
    if (!checked.ok) {
      options.onRefused?.({ reason: 'request', command, code: checked.error.code, senderUrl });
      return checked;
    }
    return forward(checked.name, checked.request);
  });

  function forward(name: CommandName, request: unknown): Promise<CallResult<unknown>> {
    const id = nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve({
          ok: false,
          error: { code: 'timeout', message: 'The station took too long to answer. Try again.' },
        });
      }, timeoutMs);
      pending.set(id, {
        name,
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result as CallResult<unknown>);
        },
      });
      try {
        options.core.postMessage({ type: 'call', id, name, request });
      } catch {
        pending.get(id)?.resolve(unavailable(failure));
        pending.delete(id);
      }
    });
  }

  return {
    async call(name, request) {
      const checked = parseRequest(name, request);
      return checked.ok ? forward(checked.name, checked.request) : checked;
    },
    coreLost() {
      latest.clear();
      const waiting = [...pending.values()];
      pending.clear();
      for (const waiter of waiting) waiter.resolve(unavailable(failure));
    },
    stop() {
      options.ipcMain.removeHandler(CALL_CHANNEL);
      options.ipcMain.removeHandler(SNAPSHOT_CHANNEL);
    },
  };
}

/** The parts of Electron's UtilityProcess the supervisor needs. */
export interface CoreProcessLike extends CorePortLike {
  once(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface SupervisorOptions {
  fork(): CoreProcessLike;
  /** A core exited; a new one starts in `restartInMs` (null: the app is quitting, none will). */
  onExit(code: number, restartInMs: number | null): void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/** A core that ran this long before it died is started again at once; crashes sooner back off. */
export const CORE_HEALTHY_MS = 60_000;
const FIRST_RESTART_MS = 500;
const MAX_RESTART_MS = 30_000;

/**
 * Keep one core process running. The returned port always talks to the live core; its message
 * listeners follow each new core; postMessage throws while there is none.
 */
/** How long a quitting app waits for the core to finish its current write and close its file. */
export const CORE_SHUTDOWN_GRACE_MS = 10_000;

export interface SupervisedCore {
  port: CorePortLike;
  /**
   * Ask the core to shut down (it finishes the write under way, stops its devices and closes the
   * database), and resolve once it has exited; a core that has not exited after `graceMs` is killed.
   * No core is started again after this.
   */
  stop(graceMs?: number): Promise<void>;
}

export function superviseCore(options: SupervisorOptions): SupervisedCore {
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((t: unknown) => clearTimeout(t as NodeJS.Timeout));
  const listeners: ((message: unknown) => void)[] = [];
  let core: CoreProcessLike | null = null;
  let stopping = false;
  let crashes = 0;
  let timer: unknown = null;
  let exited: (() => void) | null = null;

  const start = () => {
    timer = null;
    if (stopping) return;
    const started = now();
    const child = options.fork();
    core = child;
    for (const listener of listeners) child.on('message', listener);
    child.once('exit', (code) => {
      if (core === child) core = null;
      if (stopping) {
        exited?.();
        return options.onExit(code, null);
      }
      crashes = now() - started >= CORE_HEALTHY_MS ? 1 : crashes + 1;
      const delay = Math.min(MAX_RESTART_MS, FIRST_RESTART_MS * 2 ** (crashes - 1));
      options.onExit(code, delay);
      timer = setTimer(start, delay);
    });
  };
  start();

  return {
    port: {
      postMessage(message) {
        if (!core) throw new Error('the station core is not running');
        core.postMessage(message);
      },
      on(_event, listener) {
        listeners.push(listener);
        core?.on('message', listener);
      },
    },
    stop(graceMs = CORE_SHUTDOWN_GRACE_MS) {
      stopping = true;
      if (timer !== null) clearTimer(timer);
      const child = core;
      if (!child) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const killer = setTimer(() => {
          child.kill();
          resolve();
        }, graceMs);
        exited = () => {
          clearTimer(killer);
          resolve();
        };
        try {
          child.postMessage({ type: 'shutdown' });
        } catch {
          child.kill();
        }
      });
    },
  };
}

// The generic IPC relay between the renderer and the core's utility process. Derived from the
// contract: it validates every request and reply against shared/api.ts, refuses unknown commands
// and foreign senders, and never reads what it relays beyond that. Electron objects are passed in,
// so this file runs (and is tested) without the Electron runtime.
import { parseEvent, parseReply, parseRequest } from '../shared/bridge';
import type { CallResult, CommandName } from '../shared/api';

export const CALL_CHANNEL = 'station:call';
export const EVENT_CHANNEL = 'station:event';

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
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: { data: unknown } | unknown) => void): void;
}

export type CoreMessage =
  | { type: 'reply'; id: number; result: unknown }
  | { type: 'event'; event: string; payload: unknown };

export interface RelayOptions {
  ipcMain: IpcMainLike;
  core: CorePortLike;
  /** Is this sender our window, showing our renderer? */
  isTrustedSender(event: InvokeEventLike): boolean;
  sendEvent(event: string, payload: unknown): void;
  timeoutMs?: number;
}

const refused: CallResult<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This window may not talk to the station.' },
};

export function startIpcRelay(options: RelayOptions): () => void {
  let nextId = 1;
  const pending = new Map<number, { name: CommandName; resolve: (r: unknown) => void }>();
  const timeoutMs = options.timeoutMs ?? 60_000;

  options.core.on('message', (raw) => {
    // Electron's UtilityProcess passes the data directly; a MessagePortMain wraps it in { data }.
    const message = (raw && typeof raw === 'object' && 'data' in raw ? (raw as { data: unknown }).data : raw) as CoreMessage;
    if (message?.type === 'reply') {
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      waiter.resolve(parseReply(waiter.name, message.result));
    } else if (message?.type === 'event') {
      const parsed = parseEvent(message.event, message.payload);
      if (parsed.ok) options.sendEvent(parsed.event, parsed.payload);
    }
  });

  options.ipcMain.handle(CALL_CHANNEL, async (event, name, request) => {
    if (!options.isTrustedSender(event)) return refused;
    const checked = parseRequest(name, request);
    if (!checked.ok) return checked;
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
        name: checked.name,
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
      });
      options.core.postMessage({ type: 'call', id, name: checked.name, request: checked.request });
    });
  });

  return () => options.ipcMain.removeHandler(CALL_CHANNEL);
}

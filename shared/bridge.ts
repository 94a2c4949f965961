// Generic bridge logic derived from the contract in api.ts. Both the IPC bridge (electron main and
// preload) and the web bridge (core/host and renderer) use these, so validation lives in one place.
import type { z } from 'zod';
import {
  commands,
  events,
  isCommandName,
  isEventName,
  type CallResult,
  type CommandName,
  type CommandReply,
  type CommandRequest,
  type EventName,
  type EventPayload,
  type ParsedRequest,
  type StationApi,
  StationError,
} from './api';
import { INTERNAL_MESSAGE, StationFault } from './errors';

export type Handlers = {
  [N in CommandName]: (request: ParsedRequest<N>) => Promise<CommandReply<N>> | CommandReply<N>;
};

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export function unknownCommand(name: unknown): StationError {
  return {
    code: 'unknown_command',
    message: 'Packbench does not know that request. Restart the bench if this keeps happening.',
    detail: { name: typeof name === 'string' ? name.slice(0, 64) : typeof name },
  };
}

/** Validate a request for `name` (which must be a declared command). */
export function parseRequest(
  name: unknown,
  raw: unknown,
): { ok: true; name: CommandName; request: unknown } | { ok: false; error: StationError } {
  if (!isCommandName(name)) return { ok: false, error: unknownCommand(name) };
  const parsed = commands[name].request.safeParse(raw ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'bad_request',
        message: 'That request was not understood, so nothing was changed.',
        detail: { name, issues: issuesOf(parsed.error) },
      },
    };
  }
  return { ok: true, name, request: parsed.data };
}

/** Validate a reply for `name`; a reply that breaks the contract becomes an error, not data. */
export function parseReply<N extends CommandName>(name: N, raw: unknown): CallResult<CommandReply<N>> {
  const envelope = raw as { ok?: unknown; value?: unknown; error?: unknown } | null;
  if (envelope && envelope.ok === false) {
    const error = StationError.safeParse(envelope.error);
    if (error.success) return { ok: false, error: error.data };
  } else if (envelope && envelope.ok === true) {
    const value = commands[name].reply.safeParse(envelope.value);
    if (value.success) return { ok: true, value: value.data as CommandReply<N> };
    return {
      ok: false,
      error: { code: 'bad_reply', message: INTERNAL_MESSAGE, detail: { name, issues: issuesOf(value.error) } },
    };
  }
  return { ok: false, error: { code: 'bad_reply', message: INTERNAL_MESSAGE, detail: { name } } };
}

export function parseEvent<E extends EventName>(
  event: unknown,
  raw: unknown,
): { ok: true; event: E; payload: EventPayload<E> } | { ok: false } {
  if (!isEventName(event)) return { ok: false };
  const parsed = events[event].safeParse(raw);
  return parsed.success ? { ok: true, event: event as E, payload: parsed.data as EventPayload<E> } : { ok: false };
}

/** Core side: validate, run the handler, validate the reply, and fold every failure into an error. */
export async function dispatch(
  handlers: Handlers,
  name: unknown,
  raw: unknown,
  onInternalError: (error: unknown, name: string) => void = () => {},
): Promise<CallResult<unknown>> {
  const request = parseRequest(name, raw);
  if (!request.ok) return request;
  try {
    const handler = handlers[request.name] as (r: unknown) => unknown;
    const value = await handler(request.request);
    const checked = commands[request.name].reply.safeParse(value);
    if (!checked.success) {
      onInternalError(checked.error, request.name);
      return { ok: false, error: { code: 'internal', message: INTERNAL_MESSAGE } };
    }
    return { ok: true, value: checked.data };
  } catch (error) {
    if (error instanceof StationFault) return { ok: false, error: error.toError() };
    onInternalError(error, request.name);
    return { ok: false, error: { code: 'internal', message: INTERNAL_MESSAGE } };
  }
}

/** The raw channel a client bridge talks over (IPC invoke, HTTP POST + WebSocket, ...). */
export interface BridgeTransport {
  send(name: CommandName, request: unknown): Promise<unknown>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

const offline: StationError = {
  code: 'bridge_unavailable',
  message: 'The bench lost contact with its station service. Wait a moment; it reconnects by itself.',
};

/** Client side: a StationApi over any transport, validating requests, replies and events. */
export function createStationClient(transport: BridgeTransport): StationApi {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let unsubscribe: (() => void) | null = null;

  return {
    async call<N extends CommandName>(name: N, request: CommandRequest<N>) {
      const checked = parseRequest(name, request);
      if (!checked.ok) return checked;
      let raw: unknown;
      try {
        raw = await transport.send(name, checked.request);
      } catch {
        return { ok: false, error: offline };
      }
      return parseReply(name, raw);
    },
    on(event, listener) {
      if (!isEventName(event)) throw new Error(`Unknown event ${String(event)}`);
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      unsubscribe ??= transport.subscribe((name, payload) => {
        const parsed = parseEvent(name, payload);
        if (!parsed.ok) return;
        for (const l of listeners.get(parsed.event) ?? []) l(parsed.payload);
      });
      return () => {
        set.delete(listener as (payload: unknown) => void);
      };
    },
  };
}


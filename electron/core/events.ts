// The core's event bus: typed by the contract, fanned out to every bridge (IPC, WebSocket).
import { events as eventSchemas, type EventName, type EventPayload } from '../../shared/api';

export type AnyEventListener = (event: EventName, payload: unknown) => void;

export class StationEvents {
  private readonly listeners = new Set<AnyEventListener>();
  private readonly last = new Map<EventName, unknown>();

  /** Validate and publish; the latest payload of each event is kept for late subscribers. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = eventSchemas[event].parse(payload);
    this.last.set(event, checked);
    for (const listener of this.listeners) listener(event, checked);
  }

  subscribe(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The most recent payload of every event, for a bridge that just connected. */
  snapshot(): [EventName, unknown][] {
    return [...this.last.entries()];
  }
}

// Wait for a named station event that satisfies a predicate; never sleep.
import type { EventName, EventPayload } from '../../shared/api';
import type { StationEvents } from '../../electron/core/events';

export function waitForEvent<E extends EventName>(
  events: StationEvents,
  event: E,
  predicate: (payload: EventPayload<E>) => boolean,
  timeoutMs = 10_000,
  describe = `${event} event`,
): Promise<EventPayload<E>> {
  return new Promise((resolve, reject) => {
    let last: unknown = null;
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${describe}; last payload: ${JSON.stringify(last)}`));
    }, timeoutMs);
    const check = (name: EventName, payload: unknown) => {
      if (name !== event) return;
      last = payload;
      if (predicate(payload as EventPayload<E>)) {
        clearTimeout(timer);
        off();
        resolve(payload as EventPayload<E>);
      }
    };
    const off = events.subscribe(check);
    for (const [name, payload] of events.snapshot()) check(name, payload);
  });
}

// What every scale protocol produces and how it plugs into the ScaleService.

/** One decoded frame from a scale, weights already converted to grams. */
export type ScaleReading =
  | { kind: 'weight'; grams: number; stable: boolean; unit: string }
  | { kind: 'overload' }
  | { kind: 'underload' }
  | { kind: 'error'; code: string; message: string };

/** Stateful bytes → readings decoder; keeps partial frames between pushes. */
export interface ScaleParser {
  push(bytes: Buffer): ScaleReading[];
}

export interface Protocol {
  name: string;
  /** A fresh parser per connection, so a half frame never survives a reconnect. */
  parser(): ScaleParser;
  /** Request mode: sent every pollIntervalMs. Absent = continuous mode, never write. */
  pollCommand?: Buffer;
  /** Zero and tare requests, where the protocol has them. */
  zeroCommand?: Buffer;
  tareCommand?: Buffer;
  /** Poll period in request mode; expected frame period in continuous mode (staleness). */
  pollIntervalMs: number;
}

// What every scale protocol produces and how it plugs into the ScaleService.

/** Why a run of bytes did not make a frame. Parsers report these; they never throw. */
export type FrameFault =
  /** Bytes outside any frame were skipped (line glitch, wrong baud rate, joining mid-frame). */
  | 'noise'
  /** A frame started and the next one started before it ended. */
  | 'truncated'
  /** No terminator within the longest frame the protocol sends. */
  | 'overlong'
  /** A terminated frame whose layout does not match the protocol. */
  | 'bad-frame'
  /** The layout matches but the weight field is not a number. */
  | 'bad-number'
  /** A status field holds a value the protocol does not define. */
  | 'bad-status';

/** One decoded frame from a scale, weights already converted to grams. */
export type ScaleReading =
  /** stable: the scale's own flag; null when the protocol has none (then the service's window decides). */
  | { kind: 'weight'; grams: number; stable: boolean | null; unit: string; net?: boolean }
  /** The scale says it is moving but sends no weight (Toledo 8217 `?A`, NCI status only). */
  | { kind: 'motion' }
  | { kind: 'overload' }
  | { kind: 'underload' }
  | { kind: 'error'; code: string; message: string }
  /** Bytes that were not a frame; the service counts these to spot a wrong baud rate. */
  | { kind: 'malformed'; fault: FrameFault };

/** Stateful bytes → readings decoder; keeps partial frames between pushes. Never throws. */
export interface ScaleParser {
  push(bytes: Buffer): ScaleReading[];
}

/** Serial framing the scale ships with (ref devices.md §1 table). */
export interface SerialSettings {
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even';
}

export interface Protocol {
  name: string;
  /** A fresh parser per connection, so a half frame never survives a reconnect. */
  parser(): ScaleParser;
  /** Request mode: sent every pollIntervalMs. Absent = continuous mode, never write. */
  pollCommand?: Buffer;
  /**
   * Continuous output on request (MT-SICS `SIR`): sent once per connection instead of polling; a
   * scale that answers it with nothing, or with a syntax error, is polled with pollCommand instead.
   */
  streamCommand?: Buffer;
  /** Ends the stream when the port is let go (MT-SICS: any other command; `SI` changes nothing on the scale). */
  endStreamCommand?: Buffer;
  /** Zero and tare requests, where the protocol has them. */
  zeroCommand?: Buffer;
  tareCommand?: Buffer;
  clearTareCommand?: Buffer;
  /** Poll period in request mode; expected frame period in continuous mode (staleness). */
  pollIntervalMs: number;
  /** Usual factory settings; the probe tries these first. */
  serial?: SerialSettings;
  /** False for scales that never send zero or an unchanged weight (Adam): the service re-arms on a change instead. */
  reportsZero?: boolean;
  /** True when a weight frame is only ever sent once the scale has settled (Adam): one frame is enough. */
  settledFramesOnly?: boolean;
  /** True when silence is normal (Adam answers only new weights): no "not answering" status. */
  silentWhenUnchanged?: boolean;
}

// Generic continuous ASCII line (ref devices.md §1.7), configurable by regex or by fixed columns.
import { afterNoise, frameParser, malformed, terminatedSplitter } from './framing';
import type { Protocol, ScaleParser, ScaleReading } from './types';
import { parseDecimal, toGrams } from './units';

/** [start, end) character columns of a field. */
export type Columns = readonly [number, number];

export interface AsciiLineOptions {
  /**
   * A regex with named groups: `weight` (required), and optionally `status`, `sign`, `unit`, `mode`.
   * Default: `ST,GS,+0001.500kg` and bare `   12.34 lb` lines.
   */
  pattern?: RegExp | string;
  /** Fixed columns instead of a regex. */
  fields?: { weight: Columns; unit?: Columns; status?: Columns; sign?: Columns };
  /** Unit for lines that carry none. Default kg. */
  unit?: string;
  /** Status values: stable, moving, overload. Defaults ST; US and QT; OL. */
  stableMarker?: string;
  unstableMarkers?: string[];
  overloadMarker?: string;
  /** Expected line period in ms (staleness). Default 200. */
  periodMs?: number;
}

// The ref's regex, with the weight field loosened so a corrupted number is reported as one.
const DEFAULT_PATTERN =
  /^\s*(?:(?<status>[A-Z]{2}),)?\s*(?:(?<mode>GS|NT|TR|G|N),)?\s*(?<sign>[+-])?\s*(?<weight>[0-9.][^\s,]*?)\s*(?<unit>kg|g|lb|oz)?\s*$/;
const MAX_LINE = 80;

type Fields = { status?: string; sign?: string; weight?: string; unit?: string; mode?: string };

export function createAsciiLineParser(options: AsciiLineOptions = {}): ScaleParser {
  const pattern = typeof options.pattern === 'string' ? new RegExp(options.pattern) : (options.pattern ?? DEFAULT_PATTERN);
  const stableMarker = options.stableMarker ?? 'ST';
  const unstable = options.unstableMarkers ?? ['US', 'QT'];
  const overload = options.overloadMarker ?? 'OL';
  const defaultUnit = options.unit ?? 'kg';

  const extract = (text: string): Fields | null => {
    const cols = options.fields;
    if (!cols) return (pattern.exec(text)?.groups as Fields | undefined) ?? null;
    const cut = (c: Columns | undefined) => (c ? text.slice(c[0], c[1]).trim() || undefined : undefined);
    if (text.length < cols.weight[1]) return null;
    return { weight: cut(cols.weight), unit: cut(cols.unit), status: cut(cols.status), sign: cut(cols.sign) };
  };

  const parseLine = (text: string): ScaleReading | null => {
    if (text.trim().length === 0) return null;
    const f = extract(text);
    if (!f || f.weight === undefined) return malformed('bad-frame');
    let stable: boolean | null = null;
    if (f.status !== undefined) {
      if (f.status === overload) return { kind: 'overload' };
      if (f.status === stableMarker) stable = true;
      else if (unstable.includes(f.status)) stable = false;
      else return malformed('bad-status');
    }
    const value = parseDecimal(`${f.sign ?? ''}${f.weight}`);
    if (value === null) return malformed('bad-number');
    const unit = f.unit ?? defaultUnit;
    const grams = toGrams(value, unit);
    if (grams === null) return malformed('bad-frame');
    const reading: ScaleReading = { kind: 'weight', grams, stable, unit };
    return f.mode === 'NT' || f.mode === 'N' ? { ...reading, net: true } : reading;
  };

  return frameParser(terminatedSplitter('\n', MAX_LINE), (raw, cut) => {
    const { text, noise } = afterNoise(raw.replace(/\r$/, ''), cut);
    const reading = parseLine(text);
    return [...(noise ? [malformed('noise')] : []), ...(reading ? [reading] : [])];
  });
}

export function asciiLineProtocol(options: AsciiLineOptions = {}): Protocol {
  return {
    name: 'ascii',
    parser: () => createAsciiLineParser(options),
    pollIntervalMs: options.periodMs ?? 200,
    serial: { baudRate: 9600, dataBits: 8, parity: 'none' },
  };
}

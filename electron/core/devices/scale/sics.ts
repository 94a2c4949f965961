// Mettler Toledo MT-SICS: pure frame parser and the commands we send (ref devices.md §1.1).
import type { Protocol, ScaleParser, ScaleReading } from './types';

export const sicsCommands = {
  /** Weight now, stable or not (`S D` while moving). */
  weightImmediate: Buffer.from('SI\r\n', 'latin1'),
  /** Stable weight; the scale waits for stability before answering. */
  weightStable: Buffer.from('S\r\n', 'latin1'),
  zero: Buffer.from('Z\r\n', 'latin1'),
  tare: Buffer.from('T\r\n', 'latin1'),
} as const;

const GRAMS_PER_UNIT: Record<string, number> = {
  mg: 0.001,
  g: 1,
  kg: 1000,
  lb: 453.59237,
  oz: 28.349523125,
};

/** Grams for a value in a SICS unit, or null for a unit we cannot convert. */
export function toGrams(value: number, unit: string): number | null {
  const factor = GRAMS_PER_UNIT[unit.toLowerCase()];
  if (factor === undefined) return null;
  // Round to the milligram so 0.1 lb does not come out as 45.359237000000004.
  return Math.round(value * factor * 1000) / 1000;
}

const ERRORS: Record<string, string> = {
  busy: 'Scale busy or not stable in time',
  syntax: 'Scale did not recognise the command',
  transmission: 'Transmission error (parity or framing)',
  logic: 'Command not allowed now',
  unit: 'Unit cannot be converted to grams',
  'zero-failed': 'Zeroing not done',
  'zero-range': 'Outside the zero range',
  'tare-failed': 'Tare not done',
};

const error = (code: string): ScaleReading => ({ kind: 'error', code, message: ERRORS[code] ?? code });

// <cmd> <S|D> <value, right-aligned, '-' inside the field> <unit>
const WEIGHT = /^(?:S|SI|SU|SIU|SR|SIR) ([SD]) +(-? *\d+(?:\.\d+)?) +([A-Za-z]{1,3})$/;
const STATUS = /^(S|SI|SU|SIU|SR|SIR|Z|ZI|T|TI) ([A-Z+-])$/;
const MAX_FRAME = 64;

/** One line (CR LF stripped) → reading; null for acknowledgements, garbage or a corrupted frame. */
export function parseSicsLine(line: string): ScaleReading | null {
  const w = WEIGHT.exec(line);
  if (w) {
    const [, flag, field, unit] = w as unknown as [string, string, string, string];
    const grams = toGrams(Number(field.replace(/ /g, '')), unit);
    if (grams === null) return error('unit');
    return { kind: 'weight', grams, stable: flag === 'S', unit };
  }
  if (line === 'ES') return error('syntax');
  if (line === 'ET') return error('transmission');
  if (line === 'EL') return error('logic');
  const s = STATUS.exec(line);
  if (!s) return null;
  const [, cmd, st] = s as unknown as [string, string, string];
  if (cmd.startsWith('S')) {
    if (st === '+') return { kind: 'overload' };
    if (st === '-') return { kind: 'underload' };
    if (st === 'I') return error('busy');
    return null;
  }
  if (cmd.startsWith('Z')) {
    if (st === 'I') return error('zero-failed');
    if (st === '+' || st === '-') return error('zero-range');
    return null; // Z A = zeroed; ZI S/D = zeroed now
  }
  // T/TI: `T S <tare>` = stored; `T I/+/-` = failed. A bare 'S' never reaches here with a value.
  return st === 'S' ? null : error('tare-failed');
}

export function createSicsParser(): ScaleParser {
  let pending = '';
  return {
    push(bytes) {
      // latin1, never UTF-8: a stray high byte must stay one character.
      pending += bytes.toString('latin1');
      const out: ScaleReading[] = [];
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const raw = pending.slice(0, nl).replace(/\r$/, '');
        pending = pending.slice(nl + 1);
        // Noise (NUL, XON/XOFF, line glitches) ends at the last non-printable byte; the frame follows it.
        const line = raw.replace(/^[^]*[^\x20-\x7e]/, '');
        if (line.length === 0 || line.length > MAX_FRAME) continue;
        const reading = parseSicsLine(line);
        if (reading) out.push(reading);
      }
      // No terminator for too long: keep memory bounded, but keep a tail that may start a frame.
      if (pending.length > MAX_FRAME * 4) pending = pending.slice(-MAX_FRAME);
      return out;
    },
  };
}

export const sicsProtocol: Protocol = {
  name: 'mt-sics',
  parser: createSicsParser,
  pollCommand: sicsCommands.weightImmediate,
  zeroCommand: sicsCommands.zero,
  tareCommand: sicsCommands.tare,
  pollIntervalMs: 250,
};

// Mettler Toledo MT-SICS: pure frame parser and the commands we send (ref devices.md §1.1).
import { afterNoise, frameParser, malformed, terminatedSplitter } from './framing';
import type { Protocol, ScaleParser, ScaleReading } from './types';
import { parseDecimal, toGrams } from './units';

export const sicsCommands = {
  /** Weight now, stable or not (`S D` while moving). */
  weightImmediate: Buffer.from('SI\r\n', 'latin1'),
  /** Stable weight; the scale waits for stability before answering. */
  weightStable: Buffer.from('S\r\n', 'latin1'),
  /** Weight now, repeated until the next command (`S S`/`S D` lines at the balance's update rate). */
  weightRepeat: Buffer.from('SIR\r\n', 'latin1'),
  zero: Buffer.from('Z\r\n', 'latin1'),
  tare: Buffer.from('T\r\n', 'latin1'),
} as const;

export { toGrams };

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
const WEIGHT = /^(?:S|SI|SU|SIU|SR|SIR) ([A-Z]) +(.+?) +([A-Za-z]{1,3})$/;
/** Acknowledgements: tare stored with its value, and `<cmd> A …` (zeroed, tare cleared, info). */
const ACK = /^(?:(?:T|TI|TA) S +\S.*|[A-Z][A-Z0-9]* A(?: .*)?)$/;
const STATUS = /^(S|SI|SU|SIU|SR|SIR|Z|ZI|T|TI) ([A-Z+-])$/;
const MAX_FRAME = 64;

/** One line (CR LF stripped) → reading; null for acknowledgements, 'malformed' for anything else. */
export function parseSicsLine(line: string): ScaleReading | null {
  const w = WEIGHT.exec(line);
  if (w) {
    const [, flag, field, unit] = w as unknown as [string, string, string, string];
    if (flag !== 'S' && flag !== 'D') return malformed('bad-status');
    const value = parseDecimal(field);
    if (value === null) return malformed('bad-number');
    const grams = toGrams(value, unit);
    if (grams === null) return error('unit');
    return { kind: 'weight', grams, stable: flag === 'S', unit };
  }
  if (line === 'ES') return error('syntax');
  if (line === 'ET') return error('transmission');
  if (line === 'EL') return error('logic');
  if (ACK.test(line)) return null;
  const s = STATUS.exec(line);
  if (!s) return malformed('bad-frame');
  const [, cmd, st] = s as unknown as [string, string, string];
  if (cmd.startsWith('S')) {
    if (st === '+') return { kind: 'overload' };
    if (st === '-') return { kind: 'underload' };
    if (st === 'I') return error('busy');
    return malformed('bad-status');
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
  return frameParser(terminatedSplitter('\n', MAX_FRAME), (raw, cut) => {
    const { text, noise } = afterNoise(raw.replace(/\r$/, ''), cut);
    const out: ScaleReading[] = noise ? [malformed('noise')] : [];
    if (text.length === 0) return out;
    const reading = parseSicsLine(text);
    return reading ? [...out, reading] : out;
  });
}

export const sicsProtocol: Protocol = {
  name: 'mt-sics',
  parser: createSicsParser,
  pollCommand: sicsCommands.weightImmediate,
  streamCommand: sicsCommands.weightRepeat,
  endStreamCommand: sicsCommands.weightImmediate,
  zeroCommand: sicsCommands.zero,
  tareCommand: sicsCommands.tare,
  pollIntervalMs: 250,
  serial: { baudRate: 9600, dataBits: 8, parity: 'none' },
};

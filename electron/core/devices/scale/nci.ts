// NCI / Weigh-Tronix SCP-01 / Brecknell (ref devices.md §1.3):
// `W` CR → LF <weight><unit> CR [LF] <status bytes> CR ETX; status only or `LF ? CR ETX` otherwise.
import { deviceError, frameParser, malformed, terminatedSplitter } from './framing';
import type { Protocol, ScaleParser, ScaleReading } from './types';
import { parseDecimal, toGrams } from './units';

export const nciCommands = {
  weight: Buffer.from('W\r', 'latin1'),
  status: Buffer.from('S\r', 'latin1'),
  zero: Buffer.from('Z\r', 'latin1'),
  tare: Buffer.from('T\r', 'latin1'),
} as const;

const MAX_FRAME = 40;
// Weight frame (the Brecknell PS-USB sends no LF before the status), status-only frame (alone: digits look
// like status bytes), unknown command.
const WEIGHT = /\n([^\r\n]{1,20})\r\n?([\x30-\x3f\xb0-\xbf]{2,3})\r$/;
const STATUS_ONLY = /^\n?([\x30-\x3f\xb0-\xbf]{2,3})\r$/;
const UNKNOWN = /\n\?\r$/;

interface Status {
  motion: boolean;
  atZero: boolean;
  under: boolean;
  over: boolean;
  fault: boolean;
}

/** Status bytes → flags; null when bits 4–5 are not both set (not an NCI status byte). Bit 7 may be parity. */
export function parseNciStatus(bytes: string): Status | null {
  const codes = [...bytes].map((c) => c.charCodeAt(0) & 0x7f);
  if (codes.some((c) => (c & 0x30) !== 0x30)) return null;
  const [s1 = 0, s2 = 0] = codes;
  return {
    motion: (s1 & 0x01) !== 0,
    atZero: (s1 & 0x02) !== 0,
    under: (s2 & 0x01) !== 0,
    over: (s2 & 0x02) !== 0,
    // RAM, EEPROM, ROM or calibration error.
    fault: (s1 & 0x0c) !== 0 || (s2 & 0x0c) !== 0,
  };
}

function statusReading(status: Status): ScaleReading | null {
  if (status.over) return { kind: 'overload' };
  if (status.under) return { kind: 'underload' };
  if (status.fault) return deviceError('scale-fault', 'The scale reports an internal error');
  return null;
}

/** The weight field: signed value and unit, an lb-oz pair, or a fill of ^ (over), _ (under), - (zero error). */
function parseWeightField(field: string, status: Status): ScaleReading {
  const trimmed = field.trim();
  const problem = statusReading(status);
  if (problem) return problem;
  const fill = /^([\^_-])\1*\s*([a-z]{1,2})?$/i.exec(trimmed);
  if (fill) {
    if (fill[1] === '^') return { kind: 'overload' };
    if (fill[1] === '_') return { kind: 'underload' };
    return deviceError('zero-error', 'The scale could not find zero');
  }
  const lbOz = /^([+-]?)\s*(\d+)\s*lb\s+(\d+(?:\.\d+)?)\s*oz$/i.exec(trimmed);
  let grams: number | null;
  let unit: string;
  if (lbOz) {
    const sign = lbOz[1] === '-' ? -1 : 1;
    grams = toGrams(sign * (Number(lbOz[2]) * 16 + Number(lbOz[3])), 'oz');
    unit = 'lb-oz';
  } else {
    const m = /^(.*?)\s*(lb|kg|oz|g)$/i.exec(trimmed);
    if (!m) return malformed('bad-frame');
    const value = parseDecimal(m[1] ?? '');
    if (value === null) return malformed('bad-number');
    unit = (m[2] ?? '').toLowerCase();
    grams = toGrams(value, unit);
  }
  if (grams === null) return malformed('bad-number');
  return { kind: 'weight', grams, stable: !status.motion, unit };
}

/** Everything up to and including CR before ETX → readings; bytes before the frame are reported as noise. */
export function parseNciFrame(text: string): ScaleReading[] {
  const w = WEIGHT.exec(text);
  const match = w ?? UNKNOWN.exec(text) ?? STATUS_ONLY.exec(text);
  if (!match) return [malformed('bad-frame')];
  const out: ScaleReading[] = match.index > 0 ? [malformed('noise')] : [];
  if (w) {
    const status = parseNciStatus(w[2] ?? '');
    out.push(status ? parseWeightField(w[1] ?? '', status) : malformed('bad-status'));
    return out;
  }
  if (match[0].includes('?')) return [...out, deviceError('unknown-command', 'The scale did not recognise the command')];
  const status = parseNciStatus(match[1] ?? '');
  if (!status) return [...out, malformed('bad-status')];
  const problem = statusReading(status);
  if (problem) out.push(problem);
  else if (status.motion) out.push({ kind: 'motion' });
  return out;
}

export function createNciParser(): ScaleParser {
  return frameParser(terminatedSplitter('\x03', MAX_FRAME), (text) => (text.length === 0 ? [] : parseNciFrame(text)));
}

export const nciProtocol: Protocol = {
  name: 'nci',
  parser: createNciParser,
  pollCommand: nciCommands.weight,
  zeroCommand: nciCommands.zero,
  tareCommand: nciCommands.tare,
  pollIntervalMs: 250,
  serial: { baudRate: 9600, dataBits: 7, parity: 'even' },
};

// SMA SCP-0499 level 1 (ref devices.md §1.4): LF W CR → LF s r n m f <weight 10> <unit 3> CR (20 bytes).
import { delimitedSplitter, deviceError, frameParser, malformed } from './framing';
import type { Protocol, ScaleParser, ScaleReading } from './types';
import { parseDecimal, toGrams } from './units';

const command = (letter: string) => Buffer.from(`\n${letter}\r`, 'latin1');

export const smaCommands = {
  weight: command('W'),
  zero: command('Z'),
  tare: command('T'),
  readTare: command('M'),
  /** Repeat weight frames until the next command (~110 ms per frame at 9600). */
  repeat: command('R'),
} as const;

const BODY_LENGTH = 18; // between LF and CR
const MAX_FRAME = 24;
const ZERO_ERRORS: Record<string, [string, string]> = {
  E: ['zero-error', 'The scale could not find zero'],
  I: ['initial-zero-error', 'The scale could not zero when switched on — empty it and restart it'],
  T: ['tare-error', 'The scale could not tare'],
};

/** The 18 bytes between LF and CR → readings. */
export function parseSmaFrame(body: string): ScaleReading[] {
  if (body === '?') return [deviceError('unknown-command', 'The scale did not recognise the command')];
  if (body.length !== BODY_LENGTH) return [malformed('bad-frame')];
  const s = body[0] ?? '';
  const range = body[1] ?? '';
  const mode = body[2] ?? '';
  const motion = body[3] ?? '';
  const field = body.slice(5, 15);
  const unit = body.slice(15).trim().toLowerCase();
  if (!/^[ ZOUEIT]$/.test(s) || !/^[0-9 ]$/.test(range) || !/^[GNTgn ]$/.test(mode) || !/^[M ]$/.test(motion)) {
    return [malformed('bad-status')];
  }
  if (s === 'O') return [{ kind: 'overload' }];
  if (s === 'U') return [{ kind: 'underload' }];
  const zeroError = ZERO_ERRORS[s];
  if (zeroError) return [deviceError(...zeroError)];
  if (!/^(lb|kg|g|oz|t)$/.test(unit)) return [malformed('bad-frame')];
  const value = parseDecimal(field);
  if (value === null) return [malformed('bad-number')];
  const grams = toGrams(value, unit);
  if (grams === null) return [deviceError('unit', 'Unit cannot be converted to grams')];
  return [{ kind: 'weight', grams, stable: motion !== 'M', unit, net: mode === 'N' || mode === 'n' }];
}

export function createSmaParser(): ScaleParser {
  return frameParser(delimitedSplitter('\n', '\r', MAX_FRAME), parseSmaFrame);
}

export const smaProtocol: Protocol = {
  name: 'sma',
  parser: createSmaParser,
  pollCommand: smaCommands.weight,
  zeroCommand: smaCommands.zero,
  tareCommand: smaCommands.tare,
  pollIntervalMs: 250,
  serial: { baudRate: 9600, dataBits: 8, parity: 'none' },
};

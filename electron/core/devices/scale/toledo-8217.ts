// Toledo 8217 as Odoo drives it (ref devices.md §1.2): `W` → STX weight [N] CR, or STX ? status CR.
import { delimitedSplitter, deviceError, frameParser, malformed } from './framing';
import type { Protocol, ScaleParser, ScaleReading } from './types';
import { parseDecimal, toGrams } from './units';

export const toledoCommands = {
  weight: Buffer.from('W', 'latin1'),
  zero: Buffer.from('Z', 'latin1'),
  tare: Buffer.from('T', 'latin1'),
  clearTare: Buffer.from('C', 'latin1'),
} as const;

const STX = '\x02';
const MAX_FRAME = 16;

/** Status byte bits (Odoo `_toledo8217StatusParse`); bit 6 is always set so the byte prints as a letter. */
const MOTION = 0x01;
const OVER = 0x02;
const UNDER = 0x04;
const OUTSIDE_ZERO = 0x08;

/** One frame between STX and CR → readings. The reply carries no unit: the scale's configured one applies. */
export function parseToledoFrame(body: string, unit: string): ScaleReading[] {
  if (body.startsWith('?') || /^\s+\?/.test(body)) {
    const status = body.trimStart().slice(1);
    if (status.length !== 1) return [malformed('bad-frame')];
    const code = status.charCodeAt(0);
    if (code === 0x00 || code === 0x20) return []; // no status
    if ((code & 0xc0) !== 0x40) return [malformed('bad-status')];
    if (code & OVER) return [{ kind: 'overload' }];
    if (code & UNDER) return [{ kind: 'underload' }];
    if (code & OUTSIDE_ZERO) return [deviceError('zero-range', 'Outside the zero range')];
    if (code & MOTION) return [{ kind: 'motion' }];
    return []; // centre of zero / net only: nothing to show until the next weight
  }
  // Odoo: \x02\s*([0-9.]+)N?\r
  const w = /^\s*([0-9.]+)(N?)$/.exec(body);
  const value = w ? parseDecimal(w[1] ?? '') : null;
  if (!w || value === null) return [malformed(/^\s*[0-9.]/.test(body) ? 'bad-number' : 'bad-frame')];
  const grams = toGrams(value, unit);
  if (grams === null) return [deviceError('unit', 'Unit cannot be converted to grams')];
  // A weight frame means the scale is settled; while moving it answers `?A` instead.
  return [{ kind: 'weight', grams, stable: true, unit, net: w[2] === 'N' }];
}

export function createToledoParser(unit = 'kg'): ScaleParser {
  return frameParser(delimitedSplitter(STX, '\r', MAX_FRAME), (body) => parseToledoFrame(body, unit));
}

export function toledoProtocol(options: { unit?: string } = {}): Protocol {
  const unit = options.unit ?? 'kg';
  return {
    name: 'toledo-8217',
    parser: () => createToledoParser(unit),
    pollCommand: toledoCommands.weight,
    zeroCommand: toledoCommands.zero,
    tareCommand: toledoCommands.tare,
    clearTareCommand: toledoCommands.clearTare,
    // Odoo re-polls after 0.2 s while the weight changes; 250 ms keeps one request in flight.
    pollIntervalMs: 250,
    serial: { baudRate: 9600, dataBits: 7, parity: 'even' },
  };
}

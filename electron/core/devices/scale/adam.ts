// Adam Equipment as Odoo drives it (ref devices.md §1.6): `P` CR LF → `   1.234kg` CR LF, only for a new
// non-zero weight; otherwise the scale beeps and sends nothing. CPWplus/Highland lines (`G + 2.00 kg`) too.
import { afterNoise, deviceError, frameParser, malformed, terminatedSplitter } from './framing';
import type { Protocol, ScaleParser, ScaleReading } from './types';
import { parseDecimal, toGrams } from './units';

export const adamCommands = {
  print: Buffer.from('P\r\n', 'latin1'),
  tare: Buffer.from('T\r\n', 'latin1'),
  zero: Buffer.from('Z\r\n', 'latin1'),
} as const;

const MAX_LINE = 40;
// `G + 2.00 kg` (CPWplus: the sign may stand apart after G/N) or `  -1.234kg` (AZExtra: value and
// unit only, a sign right against the digits). A lone `-` before spaces is line noise, not a sign.
const LINE = /^\s*(?:([GN])\s*([+-])?\s*|([+-])?)([0-9.][^\s]*?)\s*(kg|g|lb|oz)\s*$/;

/** One line (CR LF stripped, noise removed) → reading, or null for an empty line. */
export function parseAdamLine(text: string): ScaleReading | null {
  if (text.trim().length === 0) return null;
  const m = LINE.exec(text);
  if (!m) return malformed('bad-frame');
  const value = parseDecimal(`${m[2] ?? m[3] ?? ''}${m[4] ?? ''}`);
  if (value === null) return malformed('bad-number');
  const unit = m[5] ?? '';
  const grams = toGrams(value, unit);
  if (grams === null) return deviceError('unit', 'Unit cannot be converted to grams');
  // The scale prints only a settled weight.
  return { kind: 'weight', grams, stable: true, unit, net: m[1] === 'N' };
}

export function createAdamParser(): ScaleParser {
  return frameParser(terminatedSplitter('\n', MAX_LINE), (raw, cut) => {
    const { text, noise } = afterNoise(raw.replace(/\r$/, ''), cut);
    const reading = parseAdamLine(text);
    return [...(noise ? [malformed('noise')] : []), ...(reading ? [reading] : [])];
  });
}

export const adamProtocol: Protocol = {
  name: 'adam',
  parser: createAdamParser,
  pollCommand: adamCommands.print,
  zeroCommand: adamCommands.zero,
  // No clear-tare on these scales: Odoo re-tares an empty platform instead.
  tareCommand: adamCommands.tare,
  // Every unanswered request beeps; Odoo waits 5 s. Once a second keeps capture quick and the beeping bearable.
  pollIntervalMs: 1000,
  serial: { baudRate: 4800, dataBits: 8, parity: 'none' },
  reportsZero: false,
  settledFramesOnly: true,
  silentWhenUnchanged: true,
};

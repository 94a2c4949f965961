// CAS 22-byte continuous frame (ref devices.md §1.5): ST|US|OL , GS|NT , <id><lamp> , <8-char data> kg CR LF.
import { frameParser, malformed, terminatedSplitter } from './framing';
import type { Protocol, ScaleParser, ScaleReading } from './types';
import { parseDecimal, toGrams } from './units';

const MAX_LINE = 64;
// Anchored at the end of the line: the lamp byte is binary, so noise before the header cannot be told
// apart by printability; the fixed layout can.
const FRAME = /(ST|US|OL),(GS|NT),([^]{2}),([^]{8}) (kg|lb|oz| g)$/;
const LOOSE = /(ST|US|OL|[A-Z]{2}),([A-Z]{2}),([^]{2}),([^]*) ?([a-z ]{2})$/;

/** One line (LF stripped) → readings. */
export function parseCasLine(raw: string): ScaleReading[] {
  const line = raw.replace(/\r$/, '');
  if (line.length === 0) return [];
  const m = FRAME.exec(line);
  if (!m) {
    const loose = LOOSE.exec(line);
    if (!loose) return [malformed('bad-frame')];
    return [malformed(loose[1] !== 'ST' && loose[1] !== 'US' && loose[1] !== 'OL' ? 'bad-status' : 'bad-frame')];
  }
  const out: ScaleReading[] = m.index > 0 ? [malformed('noise')] : [];
  const [, state, , idLamp = '', data = '', unitRaw = ''] = m;
  // The lamp byte always has bit 7 set.
  if ((idLamp.charCodeAt(1) & 0x80) === 0) return [...out, malformed('bad-status')];
  if (state === 'OL') return [...out, { kind: 'overload' }];
  const value = parseDecimal(data);
  if (value === null) return [...out, malformed('bad-number')];
  const unit = unitRaw.trim();
  const grams = toGrams(value, unit);
  if (grams === null) return [...out, malformed('bad-frame')];
  return [...out, { kind: 'weight', grams, stable: state === 'ST', unit, net: m[2] === 'NT' }];
}

export function createCasParser(): ScaleParser {
  return frameParser(terminatedSplitter('\n', MAX_LINE), parseCasLine);
}

export const casProtocol: Protocol = {
  name: 'cas',
  parser: createCasParser,
  // Continuous: the scale streams several frames a second; this is the expected period for staleness.
  pollIntervalMs: 200,
  serial: { baudRate: 9600, dataBits: 8, parity: 'none' },
};

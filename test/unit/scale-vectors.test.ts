// Every test vector of devices.md §1.8, byte for byte, through the driver of its protocol, and fed
// the way §1.8 asks: whole, one byte at a time, two frames per read, cut at every byte, and after
// leading garbage. The per-protocol files test more; this one keeps the reference table whole.
import { describe, expect, it } from 'vitest';
import { scaleProtocols, type ScaleProtocolName } from '../../electron/core/devices/scale/protocols';
import type { ScaleReading } from '../../electron/core/devices/scale/types';

const GRAMS = { g: 1, kg: 1000, lb: 453.59237 } as const;

/** The ref's {weight, unit, stable} as our reading (grams, rounded to the milligram like toGrams). */
const w = (weight: number, unit: keyof typeof GRAMS, stable: boolean | null, extra: { net?: boolean } = {}): ScaleReading => ({
  kind: 'weight',
  grams: Math.round(weight * GRAMS[unit] * 1000) / 1000,
  stable,
  unit,
  ...extra,
});
const err = (code: string) => expect.objectContaining({ kind: 'error', code }) as ScaleReading;
const OVERLOAD: ScaleReading = { kind: 'overload' };
const UNDERLOAD: ScaleReading = { kind: 'underload' };
const MOTION: ScaleReading = { kind: 'motion' };

const hex = (...b: number[]) => Buffer.from(b);
const text = (s: string) => Buffer.from(s, 'latin1');
const sp = (n: number) => Array<number>(n).fill(0x20);

interface Vector {
  id: string;
  protocol: ScaleProtocolName;
  raw: Buffer;
  /** What §1.8 says, in the ref's words. */
  ref: string;
  expected: ScaleReading[];
}

const VECTORS: Vector[] = [
  { id: '1', protocol: 'sics', raw: hex(0x53, 0x20, 0x53, ...sp(5), 0x31, 0x30, 0x30, 0x2e, 0x30, 0x30, 0x20, 0x67, 0x0d, 0x0a), ref: '{100, g, true, null}', expected: [w(100, 'g', true)] },
  { id: '2', protocol: 'sics', raw: text('S D      99.98 g\r\n'), ref: '{99.98, g, false, null}', expected: [w(99.98, 'g', false)] },
  { id: '3', protocol: 'sics', raw: text('S S     -12.50 g\r\n'), ref: '{-12.5, g, true, null}', expected: [w(-12.5, 'g', true)] },
  { id: '4', protocol: 'sics', raw: hex(0x53, 0x20, 0x2b, 0x0d, 0x0a), ref: "{null, null, false, 'overload'}", expected: [OVERLOAD] },
  { id: '5a', protocol: 'sics', raw: text('S -\r\n'), ref: "'underload'", expected: [UNDERLOAD] },
  { id: '5b', protocol: 'sics', raw: text('S I\r\n'), ref: "'busy'", expected: [err('busy')] },
  { id: '6a', protocol: 'sics', raw: hex(0x45, 0x53, 0x0d, 0x0a), ref: "'syntax'", expected: [err('syntax')] },
  { id: '6b', protocol: 'sics', raw: text('ET\r\n'), ref: "'transmission'", expected: [err('transmission')] },
  { id: '6c', protocol: 'sics', raw: text('EL\r\n'), ref: "'logic'", expected: [err('logic')] },
  // The 8217 reply has no unit: the configured one (kg by default) applies.
  { id: '7', protocol: 'toledo-8217', raw: hex(0x02, 0x30, 0x31, 0x2e, 0x32, 0x33, 0x34, 0x0d), ref: '{1.234, configured unit, true, null}', expected: [w(1.234, 'kg', true, { net: false })] },
  { id: '8', protocol: 'toledo-8217', raw: hex(0x02, 0x3f, 0x41, 0x0d), ref: '{null, –, false, null} (motion)', expected: [MOTION] },
  { id: '9a', protocol: 'toledo-8217', raw: hex(0x02, 0x3f, 0x42, 0x0d), ref: "'overload'", expected: [OVERLOAD] },
  { id: '9b', protocol: 'toledo-8217', raw: hex(0x02, 0x3f, 0x44, 0x0d), ref: "'negative'", expected: [UNDERLOAD] },
  { id: '10', protocol: 'nci', raw: hex(0x0a, 0x30, 0x30, 0x30, 0x31, 0x2e, 0x32, 0x35, 0x6c, 0x62, 0x0d, 0x0a, 0x30, 0x30, 0x0d, 0x03), ref: '{1.25, lb, true, null}', expected: [w(1.25, 'lb', true)] },
  { id: '11', protocol: 'nci', raw: hex(0x0a, 0x30, 0x30, 0x30, 0x31, 0x2e, 0x32, 0x35, 0x6c, 0x62, 0x0d, 0x0a, 0x31, 0x30, 0x0d, 0x03), ref: '{1.25, lb, false, null}', expected: [w(1.25, 'lb', false)] },
  { id: '12', protocol: 'nci', raw: hex(0x0a, ...Array<number>(7).fill(0x5e), 0x6c, 0x62, 0x0d, 0x0a, 0x30, 0x32, 0x0d, 0x03), ref: "{null, lb, false, 'overload'}", expected: [OVERLOAD] },
  { id: '13', protocol: 'nci', raw: hex(0x0a, 0x3f, 0x0d, 0x03), ref: "'unknown-command'", expected: [err('unknown-command')] },
  { id: '14', protocol: 'sma', raw: hex(0x0a, 0x20, 0x31, 0x47, ...sp(7), 0x35, 0x2e, 0x30, 0x32, 0x35, 0x6c, 0x62, 0x20, 0x0d), ref: '{5.025, lb, true, null}', expected: [w(5.025, 'lb', true, { net: false })] },
  { id: '15', protocol: 'sma', raw: text('\n 1NM      0.750kg \r'), ref: '{0.75, kg, false, null}, net', expected: [w(0.75, 'kg', false, { net: true })] },
  { id: '16', protocol: 'sma', raw: text('\nO1G     120.500kg \r'), ref: "{null, kg, false, 'overload'}", expected: [OVERLOAD] },
  {
    id: '17',
    protocol: 'cas',
    raw: hex(0x53, 0x54, 0x2c, 0x47, 0x53, 0x2c, 0x31, 0xc4, 0x2c, 0x30, 0x30, 0x30, 0x30, 0x31, 0x33, 0x2e, 0x35, 0x20, 0x6b, 0x67, 0x0d, 0x0a),
    ref: '{13.5, kg, true, null}',
    expected: [w(13.5, 'kg', true, { net: false })],
  },
  { id: '18', protocol: 'cas', raw: text('US,GS,1\x84,000013.4 kg\r\n'), ref: '{13.4, kg, false, null}', expected: [w(13.4, 'kg', false, { net: false })] },
  { id: '19', protocol: 'ascii', raw: text('US,NT,-0000.250kg\r\n'), ref: '{-0.25, kg, false, null}', expected: [w(-0.25, 'kg', false, { net: true })] },
  { id: '20', protocol: 'ascii', raw: text('    12.34 lb\r\n'), ref: '{12.34, lb, null, null}', expected: [w(12.34, 'lb', null)] },
  { id: '21a', protocol: 'adam', raw: text('   1.234kg\r\n'), ref: '{1.234, kg, true, null}', expected: [w(1.234, 'kg', true, { net: false })] },
  { id: '21b', protocol: 'adam', raw: Buffer.alloc(0), ref: 'empty = no new weight', expected: [] },
];

/** Bytes that end a garbage line for each protocol, so printable junk spoils only itself. */
const JUNK_LINE: Record<ScaleProtocolName, string> = {
  sics: 'junk\r\n',
  'toledo-8217': 'junk\r',
  nci: 'junk\r\x03',
  sma: 'junk\r',
  cas: 'junk\r\n',
  adam: 'junk\r\n',
  ascii: 'junk\r\n',
};
// Line noise: control and high bytes, never a frame marker (STX, ETX, LF, CR).
const NOISE = hex(0x00, 0xff, 0x11, 0x13, 0x80, 0xfe, 0x7f);

function readings(protocol: ScaleProtocolName, chunks: Buffer[]): ScaleReading[] {
  const parser = scaleProtocols[protocol].parser();
  return chunks.flatMap((c) => parser.push(c)).filter((r) => r.kind !== 'malformed');
}

describe.each(VECTORS)('§1.8 #$id $protocol → $ref', ({ protocol, raw, expected }) => {
  it('whole', () => {
    expect(readings(protocol, [raw])).toEqual(expected);
  });

  it('one byte at a time', () => {
    expect(readings(protocol, [...raw].map((b) => Buffer.from([b])))).toEqual(expected);
  });

  it('two frames in one read', () => {
    expect(readings(protocol, [Buffer.concat([raw, raw])])).toEqual([...expected, ...expected]);
  });

  it('cut in two at every byte', () => {
    for (let at = 1; at < raw.length; at++) {
      expect(readings(protocol, [raw.subarray(0, at), raw.subarray(at)]), `cut at ${at}`).toEqual(expected);
    }
  });

  it('after leading garbage: line noise glued to it, or a junk line before it', () => {
    expect(readings(protocol, [Buffer.concat([NOISE, raw])])).toEqual(expected);
    expect(readings(protocol, [text(JUNK_LINE[protocol]), raw])).toEqual(expected);
    expect(readings(protocol, [Buffer.concat([NOISE, text(JUNK_LINE[protocol]), NOISE, raw, NOISE])])).toEqual(expected);
  });
});

it('covers every protocol the bench speaks', () => {
  expect(new Set(VECTORS.map((v) => v.protocol))).toEqual(new Set(Object.keys(scaleProtocols)));
});

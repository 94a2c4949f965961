// MT-SICS parser: the reference test vectors (devices.md §1.8) and what a real line does to them.
import { describe, expect, it } from 'vitest';
import { createSicsParser, parseSicsLine, sicsCommands, sicsProtocol, toGrams } from '../../electron/core/devices/scale/sics';
import type { ScaleReading } from '../../electron/core/devices/scale/types';

const parseAll = (...chunks: (string | Buffer)[]): ScaleReading[] => {
  const parser = createSicsParser();
  return chunks.flatMap((c) => parser.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c));
};
/** Readings without the parser's malformed-bytes reports. */
const parse = (...chunks: (string | Buffer)[]): ScaleReading[] => parseAll(...chunks).filter((r) => r.kind !== 'malformed');
const weight = (grams: number, stable: boolean, unit: string): ScaleReading => ({ kind: 'weight', grams, stable, unit });
const err = (code: string) => expect.objectContaining({ kind: 'error', code });

describe('MT-SICS test vectors (§1.8 #1–6)', () => {
  it('#1 stable weight, byte for byte', () => {
    const raw = Buffer.from([0x53, 0x20, 0x53, 0x20, 0x20, 0x20, 0x20, 0x20, 0x31, 0x30, 0x30, 0x2e, 0x30, 0x30, 0x20, 0x67, 0x0d, 0x0a]);
    expect(raw.toString('latin1')).toBe('S S     100.00 g\r\n');
    expect(parse(raw)).toEqual([weight(100, true, 'g')]);
  });
  it('#2 dynamic (SI) weight is not stable', () => {
    expect(parse('S D      99.98 g\r\n')).toEqual([weight(99.98, false, 'g')]);
  });
  it('#3 negative value with the sign inside the field', () => {
    expect(parse('S S     -12.50 g\r\n')).toEqual([weight(-12.5, true, 'g')]);
    expect(parse('S S -    12.50 g\r\n')).toEqual([weight(-12.5, true, 'g')]);
  });
  it('#4 overload', () => {
    expect(parse(Buffer.from([0x53, 0x20, 0x2b, 0x0d, 0x0a]))).toEqual([{ kind: 'overload' }]);
  });
  it('#5 underload and busy', () => {
    expect(parse('S -\r\n')).toEqual([{ kind: 'underload' }]);
    expect(parse('S I\r\n')).toEqual([err('busy')]);
  });
  it('#6 syntax, transmission and logic errors', () => {
    expect(parse(Buffer.from([0x45, 0x53, 0x0d, 0x0a]))).toEqual([err('syntax')]);
    expect(parse('ET\r\n', 'EL\r\n')).toEqual([err('transmission'), err('logic')]);
  });
});

describe('units → grams', () => {
  it.each([
    ['S S      1.234 kg', 1234, 'kg'],
    ['S S      5.025 lb', 2279.302, 'lb'],
    ['S S     12.000 oz', 340.194, 'oz'],
    ['S S       0.10 lb', 45.359, 'lb'],
    ['S S     1500.0 mg', 1.5, 'mg'],
    ['SI S       250 g', 250, 'g'],
    ['SU S     0.500 kg', 500, 'kg'],
  ])('%s', (line, grams, unit) => {
    expect(parse(`${line}\r\n`)).toEqual([weight(grams, true, unit)]);
  });
  it('an unknown unit is an error, never a wrong weight', () => {
    expect(parse('S S     12.000 ct\r\n')).toEqual([err('unit')]);
  });
  it('toGrams', () => {
    expect(toGrams(1, 'KG')).toBe(1000);
    expect(toGrams(1, 'dwt')).toBeNull();
  });
});

describe('framing', () => {
  const frame = 'S S      1.234 kg\r\n';
  it('a frame fed one byte at a time', () => {
    const parser = createSicsParser();
    const out = [...Buffer.from(frame, 'latin1')].flatMap((b) => parser.push(Buffer.from([b])));
    expect(out).toEqual([weight(1234, true, 'kg')]);
  });
  it('a frame split across reads, including between CR and LF', () => {
    expect(parse('S S   ', '   1.234 kg\r', '\n')).toEqual([weight(1234, true, 'kg')]);
  });
  it('several frames in one read', () => {
    expect(parse(`${frame}S D      1.300 kg\r\nS +\r\n`)).toEqual([weight(1234, true, 'kg'), weight(1300, false, 'kg'), { kind: 'overload' }]);
  });
  it('garbage before, between and after frames', () => {
    const noise = Buffer.from([0x00, 0xff, 0x11, 0x13, 0x80]);
    const out = parse(
      noise,
      Buffer.from(frame, 'latin1'),
      'junk line\r\n',
      Buffer.concat([Buffer.from([0x00, 0xfe]), Buffer.from('S S     100.00 g\r\n', 'latin1')]),
      '\r\n\r\n',
      noise,
    );
    expect(out).toEqual([weight(1234, true, 'kg'), weight(100, true, 'g')]);
  });
  it('joining mid-frame drops the tail and keeps the next frame', () => {
    expect(parse('.234 kg\r\n', frame)).toEqual([weight(1234, true, 'kg')]);
  });
  it('corrupted frames give a typed fault each, never a weight', () => {
    const corrupt = [
      'S S     1x0.00 g\r\n', // bad digit
      'S X     100.00 g\r\n', // unknown status
      'S S     100.00\r\n', // no unit
      'S S     10 0.00 g\r\n', // space in the number
      'S S     100..0 g\r\n',
      'S S     100.00 gS S     200.00 g\r\n', // lost CR LF glued two frames
      'S S     100.00 kilograms\r\n',
    ];
    expect(parse(...corrupt)).toEqual([]);
    expect(parseAll(...corrupt).map((r) => (r.kind === 'malformed' ? r.fault : r.kind))).toEqual([
      'bad-number',
      'bad-status',
      'bad-frame',
      'bad-number',
      'bad-number',
      'bad-number',
      'bad-frame',
    ]);
  });
  it('a long run without a terminator stays bounded and the next frame still parses', () => {
    const parser = createSicsParser();
    expect(parser.push(Buffer.alloc(10_000, 0x41))).toEqual([{ kind: 'malformed', fault: 'overlong' }]);
    expect(parser.push(Buffer.from(`\r\n${frame}`, 'latin1'))).toEqual([weight(1234, true, 'kg')]);
  });
});

describe('zero and tare replies', () => {
  it('acknowledgements produce no reading; failures are errors', () => {
    expect(parseSicsLine('Z A')).toBeNull();
    expect(parseSicsLine('ZI S')).toBeNull();
    expect(parseSicsLine('T S      0.250 kg')).toBeNull();
    expect(parseSicsLine('Z I')).toEqual(err('zero-failed'));
    expect(parseSicsLine('Z +')).toEqual(err('zero-range'));
    expect(parseSicsLine('T I')).toEqual(err('tare-failed'));
  });
});

describe('commands', () => {
  it('are uppercase and end in CR LF', () => {
    expect(sicsCommands.weightImmediate.toString('latin1')).toBe('SI\r\n');
    expect(sicsCommands.weightStable.toString('latin1')).toBe('S\r\n');
    expect(sicsCommands.zero.toString('latin1')).toBe('Z\r\n');
    expect(sicsCommands.tare.toString('latin1')).toBe('T\r\n');
    expect(sicsProtocol.pollCommand).toBe(sicsCommands.weightImmediate);
    expect(sicsProtocol.pollIntervalMs).toBeGreaterThanOrEqual(200);
    expect(sicsProtocol.pollIntervalMs).toBeLessThanOrEqual(500);
  });
});

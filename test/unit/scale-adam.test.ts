// Adam parser: ref vector (devices.md §1.8 #21), CPWplus lines, framing and corruption.
import { describe, expect, it } from 'vitest';
import { adamProtocol, createAdamParser } from '../../electron/core/devices/scale/adam';
import type { ScaleReading } from '../../electron/core/devices/scale/types';

const bytes = (c: string | number[]) => (typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c));
const all = (...chunks: (string | number[])[]) => {
  const parser = createAdamParser();
  return chunks.flatMap((c) => parser.push(bytes(c)));
};
const readings = (...c: (string | number[])[]) => all(...c).filter((r) => r.kind !== 'malformed');
const faults = (...c: (string | number[])[]) => all(...c).flatMap((r) => (r.kind === 'malformed' ? [r.fault] : []));
const w = (grams: number, unit = 'kg', net = false): ScaleReading => ({ kind: 'weight', grams, stable: true, unit, net });

describe('Adam test vector #21', () => {
  it('a settled weight', () => {
    expect(all('   1.234kg\r\n')).toEqual([w(1234)]);
  });
  it('an empty reply is no new weight: nothing, and no fault', () => {
    expect(all('')).toEqual([]);
    expect(all('\r\n')).toEqual([]);
  });
  it('CPWplus and Highland lines; the sign and g/lb that Odoo drops are kept', () => {
    expect(all('G + 2.00 kg\r\n', 'N + 1.00 kg\r\n', '  -0.250 kg\r\n', '    512.5g\r\n', '   2.000lb\r\n')).toEqual([
      w(2000),
      w(1000, 'kg', true),
      w(-250),
      w(512.5, 'g'),
      w(907.185, 'lb'),
    ]);
  });
});

describe('framing', () => {
  const frame = '   1.234kg\r\n';
  it('one byte at a time, split, two per read', () => {
    const parser = createAdamParser();
    expect([...bytes(frame)].flatMap((b) => parser.push(Buffer.from([b])))).toEqual([w(1234)]);
    expect(all(`${frame}   2.`, '000kg\r\n')).toEqual([w(1234), w(2000)]);
  });
  it('line noise before a frame is skipped with a fault; printable junk spoils only its own line', () => {
    expect(readings([0xff, 0x00], frame, 'junk\r\n', frame)).toEqual([w(1234), w(1234)]);
    expect(faults([0xff, 0x00], frame, 'junk\r\n', frame)).toEqual(['noise', 'bad-frame']);
  });
  it('corrupted lines give a typed fault', () => {
    expect(faults('   1.2x4kg\r\n')).toEqual(['bad-number']);
    expect(faults('   1.2.4kg\r\n')).toEqual(['bad-number']);
    expect(faults('   1.234\r\n')).toEqual(['bad-frame']);
    expect(faults('   1.2   1.234kg\r\n')).toEqual(['bad-frame']);
    expect(faults('A'.repeat(100))).toEqual(['overlong']);
  });
});

it('asks with P CR LF at 4800 8N1 and declares its quirks', () => {
  expect(adamProtocol.pollCommand?.toString('latin1')).toBe('P\r\n');
  expect(adamProtocol.serial).toEqual({ baudRate: 4800, dataBits: 8, parity: 'none' });
  expect(adamProtocol).toMatchObject({ reportsZero: false, settledFramesOnly: true, silentWhenUnchanged: true });
});

it('does not read a stray "-" before a frame as a negative weight (found by fast-check)', () => {
  const parser = createAdamParser();
  const readings = [...parser.push(Buffer.from('-')), ...parser.push(Buffer.from('   0.001kg\r\n'))];
  expect(readings.filter((r) => r.kind === 'weight')).toEqual([]);
  // A sign right against the digits is the AZExtra's own negative weight.
  expect(createAdamParser().push(Buffer.from('  -1.234kg\r\n'))).toEqual([
    { kind: 'weight', grams: -1234, stable: true, unit: 'kg', net: false },
  ]);
});

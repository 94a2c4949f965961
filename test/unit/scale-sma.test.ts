// SMA parser: ref vectors (devices.md §1.8 #14–16), framing and corruption.
import { describe, expect, it } from 'vitest';
import { createSmaParser, smaCommands, smaProtocol } from '../../electron/core/devices/scale/sma';
import type { ScaleReading } from '../../electron/core/devices/scale/types';

const bytes = (c: string | number[]) => (typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c));
const all = (...chunks: (string | number[])[]) => {
  const parser = createSmaParser();
  return chunks.flatMap((c) => parser.push(bytes(c)));
};
const readings = (...c: (string | number[])[]) => all(...c).filter((r) => r.kind !== 'malformed');
const faults = (...c: (string | number[])[]) => all(...c).flatMap((r) => (r.kind === 'malformed' ? [r.fault] : []));
const w = (grams: number, stable: boolean, unit: string, net = false): ScaleReading => ({ kind: 'weight', grams, stable, unit, net });

describe('SMA test vectors', () => {
  it('#14 5.025 lb gross, stable', () => {
    const raw = [0x0a, 0x20, 0x31, 0x47, ...Array<number>(7).fill(0x20), 0x35, 0x2e, 0x30, 0x32, 0x35, 0x6c, 0x62, 0x20, 0x0d];
    expect(raw).toHaveLength(20);
    expect(all(raw)).toEqual([w(2279.302, true, 'lb')]);
  });
  it('#15 net, motion', () => {
    expect(all('\n 1NM      0.750kg \r')).toEqual([w(750, false, 'kg', true)]);
  });
  it('#16 overload', () => {
    expect(all('\nO1G     120.500kg \r')).toEqual([{ kind: 'overload' }]);
  });
  it('underload, zero errors, centre of zero, unknown command', () => {
    expect(all('\nU1G      -1.000kg \r')).toEqual([{ kind: 'underload' }]);
    expect(all('\nE1G  ----------kg \r')).toEqual([expect.objectContaining({ kind: 'error', code: 'zero-error' })]);
    expect(all('\nZ1G       0.000kg \r')).toEqual([w(0, true, 'kg')]);
    expect(all('\n?\r')).toEqual([expect.objectContaining({ kind: 'error', code: 'unknown-command' })]);
  });
});

describe('framing', () => {
  const frame = '\n 1G       1.234kg \r';
  it('one byte at a time, split, two per read', () => {
    const parser = createSmaParser();
    expect([...bytes(frame)].flatMap((b) => parser.push(Buffer.from([b])))).toEqual([w(1234, true, 'kg')]);
    expect(all(`${frame}\n 1GM      2.`, '000kg \r')).toEqual([w(1234, true, 'kg'), w(2000, false, 'kg')]);
  });
  it('garbage and a cut-off frame are skipped, with a fault each', () => {
    expect(readings([0xff, 0x00, 0x41], frame, '\n 1G    ', frame)).toEqual([w(1234, true, 'kg'), w(1234, true, 'kg')]);
    expect(faults([0xff, 0x00, 0x41], frame, '\n 1G    ', frame)).toEqual(['noise', 'truncated']);
  });
  it('corrupted frames give a typed fault', () => {
    expect(faults('\n 1G       1.2x4kg \r')).toEqual(['bad-number']);
    expect(faults('\n 1G     1.234kg \r')).toEqual(['bad-frame']);
    expect(faults('\nX1G       1.234kg \r')).toEqual(['bad-status']);
    expect(faults(`\n${'1'.repeat(40)}`)).toEqual(['overlong']);
  });
});

it('commands are LF letter CR', () => {
  expect(smaCommands.weight.toString('latin1')).toBe('\nW\r');
  expect(smaProtocol.pollCommand?.toString('latin1')).toBe('\nW\r');
  expect(smaProtocol.tareCommand?.toString('latin1')).toBe('\nT\r');
});

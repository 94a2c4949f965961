// Toledo 8217 parser: ref vectors (devices.md §1.8 #7–9), framing and corruption.
import { describe, expect, it } from 'vitest';
import { createToledoParser, toledoCommands, toledoProtocol } from '../../electron/core/devices/scale/toledo-8217';
import type { ScaleParser, ScaleReading } from '../../electron/core/devices/scale/types';

const bytes = (c: string | number[]) => (typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c));
const feed = (parser: ScaleParser, ...chunks: (string | number[])[]) => chunks.flatMap((c) => parser.push(bytes(c)));
const all = (...chunks: (string | number[])[]) => feed(createToledoParser(), ...chunks);
const readings = (...chunks: (string | number[])[]) => all(...chunks).filter((r) => r.kind !== 'malformed');
const faults = (...chunks: (string | number[])[]) => all(...chunks).flatMap((r) => (r.kind === 'malformed' ? [r.fault] : []));
const kg = (grams: number, net = false): ScaleReading => ({ kind: 'weight', grams, stable: true, unit: 'kg', net });

describe('Toledo 8217 test vectors', () => {
  it('#7 weight, in the configured unit, stable', () => {
    expect(all([0x02, 0x30, 0x31, 0x2e, 0x32, 0x33, 0x34, 0x0d])).toEqual([kg(1234)]);
    expect(feed(createToledoParser('lb'), '\x0201.000\r')).toEqual([{ kind: 'weight', grams: 453.592, stable: true, unit: 'lb', net: false }]);
  });
  it('#8 ?A is motion, no weight', () => {
    expect(all([0x02, 0x3f, 0x41, 0x0d])).toEqual([{ kind: 'motion' }]);
    expect(all('\x02?Q\r')).toEqual([{ kind: 'motion' }]);
  });
  it('#9 ?B overload, ?D negative (under zero)', () => {
    expect(all([0x02, 0x3f, 0x42, 0x0d])).toEqual([{ kind: 'overload' }]);
    expect(all([0x02, 0x3f, 0x44, 0x0d])).toEqual([{ kind: 'underload' }]);
  });
  it('net flag, leading spaces, and statuses that carry nothing', () => {
    expect(all('\x02 01.234N\r')).toEqual([kg(1234, true)]);
    expect(all('\x02?\x00\r', '\x02? \r', '\x02?P\r')).toEqual([]);
    expect(all('\x02?H\r')).toEqual([expect.objectContaining({ kind: 'error', code: 'zero-range' })]);
  });
});

describe('framing', () => {
  const frame = '\x0201.234\r';
  it('one byte at a time', () => {
    const parser = createToledoParser();
    expect([...bytes(frame)].flatMap((b) => parser.push(Buffer.from([b])))).toEqual([kg(1234)]);
  });
  it('several frames in one read, split frames', () => {
    expect(all(`${frame}\x02?A\r\x0202.5`, '00\r')).toEqual([kg(1234), { kind: 'motion' }, kg(2500)]);
  });
  it('garbage before and between frames is skipped and reported', () => {
    expect(readings([0x00, 0xff, 0x31, 0x0d], frame, 'xx\r', frame)).toEqual([kg(1234), kg(1234)]);
    expect(faults([0x00, 0xff, 0x31, 0x0d], frame, 'xx\r', frame)).toEqual(['noise', 'noise']);
  });
  it('a frame cut short by the next one is "truncated", never a spliced weight', () => {
    expect(all('\x0201.2', frame)).toEqual([{ kind: 'malformed', fault: 'truncated' }, kg(1234)]);
  });
  it('corrupted frames give a typed fault', () => {
    expect(faults('\x0201.2x4\r')).toEqual(['bad-number']);
    expect(faults('\x021.2.3\r')).toEqual(['bad-number']);
    expect(faults('\x02\r', '\x02hello\r')).toEqual(['bad-frame', 'bad-frame']);
    expect(faults('\x02?\x10\r')).toEqual(['bad-status']);
    expect(faults(`\x02${'1'.repeat(40)}`)).toEqual(['overlong']);
  });
});

describe('commands', () => {
  it('W, Z, T, C without a terminator; 7E1 at 9600', () => {
    expect(toledoCommands.weight.toString('latin1')).toBe('W');
    const p = toledoProtocol();
    expect([p.pollCommand, p.zeroCommand, p.tareCommand, p.clearTareCommand].map((b) => b?.toString('latin1'))).toEqual(['W', 'Z', 'T', 'C']);
    expect(p.serial).toEqual({ baudRate: 9600, dataBits: 7, parity: 'even' });
  });
});

// NCI parser: ref vectors (devices.md §1.8 #10–13), the Brecknell form, framing and corruption.
import { describe, expect, it } from 'vitest';
import { createNciParser, nciProtocol } from '../../electron/core/devices/scale/nci';
import type { ScaleReading } from '../../electron/core/devices/scale/types';

const bytes = (c: string | number[]) => (typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c));
const all = (...chunks: (string | number[])[]) => {
  const parser = createNciParser();
  return chunks.flatMap((c) => parser.push(bytes(c)));
};
const readings = (...c: (string | number[])[]) => all(...c).filter((r) => r.kind !== 'malformed');
const faults = (...c: (string | number[])[]) => all(...c).flatMap((r) => (r.kind === 'malformed' ? [r.fault] : []));
const w = (grams: number, stable: boolean, unit: string): ScaleReading => ({ kind: 'weight', grams, stable, unit });
const V10 = [0x0a, 0x30, 0x30, 0x30, 0x31, 0x2e, 0x32, 0x35, 0x6c, 0x62, 0x0d, 0x0a, 0x30, 0x30, 0x0d, 0x03];

describe('NCI test vectors', () => {
  it('#10 stable 1.25 lb', () => {
    expect(all(V10)).toEqual([w(566.99, true, 'lb')]);
  });
  it('#11 same frame with status 1 0 is motion', () => {
    const v11 = [...V10];
    v11[12] = 0x31;
    expect(all(v11)).toEqual([w(566.99, false, 'lb')]);
  });
  it('#12 ^ fill with status 0 2 is overload', () => {
    expect(all([0x0a, ...Array<number>(7).fill(0x5e), 0x6c, 0x62, 0x0d, 0x0a, 0x30, 0x32, 0x0d, 0x03])).toEqual([{ kind: 'overload' }]);
  });
  it('#13 unknown command', () => {
    expect(all([0x0a, 0x3f, 0x0d, 0x03])).toEqual([expect.objectContaining({ kind: 'error', code: 'unknown-command' })]);
  });
});

describe('forms and statuses', () => {
  it('Brecknell PS-USB: no LF before the status bytes', () => {
    expect(all('\n0001.25lb\r00\r\x03')).toEqual([w(566.99, true, 'lb')]);
  });
  it('units in either case, kg, g, oz, lb-oz, negative', () => {
    expect(readings('\n01.234KG\r\n00\r\x03', '\n0250.0g\r\n00\r\x03', '\n-0.500kg\r\n00\r\x03', '\n 2lb 8.0oz\r\n00\r\x03')).toEqual([
      w(1234, true, 'kg'),
      w(250, true, 'g'),
      w(-500, true, 'kg'),
      w(1133.981, true, 'lb-oz'),
    ]);
  });
  it('under, zero error, status-only frames, parity bit on the status bytes', () => {
    expect(all('\n_______lb\r\n01\r\x03')).toEqual([{ kind: 'underload' }]);
    expect(all('\n-------lb\r\n00\r\x03')).toEqual([expect.objectContaining({ kind: 'error', code: 'zero-error' })]);
    expect(all('\n10\r\x03', '\n00\r\x03', '\n02\r\x03')).toEqual([{ kind: 'motion' }, { kind: 'overload' }]);
    expect(all('\n0001.25lb\r\n\xb0\xb0\r\x03')).toEqual([w(566.99, true, 'lb')]);
  });
});

describe('framing', () => {
  const frame = '\n01.234kg\r\n00\r\x03';
  it('one byte at a time, split, two per read', () => {
    const parser = createNciParser();
    expect([...bytes(frame)].flatMap((b) => parser.push(Buffer.from([b])))).toEqual([w(1234, true, 'kg')]);
    expect(all(`${frame}\n02.0`, `00kg\r\n10\r\x03`)).toEqual([w(1234, true, 'kg'), w(2000, false, 'kg')]);
  });
  it('garbage before a frame and a cut-off frame before the next are skipped, with a fault', () => {
    expect(readings([0xff, 0x00, 0x41], frame, '\n01.2', frame)).toEqual([w(1234, true, 'kg'), w(1234, true, 'kg')]);
    expect(faults([0xff, 0x00, 0x41], frame, '\n01.2', frame)).toEqual(['noise', 'noise']);
  });
  it('corrupted frames give a typed fault', () => {
    expect(faults('\n01.2x4kg\r\n00\r\x03')).toEqual(['bad-number']);
    expect(faults('\n01.234\r\n00\r\x03')).toEqual(['bad-frame']);
    expect(faults('\nhello\r\x03')).toEqual(['bad-frame']);
    expect(faults('\n01.234kg\r\n0\x01\r\x03')).toEqual(['bad-frame']);
    expect(faults('A'.repeat(100))).toEqual(['overlong']);
  });
});

it('commands end in CR; 7E1 at 9600', () => {
  expect(nciProtocol.pollCommand?.toString('latin1')).toBe('W\r');
  expect(nciProtocol.zeroCommand?.toString('latin1')).toBe('Z\r');
  expect(nciProtocol.serial).toEqual({ baudRate: 9600, dataBits: 7, parity: 'even' });
});

// CAS 22-byte parser: ref vectors (devices.md §1.8 #17–18), framing and corruption.
import { describe, expect, it } from 'vitest';
import { casProtocol, createCasParser } from '../../electron/core/devices/scale/cas';
import type { ScaleReading } from '../../electron/core/devices/scale/types';

const bytes = (c: string | number[]) => (typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c));
const all = (...chunks: (string | number[])[]) => {
  const parser = createCasParser();
  return chunks.flatMap((c) => parser.push(bytes(c)));
};
const readings = (...c: (string | number[])[]) => all(...c).filter((r) => r.kind !== 'malformed');
const faults = (...c: (string | number[])[]) => all(...c).flatMap((r) => (r.kind === 'malformed' ? [r.fault] : []));
const w = (grams: number, stable: boolean, net = false): ScaleReading => ({ kind: 'weight', grams, stable, unit: 'kg', net });
const V17 = [0x53, 0x54, 0x2c, 0x47, 0x53, 0x2c, 0x31, 0xc4, 0x2c, 0x30, 0x30, 0x30, 0x30, 0x31, 0x33, 0x2e, 0x35, 0x20, 0x6b, 0x67, 0x0d, 0x0a];

describe('CAS test vectors', () => {
  it('#17 13.5 kg stable, 22 bytes', () => {
    expect(V17).toHaveLength(22);
    expect(all(V17)).toEqual([w(13500, true)]);
  });
  it('#18 unstable', () => {
    expect(all('US,GS,1\x84,000013.4 kg\r\n')).toEqual([w(13400, false)]);
  });
  it('overload, net, negative', () => {
    expect(all('OL,GS,1\x84,0000000. kg\r\n')).toEqual([{ kind: 'overload' }]);
    expect(all('ST,NT,1\xc6,-00001.5 kg\r\n')).toEqual([w(-1500, true, true)]);
  });
});

describe('framing', () => {
  const frame = 'ST,GS,1\xc4,0001.234 kg\r\n';
  it('one byte at a time, split, two per read', () => {
    const parser = createCasParser();
    expect([...bytes(frame)].flatMap((b) => parser.push(Buffer.from([b])))).toEqual([w(1234, true)]);
    expect(all(`${frame}US,GS,1\x84,00`, '02.000 kg\r\n')).toEqual([w(1234, true), w(2000, false)]);
  });
  it('garbage glued before a frame (even a cut-off frame) is skipped with a fault', () => {
    expect(readings([0xff, 0x00, 0x41], frame, 'ST,GS,1\xc4,00', frame)).toEqual([w(1234, true), w(1234, true)]);
    expect(faults([0xff, 0x00, 0x41], frame, 'ST,GS,1\xc4,00', frame)).toEqual(['noise', 'noise']);
  });
  it('corrupted frames give a typed fault', () => {
    expect(faults('ST,GS,1\xc4,0001.2x4 kg\r\n')).toEqual(['bad-number']);
    expect(faults('XX,GS,1\xc4,0001.234 kg\r\n')).toEqual(['bad-status']);
    expect(faults('ST,GS,1\x44,0001.234 kg\r\n')).toEqual(['bad-status']);
    expect(faults('ST,GS,1\xc4,001.234 kg\r\n')).toEqual(['bad-frame']);
    expect(faults('A'.repeat(100))).toEqual(['overlong']);
  });
});

it('is continuous: never writes', () => {
  expect(casProtocol.pollCommand).toBeUndefined();
});

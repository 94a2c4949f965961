// Generic ASCII line parser: ref vectors (devices.md §1.8 #19–20), regex and column configurations.
import { describe, expect, it } from 'vitest';
import { asciiLineProtocol, createAsciiLineParser, type AsciiLineOptions } from '../../electron/core/devices/scale/ascii-line';
import { protocolByName, scaleProtocols } from '../../electron/core/devices/scale/protocols';
import type { ScaleReading } from '../../electron/core/devices/scale/types';

const bytes = (c: string | number[]) => (typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c));
const allWith = (options: AsciiLineOptions, ...chunks: (string | number[])[]) => {
  const parser = createAsciiLineParser(options);
  return chunks.flatMap((c) => parser.push(bytes(c)));
};
const all = (...c: (string | number[])[]) => allWith({}, ...c);
const readings = (...c: (string | number[])[]) => all(...c).filter((r) => r.kind !== 'malformed');
const faults = (...c: (string | number[])[]) => all(...c).flatMap((r) => (r.kind === 'malformed' ? [r.fault] : []));
const w = (grams: number, stable: boolean | null, unit = 'kg'): ScaleReading => ({ kind: 'weight', grams, stable, unit });

describe('ASCII line test vectors', () => {
  it('#19 unstable net', () => {
    expect(all('US,NT,-0000.250kg\r\n')).toEqual([{ ...w(-250, false), net: true }]);
  });
  it('#20 a bare line has no stable flag', () => {
    expect(all('    12.34 lb\r\n')).toEqual([w(5597.33, null, 'lb')]);
  });
  it('stable, overload, and a line without a unit takes the configured one', () => {
    expect(all('ST,GS,+0001.500kg\r\n', 'OL,GS,+9999.999kg\r\n')).toEqual([w(1500, true), { kind: 'overload' }]);
    expect(allWith({ unit: 'g' }, '  250\r\n')).toEqual([w(250, null, 'g')]);
  });
});

describe('configuration', () => {
  it('a custom regex with named groups and markers', () => {
    const options = { pattern: '^W:(?<weight>[0-9.]+)(?<unit>g) (?<status>OK|MV)$', stableMarker: 'OK', unstableMarkers: ['MV'] };
    expect(allWith(options, 'W:120.5g OK\r\n', 'W:121.0g MV\r\n', 'W:1x g OK\r\n').filter((r) => r.kind !== 'malformed')).toEqual([
      w(120.5, true, 'g'),
      w(121, false, 'g'),
    ]);
  });
  it('fixed columns', () => {
    const options: AsciiLineOptions = { fields: { status: [0, 1], sign: [2, 3], weight: [4, 12], unit: [13, 15] }, stableMarker: 'S', unstableMarkers: ['M'] };
    expect(allWith(options, 'S + 0001.250 kg\r\n', 'M - 0000.010 kg\r\n')).toEqual([w(1250, true), w(-10, false)]);
    expect(allWith(options, 'X + 0001.250 kg\r\n', 'S + 00x1.250 kg\r\n', 'S +\r\n').map((r) => (r.kind === 'malformed' ? r.fault : r.kind))).toEqual([
      'bad-status',
      'bad-number',
      'bad-frame',
    ]);
  });
  it('the registry knows every protocol and builds a configured line protocol', () => {
    expect(Object.keys(scaleProtocols).sort()).toEqual(['adam', 'ascii', 'cas', 'nci', 'sics', 'sma', 'toledo-8217']);
    expect(protocolByName('MT-SICS')).toBe(scaleProtocols.sics);
    expect(protocolByName('nope')).toBeNull();
    const line = protocolByName('ascii', { line: { periodMs: 50 } });
    expect(line?.pollIntervalMs).toBe(50);
    expect(asciiLineProtocol().pollCommand).toBeUndefined();
  });
});

describe('framing', () => {
  const frame = 'ST,GS,+0001.234kg\r\n';
  it('one byte at a time, split, two per read', () => {
    const parser = createAsciiLineParser();
    expect([...bytes(frame)].flatMap((b) => parser.push(Buffer.from([b])))).toEqual([w(1234, true)]);
    expect(all(`${frame}US,GS,+00`, '02.000kg\r\n')).toEqual([w(1234, true), w(2000, false)]);
  });
  it('line noise is skipped with a fault; printable junk spoils only its own line', () => {
    expect(readings([0xff, 0x00], frame, 'junk\r\n', frame)).toEqual([w(1234, true), w(1234, true)]);
    expect(faults([0xff, 0x00], frame, 'junk\r\n', frame)).toEqual(['noise', 'bad-frame']);
  });
  it('corrupted lines give a typed fault, never a spliced weight', () => {
    expect(faults('ST,GS,+00x1.234kg\r\n')).toEqual(['bad-number']);
    expect(faults('XX,GS,+0001.234kg\r\n')).toEqual(['bad-status']);
    expect(faults('ST,GS,+0001.2ST,GS,+0001.234kg\r\n')).toEqual(['bad-frame']);
    expect(faults('A'.repeat(200))).toEqual(['overlong']);
  });
  it('a long run of digits is reported once and never read as a weight; a frame after a long noise burst is', () => {
    expect(all('1'.repeat(100), '2'.repeat(100), ' kg\r\n')).toEqual([{ kind: 'malformed', fault: 'overlong' }]);
    expect(readings(new Array(500).fill(0xff), frame)).toEqual([w(1234, true)]);
    expect(faults(new Array(500).fill(0xff), frame)).toEqual(['overlong', 'noise']);
  });
});

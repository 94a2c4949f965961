// Properties every scale driver must keep, whatever bytes arrive and however they are split.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scaleProtocols, type ScaleProtocolName } from '../../electron/core/devices/scale/protocols';
import type { FrameFault, ScaleReading } from '../../electron/core/devices/scale/types';
import { encodeFrame, type SimSample } from '../../electron/sandbox/scale-simulator';

const names = Object.keys(scaleProtocols) as ScaleProtocolName[];
const KINDS = new Set(['weight', 'motion', 'overload', 'underload', 'error', 'malformed']);

/** Bytes that make a resync point after a malformation, per driver (none where a start byte resyncs). */
const RESYNC: Record<ScaleProtocolName, string> = {
  sics: '\r\n',
  'toledo-8217': '',
  nci: '\r\x03',
  sma: '',
  cas: '\r\n',
  adam: '\r\n',
  ascii: '\r\n',
};
/** Where a frame starts (so an overlong run is one frame, not noise). */
const START: Record<ScaleProtocolName, string> = { sics: '', 'toledo-8217': '\x02', nci: '\n', sma: '\n', cas: '', adam: '', ascii: '' };
/** A frame cut after this many bytes and followed by the resync bytes, and the fault that gives. */
const CUT: Record<ScaleProtocolName, [number, FrameFault]> = {
  sics: [4, 'bad-frame'],
  'toledo-8217': [3, 'truncated'],
  nci: [6, 'bad-frame'],
  sma: [3, 'truncated'],
  cas: [4, 'bad-frame'],
  adam: [4, 'bad-frame'],
  ascii: [4, 'bad-frame'],
};

function parseChunks(name: ScaleProtocolName, chunks: Buffer[]): ScaleReading[] {
  const parser = scaleProtocols[name].parser();
  return chunks.flatMap((c) => parser.push(c));
}

/** Splits bytes at the given fractions: the same stream, read in arbitrary pieces. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

const valid = (r: ScaleReading) => r.kind !== 'malformed';
const key = (r: ScaleReading) => JSON.stringify(r);

const sample = fc.record<SimSample>({
  grams: fc.integer({ min: -5000, max: 60_000 }),
  motion: fc.boolean(),
  overload: fc.boolean(),
  underload: fc.constant(false),
  unit: fc.constantFrom('kg' as const, 'g' as const, 'lb' as const),
});
// Line noise: control and high bytes, never a frame marker (STX, ETX, LF, CR). Bursts run up to several
// times every driver's longest frame: a frame after a long burst must still be read.
const noiseOf = (minLength: number, maxLength: number) =>
  fc.uint8Array({ minLength, maxLength, size: 'max' }).map((a) => Buffer.from([...a].map((b) => ([2, 3, 10, 13].includes(b) ? 0x80 | b : b < 0x20 ? b : 0x80 | b))));
const noise = fc.oneof(noiseOf(1, 12), noiseOf(81, 300));
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 });

describe.each(names)('%s driver', (name) => {
  /** A frame the driver reads alone as exactly one reading. */
  const single = (s: SimSample) => parseChunks(name, [encodeFrame(name, s)]).filter(valid);

  // The properties below compare against what a frame decodes to alone; this keeps them from passing
  // vacuously on frames the driver cannot read at all.
  it('reads every frame the simulator sends, alone, as exactly the one reading it stands for', () => {
    fc.assert(
      fc.property(sample, (s) => {
        const readings = single(s);
        expect(readings).toHaveLength(1);
        const [r] = readings as [ScaleReading];
        // Adam prints only settled weights: it has no overload or motion frame.
        if (s.overload && name !== 'adam') return void expect(r).toEqual({ kind: 'overload' });
        if (r.kind !== 'weight') {
          // Toledo sends no weight while moving (`?A`) or below zero (`?D`).
          expect(name).toBe('toledo-8217');
          return void expect(r).toEqual(s.grams < 0 ? { kind: 'underload' } : { kind: 'motion' });
        }
        expect(r.stable).toBe(name === 'adam' ? true : !s.motion);
        // Toledo frames carry no unit (the driver's configured one, kg, applies); the others say theirs.
        if (name !== 'toledo-8217' || s.unit === 'kg') expect(Math.abs(r.grams - s.grams)).toBeLessThan(0.5);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws and only returns well-formed readings, on any bytes in any split', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), sample.map((s) => encodeFrame(name, s))), { maxLength: 12 }), cuts, (parts, c) => {
        const readings = parseChunks(name, split(Buffer.concat(parts.map((p) => Buffer.from(p))), c));
        for (const r of readings) {
          expect(KINDS.has(r.kind)).toBe(true);
          if (r.kind === 'weight') expect(Number.isFinite(r.grams)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('emits every intact frame embedded in line noise, in order, however the reads split', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.option(noise, { nil: undefined }), sample), { minLength: 1, maxLength: 8 }), cuts, (items, c) => {
        const expected = items.flatMap(([, s]) => single(s));
        const stream = Buffer.concat(items.flatMap(([n, s]) => [n ?? Buffer.alloc(0), encodeFrame(name, s)]));
        expect(parseChunks(name, split(stream, c)).filter(valid)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('reports the expected typed fault for each kind of malformation, then reads on', () => {
    const frame = (s: SimSample) => encodeFrame(name, s);
    fc.assert(
      fc.property(sample.filter((s) => !s.overload && !s.motion && s.grams > 100), cuts, (s, c) => {
        const good = frame(s);
        const text = good.toString('latin1');
        const decimal = text.indexOf('.') + 1;
        const [cutAt, cutFault] = CUT[name];
        const cases: [FrameFault, string][] = [
          ['overlong', `${START[name]}${'7'.repeat(120)}${RESYNC[name]}`],
          // A digit in the weight field turned into a letter.
          ['bad-number', `${text.slice(0, decimal)}x${text.slice(decimal + 1)}`],
          // The rest of the frame lost.
          [cutFault, `${text.slice(0, cutAt)}${RESYNC[name]}`],
        ];
        for (const [fault, bad] of cases) {
          const out = parseChunks(name, split(Buffer.concat([good, Buffer.from(bad, 'latin1'), good]), c));
          expect(out.filter((r) => r.kind === 'malformed').map((r) => (r.kind === 'malformed' ? r.fault : ''))).toContain(fault);
          expect(out.filter(valid)).toEqual([...single(s), ...single(s)]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('never reports a stable weight the bytes did not contain as a frame', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            sample.map((s) => ({ bytes: encodeFrame(name, s), whole: true })),
            // A frame cut anywhere: its remains must never turn into a stable weight.
            fc.tuple(sample, fc.double({ min: 0, max: 0.95, noNaN: true })).map(([s, f]) => {
              const b = encodeFrame(name, s);
              return { bytes: b.subarray(0, Math.floor(f * b.length)), whole: false };
            }),
            noise.map((bytes) => ({ bytes, whole: false })),
          ),
          { maxLength: 10 },
        ),
        cuts,
        (parts, c) => {
          const allowed = new Set(parts.filter((p) => p.whole).flatMap((p) => parseChunks(name, [p.bytes]).filter(valid).map(key)));
          const out = parseChunks(name, split(Buffer.concat(parts.map((p) => p.bytes)), c));
          for (const r of out) if (r.kind === 'weight' && r.stable === true) expect(allowed.has(key(r))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

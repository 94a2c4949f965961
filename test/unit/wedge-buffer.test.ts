import { describe, expect, it } from 'vitest';
import { ScanBurst } from '../../renderer/src/scanner/scan-burst';
import { WedgeBuffer } from '../../renderer/src/scanner/wedge-buffer';

function typeAt(buffer: WedgeBuffer, text: string, start: number, gap: number): (string | null)[] {
  return [...text].map((ch, i) => buffer.key(ch === '\n' ? 'Enter' : ch, start + i * gap));
}

describe('WedgeBuffer', () => {
  it('returns a scanner burst when Enter ends it', () => {
    const out = typeAt(new WedgeBuffer(), 'WH/OUT/7\n', 0, 5);
    expect(out.at(-1)).toBe('WH/OUT/7');
  });

  it('drops a slow keystroke left over before a scan', () => {
    const b = new WedgeBuffer();
    b.key('x', 0);
    expect(typeAt(b, 'ABC\n', 1000, 5).at(-1)).toBe('ABC');
  });

  it('keeps a scan whole when a busy machine stalls it for a few hundred ms', () => {
    const b = new WedgeBuffer();
    b.key('B', 0);
    expect(typeAt(b, 'ADGE-7\n', 300, 5).at(-1)).toBe('BADGE-7');
  });

  it('ignores a lone Enter and non-character keys', () => {
    const b = new WedgeBuffer();
    expect(b.key('Enter', 0)).toBeNull();
    b.key('A', 1000);
    b.key('Shift', 1002);
    b.key('B', 1004);
    expect(b.key('Enter', 1006)).toBe('AB');
  });
});

describe('WedgeBuffer: scanned or typed by hand', () => {
  it('tells a scanner burst from the same code typed by hand, so a typed badge is never an approval', () => {
    const b = new WedgeBuffer();
    expect(typeAt(b, 'TRAIN-LEAD\n', 0, 5).at(-1)).toBe('TRAIN-LEAD');
    expect(b.scanned).toBe(true);
    expect(typeAt(b, 'TRAIN-LEAD\n', 10_000, 140).at(-1)).toBe('TRAIN-LEAD');
    expect(b.scanned).toBe(false);
  });

  it('keeps a scan a scan when a busy machine stalls it once', () => {
    const b = new WedgeBuffer();
    b.key('B', 0);
    expect(typeAt(b, 'ADGE-7\n', 300, 5).at(-1)).toBe('BADGE-7');
    expect(b.scanned).toBe(true);
  });
});

describe('ScanBurst in an approval form', () => {
  it('gives the scanned code and what the field held before it', () => {
    const burst = new ScanBurst();
    const text = 'TRAIN-LEAD\n';
    const seen = [...text].map((ch, i) => burst.key(ch === '\n' ? 'Enter' : ch, 1000 + i * 5, `Scale cut${text.slice(0, i)}`)).at(-1);
    expect(seen).toEqual({ scanned: true, restore: 'Scale cut' });
    expect(burst.code).toBe('TRAIN-LEAD');
  });

  it('keeps a scan whole, and out of the field, when a busy machine holds up its first key', () => {
    const burst = new ScanBurst();
    const text = 'TRAIN-LEAD\n';
    // The first key 200 ms before the rest (a loaded machine), then scanner pace.
    const at = (i: number) => (i === 0 ? 800 : 1000 + i * 5);
    const seen = [...text].map((ch, i) => burst.key(ch === '\n' ? 'Enter' : ch, at(i), `Dock 7${text.slice(0, i)}`)).at(-1);
    expect(seen).toEqual({ scanned: true, restore: 'Dock 7' });
    expect(burst.code).toBe('TRAIN-LEAD');
  });

  it('takes what a person types as typing, also quickly, and a slow key before a scan as typed', () => {
    const typed = new ScanBurst();
    const word = 'Dock 7\n';
    expect([...word].map((ch, i) => typed.key(ch === '\n' ? 'Enter' : ch, 1000 + i * 120, word.slice(0, i))).at(-1)).toEqual({ scanned: false });
    const burst = new ScanBurst();
    burst.key('x', 0, 'Dock 7');
    const text = 'ABCD\n';
    const seen = [...text].map((ch, i) => burst.key(ch === '\n' ? 'Enter' : ch, 2000 + i * 5, `Dock 7x${text.slice(0, i)}`)).at(-1);
    expect(seen).toEqual({ scanned: true, restore: 'Dock 7x' });
  });
});

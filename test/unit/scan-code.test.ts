import { describe, expect, it } from 'vitest';
import { classifyScan, normaliseScan } from '../../electron/core/pack/scan-code';

describe('classifyScan', () => {
  it('strips the wedge terminator and surrounding spaces', () => {
    expect(normaliseScan('WH/OUT/00012\r\n')).toBe('WH/OUT/00012');
    expect(classifyScan('  WH/OUT/00012\t', '*PB*')).toEqual({ kind: 'code', code: 'WH/OUT/00012' });
  });

  it('recognises bench commands by prefix, case-insensitively', () => {
    expect(classifyScan('*PB*close-order', '*PB*')).toEqual({ kind: 'command', command: 'CLOSE-ORDER' });
    expect(classifyScan('*PB*REPRINT', '*PB*')).toEqual({ kind: 'command', command: 'REPRINT' });
    expect(classifyScan('*PB*SELF-DESTRUCT', '*PB*')).toEqual({ kind: 'unknown_command', text: 'SELF-DESTRUCT' });
  });

  it('calls a code with control characters inside malformed', () => {
    expect(classifyScan('WH/\u0000OUT', '*PB*')).toEqual({ kind: 'malformed', reason: 'control characters' });
    expect(classifyScan('\r\n', '*PB*')).toEqual({ kind: 'malformed', reason: 'empty' });
  });

  it('keeps codes in other scripts as they are', () => {
    expect(classifyScan('ZAMÓWIENIE-7', '*PB*')).toEqual({ kind: 'code', code: 'ZAMÓWIENIE-7' });
  });
});

import { describe, expect, it } from 'vitest';
import { formatSscc, gs1CheckDigit, InvalidSsccError, normalizeSscc, ssccElementString } from '../../electron/core/labels/sscc';

describe('SSCC', () => {
  it.each([
    ['09528765432101234', 6],
    ['00614141123456789', 0],
    ['10614141000000001', 9],
  ])('check digit of %s is %i', (digits, check) => {
    expect(gs1CheckDigit(digits)).toBe(check);
  });

  it('adds the check digit to 17 digits and verifies 18', () => {
    expect(normalizeSscc('09528765432101234')).toBe('095287654321012346');
    expect(normalizeSscc('095287654321012346')).toBe('095287654321012346');
    expect(normalizeSscc('(00) 0 9528765 432101234 6')).toBe('095287654321012346');
    expect(normalizeSscc('00095287654321012346')).toBe('095287654321012346');
  });

  it('gives the element string with the (00) AI and a readable line', () => {
    expect(ssccElementString('09528765432101234')).toBe('(00)095287654321012346');
    expect(formatSscc('095287654321012346')).toBe('(00) 095287654321012346');
  });

  it.each([
    ['095287654321012345', /check digit is 5, expected 6/],
    ['1234', /17 or 18 digits/],
    ['0952876543210123A', /digits only/],
    ['', /17 or 18 digits|digits only/],
    ['(01)09528765432101234', /digits only/],
  ])('rejects %j', (input, message) => {
    expect(() => normalizeSscc(input)).toThrow(InvalidSsccError);
    expect(() => normalizeSscc(input)).toThrow(message);
  });
});

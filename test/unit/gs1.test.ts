import { describe, expect, it } from 'vitest';
import { GS, gtin14, hasValidCheckDigit, parseGs1 } from '../../electron/core/pack/gs1';
import { classifyScan } from '../../electron/core/pack/scan-code';

// GTIN 09506000134352 is GS1's own example (General Specifications); 4006381333931 a real EAN-13.
const GTIN = '09506000134352';

describe('GTIN check digits', () => {
  it('accepts valid GTIN-8, -12, -13, -14 and SSCC, refuses a wrong digit', () => {
    for (const valid of ['96385074', '036000291452', '4006381333931', GTIN, '106141412345678908']) expect(hasValidCheckDigit(valid)).toBe(true);
    for (const invalid of ['96385075', '036000291453', '4006381333932', '09506000134353', 'ABC', '1234567']) {
      expect(hasValidCheckDigit(invalid)).toBe(false);
    }
  });

  it('turns a product barcode into a GTIN-14, or null', () => {
    expect(gtin14('4006381333931')).toBe('04006381333931');
    expect(gtin14('036000291452')).toBe('00036000291452');
    expect(gtin14('96385074')).toBe('00000096385074');
    expect(gtin14(GTIN)).toBe(GTIN);
    expect(gtin14('4006381333932')).toBeNull();
    expect(gtin14('FURN-LAMP-01')).toBeNull();
    expect(gtin14(null)).toBeNull();
  });
});

describe('parseGs1', () => {
  it('reads the human-readable form, with or without spaces', () => {
    expect(parseGs1(`(01)${GTIN}(10)ABC123`)).toEqual({
      elements: [
        { ai: '01', value: GTIN },
        { ai: '10', value: 'ABC123' },
      ],
      gtin: GTIN,
      lot: 'ABC123',
      serial: null,
    });
    const spaced = parseGs1(`(01) ${GTIN} (17) 260131 (21) SN-0042`);
    expect(spaced).toMatchObject({ gtin: GTIN, lot: null, serial: 'SN-0042' });
    expect(spaced!.elements.map((e) => e.ai)).toEqual(['01', '17', '21']);
  });

  it('reads raw data with GS separators, a leading FNC1 or a symbology identifier', () => {
    const raw = `01${GTIN}10LOT-7${GS}21SN9`;
    for (const scan of [raw, `${GS}${raw}`, `]C1${raw}`, `]d2${raw}`, `]Q3${raw}${GS}`]) {
      expect(parseGs1(scan), JSON.stringify(scan)).toMatchObject({ gtin: GTIN, lot: 'LOT-7', serial: 'SN9' });
    }
  });

  it('reads raw data without separators when the variable field comes last', () => {
    // 17 (expiry) is predefined-length, so no separator is needed before the lot.
    expect(parseGs1(`01${GTIN}17260131LOT42`)).toBeNull(); // "LOT42" is no AI: a lot must be introduced by 10
    expect(parseGs1(`01${GTIN}1726013110LOT42`)).toMatchObject({ gtin: GTIN, lot: 'LOT42', serial: null });
    expect(parseGs1(`01${GTIN}21ABC`)).toMatchObject({ gtin: GTIN, lot: null, serial: 'ABC' });
    // Without a separator a variable field runs to the end, as the GS1 rules say.
    expect(parseGs1(`01${GTIN}10L1${'21'}S1`)).toMatchObject({ lot: 'L121S1', serial: null });
    expect(parseGs1(`01${GTIN}`)).toMatchObject({ gtin: GTIN, lot: null, serial: null });
  });

  it('reads a lot label with no GTIN', () => {
    expect(parseGs1('(10)L2503')).toMatchObject({ gtin: null, lot: 'L2503' });
    expect(parseGs1(`]C110L2503`)).toMatchObject({ gtin: null, lot: 'L2503' });
  });

  it('is not fooled by ordinary codes', () => {
    for (const code of ['4006381333931', 'WH/OUT/00001', 'S00001', 'FURN-LAMP-01', '*PB*PRINT', 'PT-BOX-S', '(A)', '01234', 'LOT-2503']) {
      expect(parseGs1(code), code).toBeNull();
    }
    // A plain code 128 (]C0) or EAN-13 (]E0) symbology identifier is not GS1.
    expect(parseGs1(`]C001${GTIN}10X`)).toBeNull();
    expect(parseGs1(']E04006381333931')).toBeNull();
    // Starts like a GTIN but its check digit is wrong.
    expect(parseGs1(`0109506000134353${'10'}X`)).toBeNull();
  });

  it('refuses what breaks the AI rules', () => {
    expect(parseGs1(`(01)09506000134353(10)X`)).toBeNull(); // bad check digit
    expect(parseGs1(`(01)0950600013435(10)X`)).toBeNull(); // 13 digits
    expect(parseGs1(`(10)${'L'.repeat(21)}`)).toBeNull(); // lot longer than 20
    expect(parseGs1(`(17)26AB31`)).toBeNull(); // date not numeric
    expect(parseGs1(`(10)A(10)B`)).toBeNull(); // one AI, two values
    expect(parseGs1(`${GS}01${GTIN}10LOT 1`)).toBeNull(); // space is not in GS1 character set 82
    expect(parseGs1(`${GS}0109506000${GS}`)).toBeNull(); // fixed field cut short
    expect(parseGs1(`${GS}77ABC`)).toBeNull(); // unknown AI in raw data
    expect(parseGs1(`(01)${GTIN}junk`)).toBeNull();
  });

  it('knows the 3- and 4-digit AIs around lots (weights, GLNs, internal codes)', () => {
    const data = parseGs1(`]C101${GTIN}3103001250410${'4012345000009'}10B7${GS}91INT-9`);
    expect(data?.elements.map((e) => e.ai)).toEqual(['01', '3103', '410', '10', '91']);
    expect(data).toMatchObject({ lot: 'B7' });
  });
});

describe('classifyScan with GS1', () => {
  it('keeps GS separators inside a GS1 code, refuses other control characters', () => {
    const code = `01${GTIN}10LOT-7${GS}21SN9`;
    expect(classifyScan(`${code}\r\n`, '*PB*')).toEqual({ kind: 'code', code });
    expect(classifyScan(`${GS}${code}`, '*PB*')).toEqual({ kind: 'code', code: `${GS}${code}` });
    expect(classifyScan(`ABC${GS}DEF`, '*PB*')).toEqual({ kind: 'malformed', reason: 'control characters' });
    expect(classifyScan(`01${GTIN}10L${GS}\u0007`, '*PB*')).toEqual({ kind: 'malformed', reason: 'control characters' });
  });
});

// Scanner calibration against the real keyboards: the US and German layouts key by key (a scanner
// sends key positions; the computer reads them through its layout), not the module's own table.
import { describe, expect, it } from 'vitest';
import { applyKeyMap, calibrate, CALIBRATION_TEXT, KNOWN_MANGLINGS, layoutInWords } from '../../renderer/src/scanner/calibration';
import { englishT, inLanguage } from '../../renderer/src/station/i18n';

// Rows of the main block, unshifted then shifted, the same physical keys on both keyboards.
const US = [
  ['`1234567890-=', '~!@#$%^&*()_+'],
  ['qwertyuiop[]\\', 'QWERTYUIOP{}|'],
  ["asdfghjkl;'", 'ASDFGHJKL:"'],
  ['zxcvbnm,./', 'ZXCVBNM<>?'],
];
const GERMAN = [
  ['^1234567890ß´', '°!"§$%&/()=?`'],
  ['qwertzuiopü+#', "QWERTZUIOPÜ*'"],
  ['asdfghjklöä', 'ASDFGHJKLÖÄ'],
  ['yxcvbnm,.-', 'YXCVBNM;:_'],
];
/** Dead keys on the German keyboard type nothing by themselves. */
const DEAD = new Set(['^', '´', '`']);

/** What a US-set scanner types on a German keyboard, key by key. */
function typedOnGerman(text: string): string {
  const byChar = new Map<string, string>();
  US.forEach((row, r) => row.forEach((keys, shift) => [...keys].forEach((c, k) => byChar.set(c, GERMAN[r]![shift]![k]!))));
  return [...text]
    .map((c) => {
      const typed = byChar.get(c) ?? c; // letters and digits outside the table type themselves
      if (DEAD.has(typed)) throw new Error(`the barcode holds ${c}, a dead key on a German keyboard`);
      return typed;
    })
    .join('');
}

describe('scanner calibration', () => {
  it('a US scanner on a German keyboard mangles delivery names as the issue says', () => {
    expect(typedOnGerman('WH/OUT/0001')).toBe('WH-OUT-0001');
    expect(typedOnGerman('Yz')).toBe('Zy');
  });

  it('finds the German mangling from the calibration barcode and puts every later scan right', () => {
    const result = calibrate(typedOnGerman(CALIBRATION_TEXT));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.layout).toBe('US scanner on a German keyboard');
    const codes = ['WH/OUT/0001', 'WH/OUT/00010', '*PB*PRINT', '*PB*NEW-PARCEL', 'LOT-2025/zy_Y', 'A-1;B:2[c]{d}|e\\f<g>h?i"j\'k@l#m&n(o)p~', '4006381333931'];
    for (const code of codes) expect(applyKeyMap(typedOnGerman(code), result.keyMap)).toBe(code);
  });

  it('a scanner that reads correctly needs no key map, and a correct scan is left alone', () => {
    const result = calibrate(CALIBRATION_TEXT);
    expect(result).toMatchObject({ ok: true, keyMap: {}, layout: null });
    expect(applyKeyMap('WH/OUT/0001', {})).toBe('WH/OUT/0001');
  });

  it('refuses another barcode, and a mangling it cannot undo', () => {
    expect(calibrate('WH-OUT-0001')).toMatchObject({ ok: false });
    // Two different characters typed as one: nothing can tell them apart afterwards.
    expect(calibrate(CALIBRATION_TEXT.replace('/', '-'))).toMatchObject({ ok: false });
  });

  it('an unknown layout: keeps what the barcode showed', () => {
    const swappedDigits = CALIBRATION_TEXT.replace('0123456789', '1234567890');
    const result = calibrate(swappedDigits);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.layout).toMatch(/Unknown keyboard layout/);
    expect(applyKeyMap('1234', result.keyMap)).toBe('0123');
    // Stored in English (as audited), shown in the screen's language.
    const german = inLanguage('de');
    expect(layoutInWords(result.layout!, german)).toBe('Unbekanntes Tastaturlayout (10 Zeichen korrigiert)');
    expect(layoutInWords(KNOWN_MANGLINGS[0]!.name, german)).toBe('US-Scanner an deutscher Tastatur');
    expect(layoutInWords(result.layout!, englishT)).toBe(result.layout);
  });
});

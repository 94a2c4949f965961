// Scanner calibration: a keyboard-wedge scanner sends key positions, and the computer reads them
// through its own keyboard layout. A scanner set to US on a German keyboard types `WH-OUT-0001`
// for `WH/OUT/0001`, and Y and Z swapped. Scanning a barcode of known text shows the mangling; the
// key map found puts every later scan right before it reaches the core.
import type { Translate } from '../../../shared/i18n';
import type { ScannerKeyMap } from '../../../shared/settings';
import { englishT } from '../station/i18n';

/**
 * The calibration barcode's text: `/`, `-`, `*` and `_` (bench codes), Y/Z both cases, digits.
 * Short, so its Code 128 fits the Settings panel with bars two pixels wide.
 */
export const CALIBRATION_TEXT = '/-YZyz*_0123456789';

/**
 * Known manglings: the character the barcode holds → the character the screen receives. A US
 * scanner on a German (QWERTZ) keyboard, key by key (dead keys ` = + left out: they type nothing
 * on their own).
 */
const US_ON_GERMAN: Record<string, string> = {
  '@': '"', '#': '§', '^': '&', '&': '/', '*': '(', '(': ')', ')': '=',
  '-': 'ß', _: '?',
  y: 'z', Y: 'Z', z: 'y', Z: 'Y',
  '[': 'ü', '{': 'Ü', ']': '+', '}': '*', '\\': '#', '|': "'",
  ';': 'ö', ':': 'Ö', "'": 'ä', '"': 'Ä',
  '<': ';', '>': ':', '/': '-', '?': '_', '~': '°',
};

/** `name` is what settings `scanner.layout` stores (English, as audited); `key` words it on screen. */
export const KNOWN_MANGLINGS: { name: string; key: string; sent: Record<string, string> }[] = [
  { name: 'US scanner on a German keyboard', key: 'calibration.layout.usOnGerman', sent: US_ON_GERMAN },
];
// i18n-keys: calibration.layout.usOnGerman

const UNKNOWN_LAYOUT = /^Unknown keyboard layout \((\d+) characters put right\)$/;

/** A stored layout (settings `scanner.layout`) in the screen's language; one the bench did not name is shown as stored. */
export function layoutInWords(layout: string, t: Translate): string {
  const known = KNOWN_MANGLINGS.find((m) => m.name === layout);
  if (known) return t(known.key);
  const unknown = UNKNOWN_LAYOUT.exec(layout);
  return unknown ? t('calibration.layout.unknown', { count: Number(unknown[1]) }) : layout;
}

/** A mangling turned round: received → meant, the key map a calibration stores. */
export function keyMapOf(sent: Record<string, string>): ScannerKeyMap {
  return Object.fromEntries(Object.entries(sent).map(([meant, received]) => [received, meant]));
}

/** What a scanner with `sent` mangling types for `text` (tests and the calibration's check). */
export function mangle(text: string, sent: Record<string, string>): string {
  return [...text].map((c) => sent[c] ?? c).join('');
}

/** Put a scan right: each character through the key map. */
export function applyKeyMap(code: string, keyMap: ScannerKeyMap): string {
  if (Object.keys(keyMap).length === 0) return code;
  return [...code].map((c) => keyMap[c] ?? c).join('');
}

export type Calibration =
  | { ok: true; keyMap: ScannerKeyMap; layout: string | null; message: string }
  | { ok: false; message: string };

/** What the calibration barcode came through as, judged: the key map to store, or what to do. */
export function calibrate(received: string, t: Translate = englishT): Calibration {
  const meant = [...CALIBRATION_TEXT];
  const got = [...received];
  if (received === CALIBRATION_TEXT) {
    return { ok: true, keyMap: {}, layout: null, message: t('calibration.correct') };
  }
  if (got.length !== meant.length) {
    return {
      ok: false,
      message: t('calibration.notIt', { got: got.length, meant: meant.length }),
    };
  }
  const observed = new Map<string, string>();
  for (let i = 0; i < meant.length; i++) {
    const before = observed.get(got[i]!);
    if (before !== undefined && before !== meant[i]) {
      return { ok: false, message: t('calibration.mixedUp') };
    }
    observed.set(got[i]!, meant[i]!);
  }
  for (const known of KNOWN_MANGLINGS) {
    if (mangle(CALIBRATION_TEXT, known.sent) === received) {
      return { ok: true, keyMap: keyMapOf(known.sent), layout: known.name, message: t('calibration.found', { layout: t(known.key) }) };
    }
  }
  // Not a layout the bench knows: keep only what the barcode showed.
  const keyMap = Object.fromEntries([...observed].filter(([r, m]) => r !== m));
  return {
    ok: true,
    keyMap,
    layout: `Unknown keyboard layout (${Object.keys(keyMap).length} characters put right)`,
    message: t('calibration.unknown', { n: Object.keys(keyMap).length }),
  };
}

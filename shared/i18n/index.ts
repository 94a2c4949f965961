// The bench's two languages, one i18next instance per user of them: the core renders every packer
// and lead message in the bench's language (settings `bench.language`), the renderer renders every
// string on screen. Catalogues are JSON per language and namespace (`ui` for the screen, `core` for
// what the core says); `test/unit/i18n-keys.test.ts` fails on a key used but missing, a key in a
// catalogue nobody uses, and a German catalogue that differs from the English one in keys or
// placeholders.
import { createInstance, type i18n as I18n, type TOptions } from 'i18next';
import { z } from 'zod';
import deCore from './locales/de/core.json' with { type: 'json' };
import deUi from './locales/de/ui.json' with { type: 'json' };
import enCore from './locales/en/core.json' with { type: 'json' };
import enUi from './locales/en/ui.json' with { type: 'json' };

export const LANGUAGES = ['en', 'de'] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;

/** Each language's name in itself, for the Settings choice. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', de: 'Deutsch' };

/** BCP 47 locale used for numbers and dates in each language. */
export const LOCALES: Record<Language, string> = { en: 'en-GB', de: 'de-DE' };

export const NAMESPACES = ['ui', 'core'] as const;
export type Namespace = (typeof NAMESPACES)[number];

export const CATALOGUES: Record<Language, Record<Namespace, Record<string, unknown>>> = {
  en: { ui: enUi, core: enCore },
  de: { ui: deUi, core: deCore },
};

/** Number formats by language and decimals (`-1`: plain), made once: building one costs ~0.1 ms. */
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(language: Language, decimals: number): Intl.NumberFormat {
  const key = `${language}:${decimals}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(LOCALES[language], decimals < 0 ? {} : { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    numberFormats.set(key, format);
  }
  return format;
}

/** A weight in grams as the bench shows it in `language`: "1.500 kg" / "1,500 kg", "850 g". */
export function formatWeight(grams: number, language: Language, decimals = 3): string {
  if (Math.abs(grams) < 1000 && decimals === 3 && Number.isInteger(grams)) {
    return `${numberFormat(language, -1).format(grams)} g`;
  }
  return `${numberFormat(language, decimals).format(grams / 1000)} kg`;
}

/** A weight in kilograms with `decimals` places, never switching to grams ("1,50 kg"). */
export function formatKg(grams: number, language: Language, decimals = 2): string {
  return `${numberFormat(language, decimals).format(grams / 1000)} kg`;
}

/** A moment as the bench's language writes it: "6 Dec 2026, 14:05" / "06.12.2026, 14:05". */
export function formatDateTime(at: number | Date, language: Language): string {
  return new Date(at).toLocaleString(LOCALES[language], { dateStyle: 'medium', timeStyle: 'short' });
}

const regionNames = new Map<Language, Intl.DisplayNames>();

/** A country by its ISO code in `language`: "Germany (DE)" / "Deutschland (DE)"; an unknown code as it is. */
export function countryName(code: string, language: Language = 'en'): string {
  const upper = code.toUpperCase();
  let names = regionNames.get(language);
  if (!names) regionNames.set(language, (names = new Intl.DisplayNames([LOCALES[language]], { type: 'region' })));
  let name: string | undefined;
  try {
    name = names.of(upper);
  } catch {
    name = undefined;
  }
  return name && name !== upper ? `${name} (${upper})` : upper;
}

/**
 * A ready i18next instance for `namespace` in `language` (synchronous: the catalogues are bundled).
 * Formats for placeholders: `{{g, weight}}` (grams → "1.500 kg" / "850 g"), `{{g, kg}}` (grams →
 * "1.50 kg"; `{{g, kg(decimals: 3)}}` → "1.500 kg"), `{{at, dateTime}}` (epoch ms → "6 Dec 2026, 14:05"),
 * `{{code, country}}` (ISO code → "Germany (DE)" / "Deutschland (DE)"),
 * and i18next's own `number`, `datetime`,
 * `relativetime`, `list`.
 */
export function createI18n(language: Language, namespace: Namespace, also: readonly Namespace[] = []): I18n {
  const instance = createInstance();
  const namespaces = [namespace, ...also];
  void instance.init({
    lng: language,
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    ns: namespaces,
    defaultNS: namespace,
    resources: Object.fromEntries(LANGUAGES.map((l) => [l, Object.fromEntries(namespaces.map((n) => [n, CATALOGUES[l][n]]))])),
    initAsync: false,
    // Values are shown by React or written into labels/logs as text, never as HTML.
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<I18n['init']>[0]);
  const lang = (lng: string | undefined): Language => Language.catch(language).parse(lng);
  instance.services.formatter?.add('weight', (value: unknown, lng) => formatWeight(Number(value), lang(lng)));
  instance.services.formatter?.add('kg', (value: unknown, lng, options?: { decimals?: unknown }) =>
    formatKg(Number(value), lang(lng), typeof options?.decimals === 'number' ? options.decimals : 2),
  );
  instance.services.formatter?.add('country', (value: unknown, lng) => countryName(String(value), lang(lng)));
  instance.services.formatter?.add('dateTime', (value: unknown, lng) => formatDateTime(value instanceof Date ? value : Number(value), lang(lng)));
  return instance;
}

export type Translate = (key: string, params?: TOptions) => string;

/**
 * A message as a key of the `core` catalogue with its parameters, for code that does not word what
 * it reports (a printer's fault deep in a transport, a shipment rule shared by core and screen):
 * whoever shows it renders it with its own `t`. Keys are written as `said('key', …)` so the
 * catalogue test finds them.
 */
export interface Said {
  key: string;
  params?: Record<string, unknown>;
}

export function said(key: string, params?: Record<string, unknown>): Said {
  return params ? { key, params } : { key };
}

/** A `Said` in `t`'s language (a parameter that is a `Said`, or a list of them, is worded first; a list joins with ". "). */
export function sayIn(t: Translate, what: Said): string {
  if (!what.params) return t(what.key);
  const word = (value: unknown): unknown =>
    isSaid(value) ? sayIn(t, value) : Array.isArray(value) && value.length > 0 && value.every(isSaid) ? value.map((v) => sayIn(t, v)).join('. ') : value;
  const params = Object.fromEntries(Object.entries(what.params).map(([name, value]) => [name, word(value)]));
  return t(what.key, params);
}

export function isSaid(value: unknown): value is Said {
  return typeof value === 'object' && value !== null && typeof (value as Said).key === 'string' && Object.keys(value).every((k) => k === 'key' || k === 'params');
}

let englishCoreInstance: I18n | null = null;
/** English `core` words, for shared checks called without a `t` (the outbox's English error, tests). */
export const englishCore: Translate = (key, params) => {
  englishCoreInstance ??= createI18n('en', 'core');
  return String(englishCoreInstance.t(key, params ?? {}));
};

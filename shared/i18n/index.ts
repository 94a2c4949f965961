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

/**
 * A ready i18next instance for `namespace` in `language` (synchronous: the catalogues are bundled).
 * Formats for placeholders: `{{g, weight}}` (grams → "1.500 kg" / "850 g"), `{{g, kg}}` (grams →
 * "1.50 kg"; `{{g, kg(decimals: 3)}}` → "1.500 kg"), `{{at, dateTime}}` (epoch ms → "6 Dec 2026, 14:05"),
 * and i18next's own `number`, `datetime`,
 * `relativetime`, `list`.
 */
export function createI18n(language: Language, namespace: Namespace): I18n {
  const instance = createInstance();
  void instance.init({
    lng: language,
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    ns: [namespace],
    defaultNS: namespace,
    resources: Object.fromEntries(LANGUAGES.map((l) => [l, { [namespace]: CATALOGUES[l][namespace] }])),
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
  instance.services.formatter?.add('dateTime', (value: unknown, lng) => formatDateTime(value instanceof Date ? value : Number(value), lang(lng)));
  return instance;
}

export type Translate = (key: string, params?: TOptions) => string;

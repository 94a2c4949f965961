// The screen's language: one i18next instance (namespace `ui`) for every string on screen, switched
// to the bench's language (settings `bench.language`, carried in the station state) as soon as it
// changes, without a reload. Weights and numbers are written in the same language's locale.
import { useTranslation } from 'react-i18next';
import { createI18n, formatKg, formatWeight, Language, LOCALES, type Translate } from '../../../shared/i18n';

/**
 * The screen's instance; English until the station says otherwise. It holds the `core` namespace
 * too, for the words of checks the screen shares with the core (shared/address-check.ts,
 * shared/shipment-rules.ts), which have their one home in the core's catalogue.
 */
export const uiI18n = createI18n('en', 'ui', ['core']);

/** The language the screen shows now. */
export const currentLanguage = (): Language => Language.catch('en').parse(uiI18n.language);

/** Show the screen in `language` (a no-op when it already is); the page's `lang` follows. */
export function showLanguage(language: Language): void {
  if (uiI18n.language !== language) void uiI18n.changeLanguage(language);
  document.documentElement.lang = language;
}

const english = createI18n('en', 'ui');
/** `t` in `language`, whatever the screen shows now (a notice written as the language changes). */
export const inLanguage = (language: Language): Translate => uiI18n.getFixedT(language) as unknown as Translate;

/** English `t` for pure modules called without one (unit tests, English defaults). */
export const englishT: Translate = (key, params) => english.t(key, params);

export interface Words {
  t: Translate;
  /** `t` of the `core` namespace, for the words of the checks shared with the core. */
  core: Translate;
  language: Language;
  /** "850 g", "1.234 kg" / "1,234 kg", or a dash when there is no reading. */
  grams(grams: number | null): string;
  /** Always kilograms: "1.50 kg" / "1,50 kg". */
  kg(grams: number, decimals?: number): string;
  /** A number in the screen's locale ("12.345,5" in German). */
  number(n: number): string;
  /** A time of day in the screen's locale. */
  time(ms: number): string;
}

/** The screen's words in its language; re-renders the component when the language changes. */
export function useWords(): Words {
  const { t, i18n } = useTranslation('ui');
  const { t: core } = useTranslation('core');
  const language = Language.catch('en').parse(i18n.language);
  return {
    t: t as unknown as Translate,
    core: core as unknown as Translate,
    language,
    grams: (g) => (g === null ? '—' : formatWeight(g, language)),
    kg: (g, decimals = 3) => formatKg(g, language, decimals),
    number: (n) => new Intl.NumberFormat(LOCALES[language]).format(n),
    // English keeps the browser's own time format, as before the screen had languages.
    time: (ms) => new Date(ms).toLocaleTimeString(language === 'en' ? undefined : LOCALES[language]),
  };
}

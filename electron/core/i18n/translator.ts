// The station's translator: one i18next instance per station for the `core` namespace, in the
// bench's language (settings `bench.language`), switched when that setting changes. The
// composition root (station.ts) makes it and hands its `t` to every module that words a message
// for the packer or the lead; nothing reaches for a global one. What stays English is said where it
// is written: audit records, log lines, notes in Odoo's chatter, carrier texts quoted as they came.
import { createI18n, Language, type Translate } from '../../../shared/i18n';

export interface Translator {
  /** A `core` key rendered in the bench's language now (a missing key comes back as the key). */
  readonly t: Translate;
  language(): Language;
  /** The bench's language changed: every message from now on is in `language`. */
  setLanguage(language: Language): void;
}

export function createTranslator(language: Language): Translator {
  const instance = createI18n(language, 'core');
  return {
    t: (key, params) => String(instance.t(key, params ?? {})),
    language: () => Language.catch(language).parse(instance.language),
    setLanguage(next) {
      // The catalogues are bundled, so the switch is done when this returns.
      if (instance.language !== next) void instance.changeLanguage(next);
    },
  };
}

/**
 * A message as a key with its parameters, for code that does not word what it reports (a
 * printer's fault, deep in a transport): whoever shows it renders it with the station's `t`.
 * Keys are written as `said('key', …)` so the catalogue test finds them.
 */
export interface Said {
  key: string;
  params?: Record<string, unknown>;
}

export function said(key: string, params?: Record<string, unknown>): Said {
  return params ? { key, params } : { key };
}

/** A `Said` in the bench's language (a parameter that is itself a `Said` is worded first). */
export function sayIn(t: Translate, what: Said): string {
  if (!what.params) return t(what.key);
  const params = Object.fromEntries(Object.entries(what.params).map(([name, value]) => [name, isSaid(value) ? sayIn(t, value) : value]));
  return t(what.key, params);
}

export function isSaid(value: unknown): value is Said {
  return typeof value === 'object' && value !== null && typeof (value as Said).key === 'string' && Object.keys(value).every((k) => k === 'key' || k === 'params');
}

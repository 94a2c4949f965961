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

// A message as a key with its parameters (`said`) and its wording in the bench's language (`sayIn`)
// live in shared/i18n, where the screen words the same shared checks.
export { isSaid, said, sayIn, type Said } from '../../../shared/i18n';

// Every string on screen (namespace `ui`, used in renderer/src) and every message the core sends
// (namespace `core`, used in electron/core and shared) is a key in the English and German
// catalogues. This fails on a key used in code but missing from a catalogue, on a key in a
// catalogue that no code uses, and on a German entry whose placeholders differ from the English.
// Keys are found as literal `t('key'` calls (and `said('key'`, a core message handed on as a key
// with its parameters, electron/core/i18n/translator.ts); a key built at run time is declared next
// to the code that builds it with a comment `// i18n-keys: a.b a.c`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUES, LANGUAGES, type Namespace } from '../../shared/i18n';

const repo = resolve(__dirname, '..', '..');
const PLURAL = /_(zero|one|two|few|many|other)$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(repo, dir))) {
    const path = join(dir, entry);
    if (statSync(join(repo, path)).isDirectory()) {
      if (entry !== 'node_modules' && entry !== 'i18n') out.push(...sourceFiles(path));
    } else if (/\.(ts|tsx)$/.test(entry)) out.push(path);
  }
  return out;
}

/** The keys a namespace's code uses: literal `t('…')` / `said('…')` calls and `i18n-keys:` declarations. */
export function keysUsedIn(files: string[]): Map<string, string> {
  const used = new Map<string, string>();
  for (const file of files) {
    const source = readFileSync(join(repo, file), 'utf8');
    for (const m of source.matchAll(/\b(?:t|said)\(\s*(['"`])([\w.-]+)\1/g)) used.set(m[2]!, file);
    for (const m of source.matchAll(/i18n-keys:\s*([\w. -]+)/g)) for (const k of m[1]!.trim().split(/\s+/)) used.set(k, file);
  }
  return used;
}

function flatten(tree: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else if (v && typeof v === 'object') for (const [kk, vv] of flatten(v as Record<string, unknown>, key)) out.set(kk, vv);
    else out.set(key, String(v));
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)/g)].map((m) => m[1]).sort();

const WHERE: Record<Namespace, string[]> = {
  ui: sourceFiles('renderer/src'),
  core: [...sourceFiles('electron/core'), ...sourceFiles('shared')],
};

describe.each(Object.keys(WHERE) as Namespace[])('the %s catalogues', (ns) => {
  const used = keysUsedIn(WHERE[ns]);
  const english = flatten(CATALOGUES.en[ns]);
  const has = (catalogue: Map<string, string>, key: string) =>
    catalogue.has(key) || [...catalogue.keys()].some((k) => PLURAL.test(k) && k.replace(PLURAL, '') === key);

  it.each(LANGUAGES)('%s has every key the code uses', (lang) => {
    const catalogue = flatten(CATALOGUES[lang][ns]);
    const missing = [...used].filter(([key]) => !has(catalogue, key)).map(([key, file]) => `${key} (${file})`);
    expect(missing).toEqual([]);
  });

  it('has no key that no code uses', () => {
    const unused = [...english.keys()].filter((k) => !used.has(k) && !used.has(k.replace(PLURAL, '')));
    expect(unused).toEqual([]);
  });

  it('says the same things in German, with the same placeholders, and nothing left empty', () => {
    const german = flatten(CATALOGUES.de[ns]);
    expect([...german.keys()].sort()).toEqual([...english.keys()].sort());
    const differ = [...english].filter(([k, v]) => JSON.stringify(placeholders(v)) !== JSON.stringify(placeholders(german.get(k) ?? '')));
    expect(differ.map(([k]) => k)).toEqual([]);
    const empty = [...english, ...german].filter(([, v]) => v.trim() === '').map(([k]) => k);
    expect(empty).toEqual([]);
  });
});

describe('formats in the bench language', () => {
  it('writes weights and numbers as a German reader expects', async () => {
    const { createI18n } = await import('../../shared/i18n');
    const de = createI18n('de', 'core');
    de.addResource('de', 'core', 'probe', '{{g, kg}} · {{g, weight}} · {{n, number}}');
    expect(de.t('probe', { g: 1500, n: 12345.5 })).toBe('1,50 kg · 1,500 kg · 12.345,5');
    const en = createI18n('en', 'core');
    en.addResource('en', 'core', 'probe', '{{g, kg}} · {{g, weight}}');
    expect(en.t('probe', { g: 850 })).toBe('0.85 kg · 850 g');
  });
});

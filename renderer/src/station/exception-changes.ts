// What changed in Odoo since the bench packed an order (an odoo_conflict's context: `cached` vs
// `current`), as rows a shift lead can read at a glance. Context arrives as unknown JSON: parsed
// with zod, anything else shows nothing rather than breaking the panel.
import { z } from 'zod';
import type { Translate } from '../../../shared/i18n';
import { englishT } from './i18n';

export interface ChangeRow {
  field: string;
  before: string;
  now: string;
}

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const Flat = z.record(z.string(), Scalar);
const Conflict = z.object({ change: z.string(), cached: z.unknown(), current: z.unknown() });

/** The fields a change names, in the lead's words: `lead.changeField.<field>`. */
const FIELD_NAMES = new Set(['name', 'street1', 'street2', 'postalCode', 'city', 'country', 'bench', 'user', 'since', 'openedAt']);
// i18n-keys: lead.changeField.name lead.changeField.street1 lead.changeField.street2 lead.changeField.postalCode
// i18n-keys: lead.changeField.city lead.changeField.country lead.changeField.bench lead.changeField.user
// i18n-keys: lead.changeField.since lead.changeField.openedAt

const show = (v: z.infer<typeof Scalar> | undefined): string => (v === null || v === undefined || v === '' ? '—' : String(v));

export function conflictChanges(context: Record<string, unknown>, t: Translate = englishT): ChangeRow[] {
  const conflict = Conflict.safeParse(context);
  if (!conflict.success) return [];
  const { change, cached, current } = conflict.data;
  const before = Flat.safeParse(cached ?? {});
  const now = Flat.safeParse(current ?? {});
  if (before.success && now.success) {
    const keys = [...new Set([...Object.keys(before.data), ...Object.keys(now.data)])];
    const label = (k: string) => (change === 'quantities' ? t('lead.line', { k }) : FIELD_NAMES.has(k) ? t(`lead.changeField.${k}`) : k);
    return keys
      .filter((k) => show(before.data[k]) !== show(now.data[k]))
      .map((k) => ({ field: label(k), before: show(before.data[k]), now: show(now.data[k]) }));
  }
  const a = Scalar.safeParse(cached);
  const b = Scalar.safeParse(current);
  if (a.success && b.success && show(a.data) !== show(b.data)) return [{ field: change === 'done_elsewhere' ? t('lead.tracking') : t('lead.state'), before: show(a.data), now: show(b.data) }];
  return [];
}

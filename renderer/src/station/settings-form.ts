// The settings screen's form, as plain data: the fields a lead may change, the draft they edit,
// the patch of what changed, and the reply's refusals in words. Pure, so it is tested without a browser.
import type { StationError } from '../../../shared/api';
import type { Translate } from '../../../shared/i18n';
import type { Settings, SettingsPatch } from '../../../shared/settings';
import { englishT } from './i18n';

export { SCALE_PROTOCOLS } from '../../../shared/scale-protocols';

type Kind = 'text' | 'optional' | 'number' | 'integer' | 'boolean' | 'choice' | 'numeric-choice' | 'optional-numeric-choice';

interface FieldSpec {
  kind: Kind;
  /**
   * Whether the screen says its own words when the settings schema refuses the value
   * (`settings.problem.<path>`); otherwise the schema's own message.
   */
  problem?: true;
}

/**
 * Every field the screen edits, by "section.field" (or "section.object.field" inside a section).
 * Its name on screen is `settings.field.<path>` in the `ui` catalogues.
 */
export const FIELDS = {
  'bench.name': { kind: 'text', problem: true },
  'bench.language': { kind: 'choice' },
  'printer.uri': { kind: 'optional' },
  'printer.fallbackUri': { kind: 'optional' },
  'printer.dpi': { kind: 'numeric-choice' },
  'printer.language': { kind: 'choice' },
  'printer.unicodeFont': { kind: 'optional', problem: true },
  'printer.fallbackLanguage': { kind: 'choice' },
  'printer.statusQuery': { kind: 'choice' },
  'printer.fallbackStatusQuery': { kind: 'choice' },
  'scale.path': { kind: 'optional', problem: true },
  'scale.protocol': { kind: 'optional', problem: true },
  'scale.baudRate': { kind: 'optional-numeric-choice', problem: true },
  'packing.verifyItems': { kind: 'boolean' },
  'packing.tolerancePct': { kind: 'number', problem: true },
  'packing.toleranceMinG': { kind: 'integer', problem: true },
  'packing.boxTareG': { kind: 'integer', problem: true },
  'odoo.backorder': { kind: 'choice' },
  'security.approvalRequires': { kind: 'choice' },
  'carriers.default.provider': { kind: 'choice' },
  'carriers.default.service': { kind: 'text', problem: true },
  'desktop.kiosk': { kind: 'boolean' },
  'desktop.startAtLogin': { kind: 'boolean' },
  'sound.volume': { kind: 'integer', problem: true },
} as const satisfies Record<string, FieldSpec>;

// i18n-keys: settings.field.bench.name settings.field.bench.language settings.field.printer.uri
// i18n-keys: settings.field.printer.fallbackUri settings.field.printer.dpi settings.field.printer.language
// i18n-keys: settings.field.printer.unicodeFont settings.field.printer.fallbackLanguage settings.field.printer.statusQuery
// i18n-keys: settings.field.printer.fallbackStatusQuery settings.field.scale.path settings.field.scale.protocol
// i18n-keys: settings.field.scale.baudRate settings.field.packing.verifyItems settings.field.packing.tolerancePct
// i18n-keys: settings.field.packing.toleranceMinG settings.field.packing.boxTareG settings.field.odoo.backorder
// i18n-keys: settings.field.security.approvalRequires settings.field.carriers.default.provider
// i18n-keys: settings.field.carriers.default.service settings.field.desktop.kiosk settings.field.desktop.startAtLogin
// i18n-keys: settings.field.sound.volume
// i18n-keys: settings.problem.bench.name settings.problem.printer.unicodeFont settings.problem.scale.path
// i18n-keys: settings.problem.scale.protocol settings.problem.scale.baudRate settings.problem.packing.tolerancePct
// i18n-keys: settings.problem.packing.toleranceMinG settings.problem.packing.boxTareG
// i18n-keys: settings.problem.carriers.default.service settings.problem.sound.volume

/** A field's name on screen, in the screen's language. */
export const fieldLabel = (path: FieldPath, t: Translate = englishT): string => t(`settings.field.${path}`);

export type FieldPath = keyof typeof FIELDS;
export const FIELD_PATHS = Object.keys(FIELDS) as FieldPath[];

/** The checkboxes. */
export type BooleanPath = { [P in FieldPath]: (typeof FIELDS)[P]['kind'] extends 'boolean' ? P : never }[FieldPath];

/** What the form holds: text as typed, except the checkboxes. */
export type Draft = { [P in FieldPath]: P extends BooleanPath ? boolean : string };

/** The section, the object inside it (or null) and the field. */
function split(path: FieldPath): [keyof Settings, string | null, string] {
  const parts = path.split('.');
  return parts.length === 3 ? [parts[0] as keyof Settings, parts[1]!, parts[2]!] : [parts[0] as keyof Settings, null, parts[1]!];
}

type Obj = Record<string, unknown>;

function saved(settings: Settings, path: FieldPath): unknown {
  const [section, object, field] = split(path);
  const holder = settings[section] as Obj;
  return object === null ? holder[field] : (holder[object] as Obj)[field];
}

export function draftOf(settings: Settings): Draft {
  const draft = {} as Record<FieldPath, string | boolean>;
  for (const path of FIELD_PATHS) {
    const value = saved(settings, path);
    draft[path] = typeof value === 'boolean' ? value : value === null || value === undefined ? '' : String(value);
  }
  return draft as Draft;
}

/** The value a draft field stands for, as the settings schema takes it (not yet validated). */
function valueOf(path: FieldPath, draft: Draft): unknown {
  const raw = draft[path];
  if (typeof raw === 'boolean') return raw;
  const text = raw.trim();
  switch (FIELDS[path].kind) {
    case 'optional':
      return text === '' ? null : text;
    case 'numeric-choice':
      return Number(text);
    case 'optional-numeric-choice':
      return text === '' ? null : Number(text);
    case 'number':
    case 'integer':
      // A comma is a decimal point too; empty or not a number stays NaN, which the schema refuses.
      return text === '' ? Number.NaN : Number(text.replace(',', '.'));
    default:
      return text;
  }
}

/** Only what changed, as a SettingsPatch, and the fields it touches in screen order. */
export function patchOf(settings: Settings, draft: Draft): { patch: SettingsPatch; changed: FieldPath[] } {
  const patch: Record<string, Record<string, unknown>> = {};
  const changed: FieldPath[] = [];
  for (const path of FIELD_PATHS) {
    const value = valueOf(path, draft);
    if (Object.is(value, saved(settings, path))) continue;
    const [section, object, field] = split(path);
    const into = (patch[section] ??= {});
    // An object inside a section is patched whole: its saved fields with the changed ones over them.
    if (object === null) into[field] = value;
    else into[object] = { ...((into[object] as Obj | undefined) ?? ((settings[section] as Obj)[object] as Obj)), [field]: value };
    changed.push(path);
  }
  return { patch: patch as SettingsPatch, changed };
}

export interface Refusal {
  /** Per field, what is wrong with it, for the line under the field. */
  fields: Partial<Record<FieldPath, string>>;
  /** One sentence for beside the Save button. */
  summary: string;
}

function isFieldPath(path: string): path is FieldPath {
  return Object.prototype.hasOwnProperty.call(FIELDS, path);
}

/** A refused save in a lead's words: the schema's refusals per field, or the core's own message. */
export function refusalOf(error: StationError, t: Translate = englishT): Refusal {
  const detail = error.detail as { issues?: unknown } | undefined;
  const issues = Array.isArray(detail?.issues) ? (detail.issues as { path?: unknown; message?: unknown }[]) : [];
  const fields: Partial<Record<FieldPath, string>> = {};
  for (const issue of issues) {
    const path = String(issue.path ?? '').replace(/^patch\./, '');
    if (!isFieldPath(path) || fields[path]) continue;
    const spec: FieldSpec = FIELDS[path];
    fields[path] = spec.problem ? t(`settings.problem.${path}`) : String(issue.message ?? t('settings.notAllowed'));
  }
  const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);
  const named = FIELD_PATHS.filter((p) => fields[p]).map((p) => `${fieldLabel(p, t)}: ${sentence(fields[p]!)}`);
  if (named.length > 0) return { fields, summary: t('settings.nothingSaved', { why: named.join(' ') }) };
  return { fields, summary: error.message };
}

// Telling a scan from typing in a field lives with the scanner; the settings form uses it too.
export { ScanBurst } from '../scanner/scan-burst';

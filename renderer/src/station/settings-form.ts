// The settings screen's form, as plain data: the fields a lead may change, the draft they edit,
// the patch of what changed, and the reply's refusals in words. Pure, so it is tested without a browser.
import type { StationError } from '../../../shared/api';
import type { Settings, SettingsPatch } from '../../../shared/settings';

export { SCALE_PROTOCOLS } from '../../../shared/scale-protocols';

type Kind = 'text' | 'optional' | 'number' | 'integer' | 'boolean' | 'choice' | 'numeric-choice' | 'optional-numeric-choice';

interface FieldSpec {
  label: string;
  kind: Kind;
  /** What to tell the lead when the settings schema refuses the value; none: the schema's own message. */
  problem?: string;
}

/** Every field the screen edits, by "section.field" (or "section.object.field" inside a section). */
export const FIELDS = {
  'bench.name': { label: 'Bench name', kind: 'text', problem: 'Give the bench a name of 1 to 64 characters.' },
  'printer.uri': { label: 'Printer', kind: 'optional' },
  'printer.fallbackUri': { label: 'Fallback printer', kind: 'optional' },
  'printer.dpi': { label: 'Print head resolution', kind: 'numeric-choice' },
  'printer.language': { label: 'Printer language', kind: 'choice' },
  'printer.unicodeFont': {
    label: 'Unicode font on the printer',
    kind: 'optional',
    problem: 'Name a TrueType font stored on the printer, like E:NOTOSANS.TTF, or leave it empty.',
  },
  'printer.fallbackLanguage': { label: 'Fallback printer language', kind: 'choice' },
  'printer.statusQuery': { label: 'Printer status', kind: 'choice' },
  'printer.fallbackStatusQuery': { label: 'Fallback printer status', kind: 'choice' },
  'scale.path': { label: 'Scale port', kind: 'optional', problem: 'Enter the port the scale is on, such as /dev/ttyUSB0, or leave it empty.' },
  'scale.protocol': { label: 'Scale protocol', kind: 'optional', problem: 'Choose the protocol the scale speaks.' },
  'scale.baudRate': { label: 'Scale speed', kind: 'optional-numeric-choice', problem: 'Choose one of the listed speeds.' },
  'packing.verifyItems': { label: 'Scan every item before weighing', kind: 'boolean' },
  'packing.tolerancePct': { label: 'Weight tolerance', kind: 'number', problem: 'Enter a percentage from 0 to 100.' },
  'packing.toleranceMinG': { label: 'Minimum tolerance', kind: 'integer', problem: 'Enter whole grams, 0 or more.' },
  'packing.boxTareG': { label: 'Box tare', kind: 'integer', problem: 'Enter whole grams, 0 or more.' },
  'odoo.backorder': { label: 'Items not packed', kind: 'choice' },
  'security.approvalRequires': { label: 'Shift lead approval', kind: 'choice' },
  'carriers.default.provider': { label: 'Default carrier', kind: 'choice' },
  'carriers.default.service': {
    label: 'Default carrier service',
    kind: 'text',
    problem: 'Enter the service code the carrier uses, such as standard, ups_ground or usps_priority.',
  },
  'desktop.kiosk': { label: 'Kiosk mode: full screen, nothing else on this computer', kind: 'boolean' },
  'desktop.startAtLogin': { label: 'Start Packbench when this computer’s user logs in', kind: 'boolean' },
  'sound.volume': { label: 'Sound volume', kind: 'integer', problem: 'Enter a volume from 0 (silent) to 100.' },
} as const satisfies Record<string, FieldSpec>;

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
export function refusalOf(error: StationError): Refusal {
  const detail = error.detail as { issues?: unknown } | undefined;
  const issues = Array.isArray(detail?.issues) ? (detail.issues as { path?: unknown; message?: unknown }[]) : [];
  const fields: Partial<Record<FieldPath, string>> = {};
  for (const issue of issues) {
    const path = String(issue.path ?? '').replace(/^patch\./, '');
    if (!isFieldPath(path) || fields[path]) continue;
    const spec: FieldSpec = FIELDS[path];
    fields[path] = spec.problem ?? String(issue.message ?? 'This value is not allowed.');
  }
  const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);
  const named = FIELD_PATHS.filter((p) => fields[p]).map((p) => `${FIELDS[p].label}: ${sentence(fields[p]!)}`);
  if (named.length > 0) return { fields, summary: `Nothing was saved. ${named.join(' ')}` };
  return { fields, summary: error.message };
}

// Telling a scan from typing in a field lives with the scanner; the settings form uses it too.
export { ScanBurst } from '../scanner/scan-burst';

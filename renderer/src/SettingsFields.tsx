// The Settings form's parts: how one setting is drawn (its name, control, notes and refusal), and
// the fieldsets that are only such settings (the bench with its language, sound, the desktop app).
// The form itself, its draft, approval and saving stay in SettingsPanel.
import type { KeyboardEvent, ReactNode } from 'react';
import { LANGUAGE_NAMES, LANGUAGES, type Translate } from '../../shared/i18n';
import { fieldLabel, type BooleanPath, type Draft, type FieldPath, type Refusal } from './station/settings-form';

/** What drawing a setting needs from the form. */
export interface FieldKitSource {
  draft: Draft;
  changed: readonly FieldPath[];
  overridden: ReadonlySet<string>;
  overrideNote: string;
  refusal: Refusal | null;
  edit<P extends FieldPath>(path: P, value: Draft[P]): void;
  onFieldKey(path: FieldPath): (event: KeyboardEvent<HTMLInputElement>) => void;
  t: Translate;
}

type TextPath = Exclude<FieldPath, BooleanPath>;

export interface FieldKit {
  t: Translate;
  isChanged(path: FieldPath): boolean;
  overridden: ReadonlySet<string>;
  /** A setting with its name above its control, then its notes and what was refused. */
  field(path: FieldPath, control: ReactNode, extra?: { note?: ReactNode; unit?: string }): ReactNode;
  input(path: TextPath, options?: { placeholder?: string; numeric?: boolean }): ReactNode;
  /** A setting chosen from a list: [value as the draft holds it, words for the lead]. */
  select(path: TextPath, choices: readonly (readonly [string, string])[], disabled?: boolean): ReactNode;
  /** A checkbox with its name beside it, and an optional note below. */
  checkbox(path: BooleanPath, note?: ReactNode): ReactNode;
}

export function fieldKit(source: FieldKitSource): FieldKit {
  const { draft, overridden, refusal, edit, onFieldKey, t } = source;
  const isChanged = (path: FieldPath) => source.changed.includes(path);
  const changedMark = (path: FieldPath) => isChanged(path) && <span className="changed-mark">{t('settings.changedMark')}</span>;
  return {
    t,
    isChanged,
    overridden,
    field: (path, control, extra) => {
      const error = refusal?.fields[path];
      return (
        <div className={`field${isChanged(path) ? ' is-changed' : ''}${error ? ' has-error' : ''}`} key={path}>
          <label htmlFor={`setting-${path}`}>
            {fieldLabel(path, t)}
            {changedMark(path)}
          </label>
          <div className="field-control">
            {control}
            {extra?.unit && <span className="unit">{extra.unit}</span>}
          </div>
          {overridden.has(path) && <div className="field-note">{source.overrideNote}</div>}
          {extra?.note && <div className="field-note">{extra.note}</div>}
          {error && (
            <div className="field-error" data-testid={`error-${path}`}>
              {error}
            </div>
          )}
        </div>
      );
    },
    input: (path, options = {}) => (
      <input
        id={`setting-${path}`}
        value={draft[path]}
        readOnly={overridden.has(path)}
        onChange={(e) => edit(path, e.target.value)}
        onKeyDown={onFieldKey(path)}
        placeholder={options.placeholder}
        inputMode={options.numeric ? 'decimal' : undefined}
        className={options.numeric ? 'numeric' : undefined}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={refusal?.fields[path] ? true : undefined}
        data-testid={`setting-${path}`}
      />
    ),
    select: (path, choices, disabled) => (
      <select id={`setting-${path}`} value={draft[path]} disabled={disabled} onChange={(e) => edit(path, e.target.value)} data-testid={`setting-${path}`}>
        {choices.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    ),
    checkbox: (path, note) => (
      <div key={path} className={`field checkbox${isChanged(path) ? ' is-changed' : ''}`}>
        <label>
          <input type="checkbox" checked={draft[path]} onChange={(e) => edit(path, e.target.checked)} data-testid={`setting-${path}`} />
          {fieldLabel(path, t)}
          {changedMark(path)}
        </label>
        {note && <div className="field-note">{note}</div>}
      </div>
    ),
  };
}

/** The bench: its name and the language of its screen and messages. */
export function BenchFieldset({ kit }: { kit: FieldKit }) {
  const { t, field, input, select } = kit;
  return (
    <fieldset>
      <legend>{t('settings.bench')}</legend>
      {field('bench.name', input('bench.name'), { note: t('settings.benchNameNote') })}
      {/* Each language in its own words, so a packer finds theirs whatever the screen shows now. */}
      {field('bench.language', select('bench.language', LANGUAGES.map((l) => [l, LANGUAGE_NAMES[l]] as const)), {
        note: t('settings.languageNote'),
      })}
    </fieldset>
  );
}

/** Sound and the desktop app: a volume and two switches of the installed app. */
export function SoundAndDesktopFieldsets({ kit }: { kit: FieldKit }) {
  const { t, field, input, checkbox } = kit;
  return (
    <>
      <fieldset>
        <legend>{t('settings.sound')}</legend>
        {field('sound.volume', input('sound.volume', { numeric: true }), { unit: '%' })}
        <div className="field-note">{t('settings.soundNote')}</div>
      </fieldset>

      <fieldset>
        <legend>{t('settings.desktop')}</legend>
        {checkbox('desktop.kiosk')}
        {checkbox('desktop.startAtLogin')}
        <div className="field-note">{t('settings.desktopNote')}</div>
      </fieldset>
    </>
  );
}

import { CommandSheet } from './CommandSheet';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { PrinterEvent, ScaleEvent, SettingsInForce, StationApi } from '../../shared/api';
import { BAUD_RATES } from '../../shared/settings';
import { useApproval } from './Approval';
import { ScannerCalibration } from './ScannerCalibration';
import { ScopeSettings } from './ScopeSettings';
import { SupportBundleExport } from './SupportBundle';
import { formatGrams } from './station/format';
import {
  draftOf,
  FIELDS,
  patchOf,
  refusalOf,
  SCALE_PROTOCOLS,
  ScanBurst,
  type BooleanPath,
  type Draft,
  type FieldPath,
  type Refusal,
} from './station/settings-form';

type Device = 'printer' | 'scale';
type TestResult =
  | { state: 'testing' }
  | { state: 'done'; ok: boolean; message: string; printer?: { before: PrinterEvent | null; after: PrinterEvent | null } };
type Detection = { state: 'finding' } | { state: 'done'; ok: boolean; message: string; found: { protocol: string; baudRate: number } | null };

const PRINTER_WORDS: Record<PrinterEvent['status'], string> = {
  absent: 'none set up',
  ready: 'ready',
  printing: 'printing',
  paper_out: 'out of labels',
  head_open: 'head open',
  paused: 'paused',
  offline: 'not answering',
  error: 'fault',
};

const printerWords = (event: PrinterEvent | null) => (event ? PRINTER_WORDS[event.status] : 'could not be asked');

/** The printer languages, in the lead's words. */
const LANGUAGES = [
  ['zpl', 'ZPL (Zebra and other label printers)'],
  ['escpos', 'ESC/POS (receipt printers)'],
  ['pdf', 'PDF (office printers, through the system print queue)'],
] as const;

/** Whether a ZPL printer is asked for its status (~HS), in the lead's words. */
const STATUS_QUERIES = [
  ['ask', 'Ask (paper out, head open… before and after each label)'],
  ['do_not_ask', 'Do not ask (printers that never answer ~HS)'],
] as const;

const PRINTER_FORMAT = 'tcp://host:9100, file:/dev/usb/lp0, serial:/dev/ttyUSB0?baud=9600 or cups:QUEUE';

/** The bench's settings: what is in force, changed here with a shift lead's approval. */
export function SettingsPanel({
  station,
  mode,
  scale,
  onClose,
}: {
  station: StationApi;
  mode: 'live' | 'training';
  scale: ScaleEvent | null;
  onClose(): void;
}) {
  const [inForce, setInForce] = useState<SettingsInForce | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [tests, setTests] = useState<Partial<Record<Device, TestResult>>>({});
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [notice, setNotice] = useState<{ tone: 'success' | 'warning' | 'error'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const [detection, setDetection] = useState<Detection | null>(null);
  const { approval, fields: approvalFields, reset: resetApproval, formProps: approvalKeys } = useApproval();
  const burst = useRef(new ScanBurst());

  useEffect(() => {
    void station.call('getSettings', {}).then((result) => {
      if (result.ok) {
        setInForce(result.value);
        setDraft(draftOf(result.value));
      } else setLoadError(result.error.message);
    });
  }, [station]);

  const header = (
    <header>
      <h2>Settings</h2>
      <button type="button" onClick={onClose} data-testid="settings-close">
        Close
      </button>
    </header>
  );
  if (!inForce || !draft) {
    return (
      <aside className="settings-panel" aria-label="Settings" data-testid="settings-panel">
        {header}
        {loadError ? (
          <p className="message tone-error" role="alert">
            {loadError}
          </p>
        ) : (
          <p>Loading settings…</p>
        )}
      </aside>
    );
  }

  const { changed, patch } = patchOf(inForce, draft);
  const isChanged = (path: FieldPath) => changed.includes(path);
  const overridden = new Set(inForce.overridden ?? []);
  const overrideNote =
    mode === 'training'
      ? 'Set by the training sandbox for this run; it cannot be changed here.'
      : 'Set by a start-up flag for this run; it cannot be changed here.';

  const edit = <P extends FieldPath>(path: P, value: Draft[P]) => {
    setDraft((d) => (d ? { ...d, [path]: value } : d));
    setRefusal((r) => (r?.fields[path] ? { ...r, fields: { ...r.fields, [path]: undefined } } : r));
  };

  // A scanner typing into a setting: take the scan out again. Enter in a setting never saves.
  const onFieldKey = (path: FieldPath) => (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const seen = burst.current.key(event.key, event.timeStamp, event.currentTarget.value);
    if (event.key !== 'Enter') return;
    event.preventDefault();
    if (seen.scanned) {
      edit(path, seen.restore);
      setNotice({
        tone: 'warning',
        text: `That was a barcode scan, so it was kept out of “${FIELDS[path].label}”. Close Settings to scan.`,
      });
    }
  };

  const field = (path: FieldPath, control: ReactNode, extra?: { note?: ReactNode; unit?: string }) => {
    const error = refusal?.fields[path];
    return (
      <div className={`field${isChanged(path) ? ' is-changed' : ''}${error ? ' has-error' : ''}`} key={path}>
        <label htmlFor={`setting-${path}`}>
          {FIELDS[path].label}
          {isChanged(path) && <span className="changed-mark"> · changed</span>}
        </label>
        <div className="field-control">
          {control}
          {extra?.unit && <span className="unit">{extra.unit}</span>}
        </div>
        {overridden.has(path) && <div className="field-note">{overrideNote}</div>}
        {extra?.note && <div className="field-note">{extra.note}</div>}
        {error && (
          <div className="field-error" data-testid={`error-${path}`}>
            {error}
          </div>
        )}
      </div>
    );
  };

  const input = (
    path: Exclude<FieldPath, BooleanPath>,
    options: { placeholder?: string; numeric?: boolean; wide?: boolean } = {},
  ) => (
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
  );

  const test = async (device: Device) => {
    setTests((t) => ({ ...t, [device]: { state: 'testing' } }));
    const result = await station.call('testDevice', { device });
    const done: TestResult = result.ok
      ? { state: 'done', ...result.value }
      : { state: 'done', ok: false, message: result.error.message };
    setTests((t) => ({ ...t, [device]: done }));
  };

  const testResult = (device: Device) => {
    const result = tests[device];
    if (!result || result.state === 'testing') return null;
    return (
      <div className={`test-result tone-${result.ok ? 'success' : 'error'}`} role="status" data-testid={`test-${device}-result`}>
        <div>{result.message}</div>
        {result.printer && (
          <div className="test-status" data-testid="test-printer-status">
            Printer before the test: <strong>{printerWords(result.printer.before)}</strong> · after:{' '}
            <strong>{printerWords(result.printer.after)}</strong>
          </div>
        )}
      </div>
    );
  };

  const testButton = (device: Device, label: string, busyLabel: string, unsaved: boolean) => (
    <div className="device-test">
      <button type="button" onClick={() => void test(device)} disabled={tests[device]?.state === 'testing'} data-testid={`test-${device}`}>
        {tests[device]?.state === 'testing' ? busyLabel : label}
      </button>
      <span className="field-note">
        {unsaved ? 'Tests what is saved: save first to test your change.' : 'Tests what is saved.'}
      </span>
    </div>
  );

  const detect = async () => {
    setDetection({ state: 'finding' });
    const result = await station.call('detectScale', {});
    setDetection(result.ok ? { state: 'done', ...result.value } : { state: 'done', ok: false, message: result.error.message, found: null });
  };

  /** Put what the scale answered in into the form; saving it still needs a lead. */
  const takeDetected = (found: { protocol: string; baudRate: number }) => {
    edit('scale.protocol', found.protocol);
    edit('scale.baudRate', String(found.baudRate));
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!approval || changed.length === 0 || saving) return;
    setSaving(true);
    const result = await station.call('updateSettings', { patch, approval });
    setSaving(false);
    if (result.ok) {
      resetApproval();
      setInForce(result.value);
      setDraft(draftOf(result.value));
      setRefusal(null);
      const scaleNote = changed.some((p) => p.startsWith('scale.'))
        ? ' The scale is being opened on its new port; its reading shows on the bench screen.'
        : '';
      setNotice({ tone: 'success', text: `Saved: ${changed.map((p) => FIELDS[p].label).join(', ')}.${scaleNote}` });
    } else {
      const refused = refusalOf(result.error);
      // A refused value never reached the approval check; a refused approval must be given again.
      if (result.error.code !== 'bad_request') resetApproval();
      setRefusal(refused);
      setNotice({ tone: 'error', text: refused.summary });
    }
  };

  const undo = () => {
    setDraft(draftOf(inForce));
    setRefusal(null);
    setNotice(null);
  };

  const protocol = draft['scale.protocol'];
  const knownProtocol = protocol === '' || SCALE_PROTOCOLS.some((p) => p.name === protocol);
  const { odoo } = inForce;
  const odooRow = (path: 'odoo.url' | 'odoo.db' | 'odoo.login', label: string, value: string | null) => (
    <div className="readonly-row" key={path}>
      <dt>{label}</dt>
      <dd data-testid={`setting-${path}`}>
        {value ?? <span className="muted">not set</span>}
        {overridden.has(path) && <span className="muted"> · {mode === 'training' ? 'training sandbox' : 'start-up flag'}</span>}
      </dd>
    </div>
  );
  /** A setting chosen from a list: [value as the draft holds it, words for the lead]. */
  const select = (path: Exclude<FieldPath, BooleanPath>, choices: readonly (readonly [string, string])[], disabled?: boolean) => (
    <select
      id={`setting-${path}`}
      value={draft[path]}
      disabled={disabled}
      onChange={(e) => edit(path, e.target.value)}
      data-testid={`setting-${path}`}
    >
      {choices.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </select>
  );

  return (
    <aside className="settings-panel" aria-label="Settings" data-testid="settings-panel">
      {header}
      <form className="settings-form" onSubmit={save} noValidate>
        <fieldset>
          <legend>Bench</legend>
          {field('bench.name', input('bench.name'), { note: 'Shown in the top bar, on Odoo notes and on test labels.' })}
        </fieldset>

        <fieldset>
          <legend>Printer</legend>
          {field('printer.uri', input('printer.uri', { placeholder: 'tcp://192.168.1.50:9100' }), {
            note: overridden.has('printer.uri') ? undefined : `Such as ${PRINTER_FORMAT}.`,
          })}
          {field(
            'printer.language',
            select('printer.language', LANGUAGES),
            { note: 'A receipt printer gets the label as a picture, 80 mm wide; only a ZPL printer can report paper out or head open.' },
          )}
          {field('printer.statusQuery', select('printer.statusQuery', STATUS_QUERIES), {
            note: 'Many ZPL-compatible printers never answer the status question; the test print tells. Not asked, such a printer still prints, but paper out shows only on the printer.',
          })}
          {field('printer.unicodeFont', input('printer.unicodeFont', { placeholder: 'none: other scripts print as pictures' }), {
            note: 'Names in Greek, Cyrillic, Chinese and other scripts print with this font stored on the printer. The preview here cannot show it.',
          })}
          {field('printer.fallbackUri', input('printer.fallbackUri', { placeholder: 'none' }), {
            note: 'Takes a label by itself when the printer is down and nothing was sent to it.',
          })}
          {field('printer.fallbackLanguage', select('printer.fallbackLanguage', LANGUAGES))}
          {field('printer.fallbackStatusQuery', select('printer.fallbackStatusQuery', STATUS_QUERIES))}
          {field(
            'printer.dpi',
            select('printer.dpi', [
              ['203', '203 dpi (8 dots/mm, most desktop printers)'],
              ['300', '300 dpi (12 dots/mm)'],
            ]),
            { note: 'Labels are drawn for it: a label drawn for 203 dpi prints at two-thirds size on a 300 dpi head.' },
          )}
          {testButton('printer', 'Test print', 'Printing…', changed.some((p) => p.startsWith('printer.') && !p.startsWith('printer.fallback')))}
          {testResult('printer')}
        </fieldset>

        <fieldset>
          <legend>Scale</legend>
          {field('scale.path', input('scale.path', { placeholder: '/dev/ttyUSB0' }))}
          {field(
            'scale.protocol',
            select(
              'scale.protocol',
              [
                ['', 'Not chosen (MT-SICS is used)'],
                ...SCALE_PROTOCOLS.map((p) => [p.name, `${p.name} — ${p.label}`] as const),
                ...(knownProtocol ? [] : [[protocol, `${protocol} (as saved)`] as const]),
              ],
              overridden.has('scale.protocol'),
            ),
            {
              note: overridden.has('scale.path')
                ? undefined
                : 'A new port or protocol is used as soon as it is saved.',
            },
          )}
          {field(
            'scale.baudRate',
            select(
              'scale.baudRate',
              [['', 'The protocol’s usual speed'], ...BAUD_RATES.map((b) => [String(b), `${b} baud`] as const)],
              overridden.has('scale.path'),
            ),
            { note: 'Must match the scale’s own setting; a wrong speed shows as “check the scale’s serial settings”.' },
          )}
          {testButton('scale', 'Test scale', 'Checking…', changed.some((p) => p.startsWith('scale.')))}
          {testResult('scale')}
          <div className="device-test">
            <button type="button" onClick={() => void detect()} disabled={detection?.state === 'finding'} data-testid="detect-scale">
              {detection?.state === 'finding' ? 'Listening to the scale…' : 'Find the scale’s protocol'}
            </button>
            <span className="field-note">Asks the scale on the saved port in each protocol and speed; weighing pauses meanwhile (up to half a minute when nothing answers).</span>
          </div>
          {detection?.state === 'done' && (
            <div className={`test-result tone-${detection.ok ? 'success' : 'error'}`} role="status" data-testid="detect-scale-result">
              <div>{detection.message}</div>
              {detection.found &&
                (draft['scale.protocol'] === detection.found.protocol && draft['scale.baudRate'] === String(detection.found.baudRate) ? (
                  <div className="test-status">The form has these now: save to keep them.</div>
                ) : (
                  !overridden.has('scale.protocol') && (
                    <button type="button" onClick={() => takeDetected(detection.found!)} data-testid="detect-scale-use">
                      Use {detection.found.protocol} at {detection.found.baudRate} baud
                    </button>
                  )
                ))}
            </div>
          )}
          <div className="field-note" data-testid="scale-now">
            Reading now: {scale ? `${formatGrams(scale.grams)}${scale.stable ? ', stable' : ''}` : '—'}
            {scale?.message && !scale.stable ? ` (${scale.message})` : ''}
          </div>
        </fieldset>

        <fieldset>
          <legend>Packing</legend>
          <div className={`field checkbox${isChanged('packing.verifyItems') ? ' is-changed' : ''}`}>
            <label>
              <input
                type="checkbox"
                checked={draft['packing.verifyItems']}
                onChange={(e) => edit('packing.verifyItems', e.target.checked)}
                data-testid="setting-packing.verifyItems"
              />
              {FIELDS['packing.verifyItems'].label}
              {isChanged('packing.verifyItems') && <span className="changed-mark"> · changed</span>}
            </label>
            <div className="field-note">Off: the parcel is weighed straight after the order scan.</div>
          </div>
          <div className="field-row">
            {field('packing.tolerancePct', input('packing.tolerancePct', { numeric: true }), { unit: '%' })}
            {field('packing.toleranceMinG', input('packing.toleranceMinG', { numeric: true }), { unit: 'g' })}
            {field('packing.boxTareG', input('packing.boxTareG', { numeric: true }), { unit: 'g' })}
          </div>
          <div className="field-note">
            A parcel passes the weight check within the tolerance of its expected weight (items plus box tare), and never
            within less than the minimum. A scanned box type replaces the box tare with its own empty weight.
          </div>
        </fieldset>

        <fieldset>
          <legend>Odoo</legend>
          <dl className="readonly">
            {odooRow('odoo.url', 'Address', odoo.url)}
            {odooRow('odoo.db', 'Database', odoo.db)}
            {odooRow('odoo.login', 'Login', odoo.login)}
          </dl>
          {field(
            'odoo.backorder',
            select('odoo.backorder', [
              ['create', 'Keep them as a backorder'],
              ['no_backorder', 'Cancel them (no backorder)'],
            ]),
            { note: 'What Odoo does with quantities not packed when the delivery is validated.' },
          )}
          <p className="field-note" data-testid="api-key-note">
            The Odoo API key is never shown or entered here. Set it in the environment variable{' '}
            <code>PACKBENCH_SECRET_ODOO_API_KEY</code>, or in <code>secrets.json</code> (owner-only, mode 600) in the
            bench’s data folder. The address, database and login are not changed here: start Packbench with{' '}
            <code>--odoo-url</code>, <code>--odoo-db</code> and <code>--odoo-login</code> for another Odoo.
          </p>
        </fieldset>

        <fieldset>
          <legend>Security</legend>
          {field(
            'security.approvalRequires',
            select('security.approvalRequires', [
              ['badge_or_pin', 'Badge scan or PIN'],
              ['badge_and_pin', 'Badge scan and PIN'],
            ]),
            { note: 'What a shift lead gives to approve a protected action. A badge counts only when it is scanned.' },
          )}
        </fieldset>

        <fieldset>
          <legend>Carriers</legend>
          {field(
            'carriers.default.provider',
            select('carriers.default.provider', [
              ['local', 'Local delivery (own fleet)'],
              ['shipengine', 'ShipEngine'],
              ['shippo', 'Shippo'],
              ['odoo', "Odoo's carrier connector (label made when Odoo validates)"],
            ]),
            { note: 'For orders whose Odoo carrier is not mapped to another. API keys are never set here: they come from the bench’s secrets.' },
          )}
          {field('carriers.default.service', input('carriers.default.service', { placeholder: 'standard' }))}
        </fieldset>

        <fieldset>
          <legend>Sound</legend>
          {field('sound.volume', input('sound.volume', { numeric: true }), { unit: '%' })}
          <div className="field-note">Short sounds for a good scan, a warning and an error. 0 is silent.</div>
        </fieldset>

        <fieldset>
          <legend>Desktop app</legend>
          {(['desktop.kiosk', 'desktop.startAtLogin'] as const).map((path) => (
            <div key={path} className={`field checkbox${isChanged(path) ? ' is-changed' : ''}`}>
              <label>
                <input type="checkbox" checked={draft[path]} onChange={(e) => edit(path, e.target.checked)} data-testid={`setting-${path}`} />
                {FIELDS[path].label}
                {isChanged(path) && <span className="changed-mark"> · changed</span>}
              </label>
            </div>
          ))}
          <div className="field-note">These apply to the installed desktop app, as soon as they are saved; a browser ignores them.</div>
        </fieldset>

        <footer className="settings-save">
          <div>
            <span className="changes" data-testid="settings-changes">
              {changed.length === 0 ? 'No changes.' : `Changed: ${changed.map((p) => FIELDS[p].label).join(', ')}.`}
            </span>
            {changed.length > 0 && <span className="field-note"> A shift lead approves every change.</span>}
          </div>
          {/* Only the approval's own fields take a badge scan; a scan in a setting is kept out (onFieldKey). */}
          {changed.length > 0 && <div {...approvalKeys}>{approvalFields}</div>}
          {notice && (
            <p className={`message tone-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'} data-testid="settings-notice">
              {notice.text}
            </p>
          )}
          <div className="buttons">
            <button type="submit" disabled={!approval || changed.length === 0 || saving} data-testid="settings-save">
              {saving ? 'Saving…' : 'Save changes'}
            </button>
            <button type="button" onClick={undo} disabled={changed.length === 0}>
              Undo changes
            </button>
          </div>
        </footer>
      </form>
      <ScopeSettings station={station} inForce={inForce} onSaved={setInForce} />
      <ScannerCalibration station={station} inForce={inForce} onSaved={setInForce} />
      <CommandSheet station={station} />
      <SupportBundleExport station={station} />
    </aside>
  );
}

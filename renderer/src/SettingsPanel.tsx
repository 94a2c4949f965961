import { CommandSheet } from './CommandSheet';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { PrinterEvent, ScaleEvent, SettingsInForce, StationApi } from '../../shared/api';
import { BAUD_RATES } from '../../shared/settings';
import { useApproval } from './Approval';
import { ScannerCalibration } from './ScannerCalibration';
import { ScopeSettings } from './ScopeSettings';
import { SupportBundleExport } from './SupportBundle';
import { BenchFieldset, fieldKit, SoundAndDesktopFieldsets } from './SettingsFields';
import { inLanguage, showLanguage, useWords } from './station/i18n';
import { draftOf, fieldLabel, patchOf, refusalOf, SCALE_PROTOCOLS, ScanBurst, type Draft, type FieldPath, type Refusal } from './station/settings-form';

type Device = 'printer' | 'scale';
type TestResult =
  | { state: 'testing' }
  | { state: 'done'; ok: boolean; message: string; printer?: { before: PrinterEvent | null; after: PrinterEvent | null } };
type Detection = { state: 'finding' } | { state: 'done'; ok: boolean; message: string; found: { protocol: string; baudRate: number } | null };

// The printer's status in the lead's words:
// i18n-keys: settings.printerWords.absent settings.printerWords.ready settings.printerWords.printing
// i18n-keys: settings.printerWords.paper_out settings.printerWords.head_open settings.printerWords.paused
// i18n-keys: settings.printerWords.offline settings.printerWords.error

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
  const { t, grams } = useWords();
  const printerWords = (event: PrinterEvent | null) => (event ? t(`settings.printerWords.${event.status}`) : t('settings.notAsked'));
  /** The printer languages, in the lead's words. */
  const printerLanguages = [
    ['zpl', t('settings.printerLanguage.zpl')],
    ['escpos', t('settings.printerLanguage.escpos')],
    ['pdf', t('settings.printerLanguage.pdf')],
  ] as const;
  /** Whether a ZPL printer is asked for its status (~HS), in the lead's words. */
  const statusQueries = [
    ['ask', t('settings.statusQuery.ask')],
    ['do_not_ask', t('settings.statusQuery.doNotAsk')],
  ] as const;

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
      <h2>{t('app.settings')}</h2>
      <button type="button" onClick={onClose} data-testid="settings-close">
        {t('common.close')}
      </button>
    </header>
  );
  if (!inForce || !draft) {
    return (
      <aside className="settings-panel" aria-label={t('app.settings')} data-testid="settings-panel">
        {header}
        {loadError ? (
          <p className="message tone-error" role="alert">
            {loadError}
          </p>
        ) : (
          <p>{t('settings.loading')}</p>
        )}
      </aside>
    );
  }

  const { changed, patch } = patchOf(inForce, draft);
  const overridden = new Set<string>(inForce.overridden ?? []);
  const overrideNote = mode === 'training' ? t('settings.overriddenTraining') : t('settings.overriddenFlag');

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
        text: t('settings.scanKeptOut', { field: fieldLabel(path, t) }),
      });
    }
  };


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
            {t('settings.printerBefore')} <strong>{printerWords(result.printer.before)}</strong> {t('settings.printerAfter')}{' '}
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
        {unsaved ? t('settings.testsSavedUnsaved') : t('settings.testsSaved')}
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
      // A new language shows at once, this notice included (the state that follows says the same).
      showLanguage(result.value.bench.language);
      setInForce(result.value);
      setDraft(draftOf(result.value));
      setRefusal(null);
      const t = inLanguage(result.value.bench.language);
      const scaleNote = changed.some((p) => p.startsWith('scale.')) ? t('settings.scaleReopened') : '';
      setNotice({ tone: 'success', text: t('settings.saved', { fields: changed.map((p) => fieldLabel(p, t)).join(', '), scaleNote }) });
    } else {
      const refused = refusalOf(result.error, t);
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
        {value ?? <span className="muted">{t('settings.notSet')}</span>}
        {overridden.has(path) && <span className="muted"> · {mode === 'training' ? t('settings.bySandbox') : t('settings.byFlag')}</span>}
      </dd>
    </div>
  );

  const kit = fieldKit({ draft, changed, overridden, overrideNote, refusal, edit, onFieldKey, t });
  const { field, input, select, checkbox } = kit;

  return (
    <aside className="settings-panel" aria-label={t('app.settings')} data-testid="settings-panel">
      {header}
      <form className="settings-form" onSubmit={save} noValidate>
        <BenchFieldset kit={kit} />

        <fieldset>
          <legend>{t('app.printer')}</legend>
          {field('printer.uri', input('printer.uri', { placeholder: 'tcp://192.168.1.50:9100' }), {
            note: overridden.has('printer.uri') ? undefined : t('settings.printerFormat', { format: PRINTER_FORMAT }),
          })}
          {field(
            'printer.language',
            select('printer.language', printerLanguages),
            { note: t('settings.printerLanguageNote') },
          )}
          {field('printer.statusQuery', select('printer.statusQuery', statusQueries), {
            note: t('settings.statusQueryNote'),
          })}
          {field('printer.unicodeFont', input('printer.unicodeFont', { placeholder: t('settings.unicodeFontPlaceholder') }), {
            note: t('settings.unicodeFontNote'),
          })}
          {field('printer.fallbackUri', input('printer.fallbackUri', { placeholder: t('settings.none') }), {
            note: t('settings.fallbackNote'),
          })}
          {field('printer.fallbackLanguage', select('printer.fallbackLanguage', printerLanguages))}
          {field('printer.fallbackStatusQuery', select('printer.fallbackStatusQuery', statusQueries))}
          {field(
            'printer.dpi',
            select('printer.dpi', [
              ['203', t('settings.dpi203')],
              ['300', t('settings.dpi300')],
            ]),
            { note: t('settings.dpiNote') },
          )}
          {testButton('printer', t('settings.testPrint'), t('label.print.sent'), changed.some((p) => p.startsWith('printer.') && !p.startsWith('printer.fallback')))}
          {testResult('printer')}
        </fieldset>

        <fieldset>
          <legend>{t('app.scale')}</legend>
          {field('scale.path', input('scale.path', { placeholder: '/dev/ttyUSB0' }))}
          {field(
            'scale.protocol',
            select(
              'scale.protocol',
              [
                ['', t('settings.protocolNone')],
                ...SCALE_PROTOCOLS.map((p) => [p.name, `${p.name} — ${p.label}`] as const),
                ...(knownProtocol ? [] : [[protocol, t('settings.asSaved', { protocol })] as const]),
              ],
              overridden.has('scale.protocol'),
            ),
            {
              note: overridden.has('scale.path')
                ? undefined
                : t('settings.scalePortNote'),
            },
          )}
          {field(
            'scale.baudRate',
            select(
              'scale.baudRate',
              [['', t('settings.usualSpeed')], ...BAUD_RATES.map((b) => [String(b), t('settings.baud', { n: b })] as const)],
              overridden.has('scale.path'),
            ),
            { note: t('settings.baudNote') },
          )}
          {testButton('scale', t('settings.testScale'), t('settings.checking'), changed.some((p) => p.startsWith('scale.')))}
          {testResult('scale')}
          <div className="device-test">
            <button type="button" onClick={() => void detect()} disabled={detection?.state === 'finding'} data-testid="detect-scale">
              {detection?.state === 'finding' ? t('settings.listening') : t('settings.findProtocol')}
            </button>
            <span className="field-note">{t('settings.findNote')}</span>
          </div>
          {detection?.state === 'done' && (
            <div className={`test-result tone-${detection.ok ? 'success' : 'error'}`} role="status" data-testid="detect-scale-result">
              <div>{detection.message}</div>
              {detection.found &&
                (draft['scale.protocol'] === detection.found.protocol && draft['scale.baudRate'] === String(detection.found.baudRate) ? (
                  <div className="test-status">{t('settings.formHasThem')}</div>
                ) : (
                  !overridden.has('scale.protocol') && (
                    <button type="button" onClick={() => takeDetected(detection.found!)} data-testid="detect-scale-use">
                      {t('settings.useFound', { protocol: detection.found.protocol, n: detection.found.baudRate })}
                    </button>
                  )
                ))}
            </div>
          )}
          <div className="field-note" data-testid="scale-now">
            {t('settings.readingNow')} {scale ? `${grams(scale.grams)}${scale.stable ? t('settings.stableSuffix') : ''}` : '—'}
            {scale?.message && !scale.stable ? ` (${scale.message})` : ''}
          </div>
        </fieldset>

        <fieldset>
          <legend>{t('settings.packing')}</legend>
          {checkbox('packing.verifyItems', t('settings.verifyNote'))}
          <div className="field-row">
            {field('packing.tolerancePct', input('packing.tolerancePct', { numeric: true }), { unit: '%' })}
            {field('packing.toleranceMinG', input('packing.toleranceMinG', { numeric: true }), { unit: 'g' })}
            {field('packing.boxTareG', input('packing.boxTareG', { numeric: true }), { unit: 'g' })}
          </div>
          <div className="field-note">{t('settings.toleranceNote')}</div>
        </fieldset>

        <fieldset>
          <legend>Odoo</legend>
          <dl className="readonly">
            {odooRow('odoo.url', t('settings.odooUrl'), odoo.url)}
            {odooRow('odoo.db', t('settings.odooDb'), odoo.db)}
            {odooRow('odoo.login', t('settings.odooLogin'), odoo.login)}
          </dl>
          {field(
            'odoo.backorder',
            select('odoo.backorder', [
              ['create', t('settings.backorderCreate')],
              ['no_backorder', t('settings.backorderNone')],
            ]),
            { note: t('settings.backorderNote') },
          )}
          <p className="field-note" data-testid="api-key-note">
            {t('settings.apiKeyNote1')} <code>PACKBENCH_SECRET_ODOO_API_KEY</code>
            {t('settings.apiKeyNote2')} <code>secrets.json</code> {t('settings.apiKeyNote3')} <code>--odoo-url</code>,{' '}
            <code>--odoo-db</code> {t('settings.apiKeyNoteAnd')} <code>--odoo-login</code> {t('settings.apiKeyNote4')}
          </p>
        </fieldset>

        <fieldset>
          <legend>{t('settings.security')}</legend>
          {field(
            'security.approvalRequires',
            select('security.approvalRequires', [
              ['badge_or_pin', t('settings.badgeOrPin')],
              ['badge_and_pin', t('settings.badgeAndPin')],
            ]),
            { note: t('settings.approvalNote') },
          )}
        </fieldset>

        <fieldset>
          <legend>{t('settings.carriers')}</legend>
          {field(
            'carriers.default.provider',
            select('carriers.default.provider', [
              ['local', t('settings.carrierLocal')],
              ['shipengine', 'ShipEngine'],
              ['shippo', 'Shippo'],
              ['odoo', t('settings.carrierOdoo')],
            ]),
            { note: t('settings.carrierNote') },
          )}
          {field('carriers.default.service', input('carriers.default.service', { placeholder: 'standard' }))}
        </fieldset>

        <SoundAndDesktopFieldsets kit={kit} />

        <footer className="settings-save">
          <div>
            <span className="changes" data-testid="settings-changes">
              {changed.length === 0 ? t('settings.noChanges') : t('settings.changed', { fields: changed.map((p) => fieldLabel(p, t)).join(', ') })}
            </span>
            {changed.length > 0 && <span className="field-note">{t('settings.approvesEvery')}</span>}
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
              {saving ? t('settings.saving') : t('settings.save')}
            </button>
            <button type="button" onClick={undo} disabled={changed.length === 0}>
              {t('settings.undo')}
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

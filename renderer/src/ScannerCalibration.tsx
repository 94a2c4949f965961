import { useEffect, useState, type FormEvent } from 'react';
import type { SettingsInForce, StationApi } from '../../shared/api';
import { useApproval } from './Approval';
import { calibrate, CALIBRATION_TEXT, layoutInWords, type Calibration } from './scanner/calibration';
import { captureNextScan, setScannerKeyMap } from './scanner/use-wedge-scanner';
import { useWords } from './station/i18n';

/**
 * Scanner calibration: the calibration barcode on screen (and printed), scanned once; a keyboard
 * layout mangling it shows is stored (settings `scanner.keyMap`, with a lead's approval) and put
 * right in every scan from then on (scanner/use-wedge-scanner.ts).
 */
export function ScannerCalibration({ station, inForce, onSaved }: { station: StationApi; inForce: SettingsInForce; onSaved(next: SettingsInForce): void }) {
  const { t } = useWords();
  const [listening, setListening] = useState(false);
  const [found, setFound] = useState<{ raw: string; result: Calibration } | null>(null);
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  // Takes a badge offered at the bench only while a calibration waits to be saved.
  const { approval, fields, reset, formProps } = useApproval(found?.result.ok === true);
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    // Loaded when Settings opens: the barcode writer stays out of the pack screen's bundle.
    void import('bwip-js/browser').then(({ toSVG }) =>
      setSvg(toSVG({ bcid: 'code128', text: CALIBRATION_TEXT, scale: 2, height: 14, includetext: true, textxalign: 'center', paddingwidth: 10, backgroundcolor: 'FFFFFF' })),
    );
  }, []);
  const { layout, keyMap } = inForce.scanner;

  useEffect(() => {
    if (!listening) return;
    return captureNextScan((raw) => {
      setListening(false);
      setFound({ raw, result: calibrate(raw, t) });
      setNotice(null);
    });
  }, [listening, t]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!approval || !found?.result.ok) return;
    const { keyMap: next, layout: nextLayout } = found.result;
    const result = await station.call('updateSettings', { patch: { scanner: { keyMap: next, layout: nextLayout } }, approval });
    if (result.ok || result.error.code !== 'bad_request') reset();
    if (result.ok) {
      setScannerKeyMap(result.value.scanner.keyMap);
      onSaved(result.value);
      setFound(null);
      setNotice({ tone: 'success', text: nextLayout ? t('calibration.saved', { layout: layoutInWords(nextLayout, t) }) : t('calibration.savedNone') });
    } else setNotice({ tone: 'error', text: result.error.message });
  };

  const print = () => {
    // Only the calibration card is printed (styles.css, @media print).
    document.body.classList.add('printing-calibration');
    const done = () => document.body.classList.remove('printing-calibration');
    window.addEventListener('afterprint', done, { once: true });
    window.print();
  };

  return (
    // The scan itself must reach the page's wedge listener: only the saving part is an approval form.
    <section className="settings-form scanner-calibration" data-testid="scanner-calibration" aria-labelledby="calibration-legend">
      <fieldset>
        <legend id="calibration-legend">{t('calibration.legend')}</legend>
        <p className="field-note" data-testid="calibration-now">
          {t('calibration.now', { layout: layout ? layoutInWords(layout, t) : (Object.keys(keyMap).length > 0 ? t('calibration.corrected') : t('calibration.noCorrection')) })}
        </p>
        <figure className="calibration-card" data-testid="calibration-barcode">
          {/* bwip-js draws from our fixed text: no outside input reaches this markup. */}
          <div className="calibration-svg" role="img" aria-label={t('calibration.barcodeAria', { text: CALIBRATION_TEXT })} dangerouslySetInnerHTML={{ __html: svg ?? '' }} />
          <figcaption>{t('calibration.caption', { text: CALIBRATION_TEXT })}</figcaption>
        </figure>
        <p className="field-note">
          {t('calibration.how')}
        </p>
        <div className="buttons">
          <button type="button" onClick={() => setListening((on) => !on)} aria-pressed={listening} data-testid="calibration-start">
            {listening ? t('calibration.waiting') : t('calibration.start')}
          </button>
          <button type="button" onClick={print} data-testid="calibration-print">
            {t('calibration.print')}
          </button>
        </div>
        {found && (
          <div className={`test-result tone-${found.result.ok ? 'success' : 'error'}`} role="status" data-testid="calibration-result">
            <div>
              {t('calibration.cameThrough')} <code>{found.raw}</code>. {found.result.message}
            </div>
          </div>
        )}
        {found?.result.ok && (
          <form onSubmit={save} {...formProps} aria-label={t('calibration.save')}>
            {fields}
            <div className="buttons">
              <button type="submit" disabled={!approval} data-testid="calibration-save">
                {t('calibration.save')}
              </button>
            </div>
          </form>
        )}
        {notice && (
          <p className={`message tone-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'} data-testid="calibration-notice">
            {notice.text}
          </p>
        )}
      </fieldset>
    </section>
  );
}

import { useState, type FormEvent } from 'react';
import type { StationApi } from '../../shared/api';
import { useApproval } from './Approval';
import { useWords } from './station/i18n';

/**
 * "Export support bundle": a file in the bench's data folder to give to support (logs, versions,
 * device status, queue, settings). No keys or PINs; customers' names and addresses are masked.
 * A shift lead approves.
 */
export function SupportBundleExport({ station }: { station: StationApi }) {
  const { t } = useWords();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const { approval, fields, reset, formProps } = useApproval(open);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!approval || busy) return;
    setBusy(true);
    const result = await station.call('exportSupportBundle', { approval });
    setBusy(false);
    reset();
    if (result.ok) {
      setOpen(false);
      const size = Math.max(1, Math.round(result.value.bytes / 1024));
      setNotice({ tone: 'success', text: t('support.saved', { file: result.value.file, size }) });
    } else setNotice({ tone: 'error', text: result.error.message });
  };

  return (
    <section className="support-bundle" aria-label={t('support.aria')} data-testid="support-bundle">
      <h3>{t('support.title')}</h3>
      {open ? (
        <form onSubmit={(event) => void submit(event)}>
          <p className="field-note">
            {t('support.note')}
          </p>
          <div {...formProps}>{fields}</div>
          <div className="buttons">
            <button type="submit" disabled={!approval || busy} data-testid="support-bundle-export">
              {busy ? t('support.exporting') : t('support.export')}
            </button>
            <button type="button" onClick={() => (reset(), setOpen(false))}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <button type="button" onClick={() => (setNotice(null), setOpen(true))} data-testid="support-bundle-start">
          {t('support.start')}
        </button>
      )}
      {notice && (
        <p className={`message tone-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'} data-testid="support-bundle-notice">
          {notice.text}
        </p>
      )}
    </section>
  );
}

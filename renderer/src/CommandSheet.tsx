// Settings → "Print the command sheet": the bench commands as barcodes, on the label printer (4x6)
// or as an A4 PDF for an office printer. Printing it changes nothing, so no approval.
import { useState } from 'react';
import type { StationApi } from '../../shared/api';
import { useWords } from './station/i18n';

export function CommandSheet({ station }: { station: StationApi }) {
  const { t } = useWords();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string; pdf: string | null } | null>(null);

  const print = async (format: 'label' | 'a4') => {
    setBusy(true);
    const reply = await station.call('printCommandSheet', { format });
    setBusy(false);
    setResult(reply.ok ? reply.value : { ok: false, message: reply.error.message, pdf: null });
    if (reply.ok && reply.value.pdf) window.open(reply.value.pdf, '_blank', 'noopener');
  };

  return (
    <section className="command-sheet" aria-label={t('sheet.title')} data-testid="command-sheet">
      <h3>{t('sheet.title')}</h3>
      <p className="field-note">{t('sheet.note')}</p>
      <div className="buttons">
        <button type="button" disabled={busy} onClick={() => void print('label')} data-testid="command-sheet-label">
          {t('sheet.label')}
        </button>
        <button type="button" disabled={busy} onClick={() => void print('a4')} data-testid="command-sheet-a4">
          {t('sheet.a4')}
        </button>
      </div>
      {result && (
        <p className={`message tone-${result.ok ? 'success' : 'error'}`} role="status" data-testid="command-sheet-result">
          {result.message}
          {result.pdf && (
            <>
              {' '}
              <a href={result.pdf} download="packbench-commands.pdf" data-testid="command-sheet-pdf">
                {t('sheet.download')}
              </a>
            </>
          )}
        </p>
      )}
    </section>
  );
}

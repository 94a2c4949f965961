import { useState, type FormEvent } from 'react';
import type { StationApi } from '../../shared/api';
import { useApproval } from './Approval';
import { useWords } from './station/i18n';

/** When no scale works: a lead types the weight, with a reason. */
export function ManualWeight({ station }: { station: StationApi }) {
  const { t } = useWords();
  const [open, setOpen] = useState(false);
  const [kgText, setKgText] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { approval, fields: approvalFields, reset: resetApproval, formProps } = useApproval(open);
  const grams = Math.round(Number(kgText.replace(',', '.')) * 1000);

  /** Close the form with nothing left in it: the weight, the reason and the lead's approval. */
  const close = () => {
    setOpen(false);
    setKgText('');
    setReason('');
    setError(null);
    resetApproval();
  };

  if (!open) {
    return (
      <button type="button" className="link" onClick={() => setOpen(true)} data-testid="manual-weight-open">
        {t('manual.open')}
      </button>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!approval || !(grams > 0)) return;
    const result = await station.call('enterWeight', { grams, reason, approval });
    if (result.ok) close();
    else {
      if (result.error.code !== 'bad_request') resetApproval(); // used or refused: the lead gives it again
      setError(result.error.message);
    }
  };
  return (
    <form className="manual-weight" onSubmit={submit} data-testid="manual-weight" {...formProps}>
      <label>
        {t('manual.kg')}
        <input inputMode="decimal" value={kgText} onChange={(e) => setKgText(e.target.value)} data-testid="manual-kg" />
      </label>
      <label>
        {t('manual.reason')}
        <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid="manual-reason" />
      </label>
      {approvalFields}
      {error && <p className="message tone-error">{error}</p>}
      <button type="submit" disabled={!approval || !(grams > 0) || reason.trim().length < 3}>
        {t('manual.use')}
      </button>
      <button type="button" onClick={close}>
        {t('common.cancel')}
      </button>
    </form>
  );
}

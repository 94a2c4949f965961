import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ExceptionView, StationApi } from '../../shared/api';
import { useApproval } from './Approval';
import { conflictChanges } from './station/exception-changes';

const CHOICE_LABELS: Record<string, string> = {
  override: 'Ship anyway',
  reweigh: 'Weigh again',
  retry: 'Fixed: try again',
  discard: 'Drop it',
  repack: 'Repack with a new label',
  resume: 'Credentials fixed: resume',
  done: 'Mark as handled',
};

function age(ms: number): string {
  const minutes = Math.floor((Date.now() - ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min ago`;
}

/** What needs a shift lead: one list, one decision per item, each with an approval. */
export function LeadPanel({ station, onClose, refreshKey }: { station: StationApi; onClose(): void; refreshKey: number }) {
  const [items, setItems] = useState<ExceptionView[] | null>(null);
  const [active, setActive] = useState<{ id: number; choice: string } | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { approval, fields: approvalFields, reset: resetApproval, formProps } = useApproval();

  const load = useCallback(async () => {
    const result = await station.call('listExceptions', { state: 'open' });
    if (result.ok) setItems(result.value.items);
    else setError(result.error.message);
  }, [station]);
  useEffect(() => void load(), [load, refreshKey]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!active || !approval) return;
    const result = await station.call('resolveException', {
      id: active.id,
      resolution: active.choice,
      ...(note.trim() ? { note: note.trim() } : {}),
      approval,
    });
    // An approval is used once: nothing of it stays on screen for the next person. (A request the
    // core could not read never reached the approval check.)
    if (result.ok || result.error.code !== 'bad_request') resetApproval();
    if (result.ok) {
      setActive(null);
      setNote('');
      setError(null);
      await load();
    } else setError(result.error.message);
  };
  const choose = (id: number, choice: string) => {
    setActive({ id, choice });
    setNote('');
  };

  return (
    <aside className="lead-panel" aria-label="Needs a shift lead" data-testid="lead-panel">
      <header>
        <h2>Needs a shift lead</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {error && (
        <p className="message tone-error" role="alert">
          {error}
        </p>
      )}
      {items?.length === 0 && <p>Nothing is waiting.</p>}
      <ul>
        {items?.map((item) => (
          <li key={item.id} data-testid="exception">
            <div className="exception-title">{item.title}</div>
            <div className="exception-meta">
              {item.orderRef ?? 'Bench'} · {item.kind.replace(/_/g, ' ')} · {age(item.raisedAt)}
            </div>
            {item.kind === 'odoo_conflict' && conflictChanges(item.context).length > 0 && (
              <table className="exception-changes" data-testid="exception-changes">
                <thead>
                  <tr>
                    <th />
                    <th>When packed</th>
                    <th>Odoo now</th>
                  </tr>
                </thead>
                <tbody>
                  {conflictChanges(item.context).map((row) => (
                    <tr key={row.field}>
                      <th scope="row">{row.field}</th>
                      <td>{row.before}</td>
                      <td className="changed">{row.now}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <div className="exception-choices">
              {item.choices.map((choice) => (
                <button key={choice} type="button" onClick={() => choose(item.id, choice)}>
                  {CHOICE_LABELS[choice] ?? choice}
                </button>
              ))}
            </div>
            {active?.id === item.id && (
              <form className="resolve" onSubmit={submit} {...formProps}>
                <label>
                  Reason {active.choice === 'override' ? '(required)' : '(optional)'}
                  <input value={note} onChange={(e) => setNote(e.target.value)} data-testid="resolve-note" />
                </label>
                {approvalFields}
                <button type="submit" disabled={!approval} data-testid="resolve-submit">
                  {CHOICE_LABELS[active.choice] ?? active.choice}
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}

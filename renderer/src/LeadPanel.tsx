import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ExceptionKind, ExceptionView, StationApi } from '../../shared/api';
import { useApproval } from './Approval';
import { AddressFixForm, RefusalSummary, refusalFacts, ServiceChangeForm } from './RejectionFix';
import { age, KIND_LABELS, OutboxView, ResolvedList } from './LeadConsole';
import { conflictChanges } from './station/exception-changes';

const kindLabel = (kind: string) => KIND_LABELS[kind as ExceptionKind] ?? kind.replace(/_/g, ' ');

export type LeadView = 'open' | 'resolved' | 'outbox';

const CHOICE_LABELS: Record<string, string> = {
  override: 'Ship anyway',
  reweigh: 'Weigh again',
  retry: 'Fixed: try again',
  discard: 'Drop it',
  repack: 'Repack with a new label',
  resume: 'Credentials fixed: resume',
  done: 'Mark as handled',
  fix_address: 'Fix the address',
  change_service: 'Change the service',
  send_back: 'Send back to the packer',
};

/** A refused label: the fixes first, in the order a lead tries them; "retry" means as it is. */
const REFUSAL_ORDER = ['fix_address', 'change_service', 'retry', 'send_back', 'discard'];
const REFUSAL_LABELS: Record<string, string> = { retry: 'Try again as is' };
/** Choices whose form is not the note-and-approval one. */
const FORM_CHOICES = new Set(['fix_address', 'change_service']);

function choicesOf(item: ExceptionView): { choice: string; label: string }[] {
  if (item.kind !== 'carrier_rejection') return item.choices.map((choice) => ({ choice, label: CHOICE_LABELS[choice] ?? choice }));
  const rank = (c: string) => (REFUSAL_ORDER.includes(c) ? REFUSAL_ORDER.indexOf(c) : REFUSAL_ORDER.length);
  return [...item.choices].sort((a, b) => rank(a) - rank(b)).map((choice) => ({ choice, label: REFUSAL_LABELS[choice] ?? CHOICE_LABELS[choice] ?? choice }));
}


/** What needs a shift lead: one list, one decision per item, each with an approval. */
export function LeadPanel({
  station,
  onClose,
  refreshKey,
  view: initialView = 'open',
}: {
  station: StationApi;
  onClose(): void;
  refreshKey: number;
  /** Which list opens first: what is open, what was done, or the outbox ("To send"). */
  view?: LeadView;
}) {
  const [view, setView] = useState<LeadView>(initialView);
  useEffect(() => setView(initialView), [initialView]);
  const [kind, setKind] = useState<ExceptionKind | 'all'>('all');
  const [items, setItems] = useState<ExceptionView[] | null>(null);
  // A kind whose last item was resolved shows everything again.
  const shownKind = kind !== 'all' && items?.some((i) => i.kind === kind) ? kind : 'all';
  const [active, setActive] = useState<{ id: number; choice: string } | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { approval, fields: approvalFields, reset: resetApproval, formProps } = useApproval();
  const approvalParts = { approval, fields: approvalFields, reset: resetApproval, formProps };
  const fixed = async () => {
    setActive(null);
    setError(null);
    await load();
  };

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
        <button type="button" onClick={onClose} data-testid="lead-close">
          Close
        </button>
      </header>
      <nav className="lead-views" aria-label="Lists">
        {(
          [
            ['open', `Open (${items?.length ?? '…'})`],
            ['resolved', 'Done: who did what'],
            ['outbox', 'To send (outbox)'],
          ] as const
        ).map(([which, label]) => (
          <button key={which} type="button" aria-pressed={view === which} className={view === which ? 'chosen' : undefined} onClick={() => setView(which)} data-testid={`lead-view-${which}`}>
            {label}
          </button>
        ))}
      </nav>
      {view === 'resolved' && <ResolvedList station={station} refreshKey={refreshKey} />}
      {view === 'outbox' && <OutboxView station={station} refreshKey={refreshKey} />}
      {view === 'open' && items && items.length > 0 && (
        <div className="kind-filter" role="group" aria-label="Show only one kind" data-testid="kind-filter">
          {(['all', ...new Set(items.map((i) => i.kind))] as const).map((k) => (
            <button key={k} type="button" aria-pressed={shownKind === k} className={shownKind === k ? 'chosen' : undefined} onClick={() => setKind(k)} data-testid={`kind-${k}`}>
              {k === 'all' ? 'All' : kindLabel(k)} ({k === 'all' ? items.length : items.filter((i) => i.kind === k).length})
            </button>
          ))}
        </div>
      )}
      {error && (
        <p className="message tone-error" role="alert">
          {error}
        </p>
      )}
      {view === 'open' && items?.length === 0 && <p data-testid="nothing-open">Nothing is waiting.</p>}
      {view === 'open' && (
      <ul>
        {items?.filter((item) => shownKind === 'all' || item.kind === shownKind).map((item) => {
          const facts = item.kind === 'carrier_rejection' ? refusalFacts(item) : null;
          return (
          <li key={item.id} data-testid="exception" className={facts ? 'refused' : undefined}>
            {/* A refusal's full title repeats what the summary below says in plain words. */}
            <div className="exception-title">{facts ? `${facts.provider ?? 'The carrier'} ${facts.byBench ? 'would refuse' : 'refused'} the label for ${item.orderRef ?? 'an order'}` : item.title}</div>
            <div className="exception-meta">
              {item.orderRef ?? 'Bench'} · {kindLabel(item.kind)} · {age(item.raisedAt)}
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
            {facts && <RefusalSummary facts={facts} />}
            <div className="exception-choices">
              {choicesOf(item).map(({ choice, label }) => (
                <button
                  key={choice}
                  type="button"
                  className={active?.id === item.id && active.choice === choice ? 'chosen' : undefined}
                  aria-pressed={active?.id === item.id && active.choice === choice}
                  onClick={() => choose(item.id, choice)}
                >
                  {label}
                </button>
              ))}
            </div>
            {active?.id === item.id && facts && active.choice === 'fix_address' && (
              <AddressFixForm station={station} item={item} facts={facts} approvalParts={approvalParts} onDone={fixed} onCancel={() => setActive(null)} />
            )}
            {active?.id === item.id && facts && active.choice === 'change_service' && (
              <ServiceChangeForm station={station} item={item} facts={facts} approvalParts={approvalParts} onDone={fixed} onCancel={() => setActive(null)} />
            )}
            {active?.id === item.id && !(facts && FORM_CHOICES.has(active.choice)) && (
              <form className="resolve" onSubmit={submit} {...formProps}>
                <label>
                  Reason {active.choice === 'override' ? '(required)' : '(optional)'}
                  <input value={note} onChange={(e) => setNote(e.target.value)} data-testid="resolve-note" />
                </label>
                {approvalFields}
                <button type="submit" disabled={!approval} data-testid="resolve-submit">
                  {choicesOf(item).find((c) => c.choice === active.choice)?.label ?? active.choice}
                </button>
              </form>
            )}
          </li>
          );
        })}
      </ul>
      )}
    </aside>
  );
}

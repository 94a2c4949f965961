import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ExceptionKind, ExceptionView, StationApi } from '../../shared/api';
import { useApproval } from './Approval';
import { AddressFixForm, RefusalSummary, refusalFacts, ServiceChangeForm } from './RejectionFix';
import { age, kindLabel, OutboxView, ResolvedList } from './LeadConsole';
import type { Translate } from '../../shared/i18n';
import { conflictChanges } from './station/exception-changes';
import { useWords } from './station/i18n';

export type LeadView = 'open' | 'resolved' | 'outbox';

/** Each choice in the lead's words: `lead.choice.<choice>`. */
const CHOICES = new Set(['override', 'reweigh', 'retry', 'discard', 'repack', 'resume', 'done', 'fix_address', 'change_service', 'send_back']);
// i18n-keys: lead.choice.override lead.choice.reweigh lead.choice.retry lead.choice.discard lead.choice.repack
// i18n-keys: lead.choice.resume lead.choice.done lead.choice.fix_address lead.choice.change_service lead.choice.send_back
const choiceLabel = (choice: string, t: Translate) => (CHOICES.has(choice) ? t(`lead.choice.${choice}`) : choice);

/** A refused label: the fixes first, in the order a lead tries them; "retry" means as it is. */
const REFUSAL_ORDER = ['fix_address', 'change_service', 'retry', 'send_back', 'discard'];
/** Choices whose form is not the note-and-approval one. */
const FORM_CHOICES = new Set(['fix_address', 'change_service']);

function choicesOf(item: ExceptionView, t: Translate): { choice: string; label: string }[] {
  if (item.kind !== 'carrier_rejection') return item.choices.map((choice) => ({ choice, label: choiceLabel(choice, t) }));
  const rank = (c: string) => (REFUSAL_ORDER.includes(c) ? REFUSAL_ORDER.indexOf(c) : REFUSAL_ORDER.length);
  return [...item.choices]
    .sort((a, b) => rank(a) - rank(b))
    .map((choice) => ({ choice, label: choice === 'retry' ? t('lead.retryAsIs') : choiceLabel(choice, t) }));
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
  const { t, core } = useWords();
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
    <aside className="lead-panel" aria-label={t('lead.title')} data-testid="lead-panel">
      <header>
        <h2>{t('lead.title')}</h2>
        <button type="button" onClick={onClose} data-testid="lead-close">
          {t('common.close')}
        </button>
      </header>
      <nav className="lead-views" aria-label={t('lead.lists')}>
        {(
          [
            ['open', t('lead.open', { n: items?.length ?? '…' })],
            ['resolved', t('lead.resolved')],
            ['outbox', t('lead.outbox')],
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
        <div className="kind-filter" role="group" aria-label={t('lead.onlyOneKind')} data-testid="kind-filter">
          {(['all', ...new Set(items.map((i) => i.kind))] as const).map((k) => (
            <button key={k} type="button" aria-pressed={shownKind === k} className={shownKind === k ? 'chosen' : undefined} onClick={() => setKind(k)} data-testid={`kind-${k}`}>
              {k === 'all' ? t('lead.all') : kindLabel(k, t)} ({k === 'all' ? items.length : items.filter((i) => i.kind === k).length})
            </button>
          ))}
        </div>
      )}
      {error && (
        <p className="message tone-error" role="alert">
          {error}
        </p>
      )}
      {view === 'open' && items?.length === 0 && <p data-testid="nothing-open">{t('lead.nothing')}</p>}
      {view === 'open' && (
      <ul>
        {items?.filter((item) => shownKind === 'all' || item.kind === shownKind).map((item) => {
          const facts = item.kind === 'carrier_rejection' ? refusalFacts(item, core) : null;
          return (
          <li key={item.id} data-testid="exception" className={facts ? 'refused' : undefined}>
            {/* A refusal's full title repeats what the summary below says in plain words. */}
            {/* i18n-keys: lead.wouldRefuse lead.refused */}
            <div className="exception-title">{facts
              ? t(facts.byBench ? 'lead.wouldRefuse' : 'lead.refused', { provider: facts.provider ?? t('lead.theCarrier'), order: item.orderRef ?? t('lead.anOrder') })
              : item.title}</div>
            <div className="exception-meta">
              {item.orderRef ?? t('lead.bench')} · {kindLabel(item.kind, t)} · {age(item.raisedAt, t)}
            </div>
            {item.kind === 'odoo_conflict' && conflictChanges(item.context).length > 0 && (
              <table className="exception-changes" data-testid="exception-changes">
                <thead>
                  <tr>
                    <th />
                    <th>{t('lead.whenPacked')}</th>
                    <th>{t('lead.odooNow')}</th>
                  </tr>
                </thead>
                <tbody>
                  {conflictChanges(item.context, t).map((row) => (
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
              {choicesOf(item, t).map(({ choice, label }) => (
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
                  {active.choice === 'override' ? t('lead.reasonRequired') : t('lead.reasonOptional')}
                  <input value={note} onChange={(e) => setNote(e.target.value)} data-testid="resolve-note" />
                </label>
                {approvalFields}
                <button type="submit" disabled={!approval} data-testid="resolve-submit">
                  {choicesOf(item, t).find((c) => c.choice === active.choice)?.label ?? active.choice}
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

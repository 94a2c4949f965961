import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { BenchCommand } from '../../shared/bench-commands';
import { CommandButtons } from './CommandButtons';
import { TrainingStart } from './TrainingStart';
import type { BenchMessage, StationApi } from '../../shared/api';
import { ApprovalOffers, type OfferedBadge } from './Approval';
import { useWedgeScanner } from './scanner/use-wedge-scanner';
import { LeadPanel } from './LeadPanel';
import { ManualWeight } from './ManualWeight';
import { LabelPreview, OrderPanel } from './OrderPanel';
import { OrderSync } from './OrderSync';
import { QueueChip } from './QueueChip';
import { SettingsPanel } from './SettingsPanel';
import { showLanguage, useWords } from './station/i18n';
import { playSound, soundOf } from './station/sounds';
import { useStationView } from './station/use-station';

// i18n-keys: step.idle step.packing step.weighing step.labelling step.printed step.done
// i18n-keys: app.printerState.absent app.printerState.ready app.printerState.printing app.printerState.paper_out
// i18n-keys: app.printerState.head_open app.printerState.paused app.printerState.offline app.printerState.error

export function App({ station }: { station: StationApi }) {
  const [view, setState] = useStationView(station);
  const { t, grams } = useWords();
  // The bench's language (settings `bench.language`) switches the screen at once, no reload.
  const language = view.state?.language;
  useEffect(() => {
    if (language) showLanguage(language);
  }, [language]);
  const [localMessage, setLocalMessage] = useState<BenchMessage | null>(null);
  const [typed, setTyped] = useState('');
  // One side panel at a time: what needs a lead, or the bench's settings.
  const [panel, setPanel] = useState<'lead' | 'outbox' | 'settings' | null>(null);
  const toggle = (which: 'lead' | 'settings') => setPanel((open) => (open === which ? null : which));

  // A lead's badge scanned mid-order: the bench asks "Approve as Lena?"; yes offers it to the approval form.
  const [offer, setOffer] = useState<OfferedBadge | null>(null);
  const [offered, setOffered] = useState<OfferedBadge | null>(null);
  const offerTaken = useCallback(() => setOffered(null), []);

  const scan = useCallback(
    async (code: string, via: 'scan' | 'typed') => {
      const result = await station.call('scan', { code });
      if (result.ok) {
        setLocalMessage(null);
        setState(result.value.state);
        const lead = result.value.approvalOffer;
        setOffer(lead ? { badge: code, via, name: lead.name } : null);
      } else {
        setLocalMessage({ tone: 'error', text: result.error.message, at: Date.now() });
      }
    },
    [station, setState],
  );
  useWedgeScanner(scan, station);

  // A button does what its barcode on the command sheet does: the same core command.
  const press = useCallback(
    async (command: BenchCommand) => {
      const result = await station.call('benchCommand', { command });
      if (result.ok) {
        setLocalMessage(null);
        setState(result.value.state);
      } else {
        setLocalMessage({ tone: 'error', text: result.error.message, at: Date.now() });
      }
    },
    [station, setState],
  );

  // Escape closes any panel.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setPanel(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const submitTyped = (event: FormEvent) => {
    event.preventDefault();
    const code = typed.trim();
    if (code) void scan(code, 'typed');
    setTyped('');
  };

  const acceptOffer = () => {
    setOffered(offer);
    setOffer(null);
    // An open approval form (the typed weight, settings) takes it; else the lead's queue opens, where
    // the badge approves one decision.
    if (panel === null && !document.querySelector('form[data-approval-form]')) setPanel('lead');
  };

  const { state, scale, printer, queue, connectivity } = view;
  // Odoo retrying is said by the order sync line ("Offline — orders from …") when it shows.
  const syncShown = state !== null && state.odooLink !== 'none';
  const troubled =
    connectivity?.targets.filter((t) => t.status !== 'ok' && !(syncShown && t.target === 'odoo' && t.status === 'retrying')) ?? [];
  const message =
    localMessage ?? state?.message ?? (state === null && view.unavailable !== null ? { tone: 'error' as const, text: view.unavailable } : null);

  // Each new message on the message line makes its sound (success, warning, error), at the bench's volume.
  const volume = state?.soundVolume ?? 60;
  const messageAt = message && 'at' in message ? message.at : null;
  const messageTone = message?.tone ?? null;
  useEffect(() => {
    if (messageAt === null || messageTone === null) return;
    const sound = soundOf(messageTone);
    // What was played is on the page for anyone checking the bench (and its tests): data-last-sound.
    if (sound && playSound(sound, volume)) document.body.dataset.lastSound = `${sound}@${messageAt}`;
  }, [messageAt, messageTone, volume]);

  const page = (
    <div className={`app ${state?.mode === 'training' ? 'is-training' : ''}`}>
      <header className="topbar">
        <h1 className="brand">Packbench</h1>
        <span className="bench" data-testid="bench-name">{state?.bench ?? '…'}</span>
        {state?.mode === 'training' && (
          <span className="training-badge" data-testid="training-badge">
            {t('app.training')}
          </span>
        )}
        <span className="spacer" />
        {state && <OrderSync state={state} connectivity={connectivity} />}
        {/* Opens the outbox in the lead's console: what waits, for which order, since when, why. */}
        <QueueChip queue={queue} onClick={() => setPanel((open) => (open === 'outbox' ? null : 'outbox'))} />
        {troubled.map((tr) => (
          <span key={tr.target} className="chip chip-warn" data-testid="connectivity" title={tr.message ?? ''}>
            {tr.label ?? (tr.target === 'odoo' ? 'Odoo' : tr.target)}: {tr.status === 'stopped' ? t('app.targetStopped') : t('app.targetRetrying')}
          </span>
        ))}
        <button
          type="button"
          className={`chip ${queue && queue.openExceptions > 0 ? 'chip-warn' : ''}`}
          data-testid="exceptions"
          onClick={() => toggle('lead')}
        >
          {t('app.needLead', { n: queue?.openExceptions ?? '…' })}
        </button>
        <button
          type="button"
          className={`chip ${panel === 'settings' ? 'chip-open' : ''}`}
          data-testid="settings-open"
          aria-expanded={panel === 'settings'}
          onClick={() => toggle('settings')}
        >
          {t('app.settings')}
        </button>
        <span className="packer" data-testid="packer">
          {state?.packer ? (state.packer.role === 'lead' ? t('app.packerLead', { name: state.packer.name }) : state.packer.name) : t('app.nobody')}
        </span>
      </header>

      <main className="pack">
        <section className="step-panel" aria-label={t('app.currentStep')}>
          <div className="step" data-testid="step">
            {state ? t(`step.${state.step}`) : view.unavailable ? t('app.notRunning') : t('app.connecting')}
          </div>
          <div className="next-action" data-testid="next-action">
            {state?.nextAction ?? ''}
          </div>
          <div
            className={`message tone-${message?.tone ?? 'info'}`}
            role="status"
            aria-live="assertive"
            data-testid="message"
          >
            {message?.text ?? t('app.waitingScan')}
            {message && 'link' in message && message.link && (
              <>
                {' '}
                <a href={message.link.href} target="_blank" rel="noopener noreferrer" data-testid="message-link">
                  {message.link.text}
                </a>
              </>
            )}
          </div>
          {offer && (
            <div className="approval-offer" role="alertdialog" aria-label={t('app.approveAs', { name: offer.name })} data-testid="approval-offer">
              <span>{t('app.badgeScanned', { name: offer.name })}</span>
              <button type="button" onClick={acceptOffer} data-testid="approval-offer-yes">
                {t('app.yesApprove')}
              </button>
              <button type="button" onClick={() => setOffer(null)}>
                {t('app.no')}
              </button>
            </div>
          )}
          {state && <CommandButtons state={state} onCommand={(command) => void press(command)} />}
          {state?.order && <OrderPanel order={state.order} showBarcodes={state.mode === 'training'} verifying={state.verifyItems !== false} />}
          {state?.training && !state.order && <TrainingStart training={state.training} loggedIn={state.packer !== null} />}
          {state?.step === 'weighing' && <ManualWeight station={station} />}
          <form className="typed-scan" onSubmit={submitTyped}>
            <label htmlFor="typed-code">{t('app.typeIt')}</label>
            <input
              id="typed-code"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
            <button type="submit">{t('app.enter')}</button>
          </form>
        </section>

        <aside className="devices" aria-label={t('app.devices')}>
          <div className={`device scale-${scale?.status ?? 'absent'}`} data-testid="scale">
            <h2>{t('app.scale')}</h2>
            <div className="weight">{grams(scale?.grams ?? null)}</div>
            <div className="device-status">
              {scale?.stable ? t('app.stable') : (scale?.message ?? t('app.noReading'))}
            </div>
          </div>
          {state?.label && <LabelPreview label={state.label} station={station} />}
          <div className={`device printer-${printer?.status ?? 'absent'}`} data-testid="printer">
            <h2>{t('app.printer')}</h2>
            <div className="device-status">{printer?.message ?? (printer ? t(`app.printerState.${printer.status}`) : t('app.unknown'))}</div>
          </div>
          <div className="device" data-testid="scan-count">
            <h2>{t('app.scans')}</h2>
            <div className="weight">{state?.scans ?? 0}</div>
          </div>
        </aside>
      </main>
      {(panel === 'lead' || panel === 'outbox') && (
        <LeadPanel
          station={station}
          onClose={() => setPanel(null)}
          refreshKey={(queue?.openExceptions ?? 0) * 1_000_000 + (queue ? queue.pending + queue.inFlight + queue.dead : 0)}
          view={panel === 'outbox' ? 'outbox' : 'open'}
        />
      )}
      {panel === 'settings' && (
        <SettingsPanel
          station={station}
          mode={state?.mode ?? 'live'}
          scale={scale}
          onClose={() => setPanel(null)}
        />
      )}
    </div>
  );
  // The approval forms below take a lead's badge the bench offered them ("Approve as …?").
  return (
    <ApprovalOffers offered={offered} onTaken={offerTaken}>
      {page}
    </ApprovalOffers>
  );
}

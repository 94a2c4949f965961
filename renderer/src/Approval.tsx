import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactElement,
  type ReactNode,
} from 'react';
import type { Approval } from '../../shared/api';
import { useWords } from './station/i18n';
import { ScanBurst } from './scanner/scan-burst';
import { correctScan } from './scanner/use-wedge-scanner';

/** A lead's badge scanned at the bench mid-order, which the lead chose to use as an approval. */
export interface OfferedBadge {
  badge: string;
  via: 'scan' | 'typed';
  name: string;
}

interface Offers {
  /** The badge on offer, if any (its change wakes the approval forms up). */
  offered: OfferedBadge | null;
  /** Take the offer: the first approval form that asks gets it, and no other. */
  take(): OfferedBadge | null;
}

const OffersContext = createContext<Offers>({ offered: null, take: () => null });

/** Holds the offered badge for the approval forms below it (App owns the offer). */
export function ApprovalOffers({ offered, onTaken, children }: { offered: OfferedBadge | null; onTaken(): void; children: ReactNode }) {
  const current = useRef(offered);
  current.current = offered;
  const take = useCallback(() => {
    const taken = current.current;
    current.current = null;
    if (taken) onTaken();
    return taken;
  }, [onTaken]);
  return <OffersContext.Provider value={{ offered, take }}>{children}</OffersContext.Provider>;
}

/** An approval given and not used is cleared after this long: a lead who walks away leaves nothing behind. */
const GIVEN_FOR_MS = 2 * 60_000;

const freshNonce = () => crypto.randomUUID();

/** Put a field's text back the way React hears about it (the field is controlled by React state). */
function putBack(field: HTMLInputElement, text: string): void {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(field, text);
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

export interface ApprovalForm {
  /** What to send with the action, or null while no approval was given. */
  approval: Approval | null;
  fields: ReactElement;
  /** Empties every approval field and makes a fresh one-time code for the next approval. */
  reset(): void;
  /**
   * Spread on the form the approval belongs to: a badge scanned while any of its fields has focus
   * is taken as the approval and kept out of the field it was typed into.
   */
  formProps: { 'data-approval-form': ''; onKeyDownCapture(event: KeyboardEvent<HTMLElement>): void };
}

/**
 * Shift-lead approval: a lead badge scanned (into the form, or at the bench and offered here) or a
 * PIN typed in. A badge typed by hand is sent as typed, and the core does not count it.
 * `active`: whether the form is open to take an offered badge.
 */
export function useApproval(active = true): ApprovalForm {
  const [pin, setPin] = useState('');
  const [badge, setBadge] = useState('');
  const [via, setVia] = useState<'scan' | 'typed'>('typed');
  const [offeredBy, setOfferedBy] = useState<string | null>(null);
  const [nonce, setNonce] = useState(freshNonce);
  const burst = useRef(new ScanBurst());
  const offers = useContext(OffersContext);
  const { t } = useWords();

  const reset = useCallback(() => {
    setPin('');
    setBadge('');
    setVia('typed');
    setOfferedBy(null);
    setNonce(freshNonce());
  }, []);

  useEffect(() => {
    if (!active || !offers.offered || badge) return;
    const taken = offers.take();
    if (!taken) return;
    setBadge(taken.badge);
    setVia(taken.via);
    setOfferedBy(taken.name);
  }, [active, offers, badge]);

  const given = Boolean(pin || badge);
  useEffect(() => {
    if (!given) return;
    const timer = setTimeout(reset, GIVEN_FOR_MS);
    return () => clearTimeout(timer);
  }, [given, pin, badge, reset]);

  const trimmed = badge.trim();
  const approval: Approval | null =
    trimmed || /^\d{4,12}$/.test(pin)
      ? { nonce, ...(trimmed ? { badge: trimmed, via } : {}), ...(/^\d{4,12}$/.test(pin) ? { pin } : {}) }
      : null;

  const onKeyDownCapture = (event: KeyboardEvent<HTMLElement>) => {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const field = event.target instanceof HTMLInputElement ? event.target : null;
    const seen = burst.current.key(event.key, event.timeStamp, field?.value ?? '');
    if (event.key !== 'Enter' || !seen.scanned) return;
    // A scan: never a submit, never part of the reason or PIN it was typed into.
    event.preventDefault();
    event.stopPropagation();
    if (field) putBack(field, seen.restore);
    setBadge(correctScan(burst.current.code));
    setVia('scan');
    setOfferedBy(null);
  };

  const fields = (
    <div className="approval">
      {offeredBy && (
        <p className="approval-offered" data-testid="approval-offered">
          {t('approval.offered', { name: offeredBy })}
        </p>
      )}
      <label>
        {t('approval.pin')}
        <input
          type="password"
          inputMode="numeric"
          autoComplete="off"
          value={pin}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          data-testid="approval-pin"
        />
      </label>
      <span className="or">{t('approval.or')}</span>
      <input
        aria-label={t('approval.badge')}
        autoComplete="off"
        value={badge}
        onChange={(e) => {
          setBadge(e.target.value);
          setVia('typed');
          setOfferedBy(null);
        }}
        data-testid="approval-badge"
      />
    </div>
  );
  return { approval, fields, reset, formProps: { 'data-approval-form': '', onKeyDownCapture } };
}

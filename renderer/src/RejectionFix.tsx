// A label the carrier refused, as the shift lead sees it: what the carrier said in plain words, the
// recipient's fields at fault, and the two fixes that need a form: the corrected address (checked as
// the core checks it, field by field, before it is sent) and another service. Retry, send back and
// drop are the lead panel's ordinary choices.
import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { AddressInput, Approval, ExceptionView, StationApi } from '../../shared/api';
import { checkAddress, faultInWords, labelOf, PARTY_FIELDS, recipientFieldOf, type PartyField } from '../../shared/address-check';
import { isSaid, sayIn, type Translate } from '../../shared/i18n';
import { useWords } from './station/i18n';

// The recipient's fields, their faults and the address checks are worded by shared/address-check.ts
// in the `core` namespace (`useWords().core`), the one home of the words the core says too.

export interface RefusalFacts {
  provider: string | null;
  /** The carrier's reason in the words a lead reads ("the postcode is not valid"). */
  fault: string;
  /** The recipient's field the carrier named, if any. */
  field: PartyField | null;
  providerMessage: string | null;
  /** The bench's own checks found it before the carrier was asked (nothing was sent). */
  byBench: boolean;
  recipient: AddressInput | null;
  service: { provider: string; service: string } | null;
}

/** What the refusal's context says, read defensively (it is stored JSON); `core` words the fault. */
export function refusalFacts(item: ExceptionView, core: Translate): RefusalFacts {
  const c = item.context;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
  const field = recipientFieldOf(text(c.field));
  const request = (c.payload as { request?: { recipient?: Record<string, unknown>; service?: { carrier?: unknown; serviceCode?: unknown } } } | undefined)?.request;
  const r = request?.recipient;
  const recipient: AddressInput | null = r
    ? {
        name: text(r.name) ?? '',
        company: text(r.company),
        street1: text(r.street1) ?? '',
        street2: text(r.street2),
        postalCode: text(r.postalCode) ?? '',
        city: text(r.city) ?? '',
        region: text(r.region),
        country: text(r.country) ?? '',
        phone: text(r.phone),
        email: text(r.email),
      }
    : null;
  const carrier = text(request?.service?.carrier);
  const code = text(request?.service?.serviceCode);
  return {
    provider: text(c.providerName) ?? text(c.provider),
    fault: faultInWords(core, field, text(c.reason) ?? 'unknown'),
    field,
    providerMessage: benchFound(c.fields, core) ?? text(c.providerMessage),
    byBench: c.checkedBy === 'bench',
    recipient,
    service: carrier && code ? { provider: carrier, service: code } : null,
  };
}

/** What the bench's own checks found (each problem stored as a `core` key), in the screen's language; null for a carrier's own words. */
function benchFound(fields: unknown, core: Translate): string | null {
  if (!Array.isArray(fields)) return null;
  const saids = fields.map((f: unknown) => (f as { said?: unknown } | null)?.said);
  return saids.length > 0 && saids.every(isSaid) ? saids.map((s) => sayIn(core, s)).join('. ') : null;
}

/** The carrier's reason and the field at fault, above the lead's choices. */
export function RefusalSummary({ facts }: { facts: RefusalFacts }) {
  const { t } = useWords();
  return (
    <div className="refusal" data-testid="refusal">
      <p className="refusal-fault">
        {facts.byBench ? (
          <>
            {t('refusal.notSent', { provider: facts.provider ?? t('refusal.theCarrierLower') })} <strong>{facts.fault}</strong>.
          </>
        ) : (
          <>
            {t('refusal.refusedBecause', { provider: facts.provider ?? t('lead.theCarrier') })} <strong>{facts.fault}</strong>.
          </>
        )}
      </p>
      {facts.providerMessage && (
        <p className="refusal-said" data-testid="refusal-said">
          {facts.byBench ? t('refusal.benchFound') : t('refusal.carrierSaid')} “{facts.providerMessage}”
        </p>
      )}
    </div>
  );
}

interface ApprovalParts {
  approval: Approval | null;
  fields: ReactElement;
  reset(): void;
  formProps: Record<string, unknown>;
}

/** Fields that take the whole row; the others pair up (postcode | city, region | country, phone | email). */
const WIDE = new Set<PartyField>(['name', 'company', 'street1', 'street2']);

type Outcome = { ok: true } | { ok: false; message: string; fields?: Partial<Record<PartyField, string>> };

/** What both of the lead's fix forms (address, service) are given. */
interface FixFormProps {
  station: StationApi;
  item: ExceptionView;
  facts: RefusalFacts;
  approvalParts: ApprovalParts;
  onDone(): void;
  onCancel(): void;
}

/** The lead's corrected address: prefilled, the carrier's field highlighted, checked as typed, sent with an approval. */
export function AddressFixForm({ station, item, facts, approvalParts, onDone, onCancel }: FixFormProps) {
  const [address, setAddress] = useState<AddressInput>(facts.recipient ?? emptyAddress());
  const [tried, setTried] = useState(false);
  const [refused, setRefused] = useState<Outcome | null>(null);
  const first = useRef<HTMLInputElement | null>(null);
  useEffect(() => first.current?.focus(), []);
  const { t, core } = useWords();

  const checked = checkAddress(address, core);
  const errors: Partial<Record<PartyField, string>> = { ...(tried && !checked.ok ? checked.errors : {}), ...(refused && !refused.ok ? (refused.fields ?? {}) : {}) };
  const unchanged = facts.recipient !== null && PARTY_FIELDS.every(({ field }) => (address[field] ?? '') === (facts.recipient![field] ?? ''));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    setRefused(null);
    if (!checked.ok || !approvalParts.approval) return;
    const result = await station.call('fixRejectedShipment', { id: item.id, recipient: address, approval: approvalParts.approval });
    if (result.ok || result.error.code !== 'bad_request') approvalParts.reset();
    if (result.ok) return onDone();
    const detail = result.error.detail as { fields?: Partial<Record<PartyField, string>> } | undefined;
    setRefused({ ok: false, message: result.error.message, ...(detail?.fields ? { fields: detail.fields } : {}) });
  };

  return (
    <form className="fix-form" onSubmit={submit} {...approvalParts.formProps} data-testid="address-form" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div className="address-grid">
        {PARTY_FIELDS.map(({ field }) => {
          const atFault = facts.field === field;
          const error = errors[field];
          return (
            <label key={field} className={`address-field${atFault ? ' at-fault' : ''}${error ? ' has-error' : ''}${WIDE.has(field) ? ' wide' : ''}`}>
              <span>{labelOf(field, core)}</span>
              <input
                ref={atFault || (!facts.field && field === 'name') ? first : undefined}
                value={address[field] ?? ''}
                onChange={(e) => setAddress({ ...address, [field]: e.target.value })}
                aria-invalid={Boolean(error)}
                data-testid={`address-${field}`}
                maxLength={field === 'country' ? 2 : 200}
              />
              {atFault && !error && (
                <span className="fault-tag" data-testid="address-fault">
                  {facts.provider ?? t('lead.theCarrier')}: {facts.fault}
                </span>
              )}
              {error && (
                <span className="field-error" data-testid={`address-error-${field}`}>
                  {error}
                </span>
              )}
            </label>
          );
        })}
      </div>
      {refused && !refused.ok && (
        <p className="message tone-error" role="alert" data-testid="fix-refused">
          {refused.message}
        </p>
      )}
      {approvalParts.fields}
      <div className="fix-buttons">
        <button type="submit" className="primary" disabled={!approvalParts.approval || unchanged} data-testid="address-save">
          {t('refusal.saveAddress')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
      {unchanged && <p className="muted">{t('refusal.unchanged')}</p>}
    </form>
  );
}

/** Another provider or service of the bench for the refused shipment. */
export function ServiceChangeForm({ station, item, facts, approvalParts, onDone, onCancel }: FixFormProps) {
  const [providers, setProviders] = useState<{ code: string; name: string; services: { code: string; name: string }[] }[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState<string | null>(null);
  const select = useRef<HTMLSelectElement | null>(null);
  const { t } = useWords();
  useEffect(() => {
    void station.call('carrierServices', {}).then((result) => {
      if (result.ok) setProviders(result.value.providers);
      else setError(result.error.message);
    });
  }, [station]);
  useEffect(() => select.current?.focus(), [providers]);
  const current = facts.service ? `${facts.service.provider}/${facts.service.service}` : '';
  const options = (providers ?? []).flatMap((p) => p.services.map((s) => ({ value: `${p.code}/${s.code}`, text: `${p.name} — ${s.name}` }))).filter((o) => o.value !== current);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const [provider, service] = chosen.split('/');
    if (!provider || !service || !approvalParts.approval) return;
    const result = await station.call('fixRejectedShipment', { id: item.id, service: { provider, service }, approval: approvalParts.approval });
    if (result.ok || result.error.code !== 'bad_request') approvalParts.reset();
    if (result.ok) onDone();
    else setError(result.error.message);
  };

  return (
    <form className="fix-form" onSubmit={submit} {...approvalParts.formProps} data-testid="service-form" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <label className="address-field wide">
        <span>{t('refusal.shipWith')}</span>
        <select ref={select} value={chosen} onChange={(e) => setChosen(e.target.value)} data-testid="service-select">
          <option value="">{t('refusal.chooseService')}</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.text}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="message tone-error" role="alert">
          {error}
        </p>
      )}
      {approvalParts.fields}
      <div className="fix-buttons">
        <button type="submit" className="primary" disabled={!approvalParts.approval || !chosen} data-testid="service-save">
          {t('refusal.withService')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function emptyAddress(): AddressInput {
  return { name: '', company: null, street1: '', street2: null, postalCode: '', city: '', region: null, country: '', phone: null, email: null };
}

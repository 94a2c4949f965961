import { useEffect, useState, type FormEvent } from 'react';
import type { ScopeOptions, SettingsInForce, StationApi } from '../../shared/api';
import type { Translate } from '../../shared/i18n';
import { useApproval } from './Approval';
import { englishT, useWords } from './station/i18n';

type Scope = SettingsInForce['odoo']['scope'];

const sameScope = (a: Scope, b: Scope) =>
  a.companyId === b.companyId && a.warehouseId === b.warehouseId && [...a.pickingTypeIds].sort().join() === [...b.pickingTypeIds].sort().join();

/** In the lead's words: what the bench packs for. */
export function describeScope(scope: Scope, options: ScopeOptions | null, t: Translate = englishT): string {
  const name = (list: { id: number; name: string }[] | undefined, id: number, word: string) => list?.find((x) => x.id === id)?.name ?? `${word} #${id}`;
  const company = scope.companyId === null ? t('scope.everyCompany') : name(options?.companies, scope.companyId, t('scope.company'));
  const warehouse =
    scope.warehouseId === null ? t('scope.everyWarehouse') : t('scope.theWarehouse', { name: name(options?.warehouses, scope.warehouseId, t('scope.warehouseWord')) });
  const types =
    scope.pickingTypeIds.length === 0
      ? t('scope.everyType')
      : scope.pickingTypeIds.map((id) => name(options?.pickingTypes, id, t('scope.typeWord'))).join(', ');
  return `${company}, ${warehouse}, ${types}`;
}

/**
 * The bench's scope (settings `odoo.scope`): company, warehouse and operation types chosen from
 * what Odoo has, saved with a shift lead's approval; and the Odoo connection test.
 */
export function ScopeSettings({ station, inForce, onSaved }: { station: StationApi; inForce: SettingsInForce; onSaved(next: SettingsInForce): void }) {
  const { t } = useWords();
  const saved = inForce.odoo.scope;
  const [options, setOptions] = useState<ScopeOptions | null>(null);
  const [draft, setDraft] = useState<Scope>(saved);
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [test, setTest] = useState<{ ok: boolean; message: string } | 'testing' | null>(null);
  const readOnly = (inForce.overridden ?? []).some((p) => p.startsWith('odoo.scope'));
  const changed = !sameScope(draft, saved);
  // Takes a badge offered at the bench only while there is a change to approve (not the main form's).
  const { approval, fields, reset, formProps } = useApproval(changed);

  useEffect(() => {
    void station.call('scopeOptions', {}).then((result) => {
      if (result.ok) setOptions(result.value);
      else setNotice({ tone: 'error', text: result.error.message });
    });
  }, [station]);

  const warehouses = options?.warehouses.filter((w) => draft.companyId === null || w.companyId === null || w.companyId === draft.companyId) ?? [];
  const types =
    options?.pickingTypes.filter(
      (pt) => (draft.companyId === null || pt.companyId === null || pt.companyId === draft.companyId) && (draft.warehouseId === null || pt.warehouseId === draft.warehouseId),
    ) ?? [];
  const warehouseName = (id: number | null) => options?.warehouses.find((w) => w.id === id)?.name;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!approval || !changed) return;
    // Operation types no longer offered (another company or warehouse chosen) are dropped.
    const pickingTypeIds = draft.pickingTypeIds.filter((id) => types.some((pt) => pt.id === id));
    const result = await station.call('updateSettings', { patch: { odoo: { scope: { ...draft, pickingTypeIds } } }, approval });
    if (result.ok || result.error.code !== 'bad_request') reset();
    if (result.ok) {
      onSaved(result.value);
      setDraft(result.value.odoo.scope);
      setNotice({ tone: 'success', text: t('scope.saved', { scope: describeScope(result.value.odoo.scope, options, t) }) });
    } else setNotice({ tone: 'error', text: result.error.message });
  };

  const testOdoo = async () => {
    setTest('testing');
    const result = await station.call('testOdoo', {});
    setTest(result.ok ? result.value : { ok: false, message: result.error.message });
  };

  const toNumber = (value: string) => (value === '' ? null : Number(value));
  return (
    <form className="settings-form scope-settings" onSubmit={save} {...formProps} data-testid="scope-settings" aria-labelledby="scope-legend">
      <fieldset>
        <legend id="scope-legend">{t('scope.legend')}</legend>
        <p className="field-note" data-testid="scope-now">
          {t('scope.now', { scope: describeScope(saved, options, t) })}
        </p>
        {options?.source === 'local' && (
          <p className="field-note" role="status" data-testid="scope-source">
            {t('scope.local', { problem: options.problem })}
          </p>
        )}
        <div className="field">
          <label htmlFor="scope-company">{t('scope.companyLabel')}</label>
          <select
            id="scope-company"
            data-testid="scope-company"
            disabled={readOnly}
            value={draft.companyId ?? ''}
            onChange={(e) => setDraft((d) => ({ ...d, companyId: toNumber(e.target.value), warehouseId: null, pickingTypeIds: [] }))}
          >
            <option value="">{t('scope.everyCompanyOption')}</option>
            {options?.companies.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="scope-warehouse">{t('scope.warehouseLabel')}</label>
          <select
            id="scope-warehouse"
            data-testid="scope-warehouse"
            disabled={readOnly}
            value={draft.warehouseId ?? ''}
            onChange={(e) => setDraft((d) => ({ ...d, warehouseId: toNumber(e.target.value), pickingTypeIds: [] }))}
          >
            <option value="">{t('scope.everyWarehouseOption')}</option>
            {warehouses.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="field scope-types">
          <legend>{t('scope.types')}</legend>
          {types.map((pt) => (
            <label key={pt.id} className="checkbox">
              <input
                type="checkbox"
                disabled={readOnly}
                checked={draft.pickingTypeIds.includes(pt.id)}
                data-testid={`scope-type-${pt.id}`}
                onChange={(e) =>
                  setDraft((d) => ({
                    ...d,
                    pickingTypeIds: e.target.checked ? [...d.pickingTypeIds, pt.id] : d.pickingTypeIds.filter((id) => id !== pt.id),
                  }))
                }
              />
              {draft.warehouseId === null && pt.warehouseId !== null ? `${warehouseName(pt.warehouseId) ?? ''}: ${pt.name}` : pt.name}
            </label>
          ))}
        </fieldset>
        {readOnly && <p className="field-note">{t('settings.overriddenFlag')}</p>}
        {changed && (
          <>
            <p className="field-note">{t('scope.approves')}</p>
            {fields}
          </>
        )}
        {notice && (
          <p className={`message tone-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'} data-testid="scope-notice">
            {notice.text}
          </p>
        )}
        <div className="buttons">
          <button type="submit" disabled={!changed || !approval} data-testid="scope-save">
            {t('scope.save')}
          </button>
          <button type="button" disabled={!changed} onClick={() => setDraft(saved)}>
            {t('scope.undo')}
          </button>
          <button type="button" onClick={() => void testOdoo()} disabled={test === 'testing'} data-testid="test-odoo">
            {test === 'testing' ? t('scope.asking') : t('scope.testOdoo')}
          </button>
        </div>
        {test && test !== 'testing' && (
          <div className={`test-result tone-${test.ok ? 'success' : 'error'}`} role="status" data-testid="test-odoo-result">
            {test.message}
          </div>
        )}
      </fieldset>
    </form>
  );
}

// What a bench's scope is chosen from: the companies, warehouses and outgoing operation types Odoo
// has (asked without the bench's scope, so a lead can widen it), or, when Odoo cannot be asked,
// those of the orders copied here. Also the lead's "test the Odoo connection".
import type { Translate } from '../../../shared/i18n';
import { sayIn } from '../i18n/translator';
import { z } from 'zod';
import type { ScopeOptions } from '../../../shared/api';
import type { Db } from '../store/db';
import { OdooError } from './errors';
import { M2o, idOf, readRows } from './read-rows';
import type { OdooTransport } from './transport';
import { errorMessage } from '../error-message';

const Named = z.object({ id: z.number().int().positive(), name: z.string() });
const WarehouseRow = Named.extend({ company_id: M2o });
const PickingTypeRow = Named.extend({ warehouse_id: M2o, company_id: M2o });

/** Why Odoo could not be asked, in the lead's words. */
function problemOf(t: Translate, error: unknown): string {
  // The technical detail (Odoo's own words) stays as it came.
  if (error instanceof OdooError) return `${sayIn(t, error.packerSaid)} (${error.message})`;
  return errorMessage(error);
}

export async function scopeOptionsFromOdoo(odoo: Pick<OdooTransport, 'call'>): Promise<Omit<ScopeOptions, 'source' | 'problem'>> {
  const companies = await readRows(odoo, Named, 'res.company', 'search_read', { domain: [], fields: ['name'] });
  const all = { context: { allowed_company_ids: companies.map((c) => c.id) } };
  const warehouses = await readRows(odoo, WarehouseRow, 'stock.warehouse', 'search_read', { domain: [], fields: ['name', 'company_id'], ...all });
  const types = await readRows(odoo, PickingTypeRow, 'stock.picking.type', 'search_read', {
    domain: [['code', '=', 'outgoing']],
    fields: ['name', 'warehouse_id', 'company_id'],
    ...all,
  });
  return {
    companies,
    warehouses: warehouses.map((w) => ({ id: w.id, name: w.name, companyId: idOf(w.company_id) })),
    pickingTypes: types.map((t) => ({ id: t.id, name: t.name, warehouseId: idOf(t.warehouse_id), companyId: idOf(t.company_id) })),
  };
}

const CachedOperation = z.object({
  companyId: z.number().int().positive().nullable(),
  company: z.string().nullable(),
  warehouseId: z.number().int().positive().nullable(),
  warehouse: z.string().nullable(),
  pickingTypeId: z.number().int().positive().nullable(),
  pickingType: z.string().nullable(),
});

/** The companies, warehouses and operation types of the orders in the local copy. */
export function scopeOptionsFromCache(db: Db): Omit<ScopeOptions, 'source' | 'problem'> {
  const rows = db.prepare(`SELECT DISTINCT data ->> '$.operation' AS op FROM orders WHERE data ->> '$.operation' IS NOT NULL`).all() as { op: string }[];
  const companies = new Map<number, string>();
  const warehouses = new Map<number, { name: string; companyId: number | null }>();
  const types = new Map<number, { name: string; warehouseId: number | null; companyId: number | null }>();
  for (const row of rows) {
    const op = CachedOperation.safeParse(JSON.parse(row.op));
    if (!op.success) continue;
    const o = op.data;
    if (o.companyId !== null) companies.set(o.companyId, o.company ?? `Company ${o.companyId}`);
    if (o.warehouseId !== null) warehouses.set(o.warehouseId, { name: o.warehouse ?? `Warehouse ${o.warehouseId}`, companyId: o.companyId });
    if (o.pickingTypeId !== null) types.set(o.pickingTypeId, { name: o.pickingType ?? `Operation type ${o.pickingTypeId}`, warehouseId: o.warehouseId, companyId: o.companyId });
  }
  const byId = <T>(m: Map<number, T>) => [...m].sort(([a], [b]) => a - b).map(([id, v]) => ({ id, ...v }));
  return {
    companies: byId(new Map([...companies].map(([id, name]) => [id, { name }]))),
    warehouses: byId(warehouses),
    pickingTypes: byId(types),
  };
}

/** From Odoo when it answers, else from the local copy with the reason. */
export async function scopeOptions(t: Translate, odoo: Pick<OdooTransport, 'call'> | null, db: Db): Promise<ScopeOptions> {
  if (odoo) {
    try {
      return { ...(await scopeOptionsFromOdoo(odoo)), source: 'odoo', problem: null };
    } catch (error) {
      return { ...scopeOptionsFromCache(db), source: 'local', problem: problemOf(t, error) };
    }
  }
  return { ...scopeOptionsFromCache(db), source: 'local', problem: t('odoo.scope.notConnected') };
}

/** Whether Odoo answers and takes the bench's login: its version and the user's name. */
export async function testOdooConnection(t: Translate, odoo: OdooTransport | null, login: string | null): Promise<{ ok: boolean; message: string }> {
  if (!odoo || !login) return { ok: false, message: t('odoo.test.notSetUp') };
  try {
    const version = await odoo.version();
    const users = await readRows(odoo, Named, 'res.users', 'search_read', { domain: [['login', '=', login]], fields: ['name'], limit: 1 });
    const who = users[0]?.name ?? login;
    return { ok: true, message: t('odoo.test.ok', { version: version.text, who }) };
  } catch (error) {
    return { ok: false, message: t('odoo.test.failed', { why: problemOf(t, error) }) };
  }
}

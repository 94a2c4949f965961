// Call Odoo and check the reply's shape: an unexpected one is a protocol failure (often a version
// mismatch), never a crash further down.
import { z } from 'zod';
import { OdooError } from './errors';
import type { OdooParams, OdooTransport } from './transport';

/** A many2one value as Odoo reads it: `[id, display name]`, or false when empty. */
export const M2o = z.union([z.tuple([z.number().int(), z.string()]), z.literal(false)]);
export const idOf = (m: z.infer<typeof M2o>): number | null => (m === false ? null : m[0]);
/** A char/text value: Odoo reads an empty one as false; blank becomes null. */
export const Text = z.union([z.string(), z.literal(false)]).transform((v) => (v === false || v.trim() === '' ? null : v));

/** The fields a row schema reads (for `fields: [...]`), id left out as Odoo always returns it. */
export const fieldsOf = (schema: z.ZodObject) => Object.keys(schema.shape).filter((f) => f !== 'id');

/** Each value once, nulls left out: the ids for one read of many rows' many2ones. */
export function unique<T>(values: (T | null | undefined)[]): T[] {
  return [...new Set(values.filter((v): v is T => v !== null && v !== undefined))];
}

export async function readRows<S extends z.ZodType>(
  t: Pick<OdooTransport, 'call'>,
  schema: S,
  model: string,
  method: string,
  params: OdooParams,
): Promise<z.infer<S>[]> {
  if (Array.isArray(params.ids) && params.ids.length === 0) return [];
  const reply = await t.call(model, method, params);
  const parsed = z.array(schema).safeParse(reply);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OdooError({
      kind: 'protocol',
      message: `Unexpected ${model}.${method} reply from Odoo at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
    });
  }
  return parsed.data;
}

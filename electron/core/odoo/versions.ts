// Which Odoo the bench talks to, and everything that differs between 16, 17, 18 and 19 in one
// place (../shared/ref/odoo-external-api.md §0). Pure: no I/O. Callers ask the dialect for model,
// field and method names instead of testing version numbers themselves.
import { said } from '../i18n/translator';
import { z } from 'zod';
import { OdooError } from './errors';

/** The server version as detected, e.g. 17.0, or 17.2 for the SaaS build "saas~17.2". */
export interface OdooServerVersion {
  major: number;
  minor: number;
  /** An Odoo Online (SaaS) build: its numbering runs between the on-premise releases. */
  saas: boolean;
  /** As Odoo wrote it, e.g. "17.0+e" or "saas~17.2+e". */
  text: string;
}

/** `common.version()` (all versions). */
export const CommonVersionReply = z.looseObject({
  server_version: z.string(),
  server_version_info: z.array(z.union([z.number(), z.string()])).min(1),
  server_serie: z.string().optional(),
  protocol_version: z.number().optional(),
});

/** `GET /web/version` (19+). */
export const WebVersionReply = z.looseObject({
  version: z.string(),
  version_info: z.array(z.union([z.number(), z.string()])).min(1),
});

/**
 * From the version strings to numbers. `server_version_info[0]` is a number (17) or, on SaaS, a
 * string ("saas~17"); `server_version` is "17.0", "17.0+e", "saas~17.2+e" or "18.0-20250101".
 * Returns null when neither says anything usable.
 */
export function parseServerVersion(text: string, info: readonly (number | string)[]): OdooServerVersion | null {
  const saas = /saas/i.test(text) || (typeof info[0] === 'string' && /saas/i.test(info[0]));
  const fromText = /(\d+)\.(\d+)/.exec(text);
  let major: number | null = null;
  let minor: number | null = null;
  if (typeof info[0] === 'number' && Number.isInteger(info[0])) major = info[0];
  else if (typeof info[0] === 'string') major = Number(/(\d+)/.exec(info[0])?.[1] ?? Number.NaN);
  if (typeof info[1] === 'number' && Number.isInteger(info[1])) minor = info[1];
  if (major === null || Number.isNaN(major)) major = fromText ? Number(fromText[1]) : null;
  // A SaaS text carries the real minor ("saas~17.2"); info[1] may not.
  if (fromText && Number(fromText[1]) === major && (minor === null || saas)) minor = Number(fromText[2]);
  if (major === null || !Number.isFinite(major)) return null;
  return { major, minor: minor ?? 0, saas, text };
}

export type OdooProtocol = 'json-rpc' | 'json-2';
export type OdooMajor = 16 | 17 | 18 | 19;

/** The model, field and method names of one Odoo version. */
export interface OdooDialect {
  version: OdooServerVersion;
  /** The rules the bench applies: 16–19 (newer servers are spoken to as 19). */
  major: OdooMajor;
  /** JSON-2 from 19 on; JSON-RPC before (deprecated in 19, removed later). */
  protocol: OdooProtocol;
  /** Where packed quantities are written: 16 on move lines (`qty_done`), 17+ on moves (`quantity` + `picked`). */
  packedOn: 'stock.move.line' | 'stock.move';
  /** stock.move.line's reserved quantity: `reserved_uom_qty` in 16 (reserved and done kept apart), `quantity` from 17. */
  lineReservedField: 'reserved_uom_qty' | 'quantity';
  /** Values that mark a stock.move.line as packed with `quantity`: 16 `qty_done`; 17+ `quantity` + `picked`. */
  packedLine(quantity: number): Record<string, unknown>;
  /** Values for a reserved stock.move.line nothing was packed from, so validation does not process it. */
  unpackedLine(): Record<string, unknown>;
  /** Values that mark a stock.move with no move line as packed: 16 `quantity_done` (its inverse makes the line); 17+ `quantity` + `picked`. */
  packedMove(quantity: number): Record<string, unknown>;
  /** 16: validating with nothing done opens the immediate-transfer wizard. */
  immediateTransferWizard: boolean;
  /** `stock.quant.package` up to 18, `stock.package` from 19. */
  packageModel: 'stock.quant.package' | 'stock.package';
  /** `stock.package_level` and `package_level_ids` exist up to 18. */
  packageLevels: boolean;
  /** `res.partner` phone fields: `mobile` is gone in 19. */
  partnerPhoneFields: readonly string[];
  /** The return wizard's method: renamed in 17.3 (SaaS) / 18. */
  returnMethod: 'create_returns' | 'action_create_returns';
  /** `name_search`'s second parameter. */
  nameSearchDomainParam: 'args' | 'domain';
}

export const SUPPORTED_MAJORS: readonly OdooMajor[] = [16, 17, 18, 19];

/** The dialect for a detected version; older than 16 is refused with a sentence for the shift lead. */
export function dialectFor(version: OdooServerVersion): OdooDialect {
  if (version.major < 16) {
    throw new OdooError({
      kind: 'permanent',
      message: `Odoo ${version.text} is not supported (Packbench speaks to Odoo 16 to 19)`,
      packerSaid: said('odoo.error.tooOld', { version: version.text }),
    });
  }
  const major = Math.min(version.major, 19) as OdooMajor;
  // 16 keeps done apart from reserved (`qty_done`, `quantity_done`); 17 merged them into `quantity` + `picked`.
  const qtyDone = major === 16;
  return {
    version,
    major,
    protocol: major >= 19 ? 'json-2' : 'json-rpc',
    packedOn: qtyDone ? 'stock.move.line' : 'stock.move',
    lineReservedField: qtyDone ? 'reserved_uom_qty' : 'quantity',
    packedLine: (quantity) => (qtyDone ? { qty_done: quantity } : { quantity, picked: true }),
    unpackedLine: () => (qtyDone ? { qty_done: 0 } : { quantity: 0, picked: false }),
    packedMove: (quantity) => (qtyDone ? { quantity_done: quantity } : { quantity, picked: true }),
    immediateTransferWizard: major === 16,
    packageModel: major >= 19 ? 'stock.package' : 'stock.quant.package',
    packageLevels: major <= 18,
    partnerPhoneFields: major >= 19 ? ['phone'] : ['phone', 'mobile'],
    returnMethod: major >= 18 || (major === 17 && version.minor >= 3) ? 'action_create_returns' : 'create_returns',
    nameSearchDomainParam: major >= 19 ? 'domain' : 'args',
  };
}

/** A method that returns records answers an int (≤18 `@api.returns` downgrade) or a list of ids (19, JSON-2). */
export function idsOf(reply: unknown): number[] | null {
  if (typeof reply === 'number' && Number.isInteger(reply)) return [reply];
  if (Array.isArray(reply) && reply.every((x) => typeof x === 'number' && Number.isInteger(x))) return reply as number[];
  return null;
}

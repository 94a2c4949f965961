// Canonical shipment request (see ../shared/ref/carriers.md §3), validated before any carrier sees it.
// Fields added after the first rows were queued are optional or defaulted, so a create-label row an
// older build committed still parses.
import { z } from 'zod';
import { Party } from './order';

export const Money = z.object({ amount: z.string().regex(/^\d+(\.\d+)?$/), currency: z.string().length(3) });
export type Money = z.infer<typeof Money>;

/** The box a parcel went in, as Odoo names it (stock.package.type), and the carrier's code for it when set. */
export const ParcelPackageType = z.object({ name: z.string().min(1), code: z.string().min(1).nullable().default(null) });
export type ParcelPackageType = z.infer<typeof ParcelPackageType>;

export const ParcelItem = z.object({
  sku: z.string().nullable(),
  description: z.string(),
  qty: z.number().positive(),
  /** Price of one unit (Odoo's sales price), for customs; null when unknown. */
  unitValue: Money.nullable().default(null),
  /** Weight of one unit in grams, when the product has one. */
  unitWeightG: z.number().nonnegative().nullable().default(null),
  /** Harmonized System code of the product (Odoo `hs_code`). */
  hsCode: z.string().min(1).nullable().default(null),
  /** ISO 3166-1 alpha-2 country the goods were made in (Odoo `country_of_origin`). */
  originCountry: z.string().length(2).nullable().default(null),
});
export type ParcelItem = z.infer<typeof ParcelItem>;

export const ParcelRequest = z.object({
  reference: z.string().min(1),
  weightG: z.number().int().positive('A parcel must weigh something'),
  dimsMm: z
    .object({ l: z.number().int().positive(), w: z.number().int().positive(), h: z.number().int().positive() })
    .nullable()
    .default(null),
  packageType: ParcelPackageType.nullable().default(null),
  items: z.array(ParcelItem),
});
export type ParcelRequest = z.infer<typeof ParcelRequest>;

/** One line of the customs declaration: a product over every parcel of the shipment. */
export const CustomsItem = z.object({
  sku: z.string().nullable().default(null),
  description: z.string().min(1),
  qty: z.number().int().positive(),
  /** Value of one unit; null when Odoo has no price for it (the shipment checks name it). */
  unitValue: Money.nullable(),
  /** Net weight of all `qty` units, in grams. */
  weightG: z.number().int().positive(),
  hsCode: z.string().min(1).nullable(),
  originCountry: z.string().length(2).nullable(),
});
export type CustomsItem = z.infer<typeof CustomsItem>;

export const Customs = z.object({
  contentType: z.enum(['merchandise', 'documents', 'gift', 'sample', 'return', 'other']),
  /** What the carrier does with a parcel it cannot deliver. */
  nonDelivery: z.enum(['return', 'abandon']),
  incoterm: z.string().nullable().default(null),
  invoiceNo: z.string().nullable().default(null),
  items: z.array(CustomsItem).min(1),
});
export type Customs = z.infer<typeof Customs>;

/** What the parcels are known by: printed on labels and carried to the provider. */
export const ShipmentReferences = z.object({
  /** The Odoo delivery, e.g. WH/OUT/00012. */
  picking: z.string().min(1),
  /** The sale order it ships, e.g. S00012. */
  saleOrder: z.string().nullable(),
});
export type ShipmentReferences = z.infer<typeof ShipmentReferences>;

export const ShipmentRequest = z.object({
  idempotencyKey: z.string().min(1),
  source: z.object({
    system: z.literal('odoo'),
    url: z.string(),
    db: z.string(),
    pickingId: z.number().int().positive(),
    pickingName: z.string(),
    saleOrder: z.string().nullable(),
  }),
  service: z.object({ carrier: z.string().min(1), serviceCode: z.string().min(1) }),
  shipper: Party,
  recipient: Party,
  parcels: z.array(ParcelRequest).min(1),
  /** Present when the parcels cross a customs border (needsCustoms); null inside one territory. */
  customs: Customs.nullable().default(null),
  /** Absent in rows queued by older builds: `source` says the same. */
  references: ShipmentReferences.nullable().default(null),
});
export type ShipmentRequest = z.infer<typeof ShipmentRequest>;

export const ShipmentLabel = z.object({
  parcelIndex: z.number().int().nonnegative(),
  trackingNumber: z.string().min(1),
  format: z.enum(['ZPL', 'PNG', 'PDF']),
});

/** The references of a request, from `source` for rows queued before `references` existed. */
export function referencesOf(request: Pick<ShipmentRequest, 'references' | 'source'>): ShipmentReferences {
  return request.references ?? { picking: request.source.pickingName, saleOrder: request.source.saleOrder };
}

// ---- Customs territories ----

/**
 * The EU customs union as one territory (the 27 members, plus Monaco, which is inside it through
 * France). Special territories (Canary Islands, Åland…) are not told apart: they share the country code.
 */
const EU_CUSTOMS_UNION = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO',
  'SK', 'SI', 'ES', 'SE', 'MC',
]);

/** The customs territory a country belongs to: 'EU' for the customs union, else the country itself. */
export function customsTerritory(country: string): string {
  const code = country.toUpperCase();
  return EU_CUSTOMS_UNION.has(code) ? 'EU' : code;
}

/** Whether parcels from one country to another cross a customs border. */
export function needsCustoms(fromCountry: string, toCountry: string): boolean {
  return customsTerritory(fromCountry) !== customsTerritory(toCountry);
}

/**
 * The customs declaration of a shipment from its parcels' items: one line per product (by SKU, else
 * description) with its units summed. An item without a known weight gets an even share of what the
 * parcels weigh beyond the items that have one (at least 1 g), so every line has a net weight.
 */
export function customsDeclaration(parcels: readonly ParcelRequest[], options: Partial<Pick<Customs, 'contentType' | 'nonDelivery' | 'incoterm' | 'invoiceNo'>> = {}): Customs | null {
  const lines = new Map<string, { item: ParcelItem; qty: number }>();
  for (const item of parcels.flatMap((p) => p.items)) {
    const key = item.sku ?? `name:${item.description}`;
    const line = lines.get(key);
    if (line) line.qty += item.qty;
    else lines.set(key, { item, qty: item.qty });
  }
  if (lines.size === 0) return null;
  const all = [...lines.values()];
  const known = all.reduce((g, l) => g + (l.item.unitWeightG ?? 0) * l.qty, 0);
  const unknown = all.filter((l) => !l.item.unitWeightG).length;
  const total = parcels.reduce((g, p) => g + p.weightG, 0);
  const share = unknown > 0 ? Math.max(1, Math.floor((total - known) / unknown)) : 0;
  return {
    contentType: options.contentType ?? 'merchandise',
    nonDelivery: options.nonDelivery ?? 'return',
    incoterm: options.incoterm ?? null,
    invoiceNo: options.invoiceNo ?? null,
    items: all.map(({ item, qty }) => ({
      sku: item.sku,
      description: item.description,
      qty: Math.ceil(qty),
      unitValue: item.unitValue,
      weightG: item.unitWeightG ? Math.max(1, Math.round(item.unitWeightG * qty)) : share,
      hsCode: item.hsCode,
      originCountry: item.originCountry,
    })),
  };
}

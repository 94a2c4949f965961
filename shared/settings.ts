// Station settings: validated by zod wherever they are read or written.
import { z } from 'zod';
import { Language } from './i18n';

export const PrinterUri = z
  .string()
  .regex(
    /^(tcp:\/\/[^\s/?]+(:\d{1,5})?(\?[^\s]*)?|file:.+|serial:[^\s?]+(\?[^\s]*)?|cups:[^\s/]+)$/,
    'A printer is tcp://host:port, file:PATH, serial:PATH?baud=9600 or cups:QUEUE',
  );

/** Ask a ZPL printer for its status (~HS) around each label, or send the label without asking. */
export const StatusQuery = z.enum(['ask', 'do_not_ask']);
export type StatusQuery = z.infer<typeof StatusQuery>;

/** The serial speeds scales use. */
export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400] as const;
export const BaudRate = z.literal(BAUD_RATES);

/** The carrier providers a bench can buy labels from (one folder each under electron/core/carriers/). */
export const CARRIER_PROVIDERS = ['local', 'shipengine', 'shippo', 'odoo'] as const;
export const CarrierProviderCode = z.enum(CARRIER_PROVIDERS);
export type CarrierProviderCode = z.infer<typeof CarrierProviderCode>;

/** A provider and one of its services (ShipEngine service_code, Shippo servicelevel token, local `standard`). */
export const CarrierChoice = z.object({
  provider: CarrierProviderCode,
  service: z.string().regex(/^[a-z0-9_-]{1,64}$/i, 'A service code is letters, digits, _ and -'),
});
export type CarrierChoice = z.infer<typeof CarrierChoice>;

const DEFAULT_CARRIERS = {
  default: { provider: 'local' as const, service: 'standard' },
  byOdooCarrier: [],
  shipengine: { baseUrl: 'https://api.shipengine.com', carrierId: null },
  shippo: { baseUrl: 'https://api.goshippo.com' },
};

/** One typed character → the character the barcode holds (single characters only, a bounded table). */
export const ScannerKeyMap = z
  .record(z.string().length(1), z.string().length(1))
  .refine((m) => Object.keys(m).length <= 128, 'A scanner key map has at most 128 entries');
export type ScannerKeyMap = z.infer<typeof ScannerKeyMap>;

export const Settings = z.object({
  bench: z
    .object({
      name: z.string().min(1).max(64).default('Bench 1'),
      /** The language of the screen and of every message the core sends to it. */
      language: Language.default('en'),
    })
    .default({ name: 'Bench 1', language: 'en' }),
  scanner: z
    .object({
      /** Bench command barcodes start with this prefix (print, reprint, new parcel, close, cancel). */
      commandPrefix: z.string().min(2).max(8).default('*PB*'),
      /**
       * What the calibration barcode found (renderer/src/scanner/calibration.ts): the keyboard
       * layout mangling of this bench's scanner, as "character the screen receives → character the
       * barcode holds". Every scan is put right with it before it reaches the core. Empty: none.
       */
      keyMap: ScannerKeyMap.default({}),
      /** The mangling in words ("US scanner on a German keyboard"); null: the scanner reads correctly or was never calibrated. */
      layout: z.string().min(1).max(80).nullable().default(null),
    })
    .default({ commandPrefix: '*PB*', keyMap: {}, layout: null }),
  odoo: z
    .object({
      url: z.url().nullable().default(null),
      db: z.string().min(1).nullable().default(null),
      login: z.string().min(1).nullable().default(null),
      /** What this bench packs: Odoo company, warehouse and operation types (null / empty = all). */
      scope: z
        .object({
          companyId: z.number().int().positive().nullable().default(null),
          warehouseId: z.number().int().positive().nullable().default(null),
          pickingTypeIds: z.array(z.number().int().positive()).default([]),
        })
        .default({ companyId: null, warehouseId: null, pickingTypeIds: [] }),
      /** What validation does with quantities not packed: keep them as a backorder, or cancel them. */
      backorder: z.enum(['create', 'no_backorder']).default('create'),
    })
    .default({ url: null, db: null, login: null, scope: { companyId: null, warehouseId: null, pickingTypeIds: [] }, backorder: 'create' }),
  printer: z
    .object({
      uri: PrinterUri.nullable().default(null),
      /** Takes a label automatically when the main printer is down and nothing was sent to it. */
      fallbackUri: PrinterUri.nullable().default(null),
      /** The print head's resolution: labels are drawn for it (a 203-dot label on a 300 dpi head prints at two-thirds size). */
      dpi: z.union([z.literal(203), z.literal(300)]).default(203),
      /**
       * What the printer speaks: ZPL (label printers), ESC/POS (receipt printers, sent the label as an
       * image) or PDF (office printers through the system queue, sent a 4x6 in PDF).
       */
      language: z.enum(['zpl', 'escpos', 'pdf']).default('zpl'),
      fallbackLanguage: z.enum(['zpl', 'escpos', 'pdf']).default('zpl'),
      /**
       * Whether a ZPL printer is asked for its status (~HS) before and after each label. Many
       * ZPL-compatible printers never answer it; asked, such a printer could never print. The test
       * print detects one. Main and fallback printer each have their own.
       */
      statusQuery: StatusQuery.default('ask'),
      fallbackStatusQuery: StatusQuery.default('ask'),
      /**
       * A Unicode TrueType font stored on the ZPL printer (e.g. E:NOTOSANS.TTF): names in any script are
       * printed with it. None: Latin names in the printer's own font, other scripts drawn as pictures.
       */
      unicodeFont: z
        .string()
        .regex(/^[REBA]:[\w.-]+\.TTF$/i, 'A font on the printer is named like E:NOTOSANS.TTF')
        .nullable()
        .default(null),
    })
    .default({
      uri: null,
      fallbackUri: null,
      dpi: 203,
      language: 'zpl',
      fallbackLanguage: 'zpl',
      statusQuery: 'ask',
      fallbackStatusQuery: 'ask',
      unicodeFont: null,
    }),
  scale: z
    .object({
      path: z.string().min(1).nullable().default(null),
      protocol: z.string().min(1).nullable().default(null),
      /** Serial speed; null: the protocol's usual rate (devices.md). */
      baudRate: BaudRate.nullable().default(null),
      /**
       * Frames after the first one the scale flags stable that must agree before a weight is captured
       * (protocols with a stable flag; flagless ones keep a time window).
       */
      confirmFrames: z.number().int().min(0).max(10).default(1),
      /** Ask a scale that can stream (MT-SICS SIR) to stream; one that does not is polled. */
      stream: z.boolean().default(true),
    })
    .default({ path: null, protocol: null, baudRate: null, confirmFrames: 1, stream: true }),
  packing: z
    .object({
      /** Scan every item before weighing (off: weigh straight after the order scan). */
      verifyItems: z.boolean().default(true),
      /** Weight-variance gate: tolerance in percent of the expected weight, never below toleranceMinG. */
      tolerancePct: z.number().min(0).max(100).default(10),
      toleranceMinG: z.number().int().min(0).default(50),
      /** Empty box and filling, added to the products' weights. */
      boxTareG: z.number().int().min(0).default(150),
    })
    .default({ verifyItems: true, tolerancePct: 10, toleranceMinG: 50, boxTareG: 150 }),
  security: z
    .object({
      /** What a shift lead's approval needs: a scanned badge or the PIN, or (stricter sites) both. */
      approvalRequires: z.enum(['badge_or_pin', 'badge_and_pin']).default('badge_or_pin'),
    })
    .default({ approvalRequires: 'badge_or_pin' }),
  /**
   * Which provider and service a picking ships with: Odoo's carrier (its name, as on the picking)
   * mapped to a provider's service, else the default. API keys are never here: they come from the
   * secret store (`carrier.shipengine.api_key`, `carrier.shippo.api_key`).
   */
  carriers: z
    .object({
      default: CarrierChoice.default(DEFAULT_CARRIERS.default),
      byOdooCarrier: z.array(CarrierChoice.extend({ odooCarrier: z.string().min(1).max(128) })).max(100).default([]),
      shipengine: z
        .object({
          baseUrl: z.url().default(DEFAULT_CARRIERS.shipengine.baseUrl),
          /** The carrier account in ShipEngine (se-123456) the labels are bought on. */
          carrierId: z.string().regex(/^se(-[a-z0-9]+)+$/, 'A ShipEngine carrier id looks like se-123456').nullable().default(null),
        })
        .default(DEFAULT_CARRIERS.shipengine),
      shippo: z.object({ baseUrl: z.url().default(DEFAULT_CARRIERS.shippo.baseUrl) }).default(DEFAULT_CARRIERS.shippo),
    })
    .default(DEFAULT_CARRIERS),
  /** The desktop app's window (browser mode ignores it). */
  desktop: z
    .object({
      /** Full screen with no way out but the app's own: for benches nobody should use for anything else. */
      kiosk: z.boolean().default(false),
      /** Start Packbench when the computer's user logs in (the installed app only). */
      startAtLogin: z.boolean().default(false),
    })
    .default({ kiosk: false, startAtLogin: false }),
  /** The bench's short sounds for success, warning and error; volume 0 is silent (tests set it so). */
  sound: z
    .object({
      volume: z.number().int().min(0).max(100).default(60),
    })
    .default({ volume: 60 }),
});
export type Settings = z.infer<typeof Settings>;

/**
 * A section's fields, each optional and without its default. (`.partial()` keeps the defaults, and
 * zod 4 fills them in for absent fields, so a patch naming one field would reset the others.)
 */
function sectionPatch<S extends z.ZodRawShape>(section: z.ZodObject<S>) {
  const shape = Object.fromEntries(
    Object.entries(section.shape).map(([key, field]) => [key, ((field instanceof z.ZodDefault ? field.unwrap() : field) as z.ZodType).optional()]),
  ) as { [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer Inner extends z.ZodType> ? Inner : S[K]> };
  return z.object(shape);
}

/** A partial update: any section, any field of it; fields it does not name stay as they are. */
export const SettingsPatch = z
  .object({
    bench: sectionPatch(Settings.shape.bench.unwrap()).optional(),
    scanner: sectionPatch(Settings.shape.scanner.unwrap()).optional(),
    odoo: sectionPatch(Settings.shape.odoo.unwrap()).optional(),
    printer: sectionPatch(Settings.shape.printer.unwrap()).optional(),
    scale: sectionPatch(Settings.shape.scale.unwrap()).optional(),
    packing: sectionPatch(Settings.shape.packing.unwrap()).optional(),
    security: sectionPatch(Settings.shape.security.unwrap()).optional(),
    carriers: sectionPatch(Settings.shape.carriers.unwrap()).optional(),
    desktop: sectionPatch(Settings.shape.desktop.unwrap()).optional(),
    sound: sectionPatch(Settings.shape.sound.unwrap()).optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export function defaultSettings(): Settings {
  return Settings.parse({});
}

/** Merge a patch into settings and validate the result as a whole. */
export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  const merged: Record<string, unknown> = { ...current };
  for (const [section, fields] of Object.entries(patch)) {
    if (fields === undefined) continue;
    merged[section] = { ...(current as Record<string, Record<string, unknown>>)[section], ...fields };
  }
  return Settings.parse(merged);
}

// The StationApi contract: every command (request + reply) and every event, declared once.
// The IPC bridge (electron/main + preload) and the web bridge (core/host + renderer) are both
// derived from these tables, and both validate what crosses in each direction.
import { z } from 'zod';
import { BENCH_COMMANDS } from './bench-commands';
import { Language } from './i18n';
import { Settings, SettingsPatch } from './settings';

/** An error as it crosses a boundary. `message` is written for the person at the bench. */
export const StationError = z.object({
  code: z.string().min(1),
  message: z.string().min(1),
  detail: z.unknown().optional(),
});
export type StationError = z.infer<typeof StationError>;

/**
 * Shift-lead approval: a badge scanned at the bench, a PIN typed there, or both where the site asks for
 * both (`security.approvalRequires`). An approval is good for one action: `nonce` is made fresh by
 * the screen for each approval given, and the core refuses a nonce it has already used.
 */
export const Approval = z
  .object({
    badge: z.string().min(1).max(128).optional(),
    /** How the badge reached the screen: only a scan (scanner keystroke timing) counts. */
    via: z.enum(['scan', 'typed']).optional(),
    pin: z.string().regex(/^\d{4,12}$/, 'A PIN is 4 to 12 digits').optional(),
    nonce: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'An approval carries a fresh one-time code'),
  })
  .strict()
  .refine((a) => a.badge !== undefined || a.pin !== undefined, 'A shift lead scans their badge or types their PIN')
  .refine((a) => a.badge === undefined || a.via !== undefined, 'Say how the badge was given: scanned or typed');
export type Approval = z.infer<typeof Approval>;

export const Role = z.enum(['packer', 'lead']);
export type Role = z.infer<typeof Role>;

export const Person = z.object({ id: z.number().int(), name: z.string(), role: Role });
export type Person = z.infer<typeof Person>;

export const Tone = z.enum(['info', 'success', 'warning', 'error']);

/** A line shown to the packer after every scan: what happened, in their words. */
/** A page the station hands out with a message, e.g. `/files/last-resort/label-7-0123abcd.pdf`: same-origin paths only. */
export const BenchLink = z.object({ href: z.string().regex(/^\/files\/[\w./-]+$/).refine((h) => !h.includes('..')), text: z.string().min(1) });
export type BenchLink = z.infer<typeof BenchLink>;

export const BenchMessage = z.object({ tone: Tone, text: z.string(), at: z.number(), link: BenchLink.optional() });
export type BenchMessage = z.infer<typeof BenchMessage>;

export const PackStep = z.enum(['idle', 'packing', 'weighing', 'labelling', 'printed', 'done']);
export type PackStep = z.infer<typeof PackStep>;

export const OrderView = z.object({
  name: z.string(),
  origin: z.string().nullable(),
  shipTo: z.object({ name: z.string(), city: z.string(), country: z.string() }),
  lines: z.array(
    z.object({
      moveId: z.number().int(),
      name: z.string(),
      sku: z.string().nullable(),
      barcode: z.string().nullable(),
      packed: z.number().nonnegative(),
      quantity: z.number().positive(),
      /** Whether Odoo wants a lot or serial number for each unit. */
      tracking: z.enum(['none', 'lot', 'serial']).default('none'),
      /** Lots or serials scanned at the bench so far, with the units of each. */
      lots: z.array(z.object({ name: z.string(), quantity: z.number().positive() })).default([]),
      /** The lots or serials Odoo reserved for the line, with the units of each (none: empty). */
      reserved: z.array(z.object({ name: z.string(), quantity: z.number().positive() })).default([]),
    }),
  ),
  /** Set when the order came from the local copy because Odoo could not be reached. */
  cachedAt: z.number().nullable(),
  /** The box scanned for this parcel (null: none scanned, the bench's default tare applies). */
  box: z
    .object({
      name: z.string(),
      dimsMm: z.object({ l: z.number(), w: z.number(), h: z.number() }).nullable(),
      maxWeightG: z.number().nullable(),
    })
    .nullable()
    .default(null),
  /**
   * An order packed in several parcels (NEW-PARCEL): each closed parcel with its weight and box,
   * then the open one (weight null until the order is weighed). Empty while the order is one parcel.
   */
  parcels: z
    .array(
      z.object({
        seq: z.number().int().positive(),
        weightG: z.number().int().positive().nullable(),
        box: z.string().nullable(),
        items: z.number().nonnegative(),
        open: z.boolean(),
      }),
    )
    .default([]),
});
export type OrderView = z.infer<typeof OrderView>;

export const PrintState = z.enum(['queued', 'sent', 'confirmed', 'failed', 'uncertain']);

export const LabelView = z.object({
  trackingNumber: z.string().nullable(),
  carrier: z.string(),
  service: z.string(),
  /** The whole shipment's weight. */
  weightG: z.number().int().positive(),
  /** How many parcels (labels) the shipment has. */
  parcelCount: z.number().int().positive().default(1),
  /** Address block as printed, one line per entry. */
  shipTo: z.array(z.string()),
  reference: z.string(),
  status: z.enum(['awaiting_label', 'labelled', 'printed', 'cancelled']),
  printState: PrintState.nullable(),
});
export type LabelView = z.infer<typeof LabelView>;

/** The station snapshot the core pushes; the renderer only shows it. */
export const StationState = z.object({
  mode: z.enum(['live', 'training']),
  bench: z.string(),
  packer: Person.nullable(),
  step: PackStep,
  /** What the packer should do next, in one sentence. */
  nextAction: z.string(),
  message: BenchMessage.nullable(),
  scans: z.number().int().nonnegative(),
  order: OrderView.nullable(),
  label: LabelView.nullable(),
  /** Milliseconds since the order cache last caught up with Odoo; null before the first time. */
  cacheAge: z.number().nonnegative().nullable(),
  /**
   * The order sync with Odoo: `none` when no Odoo is set up for the bench, `connecting` before the
   * first sync answered, `online` when the last one caught up, `offline` when it could not.
   */
  odooLink: z.enum(['none', 'connecting', 'online', 'offline']),
  /** The bench's sound volume, 0 (silent) to 100 (settings `sound.volume`). */
  soundVolume: z.number().int().min(0).max(100).optional(),
  /** Settings `packing.verifyItems`: off, the screen shows quantities, not "0 / 1" counts. */
  verifyItems: z.boolean().optional(),
  /** Settings `bench.language`: the language of the screen (the core's messages arrive in it already). */
  language: Language.optional(),
  /** Training only: the trainee's badges and a few orders to try, for the idle screen. */
  training: z
    .object({
      badges: z.array(z.object({ badge: z.string(), name: z.string(), role: z.enum(['packer', 'lead']) })),
      orders: z.array(z.string()),
    })
    .optional(),
});
export type StationState = z.infer<typeof StationState>;

export const ScanReply = z.object({
  /** What the core decided the code was. */
  kind: z.enum(['badge', 'command', 'order', 'product', 'package_type', 'unknown']),
  message: BenchMessage,
  state: StationState,
  /**
   * A shift lead's badge scanned while a packer has an order open: the packer stays logged in and
   * the screen asks "Approve as Lena?"; the badge is offered to the approval the lead gives next.
   */
  approvalOffer: z.object({ name: z.string() }).optional(),
});
export type ScanReply = z.infer<typeof ScanReply>;

export const ExceptionKind = z.enum([
  'carrier_rejection',
  'weight_variance',
  'odoo_conflict',
  'dead_letter',
  'print_failure',
  'awaiting_label',
  'sync_auth',
  'short_pack',
]);
export type ExceptionKind = z.infer<typeof ExceptionKind>;

export const ExceptionView = z.object({
  id: z.number().int(),
  kind: ExceptionKind,
  orderRef: z.string().nullable(),
  title: z.string(),
  context: z.record(z.string(), z.unknown()),
  raisedAt: z.number(),
  raisedBy: z.string().nullable(),
  state: z.enum(['open', 'resolved']),
  resolution: z.string().nullable(),
  resolvedAt: z.number().nullable(),
  resolvedBy: z.string().nullable(),
  note: z.string().nullable(),
  /** The resolutions a shift lead may choose for this exception. */
  choices: z.array(z.string()),
  /** Who resolved it, by name (`resolvedBy` is the audit's actor, e.g. staff:2). */
  resolvedByName: z.string().nullable().optional(),
});
export type ExceptionView = z.infer<typeof ExceptionView>;

export const QueueCounts = z.object({
  pending: z.number().int().nonnegative(),
  inFlight: z.number().int().nonnegative(),
  dead: z.number().int().nonnegative(),
  openExceptions: z.number().int().nonnegative(),
  /**
   * How long the oldest update still to send (pending or being sent) had waited when this was sent,
   * in ms; null when nothing waits. The screen counts on from there. Absent from older cores.
   */
  oldestAgeMs: z.number().nonnegative().nullable().optional(),
});
export type QueueCounts = z.infer<typeof QueueCounts>;

export const Connectivity = z.object({
  targets: z.array(
    z.object({
      target: z.string(),
      /** The target as people know it ("Odoo", "ShipEngine"); absent: show `target`. */
      label: z.string().optional(),
      status: z.enum(['ok', 'retrying', 'stopped']),
      message: z.string().nullable(),
    }),
  ),
});
export type Connectivity = z.infer<typeof Connectivity>;

export const ScaleEvent = z.object({
  status: z.enum(['absent', 'ok', 'motion', 'overload', 'underload', 'error', 'disconnected']),
  grams: z.number().nullable(),
  stable: z.boolean(),
  message: z.string().nullable(),
});
export type ScaleEvent = z.infer<typeof ScaleEvent>;

export const PrinterEvent = z.object({
  status: z.enum(['absent', 'ready', 'printing', 'paper_out', 'head_open', 'paused', 'offline', 'error']),
  message: z.string().nullable(),
});
export type PrinterEvent = z.infer<typeof PrinterEvent>;

export const DeviceTestReply = z.object({
  ok: z.boolean(),
  message: z.string(),
  /** Test print only: the printer's status just before and just after the test label (null: it cannot be asked). */
  printer: z.object({ before: PrinterEvent.nullable(), after: PrinterEvent.nullable() }).optional(),
});

/**
 * The settings in force for this run: the saved settings with the start-up flags (or the training
 * sandbox's own Odoo, scale and printer) on top.
 */
export const SettingsInForce = Settings.extend({
  /**
   * Fields set for this run only, as "section.field" (e.g. "printer.uri"). Saving one changes the
   * saved value, which applies only when Packbench starts without that flag; the screen shows them read-only.
   */
  overridden: z.array(z.string()).optional(),
});
export type SettingsInForce = z.infer<typeof SettingsInForce>;

const Empty = z.object({}).strict();

/** A recipient as the shift lead types it: every field text (blank: empty), checked in the core. */
export const AddressInput = z
  .object({
    name: z.string().max(200),
    company: z.string().max(200).nullable(),
    street1: z.string().max(200),
    street2: z.string().max(200).nullable(),
    postalCode: z.string().max(32),
    city: z.string().max(200),
    region: z.string().max(200).nullable(),
    country: z.string().max(2),
    phone: z.string().max(64).nullable(),
    email: z.string().max(200).nullable(),
  })
  .strict();
export type AddressInput = z.infer<typeof AddressInput>;

/** One effect waiting in the outbox, as the lead's outbox view shows it. */
export const OutboxItem = z.object({
  id: z.number().int(),
  /** Where it goes: "odoo", a carrier provider. */
  target: z.string(),
  /** What it does ("dispatch", "label", …). */
  kind: z.string(),
  /** The order's name where the bench knows it (else null: a bench-wide effect or an order not cached). */
  orderRef: z.string().nullable(),
  state: z.enum(['pending', 'in_flight', 'dead']),
  /** When it was queued. */
  since: z.number(),
  /** Failed attempts so far. */
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  /** When the worker tries it again (pending rows). */
  nextAttemptAt: z.number(),
});
export type OutboxItem = z.infer<typeof OutboxItem>;

/** What an Odoo offers for a bench's scope: companies, warehouses, outgoing operation types. */
export const ScopeOptions = z.object({
  companies: z.array(z.object({ id: z.number().int().positive(), name: z.string() })),
  warehouses: z.array(z.object({ id: z.number().int().positive(), name: z.string(), companyId: z.number().int().positive().nullable() })),
  pickingTypes: z.array(
    z.object({
      id: z.number().int().positive(),
      name: z.string(),
      warehouseId: z.number().int().positive().nullable(),
      companyId: z.number().int().positive().nullable(),
    }),
  ),
  /** `odoo`: asked just now; `local`: Odoo could not be asked, these come from the orders copied here. */
  source: z.enum(['odoo', 'local']),
  /** Why Odoo could not be asked (source `local`). */
  problem: z.string().nullable(),
});
export type ScopeOptions = z.infer<typeof ScopeOptions>;

/** Commands: name → request and reply schemas. Add a command here and both bridges carry it. */
export const commands = {
  scan: {
    request: z.object({ code: z.string().min(1).max(512) }).strict(),
    reply: ScanReply,
  },
  getState: { request: Empty, reply: StationState },
  listExceptions: {
    request: z.object({ state: z.enum(['open', 'resolved', 'all']).default('open') }).strict(),
    reply: z.object({ items: z.array(ExceptionView) }),
  },
  resolveException: {
    request: z
      .object({
        id: z.number().int().positive(),
        resolution: z.string().min(1).max(64),
        note: z.string().max(2000).optional(),
        approval: Approval,
      })
      .strict(),
    reply: ExceptionView,
  },
  /** A weight typed in when no scale works: needs a shift lead's approval and a reason. */
  enterWeight: {
    request: z
      .object({
        grams: z.number().int().positive().max(1_000_000),
        reason: z.string().trim().min(3, 'Say why the scale was not used').max(500),
        approval: Approval,
      })
      .strict(),
    reply: StationState,
  },
  /** The open order's label as the printer draws it (PNG data URL), for the preview. */
  labelImage: { request: Empty, reply: z.object({ png: z.string().startsWith('data:image/png;base64,').nullable() }) },
  getSettings: { request: Empty, reply: SettingsInForce },
  updateSettings: {
    request: z.object({ patch: SettingsPatch, approval: Approval }).strict(),
    reply: SettingsInForce,
  },
  testDevice: {
    request: z.object({ device: z.enum(['printer', 'scale']) }).strict(),
    reply: DeviceTestReply,
  },
  /** Which protocol and speed the scale on the saved port answers in (the scale pauses meanwhile). */
  detectScale: {
    request: Empty,
    reply: DeviceTestReply.extend({ found: z.object({ protocol: z.string(), baudRate: z.number().int() }).nullable() }),
  },
  login: { request: z.object({ badge: z.string().min(1).max(128) }).strict(), reply: StationState },
  logout: { request: Empty, reply: StationState },
  /**
   * A shipment the carrier refused, fixed by the shift lead: the corrected recipient (checked as
   * shared/address-check.ts checks it; a refusal names each field at fault in `detail.fields`)
   * and/or another provider and service of the bench; the label is then asked for again.
   */
  fixRejectedShipment: {
    request: z
      .object({
        id: z.number().int().positive(),
        recipient: AddressInput.optional(),
        service: z.object({ provider: z.string().min(1).max(64), service: z.string().min(1).max(64) }).strict().optional(),
        note: z.string().max(2000).optional(),
        approval: Approval,
      })
      .strict()
      .refine((r) => r.recipient !== undefined || r.service !== undefined, 'Give the corrected address or the service to try'),
    reply: ExceptionView,
  },
  /** The providers and services this bench can buy labels from (for the lead's "change the service"). */
  carrierServices: {
    request: Empty,
    reply: z.object({
      providers: z.array(z.object({ code: z.string(), name: z.string(), services: z.array(z.object({ code: z.string(), name: z.string() })) })),
    }),
  },
  /**
   * Save a support bundle in the data folder (logs, versions, devices, queue, settings; no secrets,
   * customers' names and addresses masked). A shift lead approves.
   */
  exportSupportBundle: {
    request: z.object({ approval: Approval }).strict(),
    reply: z.object({ file: z.string().min(1), bytes: z.number().int().nonnegative() }),
  },
  /** What waits in the outbox (queued, being sent, stuck), oldest first: the lead's outbox view. */
  listOutbox: { request: Empty, reply: z.object({ items: z.array(OutboxItem) }) },
  /** The companies, warehouses and operation types the bench may pack for, from Odoo (or the local copy). */
  scopeOptions: { request: Empty, reply: ScopeOptions },
  /** Ask the Odoo in the settings whether it answers and takes the bench's login. */
  testOdoo: { request: Empty, reply: DeviceTestReply.pick({ ok: true, message: true }) },
  /** A bench command from its button on screen: the same as scanning its barcode on the command sheet. */
  benchCommand: {
    request: z.object({ command: z.enum(BENCH_COMMANDS) }).strict(),
    reply: ScanReply,
  },
  /**
   * The command sheet: every bench command as a barcode with its name, from the list the scanner
   * understands. `label`: a 4x6 in label (ZPL) to the bench's label printer; `a4`: a PDF page for an
   * office printer, returned to the screen to open.
   */
  printCommandSheet: {
    request: z.object({ format: z.enum(['label', 'a4']) }).strict(),
    reply: z.object({ ok: z.boolean(), message: z.string(), pdf: z.string().startsWith('data:application/pdf;base64,').nullable() }),
  },
} as const;

/** Events the core pushes: name → payload schema. */
export const events = {
  state: StationState,
  scale: ScaleEvent,
  printer: PrinterEvent,
  queue: QueueCounts,
  connectivity: Connectivity,
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type EventName = keyof typeof events;
export type CommandRequest<N extends CommandName> = z.input<Commands[N]['request']>;
export type ParsedRequest<N extends CommandName> = z.output<Commands[N]['request']>;
export type CommandReply<N extends CommandName> = z.output<Commands[N]['reply']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What every call resolves to: never a thrown error across a boundary. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: StationError };

/** The one API the renderer sees, as `window.station` (desktop) or the web bridge (browser). */
export interface StationApi {
  call<N extends CommandName>(name: N, request: CommandRequest<N>): Promise<CallResult<CommandReply<N>>>;
  /** Subscribe to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export const commandNames = Object.keys(commands) as CommandName[];
export const eventNames = Object.keys(events) as EventName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

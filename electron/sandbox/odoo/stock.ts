// The stock workflow of the emulated version: button_validate (sanity checks, 16's immediate
// transfer wizard, 17+'s auto-pick, lots, the backorder question, done + backorder) and
// message_post (../shared/ref/odoo-external-api.md §4). Every refusal happens before any change,
// like Odoo's rolled-back transaction; an action dict commits what was done before it.
import { SandboxConnectors, type PreparedShipment } from './connector';
import type { Orm, SandboxOdooState } from './database';
import { serializationFailure, typeError, userError, valueError } from './faults';
import type { Rec } from './schema';
import { MESSAGE_SUBTYPES, type SeedValue } from './seed';

export const NO_QUANTITIES =
  'You cannot validate a transfer if no quantities are reserved nor done. You can use the info button on the ' +
  'top right corner of your screen to take a look at the potential reason for this.';

export class Stock {
  private readonly connectors: SandboxConnectors;

  constructor(
    private readonly state: SandboxOdooState,
    private readonly orm: Orm,
  ) {
    this.connectors = new SandboxConnectors(state);
  }

  private get version() {
    return this.state.version;
  }

  private movesOf(pickingId: number): Rec[] {
    return this.state.all('stock.move').filter((m) => m.picking_id === pickingId && m.state !== 'cancel');
  }

  private linesOf(moveId: number): Rec[] {
    return this.state.all('stock.move.line').filter((l) => l.move_id === moveId);
  }

  private pickingLines(pickingId: number): Rec[] {
    return this.movesOf(pickingId).flatMap((m) => this.linesOf(m.id));
  }

  /** The quantity on a line, whether done (16: qty_done) or to process (17+: quantity). */
  private lineQuantity(line: Rec): number {
    return Number(this.version === 16 ? line.qty_done : line.quantity) || 0;
  }

  /** What validation will process of a line, once the auto-pick (17+) has run. */
  private processed(line: Rec, autoPick: boolean): number {
    if (this.version === 16) return Number(line.qty_done) || 0;
    return line.picked === true || autoPick ? Math.max(0, Number(line.quantity) || 0) : 0;
  }

  private hasQuantities(pickingId: number): boolean {
    return this.pickingLines(pickingId).some((l) =>
      this.version === 16 ? Number(l.qty_done) > 0 || Number(l.reserved_uom_qty) > 0 : Number(l.quantity) > 0,
    );
  }

  /**
   * The carrier connectors' labels are drawn first (nothing changes while they are), then the
   * validation runs at once, so no other call sees it half done.
   */
  async buttonValidate(ids: number[], context: Record<string, unknown>): Promise<unknown> {
    const open = this.orm.browse('stock.picking', ids).filter((p) => p.state !== 'done' && p.state !== 'cancel');
    const prepared = await this.connectors.prepare(open);
    return this.validate(ids, context, prepared);
  }

  private validate(ids: number[], context: Record<string, unknown>, prepared: Map<number, PreparedShipment>): unknown {
    let pickings = this.orm.browse('stock.picking', ids);
    // 19 drops done pickings first (a no-op); 16–18 see them as having no quantities.
    if (this.version >= 19) pickings = pickings.filter((p) => p.state !== 'done' && p.state !== 'cancel');
    if (pickings.length === 0) return true;
    for (const p of pickings) {
      if (p.state === 'done' || p.state === 'cancel' || !this.hasQuantities(p.id)) throw userError(NO_QUANTITIES);
    }
    // Pickings whose carrier connector buys the label on validation (send_to_shipper). Odoo asks the
    // carrier inside _action_done and rolls everything back on its refusal; here the recipient is
    // checked before any change, so a refused validation leaves nothing behind.
    const shipping = new Set(pickings.filter((p) => this.connectors.ships(p)).map((p) => p.id));
    for (const p of pickings) if (shipping.has(p.id)) this.connectors.check(p);
    // Its packages changed while the labels were drawn: a concurrent update, tried again by the caller.
    for (const p of pickings) if (shipping.has(p.id) && !this.connectors.fits(p, prepared.get(p.id))) throw serializationFailure();

    // 16: nothing done at all → the immediate-transfer wizard, unless told to process everything.
    if (this.version === 16) {
      const nothingDone = pickings.filter((p) => this.pickingLines(p.id).every((l) => !(Number(l.qty_done) > 0)));
      if (nothingDone.length > 0 && context.skip_immediate !== true) {
        return wizard('Immediate Transfer?', 'stock.immediate.transfer', ids, context, nothingDone, { default_immediate_transfer_line_ids: nothingDone.map((p) => [0, 0, { picking_id: p.id, to_immediate: true }]) });
      }
      this.checkLots(pickings, () => false, nothingDone);
      for (const p of nothingDone) {
        for (const l of this.pickingLines(p.id)) this.state.update('stock.move.line', l.id, { qty_done: Number(l.reserved_uom_qty) || 0 });
      }
    } else {
      // 17+: nothing picked → validation picks everything reserved.
      const autoPick = new Set(pickings.filter((p) => !this.pickingLines(p.id).some((l) => l.picked === true)).map((p) => p.id));
      this.checkLots(pickings, (p) => autoPick.has(p.id), []);
      for (const id of autoPick) {
        for (const l of this.pickingLines(id)) if (Number(l.quantity) > 0) this.state.update('stock.move.line', l.id, { picked: true });
      }
    }

    // Only operation types set to 'ask' ask (_check_backorder); the wizard lists those pickings.
    const short = pickings.filter(
      (p) => this.createBackorder(p) === 'ask' && this.movesOf(p.id).some((m) => this.moveProcessed(m) < Number(m.product_uom_qty)),
    );
    if (short.length > 0 && context.skip_backorder !== true) {
      return wizard('Create Backorder?', 'stock.backorder.confirmation', ids, context, short, {});
    }
    // 'never' types never keep a backorder; picking_ids_not_to_backorder is ignored for 'always' types.
    const told = Array.isArray(context.picking_ids_not_to_backorder) ? context.picking_ids_not_to_backorder : [];
    const noBackorder = (p: Rec) => this.createBackorder(p) === 'never' || (told.includes(p.id) && this.createBackorder(p) !== 'always');
    for (const p of pickings) {
      this.done(p, !noBackorder(p));
      if (shipping.has(p.id)) {
        this.connectors.ship(p, prepared.get(p.id)!, (body, attachmentIds) =>
          this.messagePost('stock.picking', [p.id], { body, body_is_html: true, message_type: 'comment', attachment_ids: attachmentIds }),
        );
      }
    }
    return true;
  }

  /** The operation type's backorder policy (Odoo's default is 'ask'). */
  private createBackorder(picking: Rec): 'ask' | 'always' | 'never' {
    const type = this.state.get('stock.picking.type', Number(picking.picking_type_id));
    const policy = type?.create_backorder;
    return policy === 'always' || policy === 'never' ? policy : 'ask';
  }

  /** The operation type's lot switches (Odoo's defaults when unset: both on). */
  private lotRules(picking: Rec): { create: boolean; existing: boolean } {
    const type = this.state.get('stock.picking.type', Number(picking.picking_type_id));
    return { create: type?.use_create_lots !== false, existing: type?.use_existing_lots !== false };
  }

  /**
   * Lot- or serial-tracked products must say which lot left: a lot_id, or a lot_name where the type
   * creates lots (with neither switch on, nothing is asked). Checked before anything changes.
   */
  private checkLots(pickings: Rec[], autoPick: (p: Rec) => boolean, processAll: Rec[]): void {
    const missing = new Set<string>();
    for (const p of pickings) {
      const rules = this.lotRules(p);
      if (!rules.create && !rules.existing) continue;
      for (const l of this.pickingLines(p.id)) {
        const qty = processAll.includes(p) ? Number(l.reserved_uom_qty) || 0 : this.processed(l, autoPick(p));
        const named = typeof l.lot_name === 'string' && l.lot_name.trim() !== '';
        if (qty <= 0 || typeof l.lot_id === 'number' || (rules.create && named)) continue;
        const product = this.state.get('product.product', Number(l.product_id));
        if (product && product.tracking !== 'none') missing.add(this.state.displayName('product.product', product));
      }
    }
    if (missing.size > 0) {
      throw userError(`You need to supply a Lot/Serial number for products:\n${[...missing].map((n) => ` - ${n}`).join('\n')}`);
    }
  }

  private moveProcessed(move: Rec): number {
    return this.linesOf(move.id).reduce((n, l) => n + this.processed(l, false), 0);
  }

  /**
   * Where the operation type creates lots, lines given a lot by name (`lot_name`) get that product's
   * lot of this name, created when Odoo has none yet, as `_action_done` does. Elsewhere lot_name is
   * ignored (checkLots refused what needed a lot).
   */
  private assignLots(picking: Rec): void {
    if (!this.lotRules(picking).create) return;
    for (const l of this.pickingLines(picking.id)) {
      if (typeof l.lot_id === 'number' || typeof l.lot_name !== 'string' || l.lot_name.trim() === '' || this.processed(l, false) <= 0) continue;
      const productId = Number(l.product_id);
      const product = this.state.get('product.product', productId);
      if (!product || product.tracking === 'none') continue;
      const name = l.lot_name.trim();
      // A lot name is unique per product and company.
      const company = picking.company_id ?? false;
      const existing = this.state.all('stock.lot').find((lot) => lot.product_id === productId && lot.name === name && lot.company_id === company);
      const lotId = existing?.id ?? this.state.insert('stock.lot', { name, product_id: productId, company_id: company });
      this.state.update('stock.move.line', l.id, { lot_id: lotId });
    }
  }

  private done(picking: Rec, keepBackorder: boolean): void {
    this.assignLots(picking);
    const rest: { move: Rec; qty: number; lot: SeedValue }[] = [];
    for (const m of this.movesOf(picking.id)) {
      const lines = this.linesOf(m.id);
      const qty = this.moveProcessed(m);
      const remaining = Number(m.product_uom_qty) - qty;
      const lot = lines[0]?.lot_id ?? false;
      if (qty > 0) {
        // Processed lines are done; the rest of the reservation is released.
        for (const l of lines) {
          if (this.processed(l, false) > 0) {
            this.state.update('stock.move.line', l.id, { state: 'done', ...(this.version === 16 ? { reserved_uom_qty: 0 } : {}) });
          } else {
            this.state.remove('stock.move.line', l.id);
          }
        }
        this.state.update('stock.move', m.id, { state: 'done', ...(remaining > 0 ? { product_uom_qty: qty } : {}) });
      }
      if (remaining > 0) rest.push({ move: m, qty: remaining, lot });
    }
    if (rest.length > 0 && keepBackorder) {
      const backorder = this.state.insert('stock.picking', {
        ...withoutId(picking),
        name: this.nextPickingName(),
        backorder_id: picking.id,
        state: 'assigned',
        carrier_tracking_ref: false,
        shipping_weight: 0,
      });
      for (const { move, qty, lot } of rest) {
        const moveId =
          this.moveProcessed(move) > 0 || move.state === 'done'
            ? this.state.insert('stock.move', { ...withoutId(move), picking_id: backorder, product_uom_qty: qty, state: 'assigned' })
            : move.id;
        if (moveId === move.id) {
          this.state.update('stock.move', move.id, { picking_id: backorder });
          for (const l of this.linesOf(move.id)) this.state.remove('stock.move.line', l.id);
        }
        this.state.insert('stock.move.line', {
          move_id: moveId,
          picking_id: backorder,
          product_id: move.product_id!,
          ...(this.version === 16 ? { reserved_uom_qty: qty, qty_done: 0 } : { quantity: qty, picked: false }),
          location_id: move.location_id!,
          location_dest_id: move.location_dest_id!,
          product_uom_id: move.product_uom!,
          lot_id: lot,
          lot_name: false,
          result_package_id: false,
          state: 'assigned',
        });
      }
    } else {
      for (const { move } of rest) {
        if (move.state === 'done') continue;
        for (const l of this.linesOf(move.id)) this.state.remove('stock.move.line', l.id);
        this.state.update('stock.move', move.id, { state: 'cancel' });
      }
    }
    this.state.update('stock.picking', picking.id, { state: 'done', date_done: this.state.timestamp() });
  }

  private nextPickingName(): string {
    const max = Math.max(0, ...this.state.all('stock.picking').map((p) => Number(/(\d+)$/.exec(String(p.name))?.[1] ?? 0)));
    return `WH/OUT/${String(max + 1).padStart(5, '0')}`;
  }

  /** message_post is keyword-only; returns the mail.message id (an int in ≤18, [id] in 19). */
  messagePost(model: string, ids: number[], kwargs: Record<string, unknown>): number | number[] {
    const [rec] = this.orm.browse(model, ids);
    if (!rec || ids.length !== 1) throw valueError(`Expected singleton: ${model}(${ids.join(', ')})`);
    const attachments = kwargs.attachment_ids === undefined ? [] : idList(kwargs.attachment_ids);
    this.orm.browse('ir.attachment', attachments);
    const body = typeof kwargs.body === 'string' ? kwargs.body : '';
    const id = this.state.insert('mail.message', {
      body: kwargs.body_is_html === true ? body : escapeHtml(body),
      model,
      res_id: rec.id,
      message_type: typeof kwargs.message_type === 'string' ? kwargs.message_type : 'notification',
      subtype_id: subtypeOf(kwargs),
      attachment_ids: attachments,
      author_id: false,
    });
    return this.version >= 19 ? [id] : id;
  }
}

/**
 * message_post's subtype: subtype_id if given, else the external id subtype_xmlid (default
 * mail.mt_note; "mt_note" means mail.mt_note). Odoo looks the external id up without raising, so an
 * unknown one leaves the message without a subtype.
 */
function subtypeOf(kwargs: Record<string, unknown>): number | false {
  if (typeof kwargs.subtype_id === 'number' && kwargs.subtype_id !== 0) {
    if (!MESSAGE_SUBTYPES.some((s) => s.id === kwargs.subtype_id)) throw valueError(`Wrong value for mail.message.subtype_id: ${kwargs.subtype_id}`);
    return kwargs.subtype_id;
  }
  const given = typeof kwargs.subtype_xmlid === 'string' && kwargs.subtype_xmlid !== '' ? kwargs.subtype_xmlid : 'mail.mt_note';
  const xmlid = given.includes('.') ? given : `mail.${given}`;
  return MESSAGE_SUBTYPES.find((s) => s.xmlid === xmlid)?.id ?? false;
}

/** The wizard action a validation returns: plain data the web client would open. */
function wizard(
  name: string,
  resModel: string,
  ids: number[],
  context: Record<string, unknown>,
  pickings: Rec[],
  extra: Record<string, unknown>,
): Record<string, unknown> {
  return {
    name,
    type: 'ir.actions.act_window',
    view_mode: 'form',
    res_model: resModel,
    views: [[false, 'form']],
    view_id: false,
    target: 'new',
    context: {
      ...context,
      button_validate_picking_ids: ids,
      default_show_transfers: false,
      default_pick_ids: pickings.map((p) => [4, p.id]),
      ...extra,
    },
  };
}

export function idList(value: unknown): number[] {
  const list = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(list) || !list.every((x) => Number.isInteger(x))) {
    throw typeError(`Expected a list of record ids, got ${JSON.stringify(value)}`);
  }
  return list as number[];
}

function withoutId(rec: Rec): Record<string, SeedValue> {
  const { id: _id, create_date: _c, write_date: _w, ...rest } = rec;
  return rest;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

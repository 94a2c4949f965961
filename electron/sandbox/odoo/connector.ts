// The sandbox's carrier connectors: Odoo's delivery.carrier with `integration_level`
// 'rate_and_ship' buys the label when a delivery is validated (stock_delivery `_action_done` →
// `send_to_shipper`, ../shared/ref/carriers.md §2): only for a picking that is not incoming, has
// no carrier_tracking_ref yet, and whose carrier ships. Per package (one when there is none) a
// tracking number and a `LabelShipping-<carrier>-<ref>.<ext>` attachment (a real 4x6 ZPL label
// with the number as its barcode, or a PDF of it), one message with them, and the refs joined by
// ',' in carrier_tracking_ref. The recipient is checked first, as a connector's API would: a
// postcode that is not valid for the country or no phone raises the UserError the connector
// raises, and the picking stays as it was.
import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';
import type { Party } from '../../../shared/order';
import { sandboxLabelFile, sandboxTrackingNumber } from '../carriers/labels';
import type { SandboxOdooState } from './database';
import { userError } from './faults';
import type { Rec } from './schema';
import { packageModel } from './schema';

/** What a connector carrier prints its labels as (Odoo's connectors each have such a field, e.g. `dhl_label_image_format`). */
export type ConnectorLabelFormat = 'ZPL' | 'PDF';

/** The labels made for one picking before it is validated (rendering a PDF takes a moment). */
export interface PreparedShipment {
  pickingId: number;
  carrierId: number;
  /** The packages the labels are for, in order (empty: the picking's content as one parcel). */
  packageIds: number[];
  refs: string[];
  files: { name: string; mimetype: string; datas: string }[];
}

const PREFIX: Record<string, string> = { gls: 'GL', ups: '1Z', dhl: 'JD', dpd: 'DP' };

export class SandboxConnectors {
  /** Tracking numbers handed out so far (never reused, even for a refused validation's labels). */
  private issued = 0;

  constructor(private readonly state: SandboxOdooState) {}

  private carrierOf(picking: Rec): Rec | undefined {
    const id = typeof picking.carrier_id === 'number' ? picking.carrier_id : null;
    const carrier = id === null ? undefined : this.state.get('delivery.carrier', id);
    return carrier?.integration_level === 'rate_and_ship' ? carrier : undefined;
  }

  /** Does validating this picking send it to its carrier (not incoming, no tracking ref yet, a shipping carrier)? */
  ships(picking: Rec): boolean {
    const type = this.state.get('stock.picking.type', Number(picking.picking_type_id));
    const ref = typeof picking.carrier_tracking_ref === 'string' && picking.carrier_tracking_ref.trim() !== '';
    return type?.code !== 'incoming' && !ref && this.carrierOf(picking) !== undefined;
  }

  /** The recipient as the carrier's API checks it; a UserError (before any change) when it will not do. */
  check(picking: Rec): void {
    const carrier = this.carrierOf(picking)!;
    const partner = this.state.get('res.partner', Number(picking.partner_id));
    const country = partner ? this.state.get('res.country', Number(partner.country_id)) : undefined;
    const name = String(carrier.name);
    if (!partner || !country) throw userError(`${name}: the recipient's address is incomplete (no country).`);
    const zip = typeof partner.zip === 'string' ? partner.zip.trim() : '';
    const code = String(country.code);
    if (!zip || (postcodeValidatorExistsForCountry(code) && !postcodeValidator(zip, code))) {
      throw userError(`${name} refused the shipment: the postcode "${zip}" is not valid for ${String(country.name)} (${code}). Please correct the recipient's address.`);
    }
    const phone = [partner.phone, partner.mobile].find((p) => typeof p === 'string' && p.trim() !== '');
    if (!phone) throw userError(`${name} refused the shipment: the recipient's phone number is missing. Please add a phone number to ${String(partner.name)}.`);
  }

  /** The packages a picking ships in: those its move lines go into, else none (one parcel). */
  private packagesOf(picking: Rec): number[] {
    const ids = new Set<number>();
    for (const l of this.state.all('stock.move.line')) {
      if (l.picking_id === picking.id && typeof l.result_package_id === 'number') ids.add(l.result_package_id);
    }
    return [...ids].sort((a, b) => a - b);
  }

  /** Labels for the pickings that will ship, made before anything changes. */
  async prepare(pickings: Rec[]): Promise<Map<number, PreparedShipment>> {
    const prepared = new Map<number, PreparedShipment>();
    for (const picking of pickings) {
      if (!this.ships(picking)) continue;
      const carrier = this.carrierOf(picking)!;
      const type = String(carrier.delivery_type);
      const format: ConnectorLabelFormat = carrier.label_format === 'PDF' ? 'PDF' : 'ZPL';
      const packageIds = this.packagesOf(picking);
      const count = Math.max(1, packageIds.length);
      const pkg = packageModel(this.state.version);
      const refs: string[] = [];
      const files: PreparedShipment['files'] = [];
      for (let i = 0; i < count; i++) {
        const ref = sandboxTrackingNumber(PREFIX[type] ?? type.slice(0, 2).toUpperCase(), 7_000_000 + ++this.issued);
        const packageId = packageIds[i];
        const weightKg = packageId === undefined ? Number(picking.shipping_weight) || 0 : Number(this.state.get(pkg, packageId)?.shipping_weight) || 0;
        const file = await sandboxLabelFile(format === 'PDF' ? 'pdf' : 'zpl', {
          shipFrom: this.companyParty(),
          shipTo: this.party(Number(picking.partner_id)),
          carrier: String(carrier.name),
          service: 'Sandbox connector',
          trackingNumber: ref,
          reference: String(picking.name),
          weightG: Math.round(weightKg * 1000),
          parcelIndex: i + 1,
          parcelCount: count,
        });
        refs.push(ref);
        files.push({
          // Odoo's connectors name them LabelShipping-<carrier>-<tracking>.<format>.
          name: `LabelShipping-${type}-${ref}.${format === 'PDF' ? 'pdf' : 'zpl'}`,
          mimetype: format === 'PDF' ? 'application/pdf' : 'application/x-zpl',
          datas: file.bytes.toString('base64'),
        });
      }
      prepared.set(picking.id, { pickingId: picking.id, carrierId: carrier.id, packageIds, refs, files });
    }
    return prepared;
  }

  /** Whether what was prepared still fits the picking (its packages did not change meanwhile). */
  fits(picking: Rec, prepared: PreparedShipment | undefined): prepared is PreparedShipment {
    return prepared !== undefined && prepared.packageIds.join(',') === this.packagesOf(picking).join(',');
  }

  /** After the picking is done: the tracking refs, the label attachments and the connector's message. */
  ship(picking: Rec, prepared: PreparedShipment, post: (body: string, attachmentIds: number[]) => void): void {
    const carrier = this.state.get('delivery.carrier', prepared.carrierId)!;
    const attachmentIds = prepared.files.map((f) =>
      this.state.insert('ir.attachment', { name: f.name, type: 'binary', datas: f.datas, mimetype: f.mimetype, res_model: 'stock.picking', res_id: picking.id }),
    );
    const refs = prepared.refs.join(',');
    this.state.update('stock.picking', picking.id, { carrier_tracking_ref: refs });
    post(`<p>Shipment created into ${escapeHtml(String(carrier.name))}<br/><b>Tracking Numbers:</b> ${escapeHtml(refs)}<br/><b>Packages:</b> ${prepared.refs.length}</p>`, attachmentIds);
  }

  private companyParty(): Party {
    const company = this.state.all('res.company')[0];
    return this.party(Number(company?.partner_id));
  }

  private party(partnerId: number): Party {
    const p = this.state.get('res.partner', partnerId);
    const country = p ? this.state.get('res.country', Number(p.country_id)) : undefined;
    const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : null);
    return {
      name: text(p?.name) ?? '-',
      company: null,
      street1: text(p?.street) ?? '-',
      street2: text(p?.street2),
      city: text(p?.city) ?? '-',
      postalCode: text(p?.zip) ?? '-',
      region: null,
      country: text(country?.code) ?? 'XX',
      phone: text(p?.phone),
      email: text(p?.email),
    };
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// What the dispatch leaves in the picking's chatter: the label attachment's name and type, and the
// one message. The message carries "Tracking <ref>", the marker by which a retry (and lookup)
// finds it, and the bench's audit log head as an anchor outside the bench. Pure.
import { labelsOf, type DispatchPayload } from '../../pack/effects';
import { clockTime } from '../claims';

const EXTENSIONS: Record<string, { ext: string; mimetype: string }> = {
  ZPL: { ext: 'zpl', mimetype: 'application/x-zpl' },
  PDF: { ext: 'pdf', mimetype: 'application/pdf' },
  PNG: { ext: 'png', mimetype: 'image/png' },
  EPL: { ext: 'epl', mimetype: 'application/x-epl' },
};

/** Named like Odoo's own connectors: `LabelShipping-<carrier>-<tracking>.<ext>`. */
export function labelAttachmentName(payload: Pick<DispatchPayload, 'carrier' | 'trackingRef'>, format: string): string {
  const ext = EXTENSIONS[format.toUpperCase()]?.ext ?? format.toLowerCase();
  return `LabelShipping-${payload.carrier ?? 'packbench'}-${payload.trackingRef}.${ext}`;
}

export function labelMimetype(format: string): string {
  return EXTENSIONS[format.toUpperCase()]?.mimetype ?? 'application/octet-stream';
}

/** The words a dispatch message is found by (mail.message body ilike). */
export function messageMarker(trackingRef: string): string {
  return `Tracking ${trackingRef}`;
}

const kg = (g: number) => `${(g / 1000).toFixed(3)} kg`;

/** "Lots and serials scanned: ESP-2503 (2), SN-0001.", or '' when none were scanned. */
function lotsText(p: DispatchPayload): string {
  const lots = p.lines.flatMap((l) => (l.lots ?? []).map((lot) => (lot.quantity === 1 ? lot.name : `${lot.name} (${lot.quantity})`)));
  return lots.length === 0 ? '' : `Lots and serials scanned: ${lots.join(', ')}.`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface MessageFacts {
  /** Fewer packed than demanded. */
  short: boolean;
  /** Whether Odoo kept the rest as a backorder (read back; the operation type may override the bench). */
  backordered: boolean;
  /** The bench's audit log head as the message is sent; `audit verify --anchor SEQ:HASH` checks against it. */
  auditHead: { seq: number; hash: string } | null;
  /** The order's correlation id (`odoo:<db>:picking:<id>`), as in the bench's logs and the carrier's reference; absent: none. */
  reference?: string | null;
}

/** What the message says of the labels: attached by the bench, or made by Odoo's carrier connector. */
function labelNote(p: DispatchPayload): string {
  if (p.labelledBy === 'odoo_connector') return ", labels from Odoo's carrier connector";
  const n = labelsOf(p).length;
  return n === 0 ? '' : n === 1 ? ', label attached' : `, ${n} labels attached`;
}

/** The chatter message's HTML body. */
export function dispatchMessage(p: DispatchPayload, facts: MessageFacts): string {
  const items = p.lines.reduce((n, l) => n + l.quantity, 0);
  const parcels = p.parcels ?? [];
  // The first ref leads: it is the marker a retry looks for.
  const refs = parcels.length > 1 ? parcels.map((x) => x.trackingRef).join(', ') : p.trackingRef;
  const count = Math.max(1, parcels.length);
  const parts = [
    `Packed at ${p.bench ?? 'Packbench'}: ${items} item${items === 1 ? '' : 's'} in ${count} parcel${count === 1 ? '' : 's'}, ${kg(p.weightG)}.`,
    `${messageMarker(refs)}${labelNote(p)}.`,
    lotsText(p),
    facts.short ? (facts.backordered ? 'Not everything was packed: the rest stays as a backorder.' : 'Not everything was packed: the rest was cancelled (no backorder).') : '',
    p.openedAt ? `Opened at ${clockTime(p.openedAt)}.` : '',
    facts.auditHead ? `Audit log entry ${facts.auditHead.seq} (${facts.auditHead.hash.slice(0, 12)}).` : '',
    facts.reference ? `Bench reference ${facts.reference}.` : '',
  ].filter(Boolean);
  return `<p>${parts.map(escapeHtml).join('<br/>')}</p>`;
}

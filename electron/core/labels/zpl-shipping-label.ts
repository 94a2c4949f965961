// A 4x6 in shipping label in ZPL II for 203 dpi Zebra-compatible printers.
// Field data is always written under ^FH so names can never inject commands.
import type { Party } from '../../../shared/order';

export interface ShippingLabelData {
  shipFrom: Party;
  shipTo: Party;
  carrier: string;
  service: string;
  trackingNumber: string;
  /** The order (picking) name, e.g. WH/OUT/00042. */
  reference: string;
  weightG: number;
  /** 1-based. */
  parcelIndex: number;
  parcelCount: number;
}

export interface ShippingLabelOptions {
  dpi?: 203;
}

const WIDTH = 812; // 4 in at 203 dpi
const HEIGHT = 1218; // 6 in at 203 dpi
const MARGIN = 24;
const PAD = 20; // inner padding from the frame
const INNER_X = MARGIN + PAD;
const INNER_W = WIDTH - 2 * INNER_X;

const BARCODE_HEIGHT = 190;
const MAX_MODULE = 4; // dots; wider bars gain nothing for scanners at 203 dpi
const QUIET_MODULES = 10; // Code 128 quiet zone on each side

/**
 * Escapes text for a field under ^FH (escape char `_`): `_`, `^`, `~`, `\` and control
 * bytes become `_hh`. UTF-8 passes through as-is (^CI28).
 */
export function escapeFieldData(text: string): string {
  return text.replace(/[\x00-\x1f\x7f^~_\\]/g, (ch) => `_${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** A text or barcode field at (x, y): `^FO` + formatting commands + escaped `^FD`. */
function field(x: number, y: number, format: string, data: string): string {
  return `^FO${x},${y}${format}^FH^FD${escapeFieldData(data)}^FS`;
}

// Font 0 is proportional; this average glyph width (relative to height) errs on the wide
// side so estimated lines never run past the frame.
const AVG_GLYPH_WIDTH = 0.55;
const MIN_FONT = 24;

/** The largest font size <= `size` at which `value` should fit in `width` dots. */
function fitSize(value: string, size: number, width = INNER_W): number {
  let s = size;
  while (s > MIN_FONT && value.length * s * AVG_GLYPH_WIDTH > width) s -= 2;
  return s;
}

/**
 * Left-aligned text, shrunk to fit one line. User data never goes through ^FB: inside a
 * field block `\&` means "new line", and firmware and renderers disagree on escaping it.
 */
function text(x: number, y: number, value: string, size: number, width = INNER_W): string {
  const s = fitSize(value, size, width);
  return field(x, y, `^A0N,${s},${s}`, value);
}

/**
 * Centred or right-aligned text in a one-line ^FB block. Inside a block a backslash is
 * itself an escape (`\\` prints one), so it is doubled after ^FH decoding.
 */
function alignedText(x: number, y: number, value: string, size: number, align: 'C' | 'R', width = INNER_W): string {
  const data = escapeFieldData(value).replaceAll('_5C', '_5C_5C');
  return `^FO${x},${y}^A0N,${size},${size}^FB${width},1,0,${align},0^FH^FD${data}^FS`;
}

/** Splits `value` at spaces into at most `maxLines` lines of about `size`-dot text. */
function wrap(value: string, size: number, maxLines: number, width = INNER_W): string[] {
  const perLine = Math.max(1, Math.floor(width / (size * AVG_GLYPH_WIDTH)));
  const lines: string[] = [];
  let current = '';
  for (const word of value.split(/\s+/).filter(Boolean)) {
    const next = current ? `${current} ${word}` : word;
    if (next.length <= perLine || !current || lines.length === maxLines - 1) current = next;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current) lines.push(current);
  return lines;
}

/** A horizontal rule across the frame. */
function rule(y: number, thickness = 3): string {
  return `^FO${MARGIN},${y}^GB${WIDTH - 2 * MARGIN},${thickness},${thickness}^FS`;
}

function cityLine(p: Party): string {
  return [p.postalCode, p.city, p.region].filter((s): s is string => !!s && s.trim() !== '').join(' ');
}

function addressLines(p: Party): string[] {
  const lines = [p.company, p.street1, p.street2, cityLine(p), p.country.toUpperCase()];
  return lines.filter((s): s is string => !!s && s.trim() !== '');
}

/** Code 128 plan for ^BC mode N: the field data and its width in modules. */
function code128Plan(value: string): { data: string; modules: number } {
  if (!/^[\x20-\x7e]+$/.test(value)) {
    throw new Error(`Tracking number must be printable ASCII: ${JSON.stringify(value)}`);
  }
  // Start + symbols + check (11 modules each) + stop (13).
  const width = (symbols: number) => 11 * (symbols + 2) + 13;
  // All-digit, even length: subset C packs two digits per symbol (`>;` selects it).
  if (/^\d+$/.test(value) && value.length % 2 === 0) {
    return { data: `>;${value}`, modules: width(value.length / 2) };
  }
  // Subset B (the mode N default); `>` is the invocation char, so a literal one is `><`.
  return { data: value.replaceAll('>', '><'), modules: width(value.length) };
}

function trackingBarcode(y: number, trackingNumber: string): string {
  const plan = code128Plan(trackingNumber);
  const module = Math.min(MAX_MODULE, Math.floor(INNER_W / (plan.modules + 2 * QUIET_MODULES)));
  if (module < 1) throw new Error(`Tracking number too long for one Code 128 on a 4 in label: ${trackingNumber}`);
  const x = Math.round((WIDTH - plan.modules * module) / 2);
  // Interpretation line off: we print our own larger, centred human-readable text.
  return field(x, y, `^BY${module},3,${BARCODE_HEIGHT}^BCN,${BARCODE_HEIGHT},N,N,N,N`, plan.data);
}

function formatKg(weightG: number): string {
  return `${(weightG / 1000).toFixed(2)} kg`;
}

function validate(d: ShippingLabelData): void {
  if (!Number.isInteger(d.parcelCount) || d.parcelCount < 1) throw new Error(`Invalid parcel count: ${d.parcelCount}`);
  if (!Number.isInteger(d.parcelIndex) || d.parcelIndex < 1 || d.parcelIndex > d.parcelCount) {
    throw new Error(`Invalid parcel index ${d.parcelIndex} of ${d.parcelCount}`);
  }
  if (!Number.isFinite(d.weightG) || d.weightG < 0) throw new Error(`Invalid weight: ${d.weightG} g`);
  if (d.trackingNumber.trim() === '') throw new Error('Tracking number is empty');
}

/** Renders one 4x6 in shipping label (812x1218 dots at 203 dpi) as a ZPL II string. */
export function renderShippingLabelZpl(data: ShippingLabelData, opts: ShippingLabelOptions = {}): string {
  if ((opts.dpi ?? 203) !== 203) throw new Error(`Unsupported printer resolution: ${String(opts.dpi)} dpi`);
  validate(data);
  const out: string[] = ['^XA', '^CI28', `^PW${WIDTH}`, `^LL${HEIGHT}`, '^LH0,0', '^PQ1'];
  out.push(`^FO${MARGIN},${MARGIN}^GB${WIDTH - 2 * MARGIN},${HEIGHT - 2 * MARGIN},4^FS`); // frame

  // Ship from: small, top.
  let y = MARGIN + 16;
  out.push(text(INNER_X, y, 'FROM', 22));
  y += 28;
  out.push(text(INNER_X, y, data.shipFrom.name, 26));
  y += 30;
  for (const line of addressLines(data.shipFrom).slice(0, 4)) {
    out.push(text(INNER_X, y, line, 24));
    y += 27;
  }
  y = 232;
  out.push(rule(y));

  // Ship to: the biggest block. Name may take two lines; the rest one line each.
  const to = data.shipTo;
  y += 16;
  out.push(text(INNER_X, y, 'SHIP TO', 28));
  y += 36;
  for (const line of wrap(to.name, 56, 2)) {
    const size = fitSize(line, 56);
    out.push(text(INNER_X, y, line, size));
    y += size + 4;
  }
  y += 6;
  for (const line of [to.company, to.street1, to.street2]) {
    if (!line || line.trim() === '') continue;
    out.push(text(INNER_X, y, line, 42));
    y += 44;
  }
  out.push(text(INNER_X, y, cityLine(to), 48));
  y += 52;
  out.push(text(INNER_X, y, to.country.toUpperCase(), 48, 120));
  if (to.phone) out.push(text(INNER_X + 300, y + 12, `Tel. ${to.phone}`, 28, INNER_W - 300));
  y = 652;
  out.push(rule(y));

  // Carrier and service (left), parcel n of N and weight (right).
  const half = Math.floor(INNER_W / 2);
  y += 16;
  out.push(text(INNER_X, y, data.carrier, 48, half + 40));
  out.push(text(INNER_X, y + 56, data.service, 32, half + 40));
  out.push(alignedText(INNER_X + half, y, `Parcel ${data.parcelIndex} of ${data.parcelCount}`, 40, 'R', INNER_W - half));
  out.push(alignedText(INNER_X + half, y + 56, formatKg(data.weightG), 40, 'R', INNER_W - half));
  y = 772;
  out.push(rule(y));

  out.push(text(INNER_X, y + 16, `Ref: ${data.reference}`, 36));
  y = 836;
  out.push(rule(y));

  // Tracking: Code 128 with our own larger human-readable line below.
  out.push(alignedText(INNER_X, y + 18, 'TRACKING', 24, 'C'));
  out.push(trackingBarcode(y + 52, data.trackingNumber));
  out.push(alignedText(INNER_X, y + 52 + BARCODE_HEIGHT + 16, data.trackingNumber, 44, 'C'));

  out.push('^XZ');
  return out.join('\n');
}

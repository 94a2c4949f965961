// A 4x6 in shipping label in ZPL II for 203 dpi (812x1218 dots) and 300 dpi (1200x1800)
// Zebra-compatible printers. One layout, drawn in 203-dot design units and scaled.
// Field data is always written under ^FH so names can never inject commands.
import type { Party } from '../../../shared/order';
import { normalizeSscc, formatSscc } from './sscc';
import { fitWithin, type MonoBitmap } from './mono-bitmap';
import { measureText, renderTextLine } from './text-raster';
import { zplGraphicField } from './zpl-graphic';

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
  /** The day the label is made, printed as YYYY-MM-DD beside the reference (absent: none printed). */
  date?: Date;
  /** Optional SSCC: 17 digits (check digit added) or 18 (verified); printed as GS1-128 (00). */
  sscc?: string | null;
}

export type LabelDpi = 203 | 300;

/**
 * How text outside printable ASCII is printed:
 * - 'auto' (default): the printer's font 0 for Latin (ASCII, Latin-1, Latin Extended-A: Polish,
 *   Czech, German...), a graphic for every other script (Greek, Cyrillic, CJK...).
 * - 'graphic': every non-ASCII field as a graphic (^GFA) from bundled Noto fonts.
 * - { printerFont }: a Unicode TrueType font stored on the printer (e.g. 'E:NOTOSANS.TTF'),
 *   assigned with ^CW and used for every non-ASCII field. Set per printer.
 */
export type UnicodeTextMode = 'auto' | 'graphic' | { printerFont: string };

export interface ShippingLabelOptions {
  dpi?: LabelDpi;
  /** The 2D code carrying the tracking number (default QR). */
  code2d?: 'qr' | 'datamatrix' | 'none';
  unicodeText?: UnicodeTextMode;
}

/** Label size in dots for a resolution: 4x6 in. */
export function labelSize(dpi: LabelDpi): { width: number; height: number } {
  return dpi === 300 ? { width: 1200, height: 1800 } : { width: 812, height: 1218 };
}

// Design units: dots at 203 dpi.
const WIDTH = 812;
const HEIGHT = 1218;
const MARGIN = 24;
const PAD = 20; // inner padding from the frame
const INNER_X = MARGIN + PAD;
const INNER_W = WIDTH - 2 * INNER_X;

const TRACKING_BARCODE_HEIGHT = 150;
const SSCC_BARCODE_HEIGHT = 110;
const QUIET_MODULES = 10; // Code 128 quiet zone on each side
const CODE2D_BOX = 168; // square top right of the ship-from block
const RESIDENT_FONT_TEXT = /^[\x20-\x7e\u00a0-\u017f]*$/;
const ASCII_TEXT = /^[\x20-\x7e]*$/;
const PRINTER_FONT_ID = 'J';

/**
 * Escapes text for a field under ^FH (escape char `_`): `_`, `^`, `~`, `\` and control
 * bytes become `_hh`. UTF-8 passes through as-is (^CI28).
 */
export function escapeFieldData(text: string): string {
  return text.replace(/[\x00-\x1f\x7f^~_\\]/g, (ch) => `_${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

// Font 0 is proportional; this average glyph width (relative to height) errs on the wide
// side so estimated lines never run past the frame. East Asian characters are full width.
const AVG_GLYPH_WIDTH = 0.55;
const MIN_FONT = 22;
const WIDE_CHAR = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

function estimatedWidth(value: string, size: number): number {
  let em = 0;
  for (const ch of value) em += WIDE_CHAR.test(ch) ? 1 : AVG_GLYPH_WIDTH;
  return em * size;
}

/** Splits `value` at spaces into at most `maxLines` lines that fit `width` per `measure`. */
function wrapBy(value: string, width: number, maxLines: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of value.split(/\s+/).filter(Boolean)) {
    const next = current ? `${current} ${word}` : word;
    if (measure(next) <= width || !current || lines.length === maxLines - 1) current = next;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current) lines.push(current);
  return lines;
}

function cityLine(p: Party): string {
  return [p.postalCode, p.city, p.region].filter((s): s is string => !!s && s.trim() !== '').join(' ');
}

function addressLines(p: Party): string[] {
  // A company whose name is the contact's name (a business address) is not printed twice.
  const company = p.company && p.company.trim().toLowerCase() !== p.name.trim().toLowerCase() ? p.company : null;
  const lines = [company, p.street1, p.street2, cityLine(p), p.country.toUpperCase()];
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

/** The drawing primitives for one label: design units in, printer dots out. */
class LabelCanvas {
  readonly out: string[] = [];
  private readonly k: number;
  private readonly maxModule: number;

  constructor(
    readonly dpi: LabelDpi,
    private readonly unicode: UnicodeTextMode,
  ) {
    this.k = labelSize(dpi).width / WIDTH;
    this.maxModule = dpi === 300 ? 6 : 4; // about 0.5 mm; wider bars gain scanners nothing
  }

  /** Design units → dots. */
  d(v: number): number {
    return Math.round(v * this.k);
  }

  /** A text or barcode field at design (x, y): `^FO` + formatting + escaped `^FD`. */
  field(x: number, y: number, format: string, data: string): void {
    this.out.push(`^FO${this.d(x)},${this.d(y)}${format}^FH^FD${escapeFieldData(data)}^FS`);
  }

  private mode(value: string): 'font0' | 'graphic' | 'printer-font' {
    if (ASCII_TEXT.test(value)) return 'font0';
    if (typeof this.unicode === 'object') return 'printer-font';
    if (this.unicode === 'auto' && RESIDENT_FONT_TEXT.test(value)) return 'font0';
    return 'graphic';
  }

  /** The font command for text in `value` at `size` design units. */
  private fontCommand(value: string, size: number): string {
    const s = this.d(size);
    return this.mode(value) === 'printer-font' ? `^A${PRINTER_FONT_ID}N,${s},${s}` : `^A0N,${s},${s}`;
  }

  /**
   * Graphic text, shrunk to fit `width`: an em of 0.8 of the ZPL cell height gives about the
   * same cap height as font 0; `top` is where font 0's cell would start, in dots.
   */
  private textGraphic(value: string, y: number, size: number, width: number): { top: number; bitmap: MonoBitmap } {
    const maxW = this.d(width);
    let em = this.d(size * 0.8);
    const minEm = this.d(MIN_FONT * 0.8);
    while (em > minEm && measureText(value, em) > maxW) em -= 1;
    const line = renderTextLine(value, em);
    const bitmap = fitWithin(line.bitmap, maxW, line.bitmap.height);
    // Baseline where font 0 puts it (about 0.76 of the cell below ^FO), accents above.
    const baseline = Math.round((line.baseline * bitmap.height) / line.bitmap.height);
    return { top: Math.max(0, this.d(y) + Math.round(em * 0.95) - baseline), bitmap };
  }

  /** Width a line would take at `size`, in design units. */
  measure(value: string, size: number): number {
    if (this.mode(value) === 'graphic') return measureText(value, this.d(size * 0.8)) / this.k;
    return estimatedWidth(value, size);
  }

  /** The largest size <= `size` at which `value` should fit in `width`. */
  fitSize(value: string, size: number, width = INNER_W): number {
    let s = size;
    while (s > MIN_FONT && this.measure(value, s) > width) s -= 2;
    return s;
  }

  /**
   * Left-aligned text, shrunk to fit one line. User data never goes through ^FB: inside a
   * field block `\&` means "new line", and firmware and renderers disagree on escaping it.
   */
  text(x: number, y: number, value: string, size: number, width = INNER_W): void {
    if (this.mode(value) === 'graphic') {
      const { top, bitmap } = this.textGraphic(value, y, size, width);
      this.out.push(zplGraphicField(this.d(x), top, bitmap));
      return;
    }
    const s = this.fitSize(value, size, width);
    this.field(x, y, this.fontCommand(value, s), value);
  }

  /**
   * Centred or right-aligned text in a one-line ^FB block. Inside a block a backslash is
   * itself an escape (`\\` prints one), so it is doubled after ^FH decoding.
   */
  alignedText(x: number, y: number, value: string, size: number, align: 'C' | 'R', width = INNER_W): void {
    if (this.mode(value) === 'graphic') {
      const { top, bitmap } = this.textGraphic(value, y, size, width);
      const room = this.d(width) - bitmap.width;
      this.out.push(zplGraphicField(this.d(x) + (align === 'C' ? Math.floor(room / 2) : room), top, bitmap));
      return;
    }
    const data = escapeFieldData(value).replaceAll('_5C', '_5C_5C');
    this.out.push(
      `^FO${this.d(x)},${this.d(y)}${this.fontCommand(value, size)}^FB${this.d(width)},1,0,${align},0^FH^FD${data}^FS`,
    );
  }

  /** A horizontal rule across the frame. */
  rule(y: number, thickness = 3): void {
    const t = Math.max(1, this.d(thickness));
    this.out.push(`^FO${this.d(MARGIN)},${this.d(y)}^GB${this.d(WIDTH - 2 * MARGIN)},${t},${t}^FS`);
  }

  frame(): void {
    const t = this.d(4);
    this.out.push(`^FO${this.d(MARGIN)},${this.d(MARGIN)}^GB${this.d(WIDTH - 2 * MARGIN)},${this.d(HEIGHT - 2 * MARGIN)},${t}^FS`);
  }

  /** A Code 128 centred in the frame, `height` design units tall, widest module that fits. */
  code128(y: number, data: string, modules: number, height: number, what: string): void {
    const inner = this.d(INNER_W);
    const module = Math.min(this.maxModule, Math.floor(inner / (modules + 2 * QUIET_MODULES)));
    if (module < 1) throw new Error(`${what} too long for one Code 128 on a 4 in label: ${data}`);
    const x = Math.round((this.d(WIDTH) - modules * module) / 2);
    const h = this.d(height);
    // Interpretation line off: we print our own larger, centred human-readable text.
    this.out.push(`^FO${x},${this.d(y)}^BY${module},3,${h}^BCN,${h},N,N,N,N^FH^FD${escapeFieldData(data)}^FS`);
  }

  /** QR (level M) or DataMatrix (ECC 200) carrying `data`, in a `box` design-unit square at (x, y). */
  code2d(x: number, y: number, kind: 'qr' | 'datamatrix', data: string, box: number): void {
    const boxDots = this.d(box);
    if (kind === 'qr') {
      // Versions 1-3 hold up to 61 alphanumerics at level M; 29 modules plus a 4-module quiet zone.
      const mag = Math.max(1, Math.min(10, Math.floor(boxDots / 33)));
      this.field(x, y, `^BQN,2,${mag}`, `MA,${data}`);
    } else {
      // In ECC 200, ~ is ^BX's own escape character; tracking numbers never carry one.
      if (data.includes('~')) throw new Error(`DataMatrix data cannot contain "~": ${data}`);
      const module = Math.max(1, Math.floor(boxDots / 26));
      this.field(x, y, `^BXN,${module},200`, data);
    }
  }
}

/** Renders one 4x6 in shipping label (812x1218 dots at 203 dpi, 1200x1800 at 300) as ZPL II. */
export function renderShippingLabelZpl(data: ShippingLabelData, opts: ShippingLabelOptions = {}): string {
  const dpi = opts.dpi ?? 203;
  if (dpi !== 203 && dpi !== 300) throw new Error(`Unsupported printer resolution: ${String(dpi)} dpi`);
  validate(data);
  const tracking = code128Plan(data.trackingNumber);
  const sscc = data.sscc ? normalizeSscc(data.sscc) : null;
  const unicode = opts.unicodeText ?? 'auto';
  const c = new LabelCanvas(dpi, unicode);
  const { width, height } = labelSize(dpi);
  c.out.push('^XA', '^CI28', `^PW${width}`, `^LL${height}`, '^LH0,0', '^PQ1');
  if (typeof unicode === 'object') {
    if (!/^[REBA]:[\w.-]+\.TTF$/i.test(unicode.printerFont)) {
      throw new Error(`Printer font must be a TrueType file on the printer, like E:NOTOSANS.TTF: ${unicode.printerFont}`);
    }
    c.out.push(`^CW${PRINTER_FONT_ID},${unicode.printerFont}`);
  }
  c.frame();

  // Ship from: small, top left; the 2D code top right.
  const code2d = opts.code2d ?? 'qr';
  const fromW = code2d === 'none' ? INNER_W : INNER_W - CODE2D_BOX - 12;
  let y = MARGIN + 14;
  // The sender's phone where Odoo has one: the carrier's driver calls it, not the customer.
  c.text(INNER_X, y, data.shipFrom.phone ? `FROM   Tel. ${data.shipFrom.phone}` : 'FROM', 20, fromW);
  y += 26;
  c.text(INNER_X, y, data.shipFrom.name, 24, fromW);
  y += 28;
  for (const line of addressLines(data.shipFrom).slice(0, 4)) {
    c.text(INNER_X, y, line, 22, fromW);
    y += 25;
  }
  if (code2d !== 'none') {
    c.code2d(WIDTH - INNER_X - CODE2D_BOX, MARGIN + 12, code2d, data.trackingNumber, CODE2D_BOX);
  }
  y = 204;
  c.rule(y);

  // Ship to: the biggest block. Name may take two lines; the rest one line each.
  const to = data.shipTo;
  y += 14;
  c.text(INNER_X, y, 'SHIP TO', 26);
  y += 32;
  for (const line of wrapBy(to.name, INNER_W, 2, (s) => c.measure(s, 52))) {
    const size = c.fitSize(line, 52);
    c.text(INNER_X, y, line, size);
    y += size + 4;
  }
  y += 4;
  for (const line of [to.company, to.street1, to.street2]) {
    if (!line || line.trim() === '') continue;
    c.text(INNER_X, y, line, 38);
    y += 40;
  }
  c.text(INNER_X, y, cityLine(to), 44);
  y += 48;
  c.text(INNER_X, y, to.country.toUpperCase(), 44, 120);
  if (to.phone) c.text(INNER_X + 300, y + 10, `Tel. ${to.phone}`, 28, INNER_W - 300);
  y = 600;
  c.rule(y);

  // Carrier and service (left), parcel n of N and weight (right).
  const half = Math.floor(INNER_W / 2);
  y += 12;
  c.text(INNER_X, y, data.carrier, 44, half + 40);
  c.text(INNER_X, y + 52, data.service, 30, half + 40);
  c.alignedText(INNER_X + half, y, `Parcel ${data.parcelIndex} of ${data.parcelCount}`, 38, 'R', INNER_W - half);
  c.alignedText(INNER_X + half, y + 52, formatKg(data.weightG), 38, 'R', INNER_W - half);
  y = 712;
  c.rule(y);

  c.text(INNER_X, y + 12, `Ref: ${data.reference}`, 32, data.date ? half + 80 : INNER_W);
  if (data.date) c.alignedText(INNER_X + half, y + 14, data.date.toISOString().slice(0, 10), 30, 'R', INNER_W - half);
  y = 760;
  c.rule(y);

  // Tracking: Code 128 with our own larger human-readable line below.
  c.alignedText(INNER_X, y + 12, 'TRACKING', 22, 'C');
  c.code128(y + 40, tracking.data, tracking.modules, TRACKING_BARCODE_HEIGHT, 'Tracking number');
  c.alignedText(INNER_X, y + 40 + TRACKING_BARCODE_HEIGHT + 10, data.trackingNumber, 40, 'C');

  // SSCC: GS1-128, start C + FNC1 (`>;>8`) then AI 00 and 18 digits: 9 symbol pairs + FNC1.
  if (sscc) {
    y = 1010;
    c.rule(y);
    c.alignedText(INNER_X, y + 10, 'SSCC', 20, 'C');
    c.code128(y + 34, `>;>800${sscc}`, 11 * (1 + 1 + 10 + 1) + 13, SSCC_BARCODE_HEIGHT, 'SSCC');
    c.alignedText(INNER_X, y + 34 + SSCC_BARCODE_HEIGHT + 8, formatSscc(sscc), 28, 'C');
  }

  c.out.push('^XZ');
  return c.out.join('\n');
}

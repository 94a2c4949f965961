// ESC/POS bytes of the shipping label, checked against the command sequences a receipt
// printer expects (Epson ESC/POS as node-thermal-printer writes it).
import { describe, expect, it } from 'vitest';
import { renderShippingLabelEscPos } from '../../electron/core/labels/escpos-label';
import { createMonoBitmap, type MonoBitmap } from '../../electron/core/labels/mono-bitmap';
import { renderTextBitmap } from '../../electron/core/labels/text-raster';
import type { ShippingLabelData } from '../../electron/core/labels/zpl-shipping-label';
import { party } from '../support/label-data';

const label: ShippingLabelData = {
  shipFrom: party({ name: 'Packbench Warehouse', street1: 'Industrial Way 12', city: 'Poznan', postalCode: '61-001', country: 'PL' }),
  shipTo: party({ name: 'Jan Kowalski', street1: 'Main Street 30', city: 'Lodz', postalCode: '90-001', country: 'pl' }),
  carrier: 'DHL Parcel',
  service: 'Standard',
  trackingNumber: 'JJD0012345678901234',
  reference: 'WH/OUT/00042',
  weightG: 2350,
  parcelIndex: 1,
  parcelCount: 2,
};

const ESC = 0x1b;
const GS = 0x1d;
const bytes = (...b: number[]) => Buffer.from(b);

/** Index of `needle` in `hay` at or after `from`, -1 if absent. */
function find(hay: Buffer, needle: Buffer | string, from = 0): number {
  return hay.indexOf(typeof needle === 'string' ? Buffer.from(needle, 'latin1') : needle, from);
}

describe('ESC/POS shipping label', () => {
  it('initialises, aligns, prints text, a Code 128 and a QR of the tracking number, then cuts', async () => {
    const buf = await renderShippingLabelEscPos(label);
    expect(buf.subarray(0, 2)).toEqual(bytes(ESC, 0x40)); // ESC @
    expect(buf.subarray(2, 5)).toEqual(bytes(ESC, 0x61, 0x01)); // ESC a 1: centre

    const left = find(buf, bytes(ESC, 0x61, 0x00));
    expect(left).toBeGreaterThan(0);
    expect(find(buf, 'SHIP TO')).toBeGreaterThan(left);
    expect(find(buf, 'Jan Kowalski')).toBeGreaterThan(left);
    expect(find(buf, '90-001 Lodz')).toBeGreaterThan(0);
    expect(find(buf, 'Parcel 1 of 2   2.35 kg')).toBeGreaterThan(0);
    expect(find(buf, 'Ref: WH/OUT/00042')).toBeGreaterThan(0);

    // Code 128: GS H 0 (no HRI), GS f 0, GS w n, GS h 120, then GS k 73 len "{B" data.
    const code = find(buf, Buffer.concat([bytes(GS, 0x6b, 73, label.trackingNumber.length + 2), Buffer.from(`{B${label.trackingNumber}`)]));
    expect(code).toBeGreaterThan(find(buf, bytes(ESC, 0x61, 0x01), 5));
    const setup = buf.subarray(code - 12, code);
    expect(setup.subarray(0, 3)).toEqual(bytes(GS, 0x48, 0));
    expect(setup.subarray(3, 6)).toEqual(bytes(GS, 0x66, 0));
    expect(setup.subarray(6, 8)).toEqual(bytes(GS, 0x77));
    expect(setup[8]).toBeGreaterThanOrEqual(2);
    expect(setup[8]).toBeLessThanOrEqual(6);
    expect(setup.subarray(9, 12)).toEqual(bytes(GS, 0x68, 120));

    // QR: GS ( k ... store data (cn 49, fn 80 "1P0") then print (fn 81).
    const qrData = Buffer.concat([bytes(GS, 0x28, 0x6b, label.trackingNumber.length + 3, 0, 0x31, 0x50, 0x30), Buffer.from(label.trackingNumber)]);
    expect(find(buf, qrData)).toBeGreaterThan(code);
    expect(find(buf, bytes(GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30))).toBeGreaterThan(code);

    // Cut: GS V 0 (full cut), then ESC @ to leave the printer reset.
    expect(buf.subarray(-5)).toEqual(bytes(GS, 0x56, 0x00, ESC, 0x40));
  });

  it('prints a name outside ASCII as a raster image (GS v 0), never as mangled code-page text', async () => {
    const buf = await renderShippingLabelEscPos({
      ...label,
      shipTo: { ...label.shipTo, name: 'Małgorzata Ελένη 王秀英' },
    });
    const raster = find(buf, bytes(GS, 0x76, 0x30, 0x30)) // GS v 0, m = '0' (normal density);
    expect(raster).toBeGreaterThan(find(buf, 'SHIP TO'));
    const xBytes = buf[raster + 4]! + 256 * buf[raster + 5]!;
    const rows = buf[raster + 6]! + 256 * buf[raster + 7]!;
    expect(xBytes).toBeGreaterThan(10);
    expect(xBytes * 8).toBeLessThanOrEqual(576);
    expect(rows).toBeGreaterThan(20);
    expect(rows).toBeLessThan(256);
    expect(find(buf, Buffer.from('Małgorzata', 'utf8'))).toBe(-1);
  });

  it('refuses a tracking number a Code 128 cannot carry', async () => {
    await expect(renderShippingLabelEscPos({ ...label, trackingNumber: 'ŻÓŁW' })).rejects.toThrow(/ASCII/);
  });
});

/**
 * The ESC/POS stream as a list of commands, read from the Epson ESC/POS reference (not from
 * node-thermal-printer): any byte it does not know fails the test rather than being skipped.
 */
type Command =
  | { cmd: 'init' }
  | { cmd: 'align'; n: 'left' | 'centre' | 'right' }
  | { cmd: 'mode'; n: number } // ESC ! n: 0x10 double height
  | { cmd: 'bold'; on: boolean }
  | { cmd: 'feed'; lines: number }
  | { cmd: 'hri'; n: number }
  | { cmd: 'hriFont'; n: number }
  | { cmd: 'barWidth'; n: number }
  | { cmd: 'barHeight'; n: number }
  | { cmd: 'barcode'; m: number; data: string }
  | { cmd: 'qr'; fn: string; params: number[]; data?: string }
  | { cmd: 'raster'; bitmap: MonoBitmap }
  | { cmd: 'cut'; m: number }
  | { cmd: 'text'; text: string }
  | { cmd: 'lf' };

/** The three-byte commands (ESC/GS, letter, n) the label uses. */
const ESC_COMMANDS: Record<number, (n: number) => Command> = {
  0x61: (n) => ({ cmd: 'align', n: (['left', 'centre', 'right'] as const)[n]! }),
  0x21: (n) => ({ cmd: 'mode', n }),
  0x45: (n) => ({ cmd: 'bold', on: n === 1 }),
  0x64: (lines) => ({ cmd: 'feed', lines }),
};
const GS_COMMANDS: Record<number, (n: number) => Command> = {
  0x48: (n) => ({ cmd: 'hri', n }),
  0x66: (n) => ({ cmd: 'hriFont', n }),
  0x77: (n) => ({ cmd: 'barWidth', n }),
  0x68: (n) => ({ cmd: 'barHeight', n }),
  0x56: (m) => ({ cmd: 'cut', m }),
};

function commands(buf: Buffer): Command[] {
  const out: Command[] = [];
  let i = 0;
  let text = '';
  const flush = () => {
    if (text) out.push({ cmd: 'text', text });
    text = '';
  };
  const byte = (at: number) => {
    if (at >= buf.length) throw new Error(`command cut short at byte ${at}`);
    return buf[at]!;
  };
  while (i < buf.length) {
    const b = buf[i]!;
    if (b === 0x0a) {
      flush();
      out.push({ cmd: 'lf' });
      i += 1;
    } else if (b >= 0x20 && b < 0x7f) {
      text += String.fromCharCode(b);
      i += 1;
    } else if (b === ESC) {
      flush();
      const c = byte(i + 1);
      if (c === 0x40) {
        out.push({ cmd: 'init' });
        i += 2;
      } else {
        const command = ESC_COMMANDS[c];
        if (!command) throw new Error(`unknown ESC 0x${c.toString(16)} at ${i}`);
        out.push(command(byte(i + 2)));
        i += 3;
      }
    } else if (b === GS) {
      flush();
      const c = byte(i + 1);
      const command = GS_COMMANDS[c];
      if (command) {
        out.push(command(byte(i + 2)));
        i += 3;
      } else if (c === 0x6b) {
        // GS k m n d1…dn (function B, m ≥ 65: length-prefixed).
        const m = byte(i + 2);
        if (m < 65) throw new Error(`GS k function A (m=${m}) not expected`);
        const n = byte(i + 3);
        out.push({ cmd: 'barcode', m, data: buf.subarray(i + 4, i + 4 + n).toString('latin1') });
        i += 4 + n;
      } else if (c === 0x28 && byte(i + 2) === 0x6b) {
        // GS ( k pL pH cn fn [parameters]: cn 49 = QR.
        const len = byte(i + 3) + 256 * byte(i + 4);
        const body = buf.subarray(i + 5, i + 5 + len);
        expect(body[0]).toBe(49);
        const fn = String.fromCharCode(body[1]!);
        out.push(fn === 'P' ? { cmd: 'qr', fn, params: [body[2]!], data: body.subarray(3).toString('latin1') } : { cmd: 'qr', fn, params: [...body.subarray(2)] });
        i += 5 + len;
      } else if (c === 0x76 && byte(i + 2) === 0x30) {
        // GS v 0 m xL xH yL yH d…: raster bit image, MSB = leftmost dot, 1 = black.
        const xBytes = byte(i + 4) + 256 * byte(i + 5);
        const rows = byte(i + 6) + 256 * byte(i + 7);
        if (i + 8 + xBytes * rows > buf.length) throw new Error('raster image cut short');
        const bitmap = createMonoBitmap(xBytes * 8, rows);
        bitmap.bits.set(buf.subarray(i + 8, i + 8 + xBytes * rows));
        out.push({ cmd: 'raster', bitmap });
        i += 8 + xBytes * rows;
      } else throw new Error(`unknown GS 0x${c.toString(16)} at ${i}`);
    } else throw new Error(`unexpected byte 0x${b.toString(16)} at ${i}`);
  }
  flush();
  return out;
}

const line = (text: string): Command[] => [{ cmd: 'text', text }, { cmd: 'lf' }];
const RULE = line('-'.repeat(48));

describe('ESC/POS shipping label: the whole command sequence', () => {
  it('is exactly the expected commands, in order, for a label in ASCII', async () => {
    expect(commands(await renderShippingLabelEscPos(label))).toEqual([
      { cmd: 'init' },
      { cmd: 'align', n: 'centre' },
      { cmd: 'mode', n: 0x10 }, // double height
      { cmd: 'bold', on: true },
      ...line('DHL Parcel - Standard'),
      { cmd: 'bold', on: false },
      { cmd: 'mode', n: 0 },
      ...line('Parcel 1 of 2   2.35 kg'),
      ...RULE,
      { cmd: 'align', n: 'left' },
      ...line('SHIP TO'),
      { cmd: 'bold', on: true },
      { cmd: 'mode', n: 0x10 },
      ...line('Jan Kowalski'),
      { cmd: 'mode', n: 0 },
      { cmd: 'bold', on: false },
      ...line('Main Street 30'),
      ...line('90-001 Lodz'),
      ...line('PL'),
      ...RULE,
      ...line('FROM'),
      ...line('Packbench Warehouse'),
      ...line('Industrial Way 12'),
      ...line('61-001 Poznan'),
      ...line('PL'),
      ...line('Ref: WH/OUT/00042'),
      ...RULE,
      { cmd: 'align', n: 'centre' },
      // Code 128, no human-readable line from the printer (we print our own), module 2 dots, 120 tall.
      { cmd: 'hri', n: 0 },
      { cmd: 'hriFont', n: 0 },
      { cmd: 'barWidth', n: 2 },
      { cmd: 'barHeight', n: 120 },
      { cmd: 'barcode', m: 73, data: '{BJJD0012345678901234' },
      { cmd: 'lf' },
      ...line('JJD0012345678901234'),
      // QR: model 2, module 6 dots, error correction M, store the data, print it.
      { cmd: 'qr', fn: 'A', params: [50, 0] },
      { cmd: 'qr', fn: 'C', params: [6] },
      { cmd: 'qr', fn: 'E', params: [49] },
      { cmd: 'qr', fn: 'P', params: [48], data: 'JJD0012345678901234' },
      { cmd: 'qr', fn: 'Q', params: [48] },
      { cmd: 'lf' },
      { cmd: 'feed', lines: 4 },
      { cmd: 'feed', lines: 4 },
      { cmd: 'cut', m: 0 },
      { cmd: 'init' },
    ]);
  });

  it('escapes "{" in the Code 128 data, where it selects a code set', async () => {
    const out = commands(await renderShippingLabelEscPos({ ...label, trackingNumber: 'AB{C12' }));
    expect(out.filter((c) => c.cmd === 'barcode')).toEqual([{ cmd: 'barcode', m: 73, data: '{BAB{{C12' }]);
  });

  it('draws a name in any script as the name itself, in raster rows under 256 dots, in bold double-height place', async () => {
    const name = 'Małgorzata Ελένη 王秀英';
    const out = commands(await renderShippingLabelEscPos({ ...label, shipTo: { ...label.shipTo, name } }));
    const at = out.findIndex((c) => c.cmd === 'raster');
    // Between SHIP TO and the street, where the printer-font name would be.
    expect(out.slice(at - 4, at)).toEqual([...line('SHIP TO'), { cmd: 'bold', on: true }, { cmd: 'mode', n: 0x10 }]);
    expect(out[at + 1]).toEqual({ cmd: 'mode', n: 0 });
    const { bitmap } = out[at] as Extract<Command, { cmd: 'raster' }>;
    expect(bitmap.width).toBeLessThanOrEqual(576);
    expect(bitmap.height).toBeLessThan(256);
    // The raster is the name drawn from the bundled fonts, dot for dot (at the size that fits).
    let em = 0;
    for (let size = 36; size >= 16 && em === 0; size--) {
      const text = renderTextBitmap(name, size);
      if (text.rowBytes === bitmap.rowBytes && text.height === bitmap.height && Buffer.from(text.bits).equals(Buffer.from(bitmap.bits))) em = size;
    }
    expect(em).toBeGreaterThanOrEqual(24);
    expect(out.filter((c) => c.cmd === 'text').map((c) => (c as { text: string }).text)).not.toContain(name);
  });
});

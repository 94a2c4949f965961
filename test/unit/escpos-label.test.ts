// ESC/POS bytes of the shipping label, checked against the command sequences a receipt
// printer expects (Epson ESC/POS as node-thermal-printer writes it).
import { describe, expect, it } from 'vitest';
import type { Party } from '../../shared/order';
import { renderShippingLabelEscPos } from '../../electron/core/labels/escpos-label';
import type { ShippingLabelData } from '../../electron/core/labels/zpl-shipping-label';

function party(p: Partial<Party> & Pick<Party, 'name' | 'street1' | 'city' | 'postalCode' | 'country'>): Party {
  return { company: null, street2: null, region: null, phone: null, email: null, ...p };
}

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

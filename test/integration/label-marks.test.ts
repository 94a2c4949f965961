// Item 8 of the label: the date it was made, the sender's phone where Odoo has one, and REPRINT on
// a copy printed again; the tracking barcode still reads on the copy.
import { describe, expect, it } from 'vitest';
import { markReprint } from '../../electron/core/labels/carrier-label';
import { renderShippingLabelZpl, type ShippingLabelData } from '../../electron/core/labels/zpl-shipping-label';
import { decodeBarcodes, renderZplToPng, zplFieldTexts } from '../support/label-decode';

const party = { company: null, street2: null, region: null, email: null, country: 'DE' };
const data: ShippingLabelData = {
  shipFrom: { ...party, name: 'Acme Warehouse', street1: 'Lagerstr. 1', city: 'Berlin', postalCode: '10115', phone: '+49 30 1234567' },
  shipTo: { ...party, name: 'Erika Mustermann', street1: 'Hauptstr. 5', city: 'Köln', postalCode: '50667', phone: null },
  carrier: 'Packbench Local',
  service: 'Standard',
  trackingNumber: 'PB0123456789',
  reference: 'WH/OUT/00042',
  weightG: 1500,
  parcelIndex: 1,
  parcelCount: 1,
  date: new Date('2026-12-06T10:00:00Z'),
};

describe('label marks', () => {
  it('prints the date and the sender phone; a reprint says REPRINT and still scans', async () => {
    const zpl = renderShippingLabelZpl(data);
    const texts = zplFieldTexts(zpl).join('\n');
    expect(texts).toContain('2026-12-06');
    expect(texts).toContain('Tel. +49 30 1234567');
    expect(texts).not.toContain('REPRINT');

    const copy = markReprint(zpl);
    expect(zplFieldTexts(copy)).toContain('REPRINT');
    expect(await decodeBarcodes(await renderZplToPng(copy))).toContainEqual(expect.objectContaining({ text: 'PB0123456789' }));

    // No phone in Odoo: no "Tel." for the sender.
    const noPhone = renderShippingLabelZpl({ ...data, shipFrom: { ...data.shipFrom, phone: null } });
    expect(zplFieldTexts(noPhone).some((t) => t.startsWith('FROM') && t.includes('Tel.'))).toBe(false);
  });
});

// Issue 14: the local carrier draws the label while the parcel settles. The label at capture must be
// exactly the label it would have been without that, and the slow part (names in other scripts,
// drawn as graphics) must not be drawn a second time.
import { describe, expect, it } from 'vitest';
import type { Party } from '../../shared/order';
import { localCarrier, type LabelDraft } from '../../electron/core/carriers/local/index';
import { renderTextLine } from '../../electron/core/labels/text-raster';

const party = (name: string, city: string): Party => ({
  name,
  company: null,
  street1: '1 Odos Ermou',
  street2: null,
  city,
  postalCode: '10563',
  region: null,
  country: 'GR',
  phone: null,
  email: null,
});

const draft = (weightG: number): LabelDraft => ({
  idempotencyKey: 'http://odoo|db|42|session:7',
  shipper: party('Packbench Warehouse', 'Athens'),
  recipient: party('Γιώργος Παπαδόπουλος', 'Αθήνα'),
  service: { carrier: 'local', serviceCode: 'standard' },
  parcels: [{ reference: 'WH/OUT/00042', weightG }],
});

describe('drawing the label while the parcel settles', () => {
  it('keeps a drawn line: the same text at the same size is not drawn again', () => {
    const first = renderTextLine('Ελένη Κωνσταντίνου', 33);
    expect(renderTextLine('Ελένη Κωνσταντίνου', 33)).toBe(first);
    expect(renderTextLine('Ελένη Κωνσταντίνου', 34)).not.toBe(first);
  });

  it('gives the same label bytes at capture as a label drawn cold, with the weight on it', async () => {
    const request = { ...draft(1234) } as unknown as Parameters<ReturnType<typeof localCarrier>['createLabel']>[0];
    const cold = await localCarrier().createLabel(request);
    const carrier = localCarrier();
    carrier.predraw(draft(0));
    const warm = await carrier.createLabel(request);
    expect(warm.parcels.map((p) => p.label.bytes.toString('utf8'))).toEqual(cold.parcels.map((p) => p.label.bytes.toString('utf8')));
    expect(warm.parcels[0]!.label.bytes.toString('utf8')).toContain('1.23 kg');
  });
});

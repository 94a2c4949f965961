// The carrier sandboxes' label files: a real 4x6 label drawn with the bench's own ZPL layout
// (tracking number as Code 128), as ZPL, or as a PDF of the same picture.
import type { Party } from '../../../shared/order';
import { labelPdfFromPng } from '../../core/labels/label-pdf';
import { renderLabelPng } from '../../core/labels/label-png';
import { renderShippingLabelZpl, type ShippingLabelData } from '../../core/labels/zpl-shipping-label';

/** What a sandbox carrier prints on its label: the bench's own label fields. */
export type SandboxLabel = ShippingLabelData;

export async function sandboxLabelFile(format: 'zpl' | 'pdf', label: SandboxLabel): Promise<{ type: string; bytes: Buffer }> {
  const zpl = renderShippingLabelZpl(label, { code2d: 'none' });
  if (format === 'zpl') return { type: 'application/zpl', bytes: Buffer.from(zpl, 'utf8') };
  return { type: 'application/pdf', bytes: await labelPdfFromPng(await renderLabelPng(zpl), { title: label.trackingNumber }) };
}

/** A party for the label from whatever the provider was sent; missing bits shown as "-". */
export function labelParty(p: { name?: string | null; street?: string | null; city?: string | null; zip?: string | null; country?: string | null }): Party {
  return {
    name: p.name || '-',
    company: null,
    street1: p.street || '-',
    street2: null,
    city: p.city || '-',
    postalCode: p.zip || '-',
    region: null,
    country: (p.country || 'XX').slice(0, 2),
    phone: null,
    email: null,
  };
}

/** A made-up but stable tracking number: prefix + 12 digits from a counter. */
export function sandboxTrackingNumber(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(12, '0')}`;
}

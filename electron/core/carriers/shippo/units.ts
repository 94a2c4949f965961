// Shippo's code tables: units (sent as strings, as Shippo wants), label file types, services
// (../shared/ref/carriers.md §7).
import { CarrierError, type CarrierLabelFormat } from '../carrier-result';

/** Grams are a Shippo mass unit: nothing rounded. */
export function mass(grams: number): { weight: string; mass_unit: 'g' } {
  return { weight: String(grams), mass_unit: 'g' };
}

/** Millimetres are a Shippo distance unit. */
export function size(mm: { l: number; w: number; h: number }): { length: string; width: string; height: string; distance_unit: 'mm' } {
  return { length: String(mm.l), width: String(mm.w), height: String(mm.h), distance_unit: 'mm' };
}

export const LABEL_FILE_TYPES: Record<CarrierLabelFormat, 'ZPLII' | 'PDF_4x6' | 'PNG'> = { ZPL: 'ZPLII', PDF: 'PDF_4x6', PNG: 'PNG' };

export function canonicalFormat(fileType: string): CarrierLabelFormat {
  if (fileType === 'ZPLII') return 'ZPL';
  if (fileType.startsWith('PDF')) return 'PDF';
  if (fileType.startsWith('PNG')) return 'PNG';
  throw new CarrierError('unknown', `Shippo sent a label in an unknown format: ${fileType}`);
}

/** A Shippo service level token, e.g. `usps_priority`: the rate bought is the one with this token. */
export function servicelevelToken(serviceCode: string): string {
  if (!/^[a-z0-9_]+$/i.test(serviceCode)) throw new CarrierError('service', `"${serviceCode}" is not a Shippo service level token`, { field: 'servicelevel.token' });
  return serviceCode;
}

// ShipEngine's code tables: units, label formats, services (../shared/ref/carriers.md §6).
import { createHash } from 'node:crypto';
import { CarrierError, type CarrierLabelFormat } from '../carrier-result';

/** Grams are a ShipEngine weight unit: sent as they are, nothing rounded. */
export function weight(grams: number): { value: number; unit: 'gram' } {
  return { value: grams, unit: 'gram' };
}

/** Millimetres to centimetres (ShipEngine has inch and centimeter). */
export function dimensions(mm: { l: number; w: number; h: number }): { unit: 'centimeter'; length: number; width: number; height: number } {
  return { unit: 'centimeter', length: mm.l / 10, width: mm.w / 10, height: mm.h / 10 };
}

export const LABEL_FORMATS: Record<CarrierLabelFormat, 'zpl' | 'pdf' | 'png'> = { ZPL: 'zpl', PDF: 'pdf', PNG: 'png' };

export function canonicalFormat(format: string): CarrierLabelFormat {
  const found = (Object.keys(LABEL_FORMATS) as CarrierLabelFormat[]).find((k) => LABEL_FORMATS[k] === format);
  if (!found) throw new CarrierError('unknown', `ShipEngine sent a label in an unknown format: ${format}`);
  return found;
}

/** ShipEngine service codes, e.g. `ups_ground`; the code is the carrier's, passed through once checked. */
const SERVICE_CODE = /^[a-z0-9]+(_[a-z0-9-]+)*$/;
const CARRIER_ID = /^se(-[a-z0-9]+)+$/;

export function serviceCode(code: string): string {
  if (!SERVICE_CODE.test(code)) throw new CarrierError('service', `"${code}" is not a ShipEngine service code`, { field: 'shipment.service_code' });
  return code;
}

export function carrierId(id: string): string {
  if (!CARRIER_ID.test(id)) throw new CarrierError('service', `"${id}" is not a ShipEngine carrier id (like se-123456)`, { field: 'shipment.carrier_id' });
  return id;
}

/**
 * Our idempotency key as external_shipment_id: ShipEngine keeps 50 characters and silently cuts
 * the rest, so a longer key is replaced by a digest that stays unique.
 */
export function externalShipmentId(key: string): string {
  return key.length <= 50 ? key : `pb-${createHash('sha256').update(key).digest('hex').slice(0, 47)}`;
}

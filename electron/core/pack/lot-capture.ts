// Lot and serial capture at the bench, the pure part: which line a GS1 scan is, which lot or
// serial a scan carries, and the sentences the packer reads. No I/O.
import type { Translate } from '../../../shared/i18n';
import type { OrderLine } from '../../../shared/order';
import type { Tracking } from '../store/packed-lots';
import { gtin14, parseGs1, type Gs1Data } from './gs1';

/** Longest lot or serial the bench keeps (GS1 allows 20; Odoo names are free text). */
export const MAX_LOT_LENGTH = 128;

export function lotWord(t: Translate, tracking: Tracking): string {
  return tracking === 'serial' ? t('pack.lot.word.serial') : t('pack.lot.word.lot');
}

/** "Scan the lot number of Espresso Beans 1 kg". */
export function askForLot(t: Translate, productName: string, tracking: Tracking): string {
  return t('pack.lot.ask', { what: lotWord(t, tracking), product: productName });
}

/** The order line a GS1 scan's GTIN (AI 01) is, by the line's barcode as a GTIN-14. */
export function lineOfGs1<L extends Pick<OrderLine, 'barcode'>>(lines: readonly L[], data: Gs1Data): L | null {
  if (!data.gtin) return null;
  return lines.find((l) => gtin14(l.barcode) === data.gtin) ?? null;
}

/** The lot (AI 10) or serial (AI 21) a GS1 scan carries for a product tracked that way. */
export function lotOfGs1(data: Gs1Data, tracking: Tracking): string | null {
  return tracking === 'serial' ? data.serial : data.lot;
}

export type LotScan = { ok: true; lot: string } | { ok: false; text: string };

/**
 * A scan given as the answer to "scan the lot/serial number": the text as it is, or the AI 10 / 21
 * of a GS1 lot label ("(10)L2503"). A GS1 code with a GTIN is an item, never a lot.
 */
export function lotFromScan(t: Translate, code: string, tracking: Tracking): LotScan | null {
  const gs1 = parseGs1(code);
  if (gs1?.gtin) return null;
  const lot = gs1 ? lotOfGs1(gs1, tracking) : code.trim();
  if (!lot) return { ok: false, text: t('pack.lot.none', { what: lotWord(t, tracking) }) };
  if (lot.length > MAX_LOT_LENGTH) return { ok: false, text: t('pack.lot.tooLong', { what: lotWord(t, tracking) }) };
  return { ok: true, lot };
}

export function duplicateSerialText(t: Translate, serial: string, productName: string, orderName: string): string {
  return t('pack.lot.duplicateSerial', { serial, product: productName, order: orderName });
}

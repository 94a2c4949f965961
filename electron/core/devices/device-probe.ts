// "Test device" for the scale from settings: is the port there? (The printer gets a test print.)
import { existsSync } from 'node:fs';
import type { PrinterEvent } from '../../../shared/api';
import type { Translate } from '../../../shared/i18n';
import { sayIn } from '../i18n/translator';
import { statusAskable, transportFor } from './printer/transports';
import type { PrinterLanguage } from './printer/label-encoder';

export async function probeScalePath(t: Translate, path: string | null): Promise<{ ok: boolean; message: string }> {
  if (!path) return { ok: false, message: t('scale.probe.none') };
  return existsSync(path) ? { ok: true, message: t('scale.probe.there', { path }) } : { ok: false, message: t('scale.probe.notThere', { path }) };
}

/**
 * The printer's status as the bench shows it, shown beside a test print (before and after it);
 * null when there is no printer or it cannot be asked (the test print itself says why).
 */
export async function printerStatusNow(t: Translate, uri: string | null, language: PrinterLanguage = 'zpl', askStatus = true): Promise<PrinterEvent | null> {
  if (!uri || !statusAskable(uri, language, askStatus)) return null;
  try {
    const status = await transportFor(uri).status();
    return status && { status: status.status, message: status.message ? sayIn(t, status.message) : null };
  } catch {
    return null; // an address this computer cannot use: the test print says so in words
  }
}

// "Test print" from settings: a small label through the same transport as real labels, with the
// printer's status before and after, so a lead sees at once whether labels will come out. A receipt
// printer (ESC/POS) gets the same label as a raster image, an office printer a PDF; neither is sent a
// ZPL status query.
import type { Translate } from '../../../../shared/i18n';
import { sayIn } from '../../i18n/translator';
import { PrinterError } from './errors';
import type { LabelEncoder, PrinterLanguage } from './label-encoder';
import { transportFor } from './transports';

export async function testPrint(
  t: Translate,
  uri: string | null,
  bench: string,
  encoder: LabelEncoder,
  printer: { language: PrinterLanguage; askStatus?: boolean } = { language: 'zpl' },
  now = new Date(),
): Promise<{ ok: boolean; message: string }> {
  if (!uri) return { ok: false, message: t('printer.test.none') };
  try {
    // Inside the try: an address this computer cannot use (a CUPS queue on Windows, an unknown
    // ?status= mode) is an answer for the lead too, not an internal error.
    const transport = transportFor(uri);
    const bytes = await encoder.forPrinter(encoder.testLabel(bench, now), printer.language);
    // Any printer but a ZPL one would print a ZPL status query as text; a PDF is a document for the queue.
    const send = (checkStatus: boolean) => transport.send(bytes, { checkStatus, raw: printer.language !== 'pdf', title: 'Packbench test print' });
    const asking = printer.language === 'zpl' && printer.askStatus !== false;
    let result;
    try {
      result = await send(asking);
    } catch (error) {
      // It took the connection but never answered ~HS, and nothing was sent: many ZPL-compatible
      // printers do not answer it. Send the test label without the question, so the lead can see.
      if (!(asking && error instanceof PrinterError && error.kind === 'no_status' && error.delivery === 'none')) throw error;
      await send(false);
      return {
        ok: false,
        message: t('printer.test.noStatusAnswers', { where: transport.where }),
      };
    }
    if (result.after && result.after.status !== 'ready') {
      return { ok: false, message: t('printer.test.sentBut', { where: transport.where, why: result.after.message ? sayIn(t, result.after.message) : '' }) };
    }
    return { ok: true, message: t('printer.test.sent', { where: transport.where }) };
  } catch (error) {
    if (error instanceof PrinterError) return { ok: false, message: sayIn(t, error.packerSaid) };
    throw error;
  }
}

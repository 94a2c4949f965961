// "Test print" from settings: a small label through the same transport as real labels, with the
// printer's status before and after, so a lead sees at once whether labels will come out. A receipt
// printer (ESC/POS) gets the same label as a raster image, an office printer a PDF; neither is sent a
// ZPL status query.
import { PrinterError } from './errors';
import type { LabelEncoder, PrinterLanguage } from './label-encoder';
import { transportFor } from './transports';

export async function testPrint(
  uri: string | null,
  bench: string,
  encoder: LabelEncoder,
  printer: { language: PrinterLanguage; askStatus?: boolean } = { language: 'zpl' },
  now = new Date(),
): Promise<{ ok: boolean; message: string }> {
  if (!uri) return { ok: false, message: 'No printer is set up for this bench. Enter its address in Settings.' };
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
        message:
          `The printer at ${transport.where} does not answer status questions (~HS), as many ZPL-compatible printers do not. ` +
          'A test label was sent without asking: if it came out, set Printer status to "Do not ask" and save. ' +
          'If it did not, look at the printer’s display for paper, ribbon or an open head.',
      };
    }
    if (result.after && result.after.status !== 'ready') {
      return { ok: false, message: `The test label was sent to ${transport.where}, but: ${result.after.message}` };
    }
    return { ok: true, message: `A test label was sent to ${transport.where}. Check that it came out and scans.` };
  } catch (error) {
    if (error instanceof PrinterError) return { ok: false, message: error.packerMessage };
    throw error;
  }
}

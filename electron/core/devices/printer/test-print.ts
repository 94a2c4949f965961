// "Test print" from settings: a small label through the same transport as real labels, with the
// printer's status before and after, so a lead sees at once whether labels will come out. A receipt
// printer (ESC/POS) gets the same label as a raster image, an office printer a PDF; neither is sent a
// ZPL status query.
import { toPrinterBytes, type PrinterLanguage } from '../../labels/carrier-label';
import { escapeFieldData } from '../../labels/zpl-shipping-label';
import { PrinterError } from './errors';
import { transportFor } from './transports';

export function testLabelZpl(bench: string, at: Date): string {
  const stamp = at.toISOString().replace('T', ' ').slice(0, 16);
  return [
    '^XA^CI28^PW812^LL400',
    '^FO40,40^A0N,60,60^FDPackbench test print^FS',
    `^FO40,120^A0N,36,36^FH^FD${escapeFieldData(bench)}^FS`,
    `^FO40,170^A0N,30,30^FD${stamp} UTC^FS`,
    '^FO40,230^BY3^BCN,100,Y,N,N^FDPACKBENCH-TEST^FS',
    '^XZ',
  ].join('\n');
}

export async function testPrint(
  uri: string | null,
  bench: string,
  printer: { language: PrinterLanguage; askStatus?: boolean } = { language: 'zpl' },
  now = new Date(),
): Promise<{ ok: boolean; message: string }> {
  if (!uri) return { ok: false, message: 'No printer is set up for this bench. Enter its address in Settings.' };
  try {
    // Inside the try: an address this computer cannot use (a CUPS queue on Windows, an unknown
    // ?status= mode) is an answer for the lead too, not an internal error.
    const transport = transportFor(uri);
    const zpl = Buffer.from(testLabelZpl(bench, now), 'utf8');
    const bytes = await toPrinterBytes({ format: 'ZPL', bytes: zpl }, printer.language);
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

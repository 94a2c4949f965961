// "Print the command sheet" from Settings: the 4x6 sheet to the bench's label printer (in the
// printer's turn, never into a label going out), or the A4 PDF handed back to the screen.
import { commandSheetPdf, commandSheetZpl } from './labels/command-sheet';
import { PrinterError } from './devices/printer/errors';
import type { PrintJournal, PrinterOf } from './devices/printer/print-journal';
import { transportFor } from './devices/printer/transports';

export interface CommandSheetDeps {
  prefix: string;
  bench: string;
  printerUri: string | null;
  printerOf: (uri: string) => PrinterOf;
  journal: Pick<PrintJournal, 'onPrinter'>;
}

export async function printCommandSheet(
  format: 'label' | 'a4',
  deps: CommandSheetDeps,
): Promise<{ ok: boolean; message: string; pdf: `data:application/pdf;base64,${string}` | null }> {
  if (format === 'a4') {
    const pdf = await commandSheetPdf(deps.prefix, deps.bench);
    return { ok: true, message: 'The A4 command sheet is open: print it on an office printer.', pdf: `data:application/pdf;base64,${pdf.toString('base64')}` };
  }
  const uri = deps.printerUri;
  if (!uri) return { ok: false, message: 'No label printer is set up for this bench. Print the A4 sheet instead.', pdf: null };
  if (deps.printerOf(uri).language !== 'zpl') {
    return { ok: false, message: 'The bench’s printer is not a ZPL label printer. Print the A4 sheet instead.', pdf: null };
  }
  try {
    const transport = transportFor(uri);
    const zpl = commandSheetZpl(deps.prefix, deps.bench);
    await deps.journal.onPrinter(uri, () => transport.send(Buffer.from(zpl, 'utf8'), { checkStatus: false, raw: true, title: 'Packbench command sheet' }));
    return { ok: true, message: `The command sheet was sent to ${transport.where}. Keep it at the bench.`, pdf: null };
  } catch (error) {
    if (error instanceof PrinterError) return { ok: false, message: error.packerMessage, pdf: null };
    throw error;
  }
}

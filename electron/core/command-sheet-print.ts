// "Print the command sheet" from Settings: the 4x6 sheet to the bench's label printer (in the
// printer's turn, never into a label going out), or the A4 PDF handed back to the screen.
import type { Translate } from '../../shared/i18n';
import { sayIn } from './i18n/translator';
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
  /** The station's translator: the answer in the bench's language (the sheet itself stays as printed). */
  t: Translate;
}

export async function printCommandSheet(
  format: 'label' | 'a4',
  deps: CommandSheetDeps,
): Promise<{ ok: boolean; message: string; pdf: `data:application/pdf;base64,${string}` | null }> {
  if (format === 'a4') {
    const pdf = await commandSheetPdf(deps.prefix, deps.bench);
    return { ok: true, message: deps.t('sheet.a4Open'), pdf: `data:application/pdf;base64,${pdf.toString('base64')}` };
  }
  const uri = deps.printerUri;
  if (!uri) return { ok: false, message: deps.t('sheet.noPrinter'), pdf: null };
  if (deps.printerOf(uri).language !== 'zpl') {
    return { ok: false, message: deps.t('sheet.notZpl'), pdf: null };
  }
  try {
    const transport = transportFor(uri);
    const zpl = commandSheetZpl(deps.prefix, deps.bench);
    await deps.journal.onPrinter(uri, () => transport.send(Buffer.from(zpl, 'utf8'), { checkStatus: false, raw: true, title: 'Packbench command sheet' }));
    return { ok: true, message: deps.t('sheet.sent', { where: transport.where }), pdf: null };
  } catch (error) {
    if (error instanceof PrinterError) return { ok: false, message: sayIn(deps.t, error.packerSaid), pdf: null };
    throw error;
  }
}

// The printable command sheet: every bench command as a Code 128 barcode with its name, from the
// one list the scanner understands (shared/bench-commands.ts). A 4x6 in label in ZPL for the label
// printer, or an A4 page as a PDF for an office printer.
import bwipjs from 'bwip-js';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { COMMAND_NAMES, SHEET_COMMANDS, type BenchCommand } from '../../../shared/bench-commands';
import { escapeFieldData } from './zpl-shipping-label';

export interface SheetRow {
  command: BenchCommand;
  /** What the scanner reads: the bench's command prefix and the command. */
  code: string;
  name: string;
}

export function commandSheetRows(prefix: string): SheetRow[] {
  return SHEET_COMMANDS.map((command) => ({ command, code: `${prefix}${command}`, name: COMMAND_NAMES[command] }));
}

/** 4x6 in at 203 dpi (812 x 1218 dots): a title, then one row per command, name beside its barcode. */
export function commandSheetZpl(prefix: string, bench: string): string {
  const rows = commandSheetRows(prefix);
  const top = 90;
  const pitch = Math.floor((1218 - top - 20) / rows.length);
  const lines = ['^XA^CI28^PW812^LL1218', `^FO30,25^A0N,44,44^FH^FDPackbench commands: ${escapeFieldData(bench)}^FS`];
  rows.forEach((row, i) => {
    const y = top + i * pitch;
    lines.push(`^FO30,${y}^A0N,30,30^FH^FD${escapeFieldData(row.name)}^FS`);
    // Code subset B, no interpretation line under it: the name says what it is.
    lines.push(`^FO30,${y + 34}^BY2^BCN,${pitch - 48},N,N,N^FH^FD${escapeFieldData(row.code)}^FS`);
  });
  lines.push('^XZ');
  return lines.join('\n');
}

/** One A4 page: a title, then two columns of commands, each a name above its barcode. */
export async function commandSheetPdf(prefix: string, bench: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Packbench commands: ${bench}`);
  doc.setProducer('Packbench');
  const font = await doc.embedFont(StandardFonts.HelveticaBold);
  const [width, height] = [595.28, 841.89];
  const page = doc.addPage([width, height]);
  page.drawText(`Packbench commands: ${bench}`.slice(0, 70), { x: 40, y: height - 60, size: 20, font });
  const rows = commandSheetRows(prefix);
  const perColumn = Math.ceil(rows.length / 2);
  const pitch = (height - 120) / perColumn;
  for (const [i, row] of rows.entries()) {
    const x = i < perColumn ? 40 : width / 2 + 10;
    const y = height - 100 - (i % perColumn) * pitch;
    page.drawText(row.name, { x, y: y - 14, size: 13, font });
    const png = await bwipjs.toBuffer({ bcid: 'code128', text: row.code, scale: 3, height: 14, includetext: true, textsize: 9 });
    const image = await doc.embedPng(png);
    const w = Math.min(width / 2 - 60, image.width * 0.4);
    const h = (image.height / image.width) * w;
    page.drawImage(image, { x, y: y - 22 - h, width: w, height: h });
  }
  return Buffer.from(await doc.save());
}

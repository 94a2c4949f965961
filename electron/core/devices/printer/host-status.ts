// ZPL ~HS (host status): the printer answers with three STX…ETX CR LF strings. A pure parser,
// and the mapping of its flags to the statuses the bench shows, with a sentence for the packer.
//   String 1  aaa,b,c,dddd,eee,f,g,h,iii,j,k,l   b paper out, c paused, dddd label length (dots),
//             eee formats in the buffer, f buffer full, g diagnostic mode, h partial format,
//             j RAM corrupt, k under temperature, l over temperature
//   String 2  mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www   o head open, p ribbon out, q thermal transfer,
//             r print mode, s print width mode, t label waiting, u labels remaining in the batch,
//             v format while printing, w graphics stored
//   String 3  xxxx,y                              password, static RAM installed
import { said, type Said } from '../../i18n/translator';
import type { PrinterStatusCode } from '../../store/print-jobs';

/** The ~HS query itself. Immediate (tilde) command: the printer answers even while printing. */
export const HOST_STATUS_QUERY = '~HS';

const STX = 0x02;
const ETX = 0x03;

export interface HostStatus {
  paperOut: boolean;
  paused: boolean;
  labelLengthDots: number;
  formatsInBuffer: number;
  bufferFull: boolean;
  diagnosticMode: boolean;
  partialFormat: boolean;
  ramCorrupt: boolean;
  underTemperature: boolean;
  overTemperature: boolean;
  headOpen: boolean;
  ribbonOut: boolean;
  thermalTransfer: boolean;
  printMode: number;
  labelWaiting: boolean;
  labelsRemaining: number;
  graphicsStored: number;
}

/** What the bench shows about a printer; `message` is for the packer (null when ready). */
export type { PrinterStatusCode };

export interface PrinterStatus {
  status: PrinterStatusCode;
  /** As a key: whoever shows it words it in the bench's language (i18n/translator.ts sayIn). */
  message: Said | null;
  /** The parsed ~HS answer when the printer gave one. */
  host: HostStatus | null;
}

export class HostStatusParseError extends Error {
  override readonly name = 'HostStatusParseError';
}

/** Number of complete STX…ETX strings in `data` so far (a reader stops at three). */
export function hostStatusStrings(data: Buffer): number {
  let n = 0;
  let open = false;
  for (const byte of data) {
    if (byte === STX) open = true;
    else if (byte === ETX && open) {
      open = false;
      n++;
    }
  }
  return n;
}

/** Parse a full ~HS answer. Throws HostStatusParseError when it is not one. */
export function parseHostStatus(reply: Buffer | string): HostStatus {
  const text = typeof reply === 'string' ? reply : reply.toString('latin1');
  const strings = [...text.matchAll(/\x02([^\x02\x03]*)\x03/g)].map((m) => (m[1] ?? '').trim());
  if (strings.length < 3) {
    throw new HostStatusParseError(`~HS answer has ${strings.length} of 3 strings: ${JSON.stringify(text)}`);
  }
  const one = fields(strings[0]!, 12, 1);
  const two = fields(strings[1]!, 11, 2);
  fields(strings[2]!, 2, 3);
  return {
    paperOut: flag(one[1]!, 1, 'b'),
    paused: flag(one[2]!, 1, 'c'),
    labelLengthDots: num(one[3]!, 1, 'dddd'),
    formatsInBuffer: num(one[4]!, 1, 'eee'),
    bufferFull: flag(one[5]!, 1, 'f'),
    diagnosticMode: flag(one[6]!, 1, 'g'),
    partialFormat: flag(one[7]!, 1, 'h'),
    ramCorrupt: flag(one[9]!, 1, 'j'),
    underTemperature: flag(one[10]!, 1, 'k'),
    overTemperature: flag(one[11]!, 1, 'l'),
    headOpen: flag(two[2]!, 2, 'o'),
    ribbonOut: flag(two[3]!, 2, 'p'),
    thermalTransfer: flag(two[4]!, 2, 'q'),
    printMode: num(two[5]!, 2, 'r'),
    labelWaiting: flag(two[7]!, 2, 't'),
    labelsRemaining: num(two[8]!, 2, 'uuuuuuuu'),
    graphicsStored: num(two[10]!, 2, 'www'),
  };
}

function fields(s: string, count: number, which: number): string[] {
  const parts = s.split(',').map((p) => p.trim());
  if (parts.length < count) {
    throw new HostStatusParseError(`~HS string ${which} has ${parts.length} of ${count} fields: ${JSON.stringify(s)}`);
  }
  return parts;
}

function num(s: string, which: number, name: string): number {
  if (!/^\d+$/.test(s)) throw new HostStatusParseError(`~HS string ${which} field ${name} is not a number: ${JSON.stringify(s)}`);
  return Number(s);
}

function flag(s: string, which: number, name: string): boolean {
  if (s !== '0' && s !== '1') throw new HostStatusParseError(`~HS string ${which} flag ${name} is not 0 or 1: ${JSON.stringify(s)}`);
  return s === '1';
}

/** The bench status for a ~HS answer: the first condition that stops printing wins. */
export function printerStatusOf(host: HostStatus): PrinterStatus {
  const say = (status: PrinterStatusCode, message: Said | null): PrinterStatus => ({ status, message, host });
  if (host.headOpen) return say('head_open', said('printer.status.headOpen'));
  if (host.paperOut) return say('paper_out', said('printer.status.paperOut'));
  if (host.ribbonOut) return say('error', said('printer.status.ribbonOut'));
  if (host.overTemperature) return say('error', said('printer.status.tooHot'));
  if (host.ramCorrupt) return say('error', said('printer.status.memoryFault'));
  if (host.paused) return say('paused', said('printer.status.paused'));
  return say('ready', null);
}

/** A status that lets a label go out. */
export function canPrint(status: PrinterStatus): boolean {
  return status.status === 'ready';
}

export function offlineStatus(where: string, message?: Said): PrinterStatus {
  return { status: 'offline', message: message ?? said('printer.status.offline', { where }), host: null };
}

/** Zebra printers may stay silent during media out, ribbon out, head open or over temperature. */
export function silentStatus(where: string): PrinterStatus {
  return {
    status: 'error',
    message: said('printer.status.silent', { where }),
    host: null,
  };
}

/** A well-formed ~HS answer, for the printer sink and tests. */
export function formatHostStatus(flags: Partial<HostStatus> = {}): string {
  const b = (v: boolean | undefined) => (v ? '1' : '0');
  const pad = (v: number | undefined, n: number) => String(v ?? 0).padStart(n, '0');
  const one = ['030', b(flags.paperOut), b(flags.paused), pad(flags.labelLengthDots ?? 1218, 4), pad(flags.formatsInBuffer, 3),
    b(flags.bufferFull), b(flags.diagnosticMode), b(flags.partialFormat), '000', b(flags.ramCorrupt),
    b(flags.underTemperature), b(flags.overTemperature)];
  const two = ['001', '0', b(flags.headOpen), b(flags.ribbonOut), b(flags.thermalTransfer), String(flags.printMode ?? 0),
    '0', b(flags.labelWaiting), pad(flags.labelsRemaining, 8), '1', pad(flags.graphicsStored, 3)];
  return `\x02${one.join(',')}\x03\r\n\x02${two.join(',')}\x03\r\n\x021234,0\x03\r\n`;
}

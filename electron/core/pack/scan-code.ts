// What a scanned code is, decided by the core. Pure: no I/O.
import { GS, parseGs1 } from './gs1';

import { BENCH_COMMANDS, type BenchCommand } from '../../../shared/bench-commands';

export { BENCH_COMMANDS, REPRINT_REASONS, type BenchCommand } from '../../../shared/bench-commands';

export type ScanCode =
  | { kind: 'malformed'; reason: string }
  | { kind: 'command'; command: BenchCommand }
  | { kind: 'unknown_command'; text: string }
  | { kind: 'code'; code: string };

/** Printable ASCII and any letter/number of other scripts; no control characters inside. */
const CONTROL = /[\u0000-\u001f\u007f]/;

export function normaliseScan(raw: string): string {
  // Wedge scanners end a code with CR, LF or Tab; some prepend an AIM identifier we do not use.
  return raw.replace(/[\r\n\t]+$/u, '').trim();
}

export function classifyScan(raw: string, commandPrefix: string): ScanCode {
  const code = normaliseScan(raw);
  if (code.length === 0) return { kind: 'malformed', reason: 'empty' };
  // GS (FNC1) separates the fields of a GS1 code; anywhere else a control character is a misread.
  const gs1 = code.includes(GS) && parseGs1(code) !== null;
  if (CONTROL.test(gs1 ? code.replaceAll(GS, '') : code)) return { kind: 'malformed', reason: 'control characters' };
  if (code.startsWith(commandPrefix)) {
    const text = code.slice(commandPrefix.length).toUpperCase();
    const command = BENCH_COMMANDS.find((c) => c === text);
    return command ? { kind: 'command', command } : { kind: 'unknown_command', text };
  }
  return { kind: 'code', code };
}

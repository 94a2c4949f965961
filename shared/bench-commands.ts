// The bench's commands: one list, read by the scanner (as `<prefix><COMMAND>` barcodes), the
// screen's buttons and the printable command sheet. Add a command here and all three have it.

export const BENCH_COMMANDS = [
  'PRINT',
  'PRINTED',
  'REPRINT',
  'REPRINT-DAMAGED',
  'REPRINT-JAMMED',
  'REPRINT-LOST',
  'NEW-PARCEL',
  'CLOSE-ORDER',
  'CANCEL',
  'UNDO',
  'LOGOUT',
] as const;
export type BenchCommand = (typeof BENCH_COMMANDS)[number];

/** A reprint always carries a reason: one command barcode per reason on the command sheet. */
export const REPRINT_REASONS = [
  { command: 'REPRINT-DAMAGED', reason: 'label damaged' },
  { command: 'REPRINT-JAMMED', reason: 'printer jammed' },
  { command: 'REPRINT-LOST', reason: 'label lost' },
] as const satisfies readonly { command: BenchCommand; reason: string }[];

/** What each command is called on a button and on the command sheet, in the packer's words. */
export const COMMAND_NAMES: Record<BenchCommand, string> = {
  PRINT: 'Print label',
  PRINTED: 'Label came out',
  REPRINT: 'Reprint',
  'REPRINT-DAMAGED': 'Reprint: label damaged',
  'REPRINT-JAMMED': 'Reprint: printer jammed',
  'REPRINT-LOST': 'Reprint: label lost',
  'NEW-PARCEL': 'New parcel',
  'CLOSE-ORDER': 'Close order',
  CANCEL: 'Put aside',
  UNDO: 'Undo last scan',
  LOGOUT: 'Log out',
};

/** The command sheet's rows: every command but the bare REPRINT (which only asks for a reason). */
export const SHEET_COMMANDS: readonly BenchCommand[] = BENCH_COMMANDS.filter((c) => c !== 'REPRINT');

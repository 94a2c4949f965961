// Named crash points for the crash harness (test/support/crash-harness.ts). `crashPoint('name')`
// does nothing unless PACKBENCH_CRASH_AT names it ("name" or "name:nth", the nth time it is
// reached in this process); then the process SIGKILLs itself there, as a pulled power cord would:
// no exit handler, no close, no flush. PACKBENCH_CRASH_LOG, when set, is a file the point's name is
// appended to first, so the harness knows which point was hit. Read once at load: unset, a call is
// one comparison.

import { appendFileSync } from 'node:fs';

/** Every point the core has, for the harness to cover (a name here with no call site is a bug). */
export const CRASH_POINTS = [
  /** The weight accepted: shipment, parcels and the create-label row committed (pack/weighing.ts). */
  'pack.weighed',
  /** A provider sold the label; the bench has not recorded it yet (carriers/registry.ts). */
  'carrier.purchased',
  /** Every label byte went to the printer; the journal has not recorded the answer (print-journal.ts). */
  'print.sent',
  /** The journal recorded the print as confirmed; the pack session has not moved on yet (station.ts). */
  'print.confirmed',
  /** After each step of an Odoo dispatch batch (odoo/dispatch/target.ts). */
  'odoo.packages',
  'odoo.written',
  'odoo.validated',
  'odoo.confirmed',
  'odoo.attached',
  'odoo.posted',
  /** Inside the transaction that records a batch's results, after its first row (sync/worker.ts). */
  'outbox.mid_batch',
  /** Inside a migration's transaction, its changes made, the version not yet recorded (store/migrate.ts). */
  'migration',
] as const;

export type CrashPointName = (typeof CRASH_POINTS)[number];

function parse(spec: string | undefined): { name: string; nth: number } | null {
  if (!spec) return null;
  const m = /^([a-z._]+)(?::(\d+))?$/.exec(spec.trim());
  if (!m) throw new Error(`PACKBENCH_CRASH_AT must be name or name:nth, got "${spec}"`);
  return { name: m[1]!, nth: m[2] === undefined ? 1 : Math.max(1, Number(m[2])) };
}

const armed = parse(process.env.PACKBENCH_CRASH_AT);
const logFile = process.env.PACKBENCH_CRASH_LOG;
let hits = 0;

/** Die here with SIGKILL if the test environment names this point (its nth hit); otherwise nothing. */
export function crashPoint(name: CrashPointName): void {
  if (armed === null || armed.name !== name || ++hits < armed.nth) return;
  if (logFile) appendFileSync(logFile, `${name}\n`);
  process.kill(process.pid, 'SIGKILL');
}

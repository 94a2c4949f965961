// When a label cannot print where it was sent, who takes it: the fallback printer (with its own
// language and status setting), then a file a person can print elsewhere. Only a job of which nothing
// left this machine is taken over, so no step here can make a second copy; an uncertain job never is.
import type { Translate } from '../../../../shared/i18n';
import type { Settings } from '../../../../shared/settings';
import type { PrintJob, PrintOutcome, PrinterOf } from './print-journal';

export interface FallbackPolicyOptions {
  /** A second printer that takes a job automatically when its own printer is down and nothing was sent. */
  fallbackUri?: () => string | null;
  /**
   * Last resort when no printer could take the job: save the label in this folder, as its own bytes
   * and as a 4x6 in PDF that any printer can print.
   */
  saveDir?: () => string | null;
  /**
   * No printer took the job: told before its file is drawn and saved (the PDF takes seconds on a
   * busy bench), so the packer learns at once that the label did not print; the outcome with the
   * saved file follows.
   */
  onNotPrinted?: (outcome: Extract<PrintOutcome, { ok: false }>) => void;
}

/** What the journal does for the policy. */
export interface TakeOverSteps {
  /** Move the job to another printer (a new job replacing it, audited) and print it there. */
  printVia(jobId: number, uri: string, by: { actor: string; reason?: string }): Promise<PrintOutcome>;
  /** Save the label as files; the saved path is the PDF when one could be drawn. */
  saveForAnyPrinter(jobId: number, dir: string): Promise<{ path: string; pdf: boolean }>;
  get(jobId: number): PrintJob | null;
  /** Where a printer is, in words a packer can match to a device. */
  where(uri: string): string;
}

/**
 * What the printer at `uri` speaks and whether it is asked for its status: the fallback printer has
 * its own settings, any other printer the main one's.
 */
export function printerAt(uri: string, printer: Settings['printer']): PrinterOf {
  const fallback = uri === printer.fallbackUri && uri !== printer.uri;
  return {
    language: fallback ? printer.fallbackLanguage : printer.language,
    dpi: printer.dpi,
    askStatus: (fallback ? printer.fallbackStatusQuery : printer.statusQuery) === 'ask',
  };
}

/**
 * After a job failed with nothing sent: the fallback printer, then the saved file. Returns what the
 * packer is told: printed elsewhere (with a notice), or still not printed and why (with the saved file).
 */
export async function takeOver(
  failed: Extract<PrintOutcome, { ok: false }>,
  policy: FallbackPolicyOptions,
  steps: TakeOverSteps,
  t: Translate,
): Promise<PrintOutcome> {
  let outcome = failed;
  const fallback = policy.fallbackUri?.() ?? null;
  if (fallback && fallback !== failed.job.printerUri) {
    const via = await steps.printVia(failed.job.id, fallback, { actor: 'system', reason: failed.message });
    if (via.ok) {
      return { ...via, notice: t('printer.fallback.printed', { why: failed.message, where: steps.where(fallback) }) };
    }
    outcome = { ...via, message: t('printer.fallback.failedToo', { why: failed.message, fallbackWhy: via.message }) };
    if (via.job.state !== 'failed') return outcome;
  }
  const dir = policy.saveDir?.() ?? null;
  if (dir) {
    policy.onNotPrinted?.(outcome);
    try {
      const saved = await steps.saveForAnyPrinter(outcome.job.id, dir);
      // Where it is saved is for the page's link (savedPath), not for the packer to read.
      const message = saved.pdf ? t('printer.fallback.savedPdf', { why: outcome.message }) : t('printer.fallback.savedFile', { why: outcome.message });
      return { ...outcome, job: steps.get(outcome.job.id)!, savedPath: saved.path, message };
    } catch {
      // A full disk must not hide the print failure itself.
    }
  }
  return outcome;
}

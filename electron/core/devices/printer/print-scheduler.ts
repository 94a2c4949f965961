// Prints what the journal has queued, as soon as it is queued: the journal wakes the scheduler once
// the transaction that stored a label and queued its job has ended (commit first, act second), and
// the composition root wakes it at start for jobs queued before a restart. Each waiting job is tried
// once per pass, in order; a job someone is already printing (a reprint, a fallback job) is left to
// them, and a failed or uncertain job is never tried again from here: only a person asks for that.
import type { PrintJournal, PrintOutcome } from './print-journal';

export interface PrintSchedulerOptions {
  journal: Pick<PrintJournal, 'waiting' | 'print' | 'onQueued'>;
  /** Each job's outcome, in the order printed: move the order on, tell the packer. */
  onOutcome: (outcome: PrintOutcome) => void;
  /** A job that could not be tried (e.g. its label is gone; it stays queued), or its outcome not recorded. */
  onError: (error: unknown) => void;
}

export class PrintScheduler {
  private pass: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly opts: PrintSchedulerOptions) {
    this.unsubscribe = opts.journal.onQueued(() => this.wake());
  }

  /** Print every waiting job; if a pass is under way, it looks again when it is done. */
  wake(): void {
    if (this.stopped) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = this.drain().finally(() => {
      this.pass = null;
    });
  }

  /** Resolves when no pass is under way. */
  async idle(): Promise<void> {
    while (this.pass) await this.pass;
  }

  /** Print nothing more; resolves once the label going out (if any) is out and journaled. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    await this.idle();
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      const tried = new Set<number>();
      // Re-read each time: a label may be queued while another prints.
      const next = () => (this.stopped ? undefined : this.opts.journal.waiting().find((job) => !tried.has(job.id)));
      for (let job = next(); job; job = next()) {
        tried.add(job.id);
        try {
          this.opts.onOutcome(await this.opts.journal.print(job.id));
        } catch (error) {
          this.opts.onError(error);
        }
      }
    } while (this.again && !this.stopped);
  }
}

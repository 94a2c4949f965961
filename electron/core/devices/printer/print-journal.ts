// Every print is a journal row: queued → sent → confirmed, or failed / uncertain.
//   failed     nothing of the label left this machine: printing it again cannot make a second copy.
//   uncertain  some or all of it left, and then something went wrong: only a person can tell
//              whether a label came out. The bench asks; it never prints such a job by itself.
// "sent" is committed just before the first label byte leaves, so a station that dies mid-print
// finds the job sent at restart and marks it uncertain. A reset before any byte left is retried
// exactly once; a reprint needs a reason and is audited; when the job's printer is down and
// nothing was sent, a fallback printer can take the job, and a PDF of the label (which any office
// printer takes) is the last resort (fallback-policy.ts). Labels are converted by the injected
// LabelEncoder (label-encoder.ts). Every new job tells the listeners of onQueued() once the
// transaction that queued it has ended: the print scheduler (print-scheduler.ts) prints it then.
// The rows themselves are read and written by the store (store/print-jobs.ts); this file is the rules.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PrinterEvent } from '../../../../shared/api';
import { StationFault } from '../../../../shared/errors';
import type { Translate } from '../../../../shared/i18n';
import type { Clock } from '../../clock';
import { SerialQueue } from '../../serial-queue';
import { appendAudit } from '../../store/audit';
import { inTransaction, type Db } from '../../store/db';
import { said, sayIn, type Said } from '../../i18n/translator';
import { Labels } from '../../store/labels';
import { PrintJobs, type PrintJob, type PrintJobState } from '../../store/print-jobs';
import { PrinterError } from './errors';
import { takeOver as takeOverFailed, type FallbackPolicyOptions, type TakeOverSteps } from './fallback-policy';
import { canPrint, type PrinterStatus } from './host-status';
import type { LabelEncoder, LabelFormat, PrinterLanguage } from './label-encoder';
import type { PrinterTransport, SendResult } from './transport';
import { statusAskable, transportFor as defaultTransportFor } from './transports';
import { crashPoint } from '../../crash-points';
import { stateMessage } from './print-job-words';
import { errorMessage } from '../../error-message';

export type { PrintJob, PrintJobState } from '../../store/print-jobs';
export type { LabelFormat } from './label-encoder';

export type PrintOutcome =
  | { ok: true; job: PrintJob; /** Something the packer should know although it printed (e.g. it went to the fallback printer). */ notice?: string }
  | {
      ok: false;
      job: PrintJob;
      /** For the packer, in the bench's language. */
      message: string;
      /** What the printer reported, when that is why it failed. */
      status?: PrinterStatus;
      /** The label saved as a file as the last resort. */
      savedPath?: string;
    };

/** What a printer speaks, its resolution, and whether it is asked for its status (default: asked). */
export interface PrinterOf {
  language: PrinterLanguage;
  dpi?: 203 | 300;
  askStatus?: boolean;
}

export interface PrintJournalOptions extends FallbackPolicyOptions {
  /** Converts labels for printers and draws the last-resort PDF (built from labels/ by the composition root). */
  encoder: LabelEncoder;
  /** Build the transport for a printer URI. Default: transportFor() (TCP, device file, serial, CUPS). */
  transportFor?: (uri: string) => PrinterTransport;
  /** The printer's state around each job, for the bench's `printer` event (its message in the bench's language). */
  onStatus?: (uri: string, event: PrinterEvent) => void;
  /** The station's translator: what the packer is told of a print, in the bench's language. */
  t: Translate;
  /** Pause before the one retry after a connection dropped before any byte went out. Default 250 ms. */
  retryDelayMs?: number;
  /**
   * What the printer at `uri` speaks, and for ZPL its resolution. Default ZPL at 203 dpi. A label in
   * another format is converted locally before any byte goes out (the encoder); only a ZPL
   * printer (or the OS queue) is asked for its status (transports.ts statusAskable).
   */
  printerOf?: (uri: string) => PrinterOf;
}

const EXTENSIONS: Record<LabelFormat, string> = { ZPL: 'zpl', PNG: 'png', PDF: 'pdf' };

export class PrintJournal {
  private readonly transportFor: (uri: string) => PrinterTransport;
  private readonly jobs: PrintJobs;
  private readonly labels: Labels;
  private readonly inFlight = new Set<number>();
  /** One job at a time per printer: raw printers take one client at a time. */
  private readonly printerQueues = new Map<string, SerialQueue>();
  private readonly queuedListeners = new Set<() => void>();
  private readonly takeOverSteps: TakeOverSteps = {
    printVia: (jobId, uri, by) => this.printVia(jobId, uri, by),
    saveForAnyPrinter: (jobId, dir) => this.saveForAnyPrinter(jobId, dir),
    get: (jobId) => this.get(jobId),
    where: (uri) => this.where(uri),
  };

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly options: PrintJournalOptions,
  ) {
    this.transportFor = options.transportFor ?? ((uri) => defaultTransportFor(uri));
    this.jobs = new PrintJobs(db, clock);
    this.labels = new Labels(db, clock);
  }

  // ---- the journal ---------------------------------------------------------------------------

  /**
   * Call `listener` after a job is queued, once the transaction that queued it has ended (committed,
   * or rolled back: the listener finds no job then). Returns a function that stops the calls.
   */
  onQueued(listener: () => void): () => void {
    this.queuedListeners.add(listener);
    return () => this.queuedListeners.delete(listener);
  }

  /** Queue a label for printing. Call inside the transaction that stored the label. */
  queue(labelId: number, printerUri: string, reason: string, actor: string): number {
    return this.insert(labelId, printerUri, reason, actor, null, 'print.queued');
  }

  /**
   * A copy asked for again (the label printed before under another job), or a fallback of one:
   * it says REPRINT on paper; the stored label and its journal stay the same label's.
   */
  private isReprint(job: { id: number; labelId: number; replaces: number | null }): boolean {
    if (job.replaces !== null) {
      const replaced = this.get(job.replaces);
      return replaced ? this.isReprint(replaced) : false;
    }
    return this.jobs.hasEarlierOwnJob(job.labelId, job.id);
  }

  get(id: number): PrintJob | null {
    return this.jobs.get(id);
  }

  latestForLabel(labelId: number): PrintJob | null {
    return this.jobs.latestForLabel(labelId);
  }

  /** Every job for a label, oldest first: the print history the shift lead sees. */
  historyForLabel(labelId: number): PrintJob[] {
    return this.jobs.historyForLabel(labelId);
  }

  /** Jobs waiting to go out, oldest first. */
  queued(): PrintJob[] {
    return this.jobs.queued();
  }

  /** Queued jobs nobody is printing yet (a reprint or a fallback job goes out as soon as it is queued), oldest first. */
  waiting(): PrintJob[] {
    return this.queued().filter((job) => !this.inFlight.has(job.id));
  }

  /** After a restart: a job marked sent may or may not have printed. */
  markInterruptedUncertain(): number {
    return this.jobs.markSentUncertain('The station stopped while printing');
  }

  // ---- printing ------------------------------------------------------------------------------

  /**
   * Send a queued or failed job (failed = nothing of it left this machine). Confirmed, sent and
   * uncertain jobs are refused: printing them could make a second copy nobody asked for.
   */
  async print(id: number): Promise<PrintOutcome> {
    return this.printJob(id, true);
  }

  /**
   * Move a job whose printer is down to another printer: a new job for the same label on
   * `printerUri`, replacing this one, audited. Only for a job of which nothing was sent.
   */
  async printVia(jobId: number, printerUri: string, by: { actor: string; reason?: string } = { actor: 'system' }): Promise<PrintOutcome> {
    const job = this.get(jobId);
    if (!job) throw new StationFault('print_job_not_found', this.options.t('printer.job.noJob', { id: jobId }));
    if (this.inFlight.has(jobId)) return { ok: false, job, message: stateMessage(this.options.t, 'sent') };
    if (job.state !== 'queued' && job.state !== 'failed') return { ok: false, job, message: stateMessage(this.options.t, job.state) };
    const reason = by.reason?.trim() || 'the printer is down';
    const newId = inTransaction(this.db, () => {
      if (job.state === 'queued') this.setState(jobId, 'failed', `Moved to ${printerUri}`);
      const id = this.insert(job.labelId, printerUri, `fallback for job ${jobId}: ${reason}`, by.actor, jobId, null);
      appendAudit(this.db, this.clock, {
        actor: by.actor,
        action: 'print.fallback',
        subject: `label:${job.labelId}`,
        data: { from: jobId, job: id, printer: printerUri, reason },
      });
      return id;
    });
    return this.printJob(newId, false);
  }

  /**
   * Queue another copy of a label, on purpose. Needs a reason; audited with who asked.
   * Refused while the label still has a job waiting or going out.
   */
  queueReprint(labelId: number, printerUri: string, reason: string, actor: string): number {
    const why = reason.trim();
    if (why === '') {
      throw new StationFault('reprint_reason_required', this.options.t('printer.job.reprintReason'));
    }
    return inTransaction(this.db, () => {
      if (!this.labels.byId(labelId)) throw new StationFault('label_not_found', this.options.t('printer.job.noLabel', { id: labelId }));
      const latest = this.latestForLabel(labelId);
      if (latest && (latest.state === 'queued' || latest.state === 'sent' || this.inFlight.has(latest.id))) {
        throw new StationFault('print_busy', this.options.t('printer.job.busy'));
      }
      const id = this.insert(labelId, printerUri, `reprint: ${why}`, actor, null, null);
      appendAudit(this.db, this.clock, {
        actor,
        action: 'print.reprint',
        subject: `label:${labelId}`,
        data: { job: id, previous: latest?.id ?? null, previousState: latest?.state ?? null, printer: printerUri, reason: why },
      });
      return id;
    });
  }

  /** queueReprint, then print it. Exactly one more copy, or an outcome saying why not. */
  async reprint(labelId: number, by: { reason: string; actor: string; printerUri: string }): Promise<PrintOutcome> {
    return this.print(this.queueReprint(labelId, by.printerUri, by.reason, by.actor));
  }

  /**
   * The packer's answer for an uncertain job: the label came out (confirmed) or it did not
   * (failed, so print() may send it again). Audited.
   */
  answerUncertain(jobId: number, answer: 'printed' | 'not_printed', actor: string): PrintJob {
    return inTransaction(this.db, () => {
      const job = this.get(jobId);
      if (!job) throw new StationFault('print_job_not_found', this.options.t('printer.job.noJob', { id: jobId }));
      if (job.state !== 'uncertain') throw new StationFault('print_not_uncertain', stateMessage(this.options.t, job.state));
      const printed = answer === 'printed';
      this.jobs.resolve(jobId, printed ? 'confirmed' : 'failed', printed ? job.error : `No label came out (${job.error ?? 'uncertain'})`, actor);
      appendAudit(this.db, this.clock, {
        actor,
        action: printed ? 'print.confirmed_by_packer' : 'print.not_printed',
        subject: `label:${job.labelId}`,
        data: { job: jobId, error: job.error },
      });
      return this.get(jobId)!;
    });
  }

  /**
   * Last resort: write the label to a file (its own format, or `as` when a converted rendering,
   * e.g. a PDF of a ZPL label, is wanted). The job keeps its state: a file is not a printed label.
   */
  saveLabel(jobId: number, dir: string, actor: string, as?: { bytes: Buffer; format: LabelFormat; reprint?: boolean }): string {
    const job = this.get(jobId);
    if (!job) throw new StationFault('print_job_not_found', this.options.t('printer.job.noJob', { id: jobId }));
    const label = this.loadLabel(job.labelId);
    const bytes = as?.bytes ?? label.bytes;
    const format = as?.format ?? label.format;
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `label-${job.labelId}-${job.sha256.slice(0, 8)}${as?.reprint ? '-reprint' : ''}.${EXTENSIONS[format]}`);
    writeFileSync(path, bytes);
    inTransaction(this.db, () => {
      this.jobs.setSavedPath(jobId, path);
      appendAudit(this.db, this.clock, {
        actor,
        action: 'print.saved_to_file',
        subject: `label:${job.labelId}`,
        data: { job: jobId, path, format, sha256: createHash('sha256').update(bytes).digest('hex') },
      });
    });
    return path;
  }

  /** The printer's status, taking its turn with the jobs (one client at a time). Null when it cannot be asked. */
  async printerStatus(uri: string): Promise<PrinterStatus | null> {
    const printer = this.options.printerOf?.(uri);
    if (!statusAskable(uri, printer?.language ?? 'zpl', printer?.askStatus)) return null;
    return this.onPrinter(uri, async () => {
      let transport: PrinterTransport;
      try {
        transport = this.transportFor(uri);
      } catch (e) {
        return { status: 'error', message: e instanceof PrinterError ? e.packerSaid : said('printer.addressInvalid'), host: null };
      }
      const status = await transport.status();
      if (status) this.options.onStatus?.(uri, { status: status.status, message: this.words(status.message) });
      return status;
    });
  }

  // ---- internals -----------------------------------------------------------------------------

  private async printJob(id: number, takeOver: boolean): Promise<PrintOutcome> {
    const job = this.get(id);
    if (!job) throw new Error(`print job ${id} does not exist`);
    if (this.inFlight.has(id)) return { ok: false, job, message: stateMessage(this.options.t, 'sent') };
    if (job.state !== 'queued' && job.state !== 'failed') return { ok: false, job, message: stateMessage(this.options.t, job.state) };
    this.inFlight.add(id);
    let outcome: PrintOutcome;
    try {
      outcome = await this.onPrinter(job.printerUri, () => this.deliver(id));
    } finally {
      this.inFlight.delete(id);
    }
    if (outcome.ok || outcome.job.state !== 'failed' || !takeOver) return outcome;
    // Nothing left this machine: another printer, then a file, may take over without a double.
    return takeOverFailed(outcome, this.options, this.takeOverSteps, this.options.t);
  }

  /**
   * The label as files a person can take elsewhere: its own bytes (for another label printer) and,
   * unless it is a PDF already, a 4x6 in PDF drawn locally (for any printer). The PDF is the saved path;
   * when the label cannot be drawn, its own file is.
   */
  private async saveForAnyPrinter(jobId: number, dir: string): Promise<{ path: string; pdf: boolean }> {
    const job = this.get(jobId)!;
    let label: { bytes: Buffer; format: LabelFormat } = this.loadLabel(job.labelId);
    let reprint = false;
    if (this.isReprint(job)) {
      // A copy asked for again says so on paper, printed from the file too.
      try {
        label = await this.options.encoder.reprintCopy(label);
        reprint = true;
      } catch {
        // Not drawable: its own bytes are still worth saving.
      }
    }
    const own = this.saveLabel(jobId, dir, 'system', reprint ? { ...label, reprint } : undefined);
    if (label.format === 'PDF') return { path: own, pdf: true };
    let pdf: Buffer;
    try {
      // Drawn on a worker thread: on this one it held the core up for 0.4-1.9 s (scale, sockets, page).
      pdf = await this.options.encoder.pdfOffThread(label, `Packbench label ${job.labelId}`);
    } catch {
      return { path: own, pdf: false };
    }
    return { path: this.saveLabel(jobId, dir, 'system', { bytes: pdf, format: 'PDF', reprint }), pdf: true };
  }

  /** One job on its printer: status before, the bytes (one retry if the line dropped before any byte), status after. */
  private async deliver(id: number): Promise<PrintOutcome> {
    const job = this.get(id)!;
    // Re-check under the printer's turn: the job may have moved while it waited.
    if (job.state !== 'queued' && job.state !== 'failed') return { ok: false, job, message: stateMessage(this.options.t, job.state) };
    const label = this.loadLabel(job.labelId);
    const digest = createHash('sha256').update(label.bytes).digest('hex');
    if (digest !== label.sha256) {
      this.setState(id, 'failed', `Label ${job.labelId} bytes do not match their sha256 (${digest} != ${label.sha256})`);
      return { ok: false, job: this.get(id)!, message: this.options.t('printer.job.damaged') };
    }
    let transport: PrinterTransport;
    try {
      transport = this.transportFor(job.printerUri);
    } catch (error) {
      return this.failed(id, error, null);
    }
    const status = (event: PrinterEvent) => this.options.onStatus?.(job.printerUri, event);
    const printer: PrinterOf = this.options.printerOf?.(job.printerUri) ?? { language: 'zpl' };
    let bytes: Buffer;
    try {
      bytes = await this.options.encoder.forPrinter(label, printer.language, { dpi: printer.dpi, reprint: this.isReprint(job) });
    } catch (error) {
      // Nothing left this machine: a fallback printer or the saved PDF may still take the label.
      return this.failed(
        id,
        error,
        null,
        // i18n-keys: printer.language.zpl printer.language.escpos printer.language.pdf
        this.options.t('printer.job.notConverted', { format: label.format, language: this.options.t(`printer.language.${printer.language}`) }),
      );
    }

    for (let attempt = 1; ; attempt++) {
      // The attempt is counted with the 'sent' mark (one write, one fsync, just before the bytes go),
      // or, when no byte went, once the send has failed.
      let wentOut = false;
      let result: SendResult;
      try {
        result = await transport.send(bytes, {
          // Only a ZPL printer understands ~HS (another would print the query as text), and not every one answers.
          checkStatus: printer.language === 'zpl' && printer.askStatus !== false,
          raw: printer.language !== 'pdf',
          title: `Packbench label ${job.labelId}`,
          beforeWrite: () => {
            status({ status: 'printing', message: null });
            this.jobs.markSent(id);
            wentOut = true;
          },
        });
      } catch (error) {
        if (!wentOut) this.jobs.countAttempt(id);
        const printerError = error instanceof PrinterError ? error : null;
        const nothingSent = printerError ? printerError.delivery === 'none' : !wentOut;
        if (nothingSent && printerError?.kind === 'reset_before_send' && attempt === 1) {
          // The line dropped before any byte of the label left: once more, and only once.
          this.jobs.setError(id, `retrying after: ${printerError.message}`);
          await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 250));
          continue;
        }
        const seen = printerError?.status ?? null;
        if (seen) this.jobs.setStatusBefore(id, seen.status);
        status(
          seen
            ? { status: seen.status, message: this.words(seen.message) }
            : { status: printerError?.kind === 'unreachable' ? 'offline' : 'error', message: this.words(printerError?.packerSaid ?? null) },
        );
        if (nothingSent) return this.failed(id, error, seen);
        this.setState(id, 'uncertain', errorMessage(error));
        return {
          ok: false,
          job: this.get(id)!,
          message: printerError ? sayIn(this.options.t, printerError.packerSaid) : this.options.t('printer.job.stoppedWhileSending'),
        };
      }

      crashPoint('print.sent');
      const after = result.after;
      this.jobs.setStatuses(id, result.before?.status ?? null, after?.status ?? null);
      status(after ? { status: after.status, message: this.words(after.message) } : { status: 'ready', message: null });
      if (!after || canPrint(after)) {
        this.setState(id, 'confirmed', null);
        return { ok: true, job: this.get(id)! };
      }
      // Every byte went out, then the printer reported a problem: it may or may not have printed.
      this.setState(id, 'uncertain', `Printer reported ${after.status} after the job${result.detail ? ` (${result.detail})` : ''}`);
      return {
        ok: false,
        job: this.get(id)!,
        status: after,
        message: this.options.t('printer.job.problemAfter', { why: this.words(after.message) ?? this.options.t('printer.job.problemAfterSent') }),
      };
    }
  }

  /** A printer's message in the bench's language. */
  private words(message: Said | null): string | null {
    return message ? sayIn(this.options.t, message) : null;
  }

  private failed(id: number, error: unknown, status: PrinterStatus | null, packerMessage?: string): PrintOutcome {
    this.setState(id, 'failed', errorMessage(error));
    const message =
      packerMessage ??
      (error instanceof PrinterError ? sayIn(this.options.t, error.packerSaid) : error instanceof StationFault ? error.message : this.options.t('printer.job.notReached'));
    return status ? { ok: false, job: this.get(id)!, message, status } : { ok: false, job: this.get(id)!, message };
  }

  private insert(labelId: number, printerUri: string, reason: string, actor: string, replaces: number | null, audit: string | null): number {
    const id = this.jobs.insert({ labelId, printerUri, reason, actor, replaces });
    if (audit) appendAudit(this.db, this.clock, { actor, action: audit, subject: `label:${labelId}`, data: { job: id, reason } });
    // better-sqlite3 transactions are synchronous: a microtask runs once the caller's transaction has ended.
    if (this.queuedListeners.size > 0) queueMicrotask(() => this.notifyQueued());
    return id;
  }

  private loadLabel(labelId: number): { bytes: Buffer; format: LabelFormat; sha256: string } {
    const label = this.labels.byId(labelId);
    if (!label) throw new StationFault('label_not_found', this.options.t('printer.job.noLabel', { id: labelId }));
    return label;
  }

  private setState(id: number, state: PrintJobState, error: string | null): void {
    this.jobs.setState(id, state, error);
  }

  private notifyQueued(): void {
    for (const listener of this.queuedListeners) listener();
  }

  private where(uri: string): string {
    try {
      return this.transportFor(uri).where;
    } catch {
      return uri;
    }
  }

  /** Run `work` when the printer's previous job or status query has finished (a test print takes its turn too). */
  onPrinter<T>(uri: string, work: () => Promise<T>): Promise<T> {
    let queue = this.printerQueues.get(uri);
    if (!queue) this.printerQueues.set(uri, (queue = new SerialQueue()));
    const turn = queue;
    return turn.run(work).finally(() => {
      // A printer nobody is waiting for keeps no queue.
      if (turn.size === 0 && this.printerQueues.get(uri) === turn) this.printerQueues.delete(uri);
    });
  }
}

// Every print is a journal row: queued → sent → confirmed, or failed / uncertain. A job that was
// sent when the station died is uncertain: the packer decides, the bench never reprints by itself.
import type { Clock } from '../../clock';
import { appendAudit } from '../../store/audit';
import type { Db } from '../../store/db';
import { PrinterError } from './errors';
import { sendRaw } from './raw-transport';

export type PrintJobState = 'queued' | 'sent' | 'confirmed' | 'failed' | 'uncertain';

export interface PrintJob {
  id: number;
  labelId: number;
  printerUri: string;
  state: PrintJobState;
  reason: string;
  attempts: number;
  error: string | null;
}

export type SendBytes = (uri: string, bytes: Buffer) => Promise<{ bytesSent: number }>;

export type PrintOutcome = { ok: true; job: PrintJob } | { ok: false; job: PrintJob; message: string };

export class PrintJournal {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly send: SendBytes = (uri, bytes) => sendRaw(uri, bytes),
  ) {}

  /** Queue a label for printing. Call inside the transaction that stored the label. */
  queue(labelId: number, printerUri: string, reason: string, actor: string): number {
    const now = this.clock.now();
    const info = this.db
      .prepare(
        `INSERT INTO print_jobs (label_id, printer_uri, state, reason, created_at, updated_at)
         VALUES (?, ?, 'queued', ?, ?, ?)`,
      )
      .run(labelId, printerUri, reason, now, now);
    const id = Number(info.lastInsertRowid);
    appendAudit(this.db, this.clock, { actor, action: 'print.queued', subject: `label:${labelId}`, data: { job: id, reason } });
    return id;
  }

  get(id: number): PrintJob | null {
    const row = this.db.prepare('SELECT * FROM print_jobs WHERE id = ?').get(id) as
      | { id: number; label_id: number; printer_uri: string; state: PrintJobState; reason: string; attempts: number; error: string | null }
      | undefined;
    return row
      ? { id: row.id, labelId: row.label_id, printerUri: row.printer_uri, state: row.state, reason: row.reason, attempts: row.attempts, error: row.error }
      : null;
  }

  latestForLabel(labelId: number): PrintJob | null {
    const row = this.db.prepare('SELECT id FROM print_jobs WHERE label_id = ? ORDER BY id DESC LIMIT 1').get(labelId) as
      | { id: number }
      | undefined;
    return row ? this.get(row.id) : null;
  }

  /** Jobs waiting to go out, oldest first. */
  queued(): PrintJob[] {
    const rows = this.db.prepare(`SELECT id FROM print_jobs WHERE state = 'queued' ORDER BY id`).all() as { id: number }[];
    return rows.map((r) => this.get(r.id)!);
  }

  /** After a restart: a job marked sent may or may not have printed. */
  markInterruptedUncertain(): number {
    return this.db
      .prepare(`UPDATE print_jobs SET state = 'uncertain', error = 'The station stopped while printing', updated_at = ? WHERE state = 'sent'`)
      .run(this.clock.now()).changes;
  }

  /** Send a queued or failed job. The "sent" mark is committed before any byte leaves. */
  async print(id: number): Promise<PrintOutcome> {
    const job = this.get(id);
    if (!job) throw new Error(`print job ${id} does not exist`);
    if (job.state !== 'queued' && job.state !== 'failed') {
      return { ok: false, job, message: `This label is already ${job.state}.` };
    }
    const label = this.db.prepare('SELECT bytes FROM labels WHERE id = ?').get(job.labelId) as { bytes: Buffer };
    this.setState(id, 'sent', null, true);
    try {
      await this.send(job.printerUri, label.bytes);
      this.setState(id, 'confirmed', null);
      return { ok: true, job: this.get(id)! };
    } catch (error) {
      const printerError = error instanceof PrinterError ? error : null;
      const message = printerError?.packerMessage ?? 'The label did not reach the printer.';
      // Bytes may have reached the printer: only a person can tell whether a label came out.
      const state: PrintJobState = printerError?.kind === 'reset_after_send' ? 'uncertain' : 'failed';
      this.setState(id, state, error instanceof Error ? error.message : String(error));
      return { ok: false, job: this.get(id)!, message };
    }
  }

  private setState(id: number, state: PrintJobState, error: string | null, attempt = false): void {
    this.db
      .prepare(`UPDATE print_jobs SET state = ?, error = ?, attempts = attempts + ?, updated_at = ? WHERE id = ?`)
      .run(state, error, attempt ? 1 : 0, this.clock.now(), id);
  }
}

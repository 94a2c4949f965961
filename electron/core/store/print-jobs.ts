// The print journal's rows (table print_jobs): one per attempt to put a label on paper, with the
// label's sha256 and format joined in. The rules (what may be printed, when a job is uncertain,
// fallbacks, reprints) live in devices/printer/print-journal.ts; this file only reads and writes.
// Callers run the writes inside the transaction of the change and its audit entry where there is one.
import type { PrinterEvent } from '../../../shared/api';
import type { Clock } from '../clock';
import type { Db } from './db';
import type { LabelFormat } from './labels';

export type PrintJobState = 'queued' | 'sent' | 'confirmed' | 'failed' | 'uncertain';

/** What a printer said about itself, as journaled around a job (and as the bench shows it). */
export type PrinterStatusCode = Exclude<PrinterEvent['status'], 'absent' | 'printing'>;

export interface PrintJob {
  id: number;
  labelId: number;
  printerUri: string;
  state: PrintJobState;
  reason: string;
  attempts: number;
  error: string | null;
  /** sha256 (hex) of the label bytes this job prints. */
  sha256: string;
  format: LabelFormat;
  /** Who asked for the print: `staff:<id>` or `system`. */
  actor: string;
  /** The job this one took over from (fallback printer), if any. */
  replaces: number | null;
  statusBefore: PrinterStatusCode | null;
  statusAfter: PrinterStatusCode | null;
  createdAt: number;
  updatedAt: number;
  /** When the first label byte left, or null if none did. */
  sentAt: number | null;
  /** Who answered "did the label come out?" for an uncertain job. */
  resolvedBy: string | null;
  /** Where the label was saved as a file, when no printer could take it. */
  savedPath: string | null;
}

interface JobRow {
  id: number;
  label_id: number;
  printer_uri: string;
  state: PrintJobState;
  reason: string;
  attempts: number;
  error: string | null;
  actor: string;
  replaces: number | null;
  status_before: PrinterStatusCode | null;
  status_after: PrinterStatusCode | null;
  sent_at: number | null;
  resolved_by: string | null;
  saved_path: string | null;
  created_at: number;
  updated_at: number;
  sha256: string;
  format: LabelFormat;
}

const JOB_SELECT = `SELECT j.*, l.sha256, l.format FROM print_jobs j JOIN labels l ON l.id = j.label_id`;

export class PrintJobs {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  get(id: number): PrintJob | null {
    const row = this.db.prepare(`${JOB_SELECT} WHERE j.id = ?`).get(id) as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  latestForLabel(labelId: number): PrintJob | null {
    const row = this.db.prepare(`${JOB_SELECT} WHERE j.label_id = ? ORDER BY j.id DESC LIMIT 1`).get(labelId) as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  /** Every job for a label, oldest first. */
  historyForLabel(labelId: number): PrintJob[] {
    return (this.db.prepare(`${JOB_SELECT} WHERE j.label_id = ? ORDER BY j.id`).all(labelId) as JobRow[]).map(toJob);
  }

  /** Jobs in state queued, oldest first. */
  queued(): PrintJob[] {
    return (this.db.prepare(`${JOB_SELECT} WHERE j.state = 'queued' ORDER BY j.id`).all() as JobRow[]).map(toJob);
  }

  /** Whether the label had a job of its own (not a fallback of another) before job `id`. */
  hasEarlierOwnJob(labelId: number, id: number): boolean {
    return this.db.prepare('SELECT 1 FROM print_jobs WHERE label_id = ? AND id < ? AND replaces IS NULL LIMIT 1').get(labelId, id) !== undefined;
  }

  /** A new queued job; returns its id. */
  insert(job: { labelId: number; printerUri: string; reason: string; actor: string; replaces: number | null }): number {
    const now = this.clock.now();
    const info = this.db
      .prepare(
        `INSERT INTO print_jobs (label_id, printer_uri, state, reason, actor, replaces, created_at, updated_at)
         VALUES (?, ?, 'queued', ?, ?, ?, ?, ?)`,
      )
      .run(job.labelId, job.printerUri, job.reason, job.actor, job.replaces, now, now);
    return Number(info.lastInsertRowid);
  }

  setState(id: number, state: PrintJobState, error: string | null): void {
    this.db.prepare(`UPDATE print_jobs SET state = ?, error = ?, updated_at = ? WHERE id = ?`).run(state, error, this.clock.now(), id);
  }

  /** Every job left in state sent becomes uncertain with `error`; returns how many did. */
  markSentUncertain(error: string): number {
    return this.db
      .prepare(`UPDATE print_jobs SET state = 'uncertain', error = ?, updated_at = ? WHERE state = 'sent'`)
      .run(error, this.clock.now()).changes;
  }

  /** A person's answer to an uncertain job: its new state and error, and who answered. */
  resolve(id: number, state: PrintJobState, error: string | null, resolvedBy: string): void {
    this.db
      .prepare('UPDATE print_jobs SET state = ?, error = ?, resolved_by = ?, updated_at = ? WHERE id = ?')
      .run(state, error, resolvedBy, this.clock.now(), id);
  }

  setSavedPath(id: number, path: string): void {
    this.db.prepare('UPDATE print_jobs SET saved_path = ?, updated_at = ? WHERE id = ?').run(path, this.clock.now(), id);
  }

  countAttempt(id: number): void {
    this.db.prepare('UPDATE print_jobs SET attempts = attempts + 1, updated_at = ? WHERE id = ?').run(this.clock.now(), id);
  }

  /** The first label byte is about to leave; the attempt is counted in the same write (one fsync on the label path). */
  markSent(id: number): void {
    const now = this.clock.now();
    this.db.prepare(`UPDATE print_jobs SET state = 'sent', error = NULL, attempts = attempts + 1, sent_at = ?, updated_at = ? WHERE id = ?`).run(now, now, id);
  }

  setError(id: number, error: string): void {
    this.db.prepare('UPDATE print_jobs SET error = ?, updated_at = ? WHERE id = ?').run(error, this.clock.now(), id);
  }

  setStatusBefore(id: number, status: PrinterStatusCode): void {
    this.db.prepare('UPDATE print_jobs SET status_before = ? WHERE id = ?').run(status, id);
  }

  setStatuses(id: number, before: PrinterStatusCode | null, after: PrinterStatusCode | null): void {
    this.db
      .prepare('UPDATE print_jobs SET status_before = ?, status_after = ?, updated_at = ? WHERE id = ?')
      .run(before, after, this.clock.now(), id);
  }
}

function toJob(row: JobRow): PrintJob {
  return {
    id: row.id,
    labelId: row.label_id,
    printerUri: row.printer_uri,
    state: row.state,
    reason: row.reason,
    attempts: row.attempts,
    error: row.error,
    sha256: row.sha256,
    format: row.format,
    actor: row.actor,
    replaces: row.replaces,
    statusBefore: row.status_before,
    statusAfter: row.status_after,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sentAt: row.sent_at,
    resolvedBy: row.resolved_by,
    savedPath: row.saved_path,
  };
}

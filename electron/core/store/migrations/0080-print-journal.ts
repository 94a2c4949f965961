import type { Migration } from '../migrate';

// The closed print loop: who asked for each print, which job it replaces (fallback printer),
// the printer's status before and after, when the bytes left, who answered an uncertain print,
// and where a label was saved as a file when no printer could take it.
export const m0080: Migration = {
  version: 80,
  name: 'print-journal',
  up(db) {
    db.exec(`
      ALTER TABLE print_jobs ADD COLUMN actor TEXT NOT NULL DEFAULT 'system';
      ALTER TABLE print_jobs ADD COLUMN replaces INTEGER REFERENCES print_jobs(id);
      ALTER TABLE print_jobs ADD COLUMN status_before TEXT
        CHECK (status_before IN ('ready', 'paper_out', 'head_open', 'paused', 'offline', 'error'));
      ALTER TABLE print_jobs ADD COLUMN status_after TEXT
        CHECK (status_after IN ('ready', 'paper_out', 'head_open', 'paused', 'offline', 'error'));
      ALTER TABLE print_jobs ADD COLUMN sent_at INTEGER;
      ALTER TABLE print_jobs ADD COLUMN resolved_by TEXT;
      ALTER TABLE print_jobs ADD COLUMN saved_path TEXT;
      -- The queue and the jobs a restart must look at.
      CREATE INDEX print_jobs_open ON print_jobs (state, id) WHERE state IN ('queued', 'sent');
    `);
  },
};

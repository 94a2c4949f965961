// `node dist/core/audit.mjs verify [--data-dir DIR] [--training] [--anchor SEQ:HASH]...`: walk a
// bench's hash-chained audit log, read-only, report the first broken link, and check the log's end
// against its head file (audit-head.json beside it) and each --anchor (e.g. from a dispatch's
// chatter message in Odoo). Exit 0 intact, 1 broken, 2 not checked.
// DIR is the bench's data folder as for `staff add` (--training: its training folder).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../paths';
import { describeAuditVerdict, verifyAudit, type AuditAnchor } from '../store/audit';
import { HEAD_FILE, readHeadFile } from '../store/audit-head';
import { openDatabase } from '../store/db';
import { errorMessage } from '../error-message';

const ANCHOR = /^(\d+):([0-9a-f]{8,64})$/i;

function main(argv: string[]): number {
  const usage = 'usage: audit verify [--data-dir DIR] [--training] [--anchor SEQ:HASH]...';
  let values: { 'data-dir'?: string; training?: boolean; anchor?: string[] };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        'data-dir': { type: 'string' },
        training: { type: 'boolean', default: false },
        anchor: { type: 'string', multiple: true },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    console.error(`${errorMessage(error)}\n${usage}`);
    return 2;
  }
  if (positionals.length !== 1 || positionals[0] !== 'verify') {
    console.error(usage);
    return 2;
  }
  const mode = values.training ? 'training' : 'live';
  const dir = values['data-dir'] ? (values.training ? join(values['data-dir'], 'training') : values['data-dir']) : defaultDataDir(mode);
  const file = join(dir, 'station.sqlite');
  if (!existsSync(file)) {
    console.error(`No bench data at ${file}.`);
    return 2;
  }
  const anchors: AuditAnchor[] = [];
  for (const text of values.anchor ?? []) {
    const match = ANCHOR.exec(text.trim());
    if (!match || Number(match[1]) < 1) {
      console.error(`--anchor wants SEQ:HASH, such as 1234:a1b2c3d4e5f6 from "Audit log entry 1234 (a1b2c3d4e5f6)" in Odoo; got "${text}".`);
      return 2;
    }
    anchors.push({ seq: Number(match[1]), hash: match[2]!.toLowerCase(), source: `the anchor ${text.trim()}` });
  }
  const head = readHeadFile(join(dir, HEAD_FILE));
  if (head === null) {
    if (anchors.length === 0)
      console.error(
        `No ${HEAD_FILE} beside the log: its end was not checked against it. ` +
          `Pass --anchor SEQ:HASH from a dispatch's chatter message in Odoo to check it.`,
      );
  } else if ('unreadable' in head) {
    console.error(`${HEAD_FILE} could not be read (${head.unreadable}): the log's end was not checked against it.`);
  } else {
    anchors.unshift({ ...head, source: HEAD_FILE });
  }
  let db: ReturnType<typeof openDatabase> | null = null;
  try {
    db = openDatabase(file, { readonly: true });
    const verdict = verifyAudit(db, anchors);
    const line = describeAuditVerdict(verdict);
    if (verdict.ok) console.log(line);
    else console.error(line);
    return verdict.ok ? 0 : 1;
  } catch (error) {
    console.error(`Could not check ${file}: ${errorMessage(error)}`);
    return 2;
  } finally {
    db?.close();
  }
}

process.exitCode = main(process.argv.slice(2));

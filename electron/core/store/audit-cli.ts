// `node dist/core/audit.mjs verify [--data-dir DIR] [--training]`: walk a bench's hash-chained
// audit log, read-only, and report the first broken link. Exit 0 intact, 1 broken, 2 not checked.
// DIR is the bench's data folder as for `staff add` (--training: its training folder).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../paths';
import { describeAuditVerdict, verifyAudit } from './audit';
import { openDatabase } from './db';

function main(argv: string[]): number {
  const usage = 'usage: audit verify [--data-dir DIR] [--training]';
  let values: { 'data-dir'?: string; training?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { 'data-dir': { type: 'string' }, training: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
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
  let db: ReturnType<typeof openDatabase> | null = null;
  try {
    db = openDatabase(file, { readonly: true });
    const verdict = verifyAudit(db);
    const line = describeAuditVerdict(verdict);
    if (verdict.ok) console.log(line);
    else console.error(line);
    return verdict.ok ? 0 : 1;
  } catch (error) {
    console.error(`Could not check ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  } finally {
    db?.close();
  }
}

process.exitCode = main(process.argv.slice(2));

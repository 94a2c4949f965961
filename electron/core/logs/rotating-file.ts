// A log file that rotates by size: station.log grows to `maxBytes`, then becomes station.log.1
// (station.log.1 → .2, …), and the oldest beyond `files` is removed. A bench runs unattended for
// months; its logs must never fill the disk. Writes are synchronous (a few lines per order), so a
// line logged just before a crash is on disk. Files are owner-only, like the rest of the data folder.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface RotatingFileOptions {
  dir: string;
  /** The live file's name; rotated ones get .1, .2, … (1 is the most recent). */
  name?: string;
  /** Rotate when the live file would grow past this. Default 5 MB. */
  maxBytes?: number;
  /** How many files are kept, the live one included. Default 5. */
  files?: number;
}

export const LOG_FILE_NAME = 'station.log';

export class RotatingFile {
  readonly dir: string;
  readonly name: string;
  private readonly maxBytes: number;
  private readonly files: number;
  private fd: number | null = null;
  private size = 0;

  constructor(options: RotatingFileOptions) {
    this.dir = options.dir;
    this.name = options.name ?? LOG_FILE_NAME;
    this.maxBytes = Math.max(1024, options.maxBytes ?? 5 * 1024 * 1024);
    this.files = Math.max(1, options.files ?? 5);
  }

  /** The files that exist, oldest first (the order their lines were written in). */
  paths(): string[] {
    const all = [join(this.dir, this.name)];
    for (let i = 1; i < this.files; i++) all.push(join(this.dir, `${this.name}.${i}`));
    return all.filter((p) => existsSync(p)).reverse();
  }

  write(chunk: string): boolean {
    const bytes = Buffer.byteLength(chunk);
    if (this.fd === null) this.open();
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    writeSync(this.fd!, chunk);
    this.size += bytes;
    return true;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.fd = openSync(join(this.dir, this.name), 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    const live = join(this.dir, this.name);
    rmSync(`${live}.${this.files - 1}`, { force: true });
    for (let i = this.files - 2; i >= 1; i--) {
      if (existsSync(`${live}.${i}`)) renameSync(`${live}.${i}`, `${live}.${i + 1}`);
    }
    if (this.files > 1) renameSync(live, `${live}.1`);
    else rmSync(live, { force: true });
    this.open();
  }
}

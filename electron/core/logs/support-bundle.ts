// "Export support bundle": one JSON file a lead can hand to support, saved in the data folder's
// support/ folder (owner-only). It holds what support asks for first: versions, the devices' last
// status, the queue (counts and the rows that are stuck, never their payloads), open exceptions, the
// settings in force, which secrets are set (never their values), the recent log lines and the
// scale's latest raw reads (hex and text, with times: what a misbehaving scale said).
// Secrets are scrubbed (field names, header spellings and every secret value the station has read),
// and customers' names and addresses from the order cache are masked wherever they turn up.
import { mkdirSync, openSync, readFileSync, writeSync, closeSync, statSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { join } from 'node:path';
import { sqliteVersions, type Db } from '../store/db';
import { newestOpenExceptions } from '../store/exceptions';
import { cachedShipTos } from '../store/order-cache';
import { outboxHealth } from '../sync/outbox';
import { escapeRegExp, scrubValue, type SecretValues } from './redact';

declare const PACKBENCH_VERSION: string | undefined;

export const SUPPORT_BUNDLE_FORMAT = 'packbench-support-bundle/1';
/** The newest log lines kept in a bundle (the files hold more). */
const MAX_LOG_BYTES = 4 * 1024 * 1024;

export interface SupportBundleInput {
  db: Db;
  dataDir: string;
  now: Date;
  bench: string;
  mode: 'live' | 'training';
  /** The log files, oldest first. */
  logFiles: string[];
  secrets: SecretValues;
  /** Secret names the station uses, and whether each is set. */
  secretStatus: Record<string, 'set' | 'not set'>;
  /** The latest payload of each event the core pushed (device status, queue, connectivity). */
  events: [string, unknown][];
  settings: unknown;
  /** The scale's latest raw reads, oldest first (ScaleService.recentRaw); none without a scale. */
  scaleReads?: readonly { at: number; bytes: Buffer; length: number }[];
}

export interface SupportBundle {
  file: string;
  bytes: number;
}

export function versions(db: Db): Record<string, string> {
  const v: Record<string, string> = {
    packbench: typeof PACKBENCH_VERSION === 'string' ? PACKBENCH_VERSION : 'development',
    node: process.versions.node,
    ...sqliteVersions(db),
    os: `${platform()} ${release()} ${arch()}`,
  };
  const electron = (process.versions as Record<string, string | undefined>).electron;
  if (electron) v.electron = electron;
  return v;
}

/** "Philippa Quenby-Strand" → "P******* Q************": enough to tell two apart, not to know who. */
export function maskText(text: string): string {
  return text.replace(/[\p{L}\p{N}]+/gu, (word) => word[0] + '*'.repeat(word.length - 1));
}

/** Customers' names, companies, streets, towns, postcodes, phones and e-mails from the order cache. */
function customerTexts(db: Db): string[] {
  const rows = cachedShipTos(db);
  const texts = new Set<string>();
  for (const row of rows) {
    for (const value of Object.values(row)) if (value && value.trim().length >= 3) texts.add(value.trim());
    // A name also turns up in parts ("Quenby-Strand" in a carrier's error).
    for (const part of (row.name ?? '').split(/\s+/)) if (part.length >= 3) texts.add(part);
  }
  return [...texts];
}

function maskCustomers(value: unknown, pattern: RegExp | null): unknown {
  if (pattern === null) return value;
  if (typeof value === 'string') return value.replace(pattern, (found) => maskText(found));
  if (Array.isArray(value)) return value.map((item) => maskCustomers(item, pattern));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskCustomers(item, pattern)]));
  }
  return value;
}

/** The newest lines of the log files, each parsed (a line that is not JSON is kept as text). */
function recentLogLines(files: string[]): unknown[] {
  const chunks: string[] = [];
  let total = 0;
  for (const file of [...files].reverse()) {
    if (total >= MAX_LOG_BYTES) break;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (total + text.length > MAX_LOG_BYTES) text = text.slice(text.length - (MAX_LOG_BYTES - total)).replace(/^[^\n]*\n/, '');
    total += text.length;
    chunks.unshift(text);
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return line;
      }
    });
}

/**
 * Raw scale reads as support reads them: the time, the bytes in hex and as text (printable ASCII,
 * '.' for the rest). Secret values are masked in the bytes themselves, across read boundaries too
 * (the hex would spell them out otherwise).
 */
export function scaleReadsForSupport(reads: readonly { at: number; bytes: Buffer; length: number }[], secrets: SecretValues) {
  const masked = secrets.maskBytes(Buffer.concat(reads.map((r) => r.bytes)));
  let offset = 0;
  return reads.map((read) => {
    const bytes = masked.subarray(offset, (offset += read.bytes.length));
    return {
      at: new Date(read.at).toISOString(),
      length: read.length,
      ...(read.length > bytes.length ? { cut: true } : {}),
      hex: bytes.toString('hex').replace(/(..)(?!$)/g, '$1 '),
      text: [...bytes].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join(''),
    };
  });
}

/** Build the bundle and save it; returns where. */
export function writeSupportBundle(input: SupportBundleInput): SupportBundle {
  const { db } = input;
  const bundle = {
    format: SUPPORT_BUNDLE_FORMAT,
    createdAt: input.now.toISOString(),
    bench: input.bench,
    mode: input.mode,
    versions: versions(db),
    devices: Object.fromEntries(input.events.filter(([name]) => name !== 'state')),
    queue: outboxHealth(db),
    openExceptions: newestOpenExceptions(db, 50),
    settings: input.settings,
    // A list, not a map: a field named after a secret would be redacted, state and all.
    credentials: Object.entries(input.secretStatus).map(([name, state]) => ({ name, state })),
    logs: recentLogLines(input.logFiles),
    scaleReads: scaleReadsForSupport(input.scaleReads ?? [], input.secrets),
  };
  const customers = customerTexts(db).sort((a, b) => b.length - a.length);
  const pattern = customers.length > 0 ? new RegExp(customers.map(escapeRegExp).join('|'), 'giu') : null;
  const safe = maskCustomers(scrubValue(bundle, input.secrets), pattern);
  const text = JSON.stringify(safe, null, 1) + '\n';

  const dir = join(input.dataDir, 'support');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `packbench-support-${input.now.toISOString().replace(/[:.]/g, '-')}.json`);
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return { file, bytes: statSync(file).size };
}

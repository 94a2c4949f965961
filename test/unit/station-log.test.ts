// The station's structured log on a real folder: JSON lines with the order's correlation id, no
// secret in any spelling a caller might log it in, and size-based rotation that keeps a few files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStationLog, watchedSecrets, type StationLog } from '../../electron/core/logs/station-log';
import { tempDir } from '../support/temp-dir';

let dir: ReturnType<typeof tempDir>;
let log: StationLog;
const text = () => log.file.paths().map((f) => readFileSync(f, 'utf8')).join('');
const lines = () => text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

beforeEach(() => (dir = tempDir('packbench-log-')));
afterEach(() => {
  log.close();
  dir.remove();
});

describe('station log', () => {
  it('writes JSON lines carrying the order correlation id, owner-only', () => {
    log = createStationLog({ dir: join(dir.path, 'logs') });
    log.forOrder('odoo:prod:picking:42').info({ kind: 'dispatch' }, 'dispatch applied');
    log.logger.warn('printer offline');
    const [first, second] = lines();
    expect(first).toMatchObject({ level: 30, order: 'odoo:prod:picking:42', kind: 'dispatch', msg: 'dispatch applied' });
    expect(typeof first!.time).toBe('string');
    expect(second).toMatchObject({ level: 40, msg: 'printer offline' });
    expect(second).not.toHaveProperty('order');
    expect((statSync(join(dir.path, 'logs')).mode & 0o777).toString(8)).toBe('700');
    expect((statSync(join(dir.path, 'logs', 'station.log')).mode & 0o777).toString(8)).toBe('600');
  });

  it('keeps keys, PINs, approval codes and auth headers out, however they are logged', async () => {
    log = createStationLog({ dir: dir.path });
    const key = 'sk_live_9f2c71aa0b3e4d5f';
    const secrets = watchedSecrets({ get: async () => key, set: async () => {}, delete: async () => {} }, log.secrets);
    expect(await secrets.get('carrier.shippo.api_key')).toBe(key);
    log.logger.info({ headers: { Authorization: `ShippoToken ${key}`, 'API-Key': key } }, 'carrier call');
    log.logger.info({ request: { headers: { authorization: `Bearer ${key}` } } }, 'nested headers');
    log.logger.info({ approval: { pin: '482913', badge: 'L-1', nonce: 'n0nce-n0nce-n0nce-1' } }, 'approval used');
    log.logger.info({ carrierApiKey: key, config: { odoo: { apiKey: key, password: 'hunter22' } } }, 'config');
    log.logger.error({ err: new Error(`401 for Authorization: Bearer ${key}`) }, 'refused');
    log.logger.warn(`Shippo said the token ${key} is not valid`);
    log.logger.warn('GET https://api.example/rates?api_key=abcdef123456&from=NL');
    const written = text();
    for (const secret of [key, '482913', 'n0nce-n0nce-n0nce-1', 'hunter22', 'abcdef123456']) expect(written).not.toContain(secret);
    expect(written.match(/\[redacted\]/g)!.length).toBeGreaterThanOrEqual(10);
    // What is not secret stays readable.
    expect(written).toContain('carrier call');
    expect(written).toContain('Shippo said the token [redacted] is not valid');
    expect(written).toContain('from=NL');
  });

  it('rotates by size and keeps the newest files only', () => {
    log = createStationLog({ dir: dir.path, maxBytes: 4096, files: 3 });
    for (let i = 0; i < 500; i++) log.logger.info({ i }, 'a line to fill the file with');
    const names = readdirSync(dir.path).sort();
    expect(names).toEqual(['station.log', 'station.log.1', 'station.log.2']);
    for (const name of names) expect(statSync(join(dir.path, name)).size).toBeLessThanOrEqual(4096);
    // Oldest first across the files; the last line written is the last one read.
    const numbers = lines().map((l) => l.i as number);
    expect(numbers.at(-1)).toBe(499);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers[0]).toBeGreaterThan(0);
  });
});

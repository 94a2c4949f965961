// The Odoo API key never reaches the renderer, the logs or the bench's data file: a live bench reads
// it from its owner-only secrets file (or the environment), talks to the sandbox Odoo with it, and
// everything that leaves the core (HTTP replies, WebSocket events, host and station logs, console
// output) and the SQLite file are searched for it. Then the same with a key Odoo refuses, whose
// alert reaches the shift lead's queue.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { ExceptionView, ScanReply } from '../../shared/api';
import { startHost, type RunningHost } from '../../electron/core/host/server';
import { createStation, type Station } from '../../electron/core/station';
import { EnvSecretStore } from '../../electron/core/store/secret-store';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { tempDir } from '../support/temp-dir';
import { waitForEvent } from '../support/wait';

let dir: ReturnType<typeof tempDir>;
let staticDir: string;
let odoo: SandboxOdoo;
let station: Station | null = null;
let host: RunningHost | null = null;
let socket: WebSocket | null = null;
const key = `pbkey${randomBytes(12).toString('hex')}`;
/** Everything that left the core: replies, event frames, log lines, console output. */
let seen: string[];

beforeEach(async () => {
  dir = tempDir('packbench-secrets-');
  staticDir = await mkdtemp(path.join(tmpdir(), 'pb-secrets-static-'));
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Packbench</title>');
  odoo = await startSandboxOdoo({ port: 0, apiKey: key, seed: 3 });
  seen = [];
  const capture = (...args: unknown[]) => void seen.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '));
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation(capture);
  const write = (chunk: unknown) => (seen.push(String(chunk)), true);
  vi.spyOn(process.stdout, 'write').mockImplementation(write as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation(write as typeof process.stderr.write);
});

afterEach(async () => {
  socket?.terminate();
  socket = null;
  await host?.close();
  host = null;
  await station?.stop();
  station = null;
  vi.restoreAllMocks();
  await odoo.close();
  await rm(staticDir, { recursive: true, force: true });
  dir.remove();
});

async function startBench(secrets?: EnvSecretStore): Promise<{ call(name: string, body: unknown): Promise<unknown> }> {
  station = createStation({
    dataDir: dir.path,
    mode: 'live',
    identity: { scryptN: 1024 },
    log: (line) => seen.push(line),
    ...(secrets ? { secrets } : {}),
    overrides: { odoo: { url: odoo.url, db: odoo.db, login: odoo.login } },
  });
  if (station.identities.countStaff() === 0) station.identities.addStaff({ badge: 'P-1', name: 'Pia', role: 'packer' });
  await station.start();
  host = await startHost({ handlers: station.handlers, events: station.events, staticDir, port: 0, log: (line) => seen.push(line) });
  const origin = `http://127.0.0.1:${host.port}`;
  const post = (pathname: string, body: unknown, cookie = '') =>
    new Promise<{ status: number; cookie: string; body: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: host!.port, method: 'POST', path: pathname, headers: { origin, 'content-type': 'application/json', cookie } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, cookie: String(res.headers['set-cookie'] ?? '').split(';')[0]!, body: text }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  const token = new URLSearchParams(new URL(host.openUrl).hash.slice(1)).get('token')!;
  const { cookie } = await post('/api/session', { token });
  socket = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, { headers: { origin, cookie } });
  socket.on('message', (frame) => seen.push(frame.toString()));
  await new Promise((resolve, reject) => socket!.once('open', resolve).once('error', reject));
  return {
    async call(name, body) {
      const reply = await post(`/api/call/${name}`, body, cookie);
      seen.push(reply.body);
      return (JSON.parse(reply.body) as { value?: unknown }).value;
    },
  };
}

/** The data folder's SQLite file and its WAL, as bytes. */
function dataFileText(): string {
  return ['station.sqlite', 'station.sqlite-wal']
    .map((name) => dir.file(name))
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString('latin1'))
    .join('');
}

describe('the Odoo API key', () => {
  it('is used from the owner-only secrets file, and appears nowhere the renderer, the logs or the data file can show', async () => {
    writeFileSync(dir.file('secrets.json'), JSON.stringify({ 'odoo.api_key': key }), { mode: 0o600 });
    chmodSync(dir.file('secrets.json'), 0o600);
    const bench = await startBench();
    await waitForEvent(station!.events, 'state', (s) => s.odooLink === 'online', 20_000, 'odoo online');

    await bench.call('scan', { code: 'P-1' });
    const opened = (await bench.call('scan', { code: odoo.state.sampleNames()[0]! })) as ScanReply;
    expect(opened.kind).toBe('order'); // the key worked: the order came from Odoo
    await bench.call('scan', { code: '*PB*CANCEL' });
    for (const name of ['getState', 'getSettings', 'listExceptions', 'labelImage']) await bench.call(name, {});
    await station!.worker.runOnce();

    expect(seen.length).toBeGreaterThan(10);
    expect(seen.filter((s) => s.includes(key))).toEqual([]);
    expect(JSON.stringify(station!.settings.get())).not.toContain(key);
    await station!.stop();
    station = null;
    expect(dataFileText()).not.toContain(key);
  });

  it('a key Odoo refuses raises an alert for the lead that does not carry the key either', async () => {
    const wrong = `pbwrong${randomBytes(12).toString('hex')}`;
    const bench = await startBench(new EnvSecretStore({ PACKBENCH_SECRET_ODOO_API_KEY: wrong }));
    await waitForEvent(station!.events, 'queue', (q) => q.openExceptions > 0, 20_000, 'an alert');
    await bench.call('scan', { code: 'P-1' });
    await bench.call('scan', { code: odoo.state.sampleNames()[0]! });
    const { items } = (await bench.call('listExceptions', {})) as { items: ExceptionView[] };
    expect(items.map((e) => e.kind)).toContain('sync_auth');

    expect(seen.filter((s) => s.includes(wrong) || s.includes(key))).toEqual([]);
    await station!.stop();
    station = null;
    const data = dataFileText();
    expect(data).not.toContain(wrong);
    expect(data).not.toContain(key);
  });
});

// Browser-mode host: the HTTP-level defences (token exchange, Host/Origin, body limits, static
// path traversal, headers, logs) over real TCP on 127.0.0.1.
import { writeFile } from 'node:fs/promises';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../../shared/bridge';
import { defaultSettings } from '../../shared/settings';
import { StationEvents } from '../../electron/core/events';
import { startHost, type RunningHost } from '../../electron/core/host/server';
import { idleState as state, startHostRig, type HostRig } from '../support/host-rig';

function fakeHandlers(): Handlers {
  return {
    scan: vi.fn<Handlers['scan']>(({ code }) => ({
      kind: 'unknown',
      message: { tone: 'info', text: `Scanned ${code}`, at: 1 },
      state,
    })),
    getState: () => state,
    listExceptions: () => ({ items: [] }),
    resolveException: () => {
      throw new Error('not used here');
    },
    fixRejectedShipment: () => {
      throw new Error('not used here');
    },
    carrierServices: () => ({ providers: [] }),
    enterWeight: () => state,
    labelImage: () => ({ png: null }),
    getSettings: () => defaultSettings(),
    updateSettings: () => defaultSettings(),
    testDevice: ({ device }) => ({ ok: true, message: `${device} answered` }),
    detectScale: () => ({ ok: false, message: 'No scale port is set up.', found: null }),
    login: () => state,
    logout: () => state,
    benchCommand: () => ({ kind: 'command', message: { tone: 'info', text: 'Order put aside.', at: 1 }, state }),
    printCommandSheet: () => ({ ok: true, message: 'sent', pdf: null }),
    exportSupportBundle: () => ({ file: '/data/support/bundle.json', bytes: 1 }),
    listOutbox: () => ({ items: [] }),
    scopeOptions: () => ({ companies: [], warehouses: [], pickingTypes: [], source: 'local' as const, problem: null }),
    testOdoo: () => ({ ok: true, message: 'Odoo answers.' }),
  };
}

const SECRET = 'must-never-be-served-7f3a';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http rather than fetch, so Host, Origin and raw paths go out exactly as written. */
function send(
  port: number,
  options: { method?: string; path: string; headers?: OutgoingHttpHeaders; body?: string | Buffer; setHost?: boolean },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        setHost: options.setHost ?? true,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

let rig: HostRig;
let dir: string;
let host: RunningHost;
let logs: string[];
let handlers: Handlers;
let good: { host: string; origin: string };
let token: string;

beforeEach(async () => {
  handlers = fakeHandlers();
  rig = await startHostRig(handlers, {
    prefix: 'pb-host-',
    staticDir: 'static',
    files: {
      'static/index.html': '<!doctype html><title>Packbench</title>',
      'static/assets/app.js': 'console.log(1);',
      'static/assets/app.css': 'body{}',
      'static/assets/icon.svg': '<svg/>',
      'static/.env': SECRET,
      // Files just outside staticDir that traversal would reach.
      'package.json': JSON.stringify({ secret: SECRET }),
      'secret.txt': SECRET,
      // A label saved as the last resort, and what else lies in or beside its folder.
      'saved/label-7-0123abcd.pdf': '%PDF-1.7 label 7',
      'saved/label-7-0123abcd.zpl': '^XA^XZ',
      'saved/notes.pdf': SECRET,
    },
    lastResortDir: 'saved',
  });
  ({ dir, host, logs, token } = rig);
  good = { host: rig.authority, origin: rig.origin };
});

afterEach(() => rig.close());

function exchange(candidate: unknown, headers: OutgoingHttpHeaders = {}): Promise<Reply> {
  return send(host.port, {
    method: 'POST',
    path: '/api/session',
    headers: { host: good.host, origin: good.origin, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ token: candidate }),
  });
}

async function login(): Promise<string> {
  const reply = await exchange(token);
  expect(reply.status).toBe(204);
  const cookie = (reply.headers['set-cookie'] ?? [])[0]!;
  return cookie.split(';')[0]!;
}

function call(name: string, body: unknown, headers: OutgoingHttpHeaders = {}): Promise<Reply> {
  return send(host.port, {
    method: 'POST',
    path: `/api/call/${name}`,
    headers: { host: good.host, origin: good.origin, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('start', () => {
  it('gives a token-free url and an openUrl carrying a fresh 32-byte token in the fragment', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
    expect(host.url).not.toContain('token');
    expect(host.openUrl).toBe(`${host.url}#token=${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = await startHost({ handlers, events: new StationEvents(), staticDir: path.join(dir, 'static') });
    try {
      expect(other.openUrl).not.toContain(token);
    } finally {
      await other.close();
    }
  });

  it('stops listening on close', async () => {
    const port = host.port;
    await host.close();
    await expect(send(port, { path: '/', headers: { host: good.host } })).rejects.toThrow();
    rig.host = await startHost({ handlers, events: new StationEvents(), staticDir: path.join(dir, 'static') });
  });
});

describe('session', () => {
  it('refuses API use without the cookie', async () => {
    expect((await send(host.port, { path: '/api/session', headers: { host: good.host } })).status).toBe(401);
    const reply = await call('getState', {});
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await call('getState', {}, { cookie: `pb_session_${host.port}=guessed` })).status).toBe(401);
  });

  it('refuses a wrong token with 403 without burning the real one', async () => {
    expect((await exchange('x'.repeat(43))).status).toBe(403);
    expect((await exchange(42)).status).toBe(403);
    expect((await exchange(undefined)).status).toBe(403);
    expect((await exchange(token)).status).toBe(204);
  });

  it('trades the token once for an HttpOnly SameSite=Strict cookie that authorises calls', async () => {
    const reply = await exchange(token);
    expect(reply.status).toBe(204);
    const setCookie = reply.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(new RegExp(`^pb_session_${host.port}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/$`));
    expect(setCookie).not.toContain(token);
    const cookie = setCookie.split(';')[0]!;

    expect((await exchange(token)).status).toBe(403);
    expect((await send(host.port, { path: '/api/session', headers: { host: good.host, cookie } })).status).toBe(204);
    // Another localhost app (or another station on another port) may add its own; ours still counts,
    // and another port's session never does.
    const mixed = `pb_session_${host.port}=other; pb_session_${host.port + 1}=x; theme=dark; ${cookie}`;
    expect((await call('getState', {}, { cookie: cookie.replace(`pb_session_${host.port}=`, `pb_session_${host.port + 1}=`) })).status).toBe(401);
    const ok = await call('getState', {}, { cookie: mixed });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: state });
  });

  it('requires JSON for the exchange', async () => {
    const reply = await exchange(token, { 'content-type': 'text/plain' });
    expect(reply.status).toBe(415);
    expect((await exchange(token)).status).toBe(204);
  });
});

describe('Host and Origin', () => {
  it('answers 403 to a foreign or missing Host on static files and the API', async () => {
    const cookie = await login();
    for (const bad of [`evil.example:${host.port}`, '127.0.0.1', `127.0.0.1:${host.port + 1}`, `localhost.evil:${host.port}`]) {
      const page = await send(host.port, { path: '/', headers: { host: bad } });
      expect(page.status).toBe(403);
      expect(page.body).toBe('Forbidden');
      const api = await call('getState', {}, { host: bad, cookie });
      expect(api.status).toBe(403);
      expect(api.body).toBe('Forbidden');
    }
    expect((await send(host.port, { path: '/', setHost: false })).status).toBe(403);
    expect((await send(host.port, { path: '/', headers: { host: `localhost:${host.port}` } })).status).toBe(200);
    expect(handlers.scan).not.toHaveBeenCalled();
  });

  it('requires a matching Origin on POST', async () => {
    const cookie = await login();
    const foreign = await call('scan', { code: 'X' }, { cookie, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toBe('Forbidden');
    expect((await call('scan', { code: 'X' }, { cookie, origin: 'null' })).status).toBe(403);
    expect((await call('scan', { code: 'X' }, { cookie, origin: `http://127.0.0.1:${host.port + 1}` })).status).toBe(403);
    expect((await call('scan', { code: 'X' }, { cookie, origin: `https://127.0.0.1:${host.port}` })).status).toBe(403);
    const missing = await send(host.port, {
      method: 'POST',
      path: '/api/call/scan',
      headers: { host: good.host, cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'X' }),
    });
    expect(missing.status).toBe(403);
    expect(handlers.scan).not.toHaveBeenCalled();
    expect((await call('scan', { code: 'X' }, { cookie, origin: `http://localhost:${host.port}` })).status).toBe(200);
    expect(handlers.scan).toHaveBeenCalledTimes(1);
  });

  it('refuses the token exchange from another Origin or without one', async () => {
    expect((await exchange(token, { origin: 'http://evil.example' })).status).toBe(403);
    const bare = await send(host.port, {
      method: 'POST',
      path: '/api/session',
      headers: { host: good.host, 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(bare.status).toBe(403);
    expect((await exchange(token)).status).toBe(204);
  });

  it('allows GET without Origin but not with a foreign one', async () => {
    expect((await send(host.port, { path: '/', headers: { host: good.host } })).status).toBe(200);
    expect((await send(host.port, { path: '/', headers: { host: good.host, origin: good.origin } })).status).toBe(200);
    expect((await send(host.port, { path: '/', headers: { host: good.host, origin: 'http://evil.example' } })).status).toBe(403);
  });
});

describe('request bodies', () => {
  it('requires application/json on calls (no simple-request CSRF)', async () => {
    const cookie = await login();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const reply = await call('scan', { code: 'X' }, { cookie, 'content-type': type });
      expect(reply.status).toBe(415);
    }
    expect((await call('scan', { code: 'X' }, { cookie, 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
    expect(handlers.scan).toHaveBeenCalledTimes(1);
  });

  it('answers 413 to a body over 64 KiB, declared or streamed', async () => {
    const cookie = await login();
    const big = JSON.stringify({ code: 'x'.repeat(70 * 1024) });
    const declared = await call('scan', big, { cookie });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ ok: false, error: { code: 'too_large' } });

    const streamed = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: host.port,
          method: 'POST',
          path: '/api/call/scan',
          headers: { host: good.host, origin: good.origin, cookie, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 70; i++) req.write('x'.repeat(1024));
      req.end();
    });
    expect(streamed).toBe(413);
    expect(handlers.scan).not.toHaveBeenCalled();
    // Exactly at the limit is still fine (and the connection still serves).
    const justFits = JSON.stringify({ code: 'y' }).padEnd(64 * 1024, ' ');
    const fits = await call('scan', justFits, { cookie });
    expect(fits.status).toBe(200);
  });

  it('answers 400 with an envelope to a body that is not JSON', async () => {
    const cookie = await login();
    const reply = await call('scan', '{"code": "X"', { cookie });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(handlers.scan).not.toHaveBeenCalled();
  });

  it('allows only POST on calls', async () => {
    const cookie = await login();
    const reply = await send(host.port, { path: '/api/call/getState', headers: { host: good.host, cookie } });
    expect(reply.status).toBe(405);
  });
});

describe('static files', () => {
  it('serves files with their content types and the app shell for client routes', async () => {
    const get = (p: string) => send(host.port, { path: p, headers: { host: good.host } });
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('<title>Packbench</title>');
    expect((await get('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/assets/icon.svg')).headers['content-type']).toBe('image/svg+xml');
    const route = await get('/exceptions/12');
    expect(route.status).toBe(200);
    expect(route.body).toContain('<title>Packbench</title>');
    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await get('/api/nothing')).status).toBe(404);
  });

  it('does not serve anything outside staticDir, nor hidden files', async () => {
    const attempts = [
      '/../package.json',
      '/../secret.txt',
      '/%2e%2e/package.json',
      '/%2E%2E/secret.txt',
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      `/${encodeURIComponent(path.join(dir, 'secret.txt'))}`,
      '/.env',
      '/%2eenv',
      '/%E0%A4%A',
      '/assets%00/app.js',
    ];
    for (const attempt of attempts) {
      const reply = await send(host.port, { path: attempt, headers: { host: good.host } });
      expect(reply.body, attempt).not.toContain(SECRET);
      expect(reply.status, attempt).toBe(404);
    }
    // The raw paths really reached the server (node:http does not normalise them).
    expect(logs).toContain('GET /../package.json 404');
  });
});

describe('headers and logs', () => {
  it('puts the strict CSP and hardening headers on every response', async () => {
    const cookie = await login();
    const csp =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
      `connect-src 'self' ws://127.0.0.1:${host.port} ws://localhost:${host.port}; object-src 'none'; ` +
      "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    const replies = [
      await send(host.port, { path: '/', headers: { host: good.host } }),
      await send(host.port, { path: '/', headers: { host: 'evil.example' } }),
      await call('getState', {}, { cookie }),
      await call('getState', {}),
    ];
    for (const reply of replies) {
      expect(reply.headers['content-security-policy']).toBe(csp);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['referrer-policy']).toBe('no-referrer');
    }
    expect(replies[2]!.headers['cache-control']).toBe('no-store');
    expect(replies[3]!.headers['cache-control']).toBe('no-store');
  });

  it("serves the real page with its meta CSP opened to this port's event socket only", async () => {
    const page = readFileSync(path.join(__dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
    await writeFile(path.join(dir, 'static', 'index.html'), page);
    const served = (await send(host.port, { path: '/', headers: { host: good.host } })).body;
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(served)?.[1] ?? '';
    expect(meta).toContain(`connect-src 'self' ws://127.0.0.1:${host.port} ws://localhost:${host.port};`);
    expect(meta).not.toContain(':*');
  });

  it('logs method, path and status, never the token, the cookie or the query', async () => {
    const cookie = await login();
    const sessionId = cookie.split('=')[1]!;
    await exchange(token);
    await call('getState', {}, { cookie });
    await send(host.port, { path: `/?token=${token}`, headers: { host: good.host, cookie } });
    expect(logs).toContain('POST /api/session 204');
    expect(logs).toContain('POST /api/session 403');
    expect(logs).toContain('POST /api/call/getState 200');
    expect(logs).toContain('GET / 200');
    for (const line of logs) {
      expect(line).not.toContain(token);
      expect(line).not.toContain(sessionId);
    }
  });
});

describe('last-resort label files', () => {
  const get = (p: string, cookie?: string) => send(host.port, { path: p, headers: { host: good.host, ...(cookie ? { cookie } : {}) } });

  it('serves a saved label PDF to the page that holds the session cookie, and nothing else', async () => {
    const href = '/files/last-resort/label-7-0123abcd.pdf';
    const anonymous = await get(href);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).not.toContain('%PDF');

    const cookie = await login();
    const served = await get(href, cookie);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('application/pdf');
    expect(served.body).toBe('%PDF-1.7 label 7');

    for (const bad of [
      '/files/last-resort/label-7-0123abcd.zpl',
      '/files/last-resort/notes.pdf',
      '/files/last-resort/../secret.txt',
      '/files/last-resort/..%2Fsecret.txt',
      '/files/last-resort/%2e%2e/static/.env',
      '/files/last-resort/label-7-0123abcd.pdf/..%2F..%2Fsecret.txt',
      '/files/last-resort/label-8-0123abcd.pdf',
    ]) {
      const reply = await get(bad, cookie);
      expect([bad, reply.status]).toEqual([bad, 404]);
      expect(reply.body).not.toContain(SECRET);
    }
  });
});

// electron/main.ts against a recording fake of the electron module (the runtime is not installed
// here): the window's security settings, the app:// page and its CSP, what it refuses, the relay's
// sender check, and a core that dies. main-packaged.test.ts loads it as an installed app.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fake, type FakeCore, type FakeWindow } from '../support/fake-electron';

vi.mock('electron', async () => (await import('../support/fake-electron')).electronModule);

let window: FakeWindow;
const rendererUrl = () => window.loadURL.mock.calls[0]![0] as string;

beforeAll(async () => {
  await import('../../electron/main');
  await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
  window = fake.windows[0] as FakeWindow;
  await vi.waitFor(() => expect(window.loadURL).toHaveBeenCalled());
});

describe('Electron main process', () => {
  it('turns the renderer sandbox on for every process, before the window exists', () => {
    expect(fake.calls.slice(0, 3)).toEqual(['enableSandbox', 'registerSchemesAsPrivileged', 'BrowserWindow']);
  });

  it('registers app:// before the app is ready as a standard, secure scheme, and nothing looser', () => {
    expect(fake.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('keeps DevTools and the default menu while developing (not an installed app)', () => {
    expect(window.options.webPreferences.devTools).toBe(true);
    expect(fake.applicationMenu).toBeUndefined();
  });

  it('isolates the page: context isolation, sandbox, no Node anywhere, web security, the bundled preload', () => {
    const prefs = window.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs.preload).toMatch(/[/\\]preload\.cjs$/);
    // Nothing that loosens it slips in under another name.
    for (const key of ['experimentalFeatures', 'enableBlinkFeatures', 'additionalArguments', 'webgl', 'plugins']) {
      expect(prefs).not.toHaveProperty(key);
    }
  });

  it('loads the page from app://packbench, and refuses navigation, redirects, web views and new windows', () => {
    expect(rendererUrl()).toBe('app://packbench/index.html');
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const preventDefault = vi.fn();
      window.handlers.get(event)!({ preventDefault });
      expect(preventDefault, event).toHaveBeenCalled();
    }
    expect(window.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('grants no permission (camera, notifications, serial, …) to the page', () => {
    const callback = vi.fn();
    fake.permissionRequest!(null, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(fake.permissionCheck!(null, 'notifications', 'app://packbench', {})).toBe(false);
  });

  it('passes the command-line flags to the core, and starts it in a utility process', () => {
    expect(fake.forks).toHaveLength(1);
    expect(fake.forks[0]!.path).toMatch(/[/\\]core[/\\]utility\.cjs$/);
    expect(fake.forks[0]!.args).toEqual(process.argv.slice(2));
    expect(fake.forks[0]!.options).toMatchObject({ serviceName: 'packbench-core' });
  });

  it('relays calls only from its own window, its main frame, showing a page of app://packbench', async () => {
    const call = fake.ipc.get('station:call')!;
    const core = fake.cores[0] as FakeCore;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const mainFrame = window.webContents.mainFrame;
    const foreign = await call({ sender: { id: 99 }, senderFrame: mainFrame }, 'getState', {});
    // An iframe inside our page, even one of our own origin, is not the page.
    const subFrame = await call({ sender: { id: 41 }, senderFrame: { url: 'app://packbench/index.html' } }, 'getState', {});
    // Our main frame after it was taken elsewhere (navigation is refused, but the check holds anyway).
    mainFrame.url = 'file:///tmp/evil.html';
    const otherPage = await call({ sender: { id: 41 }, senderFrame: mainFrame }, 'getState', {});
    mainFrame.url = 'app://packbench.evil.example/index.html';
    const lookalike = await call({ sender: { id: 41 }, senderFrame: mainFrame }, 'getState', {});
    mainFrame.url = rendererUrl();
    const gone = await call({ sender: { id: 41 }, senderFrame: null }, 'getState', {});
    for (const refused of [foreign, subFrame, otherPage, lookalike, gone]) expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(core.posted).toEqual([]);
    const unknown = await call({ sender: { id: 41 }, senderFrame: mainFrame }, 'runShell', { cmd: 'id' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    const malformed = await call({ sender: { id: 41 }, senderFrame: mainFrame }, 'scan', { code: { $gt: '' } });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(core.posted).toEqual([]);
    // Each refusal is logged, naming the command and why, never the request's content.
    const logged = warn.mock.calls.map((c) => c.join(' '));
    warn.mockRestore();
    expect(logged).toHaveLength(7);
    expect(logged.filter((l) => l.includes('"reason":"sender"'))).toHaveLength(5);
    expect(logged.at(-2)).toMatch(/"reason":"request".*"command":"runShell".*"code":"unknown_command"/);
    expect(logged.at(-1)).toMatch(/"command":"scan".*"code":"bad_request"/);
    expect(logged.join('\n')).not.toContain('$gt');
  });

  it('serves the page over app:// with a strict Content-Security-Policy header', async () => {
    const handler = fake.protocolHandlers.get('app')!;
    const page = await handler(new Request('app://packbench/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<div id="root">');
    const csp = new Map(
      page.headers.get('content-security-policy')!.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]),
    );
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(page.headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval|https?:|file:|\*/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves nothing outside the built renderer, and nothing for another host', async () => {
    const handler = fake.protocolHandlers.get('app')!;
    for (const url of [
      'app://packbench/%2e%2e/package.json',
      'app://packbench/..%2fpackage.json',
      'app://packbench/../package.json',
      'app://other/index.html',
      'app://packbench/.hidden',
    ]) {
      expect((await handler(new Request(url))).status, url).toBe(404);
    }
    expect((await handler(new Request('app://packbench/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('answers a waiting call when the core dies, and starts a new core that takes the next call', async () => {
    vi.useFakeTimers();
    try {
      const call = fake.ipc.get('station:call')!;
      const trusted = { sender: { id: 41 }, senderFrame: window.webContents.mainFrame };
      const first = fake.cores[0] as FakeCore;
      const waiting = call(trusted, 'getState', {});
      expect(first.posted).toHaveLength(1);
      vi.spyOn(console, 'error').mockImplementation(() => {});
      first.emit('exit', 9);
      expect(await waiting).toMatchObject({ ok: false, error: { code: 'core_restarting' } });
      await vi.advanceTimersByTimeAsync(30_000);
      expect(fake.cores).toHaveLength(2);
      const second = fake.cores[1] as FakeCore;
      const next = call(trusted, 'getState', {});
      expect(second.posted).toHaveLength(1);
      second.emit('message', { type: 'event', event: 'printer', payload: { status: 'ready', message: 'Printer' } });
      expect(window.sent.at(-1)).toEqual(['station:event', 'printer', { status: 'ready', message: 'Printer' }]);
      first.emit('exit', 0); // a late exit of the old core changes nothing
      expect(fake.cores).toHaveLength(2);
      second.emit('message', { type: 'reply', id: second.posted[0]!.id, result: { ok: false, error: { code: 'x', message: 'y' } } });
      expect(await next).toEqual({ ok: false, error: { code: 'x', message: 'y' } });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the page the window loads', () => {
  // The page's own meta policy applies on top of the app:// header (and alone in a plain browser).
  const html = readFileSync(join(__dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

  it('has a strict Content-Security-Policy: own scripts only, no inline or eval, no plugins, no base', () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*\.|https?:/);
  });
  it('lets the desktop page open no connection of its own (it reaches the core over IPC only)', () => {
    expect(directives.get('connect-src')).toEqual(["'self'"]);
  });
});

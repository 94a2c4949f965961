// electron/main.ts against a fake of the electron module (the runtime is not installed here): the
// window's security settings, what it refuses, the relay's sender check, and a core that dies.
import type { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';

interface FakeWindow {
  options: { webPreferences: Record<string, unknown> };
  loadURL: ReturnType<typeof vi.fn>;
  handlers: Map<string, (event: { preventDefault(): void }) => void>;
  openHandler: (() => { action: string }) | null;
  sent: unknown[][];
}

const fake = vi.hoisted(() => ({
  windows: [] as unknown[],
  cores: [] as unknown[],
  forks: [] as { path: string; args: string[]; options: Record<string, unknown> }[],
  ipc: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
  permissionRequest: null as null | ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void),
  permissionCheck: null as null | ((...args: unknown[]) => boolean),
  calls: [] as string[],
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class BrowserWindow {
    options: unknown;
    handlers = new Map<string, (event: { preventDefault(): void }) => void>();
    openHandler: (() => { action: string }) | null = null;
    sent: unknown[][] = [];
    loadURL = vi.fn(async () => {});
    webContents = {
      id: 41,
      on: (event: string, handler: (event: { preventDefault(): void }) => void) => this.handlers.set(event, handler),
      setWindowOpenHandler: (handler: () => { action: string }) => (this.openHandler = handler),
      send: (...args: unknown[]) => this.sent.push(args),
    };
    constructor(options: unknown) {
      fake.calls.push('BrowserWindow');
      this.options = options;
      fake.windows.push(this);
    }
    isDestroyed() {
      return false;
    }
  }
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    enableSandbox: () => fake.calls.push('enableSandbox'),
    whenReady: () => Promise.resolve(),
    quit: vi.fn(),
    exit: vi.fn(),
  });
  return {
    app,
    BrowserWindow,
    ipcMain: {
      handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => Promise<unknown>) => fake.ipc.set(channel, listener),
      removeHandler: (channel: string) => fake.ipc.delete(channel),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: typeof fake.permissionRequest) => (fake.permissionRequest = h),
        setPermissionCheckHandler: (h: typeof fake.permissionCheck) => (fake.permissionCheck = h),
      },
    },
    utilityProcess: {
      fork: (path: string, args: string[], options: Record<string, unknown>) => {
        fake.forks.push({ path, args, options });
        const core = Object.assign(new Emitter(), { posted: [] as unknown[], postMessage: (m: unknown) => core.posted.push(m), kill: vi.fn(() => true) });
        fake.cores.push(core);
        return core;
      },
    },
  };
});

type FakeCore = EventEmitter & { posted: { id: number; name: string }[]; kill: ReturnType<typeof vi.fn> };

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
    expect(fake.calls.slice(0, 2)).toEqual(['enableSandbox', 'BrowserWindow']);
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

  it('loads the built renderer from a file, and refuses navigation, redirects, web views and new windows', () => {
    expect(rendererUrl()).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const preventDefault = vi.fn();
      window.handlers.get(event)!({ preventDefault });
      expect(preventDefault, event).toHaveBeenCalled();
    }
    expect(window.openHandler!()).toEqual({ action: 'deny' });
  });

  it('grants no permission (camera, notifications, serial, …) to the page', () => {
    const callback = vi.fn();
    fake.permissionRequest!(null, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(fake.permissionCheck!(null, 'notifications', 'file://', {})).toBe(false);
  });

  it('passes the command-line flags to the core, and starts it in a utility process', () => {
    expect(fake.forks).toHaveLength(1);
    expect(fake.forks[0]!.path).toMatch(/[/\\]core[/\\]utility\.cjs$/);
    expect(fake.forks[0]!.args).toEqual(process.argv.slice(2));
    expect(fake.forks[0]!.options).toMatchObject({ serviceName: 'packbench-core' });
  });

  it('relays calls only from its own window showing its own page', async () => {
    const call = fake.ipc.get('station:call')!;
    const core = fake.cores[0] as FakeCore;
    const foreign = await call({ sender: { id: 99 }, senderFrame: { url: rendererUrl() } }, 'getState', {});
    const otherPage = await call({ sender: { id: 41 }, senderFrame: { url: 'https://evil.example/' } }, 'getState', {});
    expect(foreign).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(otherPage).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(core.posted).toEqual([]);
    const unknown = await call({ sender: { id: 41 }, senderFrame: { url: rendererUrl() } }, 'runShell', { cmd: 'id' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    expect(core.posted).toEqual([]);
  });

  it('answers a waiting call when the core dies, and starts a new core that takes the next call', async () => {
    vi.useFakeTimers();
    try {
      const call = fake.ipc.get('station:call')!;
      const trusted = { sender: { id: 41 }, senderFrame: { url: rendererUrl() } };
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
  // A file:// page has no response headers: its Content-Security-Policy is the meta tag.
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

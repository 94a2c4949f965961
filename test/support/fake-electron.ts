// A recording fake of the parts of the `electron` module the main process uses (the runtime cannot
// be installed here). A test file mocks 'electron' with it and then imports electron/main:
//
//   vi.mock('electron', async () => (await import('../support/fake-electron')).electronModule);
//   import { fake } from '../support/fake-electron';
//   fake.app.isPackaged = true;               // before the import, to load main as an installed app
//   await import('../../electron/main');
//
// Each test file gets its own module registry, so its own fake.
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export interface FakeFrame {
  url: string;
}

export type Bounds = { x: number; y: number; width: number; height: number };

export class FakeWindow extends EventEmitter {
  options: { webPreferences: Record<string, unknown> } & Record<string, unknown>;
  handlers = new Map<string, (event: { preventDefault(): void }, ...args: unknown[]) => void>();
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  sent: unknown[][] = [];
  bounds: Bounds;
  maximized = false;
  minimized = false;
  focused = 0;
  shown = 0;
  kiosk = false;
  destroyed = false;
  loadURL = vi.fn(async (url: string) => {
    this.webContents.mainFrame.url = url;
  });
  webContents = {
    id: 41,
    mainFrame: { url: '' } as FakeFrame,
    on: (event: string, handler: (event: { preventDefault(): void }, ...args: unknown[]) => void) => {
      this.handlers.set(event, handler);
    },
    setWindowOpenHandler: (handler: (details: { url: string }) => { action: string }) => (this.openHandler = handler),
    send: (...args: unknown[]) => this.sent.push(args),
  };
  constructor(options: FakeWindow['options']) {
    super();
    fake.calls.push('BrowserWindow');
    this.options = options;
    this.bounds = {
      x: (options.x as number | undefined) ?? 0,
      y: (options.y as number | undefined) ?? 0,
      width: (options.width as number | undefined) ?? 800,
      height: (options.height as number | undefined) ?? 600,
    };
    fake.windows.push(this);
  }
  isDestroyed() {
    return this.destroyed;
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  getBounds() {
    return { ...this.bounds };
  }
  isMaximized() {
    return this.maximized;
  }
  maximize() {
    this.maximized = true;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  focus() {
    this.focused++;
  }
  show() {
    this.shown++;
  }
  isKiosk() {
    return this.kiosk;
  }
  setKiosk(on: boolean) {
    this.kiosk = on;
  }
}

export type FakeCore = EventEmitter & { posted: { id: number; name: string; type: string }[]; kill: ReturnType<typeof vi.fn> };

const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  /** What requestSingleInstanceLock answers: false is a second start. */
  gotLock: true,
  paths: { userData: '/nonexistent/packbench-user-data' } as Record<string, string>,
  loginItem: null as null | Record<string, unknown>,
  enableSandbox: () => fake.calls.push('enableSandbox'),
  whenReady: () => Promise.resolve(),
  requestSingleInstanceLock: () => app.gotLock,
  getPath: (name: string) => app.paths[name] ?? `/nonexistent/${name}`,
  getVersion: () => '0.1.0',
  setLoginItemSettings: (settings: Record<string, unknown>) => void (app.loginItem = settings),
  quit: vi.fn(),
  exit: vi.fn(),
});

export const fake = {
  app,
  windows: [] as FakeWindow[],
  cores: [] as FakeCore[],
  forks: [] as { path: string; args: string[]; options: Record<string, unknown> }[],
  ipc: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
  permissionRequest: null as null | ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void),
  permissionCheck: null as null | ((...args: unknown[]) => boolean),
  privilegedSchemes: [] as { scheme: string; privileges: Record<string, boolean> }[],
  protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
  applicationMenu: undefined as unknown,
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] as { workArea: Bounds }[],
  /** safeStorage: whether encryption is available, and Linux's backend ('basic_text' protects nothing). */
  keychain: { available: true, backend: 'gnome_libsecret' },
  calls: [] as string[],
};

export const electronModule = {
  app,
  BrowserWindow: FakeWindow,
  Menu: { setApplicationMenu: (menu: unknown) => void (fake.applicationMenu = menu) },
  ipcMain: {
    handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => Promise<unknown>) => fake.ipc.set(channel, listener),
    removeHandler: (channel: string) => fake.ipc.delete(channel),
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes: typeof fake.privilegedSchemes) => {
      fake.calls.push('registerSchemesAsPrivileged');
      fake.privilegedSchemes.push(...schemes);
    },
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => fake.protocolHandlers.set(scheme, handler),
  },
  screen: { getAllDisplays: () => fake.displays },
  // A stand-in cipher: reversible, and never the plain text.
  safeStorage: {
    isEncryptionAvailable: () => fake.keychain.available,
    getSelectedStorageBackend: () => fake.keychain.backend,
    encryptString: (plain: string) => Buffer.from(`sealed:${Buffer.from(plain).toString('hex')}`),
    decryptString: (sealed: Buffer) => Buffer.from(sealed.toString().replace(/^sealed:/, ''), 'hex').toString(),
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
      const core = Object.assign(new EventEmitter(), {
        posted: [] as FakeCore['posted'],
        postMessage: (m: FakeCore['posted'][number]) => core.posted.push(m),
        kill: vi.fn(() => true),
      });
      fake.cores.push(core);
      return core;
    },
  },
};

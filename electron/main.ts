// Electron shell: one window (one app instance per user), the core in a utility process (started
// again if it dies, asked to close its database before the app quits), and the generic IPC relay. Thin.
import { app, BrowserWindow, ipcMain, Menu, protocol, safeStorage, screen, session, utilityProcess } from 'electron';
import { join } from 'node:path';
import type { Settings } from '../shared/settings';
import { defaultDataDir } from './core/paths';
import { EVENT_CHANNEL, startIpcRelay, superviseCore, trustedSender } from './main-ipc';
import { answerKeychain } from './main-keychain';
import { setStartAtLogin } from './main-login-item';
import { APP_ORIGIN, APP_PAGE_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler } from './main-protocol';
import { DEFAULT_BOUNDS, loadWindowState, saveWindowState, windowStateFile } from './main-window-state';

const here = __dirname; // dist/electron after bundling
const rendererDir = join(here, '..', 'renderer');

// Flags for the core: after the app path when run as `electron main.cjs …`, right after the
// executable in a packaged app.
const coreArgs = process.argv.slice(app.isPackaged ? 1 : 2);

/** The bench's data folder, as the core will pick it (--data-dir, else the live default). */
function dataDirOf(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--data-dir' && args[i + 1]) return args[i + 1]!;
    if (args[i]!.startsWith('--data-dir=')) return args[i]!.slice('--data-dir='.length);
  }
  return defaultDataDir('live');
}
const stateFile = windowStateFile(dataDirOf(coreArgs));

app.enableSandbox();
// Before the app is ready, or the scheme gets no origin of its own.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

let mainWindow: BrowserWindow | null = null;

async function createWindow(): Promise<void> {
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir));
  // No menu in an installed app: its default one offers DevTools, reload and zoom to a bench.
  if (app.isPackaged) Menu.setApplicationMenu(null);
  // Where the lead left it, if that is still on a connected screen.
  const saved = loadWindowState(stateFile, screen.getAllDisplays().map((d) => d.workArea));
  // The renderer is untrusted web content: isolated from the preload, sandboxed, no Node. Only the
  // preload's window.station reaches the core. The page comes from app://packbench with its
  // Content-Security-Policy as a response header (main-protocol.ts). An installed app has no
  // DevTools. Written out here, in the constructor call, so `npm run security` can read it.
  const window = new BrowserWindow({
    ...(saved ? { x: saved.x, y: saved.y, width: saved.width, height: saved.height } : DEFAULT_BOUNDS),
    title: 'Packbench',
    webPreferences: {
      preload: join(here, 'preload.cjs'),
      devTools: !app.isPackaged,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // A middle click would otherwise try to open a link in a new window (refused anyway).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  mainWindow = window;
  if (saved?.maximized) window.maximize();
  window.on('close', () => {
    try {
      saveWindowState(stateFile, { ...window.getNormalBounds(), maximized: window.isMaximized() });
    } catch (error) {
      console.warn('Packbench: could not save where the window was', error);
    }
  });

  const core = superviseCore({
    fork: () =>
      utilityProcess.fork(join(here, '..', 'core', 'utility.cjs'), coreArgs, {
        serviceName: 'packbench-core',
        stdio: 'inherit',
      }),
    onExit: (code, restartInMs) => {
      settingsAsked = false;
      relay.coreLost();
      if (restartInMs !== null) console.error(`Packbench: the station core exited (${code}); starting it again in ${restartInMs} ms.`);
    },
  });
  const relay = startIpcRelay({
    ipcMain,
    core: core.port,
    isTrustedSender: trustedSender(() => window.webContents, APP_ORIGIN),
    onRefused: (refusal) => console.warn('Packbench: refused a call from the window', JSON.stringify(refusal)),
    // The core's API keys, sealed by the system keychain; answered to the core only.
    onKeychain: (request) => answerKeychain(request, safeStorage),
    // The desktop settings apply as soon as they are read or saved (by the lead, in Settings).
    onReply: (name, result) => {
      if ((name === 'getSettings' || name === 'updateSettings') && result.ok) applyDesktopSettings(window, (result.value as Settings).desktop);
    },
    sendEvent: (event, payload) => {
      // A core's first state says it is up: read the desktop settings from it.
      if (event === 'state' && !settingsAsked) {
        settingsAsked = true;
        void relay.call('getSettings', {});
      }
      if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event, payload);
    },
  });
  let settingsAsked = false;

  // Quitting waits for the core to finish the write under way and close its database.
  let coreClosed = false;
  app.on('before-quit', (event) => {
    if (coreClosed) return;
    event.preventDefault();
    if (quitting) return;
    quitting = true;
    void core.stop().then(() => {
      coreClosed = true;
      app.quit();
    });
  });

  // The renderer never navigates away, opens windows, embeds web views or asks for permissions.
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-redirect', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  await window.loadURL(APP_PAGE_URL);
}

let quitting = false;

/** Kiosk mode and start at login, from the settings (start at login only for the installed app). */
function applyDesktopSettings(window: BrowserWindow, desktop: Settings['desktop']): void {
  if (!window.isDestroyed() && window.isKiosk() !== desktop.kiosk) window.setKiosk(desktop.kiosk);
  if (!app.isPackaged) return;
  try {
    setStartAtLogin(desktop.startAtLogin, {
      platform: process.platform,
      executable: process.env.APPIMAGE ?? process.execPath,
      env: process.env,
      setLoginItemSettings: (settings) => app.setLoginItemSettings(settings),
    });
  } catch (error) {
    console.warn('Packbench: could not change start at login', error);
  }
}

// One Packbench per user: a second start brings the open window forward and quits.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });
  app.whenReady().then(createWindow, (error: unknown) => {
    console.error(error);
    app.exit(1);
  });
  app.on('window-all-closed', () => app.quit());
}

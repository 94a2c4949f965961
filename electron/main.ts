// Electron shell: one window, the core in a utility process (started again if it dies), and the
// generic IPC relay. Thin.
import { app, BrowserWindow, ipcMain, Menu, protocol, session, utilityProcess } from 'electron';
import { join } from 'node:path';
import { EVENT_CHANNEL, startIpcRelay, superviseCore, trustedSender } from './main-ipc';
import { APP_ORIGIN, APP_PAGE_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler } from './main-protocol';

const here = __dirname; // dist/electron after bundling
const rendererDir = join(here, '..', 'renderer');

// Flags for the core: after the app path when run as `electron main.cjs …`, right after the
// executable in a packaged app.
const coreArgs = process.argv.slice(app.isPackaged ? 1 : 2);

app.enableSandbox();
// Before the app is ready, or the scheme gets no origin of its own.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

async function createWindow(): Promise<void> {
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir));
  // No menu in an installed app: its default one offers DevTools, reload and zoom to a bench.
  if (app.isPackaged) Menu.setApplicationMenu(null);
  // The renderer is untrusted web content: isolated from the preload, sandboxed, no Node. Only the
  // preload's window.station reaches the core. The page comes from app://packbench with its
  // Content-Security-Policy as a response header (main-protocol.ts). An installed app has no
  // DevTools. Written out here, in the constructor call, so `npm run security` can read it.
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
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

  const core = superviseCore({
    fork: () =>
      utilityProcess.fork(join(here, '..', 'core', 'utility.cjs'), coreArgs, {
        serviceName: 'packbench-core',
        stdio: 'inherit',
      }),
    onExit: (code, restartInMs) => {
      relay.coreLost();
      if (restartInMs !== null) console.error(`Packbench: the station core exited (${code}); starting it again in ${restartInMs} ms.`);
    },
  });
  const relay = startIpcRelay({
    ipcMain,
    core: core.port,
    isTrustedSender: trustedSender(() => window.webContents, APP_ORIGIN),
    onRefused: (refusal) => console.warn('Packbench: refused a call from the window', JSON.stringify(refusal)),
    sendEvent: (event, payload) => {
      if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event, payload);
    },
  });
  app.once('before-quit', () => core.stop());

  // The renderer never navigates away, opens windows, embeds web views or asks for permissions.
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-redirect', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  await window.loadURL(APP_PAGE_URL);
}

app.whenReady().then(createWindow, (error: unknown) => {
  console.error(error);
  app.exit(1);
});
app.on('window-all-closed', () => app.quit());

// Electron shell: one window, the core in a utility process (started again if it dies), and the
// generic IPC relay. Thin.
import { app, BrowserWindow, ipcMain, session, utilityProcess, type WebPreferences } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EVENT_CHANNEL, startIpcRelay, superviseCore, trustedSender } from './main-ipc';

const here = __dirname; // dist/electron after bundling
const rendererIndex = join(here, '..', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;

/**
 * The renderer is untrusted web content: isolated from the preload, sandboxed, no Node. Only the
 * preload's window.station reaches the core. The page's Content-Security-Policy is in its own
 * index.html (a file:// page has no response headers to carry one).
 */
export const windowPreferences = (preload: string): WebPreferences => ({
  preload,
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
});

// Flags for the core: after the app path when run as `electron main.cjs …`, right after the
// executable in a packaged app.
const coreArgs = process.argv.slice(app.isPackaged ? 1 : 2);

app.enableSandbox();

async function createWindow(): Promise<void> {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Packbench',
    webPreferences: windowPreferences(join(here, 'preload.cjs')),
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
    isTrustedSender: trustedSender(() => window.webContents.id, rendererUrl),
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

  await window.loadURL(rendererUrl);
}

app.whenReady().then(createWindow, (error: unknown) => {
  console.error(error);
  app.exit(1);
});
app.on('window-all-closed', () => app.quit());

// Electron shell: one window, the core in a utility process, and the generic IPC relay. Thin.
import { app, BrowserWindow, ipcMain, session, utilityProcess } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EVENT_CHANNEL, startIpcRelay } from './main-ipc';

const here = __dirname; // dist/electron after bundling
const rendererIndex = join(here, '..', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;

app.enableSandbox();

async function createWindow(): Promise<void> {
  const core = utilityProcess.fork(join(here, '..', 'core', 'utility.cjs'), process.argv.slice(2), {
    serviceName: 'packbench-core',
    stdio: 'inherit',
  });

  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Packbench',
    webPreferences: {
      preload: join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });

  startIpcRelay({
    ipcMain,
    core,
    isTrustedSender: (event) => event.sender.id === window.webContents.id && event.senderFrame?.url === rendererUrl,
    sendEvent: (event, payload) => {
      if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event, payload);
    },
  });

  // The renderer never navigates away or opens windows; links to the web go to the browser.
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  core.once('exit', (code) => {
    if (code !== 0 && !window.isDestroyed()) window.webContents.reload();
  });
  await window.loadURL(rendererUrl);
}

app.whenReady().then(createWindow, (error: unknown) => {
  console.error(error);
  app.exit(1);
});
app.on('window-all-closed', () => app.quit());

// Entry of the core when it runs in Electron's utility process: the same station as browser mode,
// reached over the parent port instead of HTTP. Uses Electron's process.parentPort global but never
// imports 'electron'.
import { dispatch } from '../../../shared/bridge';
import { bootStation, parseFlags } from './boot';
import { defaultDataDir } from '../paths';
import { desktopSecrets, keychainOverPort } from './keychain-port';
import { checkNativeModules } from './native-modules';
import { errorMessage } from '../error-message';

interface ParentPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('utility.ts runs only inside an Electron utility process');

async function main(port: ParentPort): Promise<void> {
  // A SQLite module built for another ABI says so in one sentence, shown in the window.
  checkNativeModules();
  const flags = parseFlags(process.argv.slice(2).filter((a) => a !== '--browser'));
  // API keys sealed by the system keychain, through main (which alone has safeStorage).
  const secrets = await desktopSecrets(flags.dataDir ?? defaultDataDir('live'), keychainOverPort(port));
  const booted = await bootStation(flags, { secrets: secrets.store });
  for (const note of [...secrets.notes, ...booted.notes]) console.log(note);
  booted.station.events.subscribe((event, payload) => port.postMessage({ type: 'event', event, payload }));
  for (const [event, payload] of booted.station.events.snapshot()) port.postMessage({ type: 'event', event, payload });
  // The app is quitting: finish the write under way, close the database, then exit (main waits).
  let closing: Promise<void> | null = null;
  const shutDown = () => (closing ??= booted.close().then(() => process.exit(0)));
  port.on('message', ({ data }) => {
    const message = data as { type?: string; id?: number; name?: unknown; request?: unknown };
    if (message?.type === 'shutdown') return void shutDown();
    if (message?.type !== 'call' || typeof message.id !== 'number') return;
    const id = message.id;
    void dispatch(booted.station.handlers, message.name, message.request, (error, name) =>
      console.error(`core: ${name} failed`, error),
    ).then((result) => port.postMessage({ type: 'reply', id, result }));
  });
  process.once('SIGTERM', () => void shutDown());
}

main(parentPort).catch((error: unknown) => {
  console.error(error);
  // The window says why (a newer database, a data folder it cannot write, bad flags), not only "restarting".
  parentPort.postMessage({ type: 'fatal', message: errorMessage(error) });
  // Let the message leave before the process does.
  setTimeout(() => process.exit(1), 200);
});

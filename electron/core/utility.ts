// Entry of the core when it runs in Electron's utility process: the same station as browser mode,
// reached over the parent port instead of HTTP. Uses Electron's process.parentPort global but never
// imports 'electron'.
import { parseArgs } from 'node:util';
import { dispatch } from '../../shared/bridge';
import { defaultDataDir } from './paths';
import { createStation } from './station';

interface ParentPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('utility.ts runs only inside an Electron utility process');

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { 'data-dir': { type: 'string' }, training: { type: 'boolean', default: false } },
  strict: false,
});
const mode = values.training ? 'training' : 'live';
const station = createStation({
  dataDir: typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir(mode),
  mode,
});

station.events.subscribe((event, payload) => parentPort.postMessage({ type: 'event', event, payload }));
parentPort.on('message', ({ data }) => {
  const message = data as { type?: string; id?: number; name?: unknown; request?: unknown };
  if (message?.type !== 'call' || typeof message.id !== 'number') return;
  const id = message.id;
  void dispatch(station.handlers, message.name, message.request, (error, name) =>
    console.error(`core: ${name} failed`, error),
  ).then((result) => parentPort.postMessage({ type: 'reply', id, result }));
});
void station.start();

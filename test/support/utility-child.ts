// The core's Electron utility-process entry (electron/core/entry/utility.ts) under plain Node:
// Electron's process.parentPort is stood in for by Node's IPC channel to the parent.
import { EventEmitter } from 'node:events';

const port = Object.assign(new EventEmitter(), { postMessage: (message: unknown) => process.send!(message) });
process.on('message', (data) => port.emit('message', { data }));
(process as unknown as { parentPort: unknown }).parentPort = port;
await import('../../electron/core/entry/utility');

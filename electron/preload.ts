// The preload exposes exactly one thing: window.station, a StationApi over IPC. It is bundled to
// CommonJS because a sandboxed preload cannot load ES modules or other files.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { StationApi } from '../shared/api';
import { createStationClient } from '../shared/bridge';
import { CALL_CHANNEL, EVENT_CHANNEL } from './main-ipc';

const client = createStationClient({
  send: (name, request) => ipcRenderer.invoke(CALL_CHANNEL, name, request),
  subscribe(listener) {
    const relay = (_event: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on(EVENT_CHANNEL, relay);
    return () => ipcRenderer.off(EVENT_CHANNEL, relay);
  },
});

const station = {
  call: (name, request) => client.call(name, request),
  on: (event, listener) => client.on(event, listener),
} satisfies StationApi;

contextBridge.exposeInMainWorld('station', station);

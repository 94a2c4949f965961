// The preload exposes exactly one thing: window.station, a StationApi over IPC. It is bundled to
// CommonJS because a sandboxed preload cannot load ES modules or other files.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { StationApi } from '../shared/api';
import { createStationClient } from '../shared/bridge';
import { CALL_CHANNEL, EVENT_CHANNEL, SNAPSHOT_CHANNEL } from './main-ipc';

const client = createStationClient({
  send: (name, request) => ipcRenderer.invoke(CALL_CHANNEL, name, request),
  subscribe(listener) {
    // Events pushed before this page subscribed (at start, or before a reload) come from the
    // relay's snapshot; one already received live is newer than its snapshot and wins.
    const seen = new Set<string>();
    const relay = (_event: IpcRendererEvent, name: string, payload: unknown) => {
      seen.add(name);
      listener(name, payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, relay);
    ipcRenderer.invoke(SNAPSHOT_CHANNEL).then(
      (snapshot: unknown) => {
        if (!Array.isArray(snapshot)) return;
        for (const entry of snapshot) {
          if (Array.isArray(entry) && typeof entry[0] === 'string' && !seen.has(entry[0])) listener(entry[0], entry[1]);
        }
      },
      () => {},
    );
    return () => ipcRenderer.off(EVENT_CHANNEL, relay);
  },
});

const station = {
  call: (name, request) => client.call(name, request),
  on: (event, listener) => client.on(event, listener),
} satisfies StationApi;

contextBridge.exposeInMainWorld('station', station);

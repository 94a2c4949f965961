import type { StationApi } from '../../shared/api';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode, where the web bridge is used. */
    station?: StationApi;
  }
}
export {};

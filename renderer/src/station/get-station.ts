// One StationApi for the UI: the preload's window.station on the desktop, the web bridge in a browser.
import type { StationApi } from '../../../shared/api';
import { connectWebStation } from './web-transport';

export async function getStation(): Promise<StationApi> {
  return window.station ?? connectWebStation();
}

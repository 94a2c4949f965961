import { useEffect, useState } from 'react';
import type {
  Connectivity,
  PrinterEvent,
  QueueCounts,
  ScaleEvent,
  StationApi,
  StationState,
} from '../../../shared/api';

export interface StationView {
  state: StationState | null;
  scale: ScaleEvent | null;
  printer: PrinterEvent | null;
  queue: QueueCounts | null;
  connectivity: Connectivity | null;
  /** Why the station cannot be reached yet (it failed to start, or is starting again); null once it answers. */
  unavailable: string | null;
}

/** How often to ask again while the station does not answer. */
const RETRY_MS = 2000;

/** Mirror the snapshots the core pushes; the UI keeps no station state of its own. */
export function useStationView(station: StationApi): [StationView, (state: StationState) => void] {
  const [state, setState] = useState<StationState | null>(null);
  const [scale, setScale] = useState<ScaleEvent | null>(null);
  const [printer, setPrinter] = useState<PrinterEvent | null>(null);
  const [queue, setQueue] = useState<QueueCounts | null>(null);
  const [connectivity, setConnectivity] = useState<Connectivity | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const answered = (next: StationState) => {
      done = true;
      clearTimeout(timer);
      setUnavailable(null);
      setState(next);
    };
    // Until the station answers once, keep asking: a core that failed to start says why each time.
    const load = () =>
      void station.call('getState', {}).then((r) => {
        if (done) return;
        if (r.ok) return answered(r.value);
        setUnavailable(r.error.message);
        timer = setTimeout(load, RETRY_MS);
      });
    const offs = [
      station.on('state', answered),
      station.on('scale', setScale),
      station.on('printer', setPrinter),
      station.on('queue', setQueue),
      station.on('connectivity', setConnectivity),
    ];
    load();
    return () => {
      done = true;
      clearTimeout(timer);
      offs.forEach((off) => off());
    };
  }, [station]);

  return [{ state, scale, printer, queue, connectivity, unavailable }, setState];
}

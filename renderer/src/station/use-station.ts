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
}

/** Mirror the snapshots the core pushes; the UI keeps no station state of its own. */
export function useStationView(station: StationApi): [StationView, (state: StationState) => void] {
  const [state, setState] = useState<StationState | null>(null);
  const [scale, setScale] = useState<ScaleEvent | null>(null);
  const [printer, setPrinter] = useState<PrinterEvent | null>(null);
  const [queue, setQueue] = useState<QueueCounts | null>(null);
  const [connectivity, setConnectivity] = useState<Connectivity | null>(null);

  useEffect(() => {
    const offs = [
      station.on('state', setState),
      station.on('scale', setScale),
      station.on('printer', setPrinter),
      station.on('queue', setQueue),
      station.on('connectivity', setConnectivity),
    ];
    void station.call('getState', {}).then((r) => r.ok && setState(r.value));
    return () => offs.forEach((off) => off());
  }, [station]);

  return [{ state, scale, printer, queue, connectivity }, setState];
}

// Which protocol and baud rate a scale on a port speaks: listen for a stream, then ask in each protocol.
import { SerialPort } from 'serialport';
import { scaleProtocols, type ScaleProtocolName } from './protocols';
import type { Protocol, ScaleParser, SerialSettings } from './types';

export interface ProbeOptions {
  /** Tried in order. Default: each protocol's usual rate first, then the common ones. */
  baudRates?: number[];
  /** Candidates in priority order. Default: all; Adam last, as it only answers a new weight. */
  protocols?: ScaleProtocolName[];
  /** How long to listen for a continuous stream, and to wait for each reply. */
  listenMs?: number;
  replyMs?: number;
}

export interface ProbeResult {
  protocol: ScaleProtocolName;
  baudRate: number;
}

const DEFAULT_ORDER: ScaleProtocolName[] = ['sics', 'toledo-8217', 'nci', 'sma', 'cas', 'ascii', 'adam'];
const COMMON_BAUD_RATES = [9600, 4800, 19200, 2400];

type Framing = Pick<SerialSettings, 'dataBits' | 'parity'>;

/** One open port at one baud rate and framing, fed to whichever parser is listening. */
class ProbePort {
  private listener: ((bytes: Buffer) => void) | null = null;
  private constructor(private readonly port: SerialPort) {
    port.on('data', (bytes: Buffer) => this.listener?.(bytes));
    port.on('error', () => undefined);
  }

  static open(path: string, baudRate: number, framing: Framing): Promise<ProbePort | null> {
    const port = new SerialPort({ path, baudRate, ...framing, autoOpen: false });
    return new Promise((resolve) => port.open((err) => resolve(err ? null : new ProbePort(port))));
  }

  /** True when any of the parsers decodes a frame within ms (after sending the request, if any). */
  async answers(parsers: ScaleParser[], request: Buffer | undefined, ms: number): Promise<number | null> {
    await new Promise<void>((resolve) => this.port.flush(() => resolve()));
    return new Promise((resolve) => {
      const done = (index: number | null) => {
        clearTimeout(timer);
        this.listener = null;
        resolve(index);
      };
      const timer = setTimeout(() => done(null), ms);
      this.listener = (bytes) => {
        const hit = parsers.findIndex((p) => p.push(bytes).some((r) => r.kind !== 'malformed'));
        if (hit >= 0) done(hit);
      };
      if (request) this.port.write(request, () => undefined);
    });
  }

  close(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}

const framingOf = (p: Protocol): Framing => ({ dataBits: p.serial?.dataBits ?? 8, parity: p.serial?.parity ?? 'none' });
const framingKey = (f: Framing) => `${f.dataBits}${f.parity}`;

/**
 * Detects the protocol that answers on path, or null. Continuous protocols are heard first (writing
 * to them is harmless); then each request protocol is asked once. A port that will not open is null.
 */
export async function probeScale(path: string, options: ProbeOptions = {}): Promise<ProbeResult | null> {
  const names = options.protocols ?? DEFAULT_ORDER;
  const listenMs = options.listenMs ?? 800;
  const replyMs = options.replyMs ?? 600;
  const candidates = names.map((name) => ({ name, protocol: scaleProtocols[name] }));
  const baudRates =
    options.baudRates ?? [...new Set([...candidates.map((c) => c.protocol.serial?.baudRate ?? 9600), ...COMMON_BAUD_RATES])];
  // One open per baud rate and framing (7E1 scales and 8N1 scales are asked separately).
  const framings = [...new Map(candidates.map((c) => [framingKey(framingOf(c.protocol)), framingOf(c.protocol)])).values()];

  for (const baudRate of baudRates) {
    for (const framing of framings) {
      const group = candidates.filter((c) => framingKey(framingOf(c.protocol)) === framingKey(framing));
      const port = await ProbePort.open(path, baudRate, framing);
      if (!port) return null;
      try {
        const continuous = group.filter((c) => !c.protocol.pollCommand);
        if (continuous.length > 0) {
          const hit = await port.answers(
            continuous.map((c) => c.protocol.parser()),
            undefined,
            listenMs,
          );
          if (hit !== null) return { protocol: continuous[hit]!.name, baudRate };
        }
        for (const c of group.filter((g) => g.protocol.pollCommand)) {
          if ((await port.answers([c.protocol.parser()], c.protocol.pollCommand, replyMs)) !== null) {
            return { protocol: c.name, baudRate };
          }
        }
      } finally {
        await port.close();
      }
    }
  }
  return null;
}

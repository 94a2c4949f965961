// Raw delivery of printer bytes without status checks, kept for callers that only need "send
// these bytes there". The transports themselves live in tcp-transport.ts, device-transport.ts
// and cups-transport.ts; transportFor() in transports.ts picks one.
import { transportFor } from './transports';

export interface SendRawOptions {
  /** Limit for connect + send + close. Default 10 s. */
  timeoutMs?: number;
}

export interface SendRawResult {
  bytesSent: number;
}

/** Send `bytes` to any printer URI transportFor() knows, blind (no ~HS). Rejects with a PrinterError. */
export async function sendRaw(uri: string, bytes: Buffer, opts: SendRawOptions = {}): Promise<SendRawResult> {
  const transport = transportFor(uri, { timeoutMs: opts.timeoutMs });
  const { bytesSent } = await transport.send(bytes, { checkStatus: false });
  return { bytesSent };
}

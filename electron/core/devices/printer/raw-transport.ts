// Raw delivery of printer bytes: TCP (port 9100 style) or a device file such as /dev/usb/lp0.
// Raw printing has no acknowledgement; "sent" means the bytes were flushed and the printer
// closed the connection cleanly. Printed or not is for a status query to tell.
import { open } from 'node:fs/promises';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { PrinterError } from './errors';

export interface SendRawOptions {
  /** Limit for connect + send + close. Default 10 s. */
  timeoutMs?: number;
}

export interface SendRawResult {
  bytesSent: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RAW_PORT = 9100;
const CONNECT_SETTLE_MS = 20;

/** Send `bytes` to `tcp://host:port` or `file:PATH`. Rejects with a PrinterError. */
export async function sendRaw(uri: string, bytes: Buffer, opts: SendRawOptions = {}): Promise<SendRawResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (uri.startsWith('tcp://')) {
    const { host, port } = parseTcpUri(uri);
    return sendTcp(host, port, bytes, timeoutMs);
  }
  if (uri.startsWith('file:')) {
    const path = uri.startsWith('file://') ? fileURLToPath(uri) : uri.slice('file:'.length);
    return sendFile(path, bytes, timeoutMs);
  }
  throw new PrinterError(
    'unreachable',
    `The printer address "${uri}" is not valid. Check the printer settings.`,
    `Unsupported printer URI: ${uri}`,
  );
}

function parseTcpUri(uri: string): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch (cause) {
    throw new PrinterError('unreachable', `The printer address "${uri}" is not valid. Check the printer settings.`, `Bad URI: ${uri}`, { cause });
  }
  // URL keeps IPv6 hosts in brackets; net.connect wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? DEFAULT_RAW_PORT : Number(url.port);
  if (host === '') {
    throw new PrinterError('unreachable', `The printer address "${uri}" has no host. Check the printer settings.`, `No host in ${uri}`);
  }
  return { host, port };
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL']);

function sendTcp(host: string, port: number, bytes: Buffer, timeoutMs: number): Promise<SendRawResult> {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise((resolve, reject) => {
    let connected = false;
    let flushed = false; // every byte handed to the OS and our FIN queued
    let settled = false;

    const socket = net.connect({ host, port });

    const fail = (err: PrinterError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };

    const timer = setTimeout(() => {
      const stage = !connected ? 'connecting' : !flushed ? 'sending' : 'waiting for the printer to close the connection';
      fail(
        new PrinterError(
          'timeout',
          connected
            ? `The printer at ${where} stopped responding while printing. Check it for paper or errors, then check whether the label came out before printing again.`
            : `The printer at ${where} does not answer. Is it on and connected to the network?`,
          `Timed out after ${timeoutMs} ms ${stage} (${where})`,
        ),
      );
    }, timeoutMs);

    socket.once('connect', () => {
      connected = true;
      // A printer busy with another client may accept and hang up at once. Once our bytes
      // are out, that FIN looks like a clean close (the RST that follows is lost), so give
      // it a moment to arrive first and report reset_before_send instead of a false success.
      setTimeout(() => {
        if (settled) return;
        // end() sends the data and then our FIN; the callback fires once both are flushed.
        socket.end(bytes, () => {
          flushed = true;
        });
      }, CONNECT_SETTLE_MS);
    });

    // A peer that closes before our bytes are flushed did not take the job.
    socket.on('end', () => {
      if (!flushed) {
        fail(
          new PrinterError(
            'reset_before_send',
            `The printer at ${where} closed the connection before the label was sent. Nothing should have printed; try again.`,
            `Peer closed before all ${bytes.length} bytes were flushed (${where})`,
          ),
        );
      }
    });

    socket.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? 'UNKNOWN';
      if (!connected) {
        fail(
          new PrinterError(
            UNREACHABLE_CODES.has(code) ? 'unreachable' : 'reset_before_send',
            code === 'ENOTFOUND' || code === 'EAI_AGAIN'
              ? `The printer name "${host}" cannot be found on the network. Check the printer settings.`
              : `The printer at ${where} does not answer. Is it on and connected to the network?`,
            `Connect to ${where} failed: ${code} ${e.message}`,
            { cause: e },
          ),
        );
      } else if (!flushed) {
        fail(
          new PrinterError(
            'reset_before_send',
            `The connection to the printer at ${where} dropped before the label was sent. Nothing should have printed; try again.`,
            `${code} before all ${bytes.length} bytes were flushed (${where})`,
            { cause: e },
          ),
        );
      } else {
        fail(
          new PrinterError(
            'reset_after_send',
            `The printer at ${where} dropped the connection just after the label was sent. Check whether it printed before printing again.`,
            `${code} after all ${bytes.length} bytes were flushed (${where})`,
            { cause: e },
          ),
        );
      }
    });

    socket.once('close', (hadError) => {
      if (settled || hadError) return;
      if (!flushed) {
        fail(
          new PrinterError(
            'reset_before_send',
            `The connection to the printer at ${where} closed before the label was sent. Nothing should have printed; try again.`,
            `Closed before all ${bytes.length} bytes were flushed (${where})`,
          ),
        );
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve({ bytesSent: bytes.length });
    });
  });
}

async function sendFile(path: string, bytes: Buffer, timeoutMs: number): Promise<SendRawResult> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(
        new PrinterError(
          'timeout',
          `The printer at ${path} does not take the label. Is it on, with paper loaded?`,
          `Timed out after ${timeoutMs} ms writing to ${path}`,
        ),
      );
    }, timeoutMs);
  });
  // A device file may block on open or write while the printer is off; the timeout covers both.
  const write = (async () => {
    let handle;
    try {
      handle = await open(path, 'a');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'UNKNOWN';
      throw new PrinterError(
        'unreachable',
        code === 'EACCES' || code === 'EPERM'
          ? `This station may not use the printer at ${path}. Ask an administrator to grant access.`
          : `The printer at ${path} is not connected. Is it plugged in and on?`,
        `Open ${path} failed: ${code}`,
        { cause: e },
      );
    }
    try {
      await handle.writeFile(bytes, { signal: ac.signal });
    } catch (e) {
      if (ac.signal.aborted) throw e;
      const code = (e as NodeJS.ErrnoException).code ?? 'UNKNOWN';
      throw new PrinterError(
        'reset_before_send',
        `The printer at ${path} stopped taking the label. Check it, then try again.`,
        `Write to ${path} failed: ${code}`,
        { cause: e },
      );
    } finally {
      await handle.close().catch(() => undefined);
    }
    return { bytesSent: bytes.length };
  })();
  try {
    return await Promise.race([write, timeout]);
  } finally {
    clearTimeout(timer);
    write.catch(() => undefined); // the loser of the race must not become an unhandled rejection
  }
}

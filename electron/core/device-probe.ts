// "Test device" from settings: an honest reachability check until the device areas add real status.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

export async function probePrinter(uri: string | null, timeoutMs = 3000): Promise<{ ok: boolean; message: string }> {
  if (!uri) return { ok: false, message: 'No printer is set up for this bench. Enter its address in Settings.' };
  if (uri.startsWith('file:')) {
    const path = uri.slice('file:'.length);
    return existsSync(path)
      ? { ok: true, message: `The printer device ${path} is there.` }
      : { ok: false, message: `The printer device ${path} is not there. Check the cable and the address.` };
  }
  const match = /^tcp:\/\/([^:/]+):(\d+)$/.exec(uri);
  if (!match) return { ok: false, message: 'The printer address is not valid. Use tcp://host:port or file:PATH.' };
  const [, host, port] = match;
  return new Promise((resolve) => {
    const socket = connect({ host: host!, port: Number(port) });
    const done = (result: { ok: boolean; message: string }) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, message: `The printer at ${host}:${port} did not answer.` }));
    socket.once('connect', () => done({ ok: true, message: `The printer at ${host}:${port} answered.` }));
    socket.once('error', () =>
      done({ ok: false, message: `Cannot reach the printer at ${host}:${port}. Is it switched on and on the network?` }),
    );
  });
}

export async function probeScalePath(path: string | null): Promise<{ ok: boolean; message: string }> {
  if (!path) return { ok: false, message: 'No scale is set up for this bench. Choose its port in Settings.' };
  return existsSync(path)
    ? { ok: true, message: `The scale port ${path} is there.` }
    : { ok: false, message: `The scale port ${path} is not there. Check the cable.` };
}

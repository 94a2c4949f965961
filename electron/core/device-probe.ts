// "Test device" for the scale from settings: is the port there? (The printer gets a test print.)
import { existsSync } from 'node:fs';

export async function probeScalePath(path: string | null): Promise<{ ok: boolean; message: string }> {
  if (!path) return { ok: false, message: 'No scale is set up for this bench. Choose its port in Settings.' };
  return existsSync(path)
    ? { ok: true, message: `The scale port ${path} is there.` }
    : { ok: false, message: `The scale port ${path} is not there. Check the cable.` };
}

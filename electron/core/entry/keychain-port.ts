// The core's side of the desktop keychain. Only Electron's main process has safeStorage, so the core
// (in its utility process) asks main to seal and unseal values over the parent port; the plain value
// crosses only that port, never the window's. Where the keychain cannot protect the keys (none, or
// Linux's unprotected basic_text store without the operator's say-so), they stay in the owner-only
// secrets.json, and the bench is told why.
import { join } from 'node:path';
import { ensureOwnerOnlyDir } from '../paths';
import { moveIntoSealed, SealedSecretStore, SEALED_SECRETS_FILE, type Sealer } from '../store/sealed-secret-store';
import { EnvSecretStore, FileSecretStore, LayeredSecretStore, type SecretStore } from '../store/secret-store';

export type KeychainOp = 'status' | 'seal' | 'unseal';
/** core → main */
export interface KeychainRequest {
  type: 'keychain';
  id: number;
  op: KeychainOp;
  text?: string;
}
/** main → core */
export type KeychainReply = { type: 'keychain-reply'; id: number } & (
  | { ok: true; text?: string; usable?: boolean; message?: string | null }
  | { ok: false; message: string }
);

export interface KeychainPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export interface Keychain {
  sealer: Sealer;
  /** Whether the keychain protects keys here; when not, why, in words for the bench. */
  status(): Promise<{ usable: boolean; message: string | null }>;
}

const TIMEOUT_MS = 15_000;

export function keychainOverPort(port: KeychainPort): Keychain {
  let nextId = 1;
  const waiting = new Map<number, (reply: KeychainReply) => void>();
  port.on('message', ({ data }) => {
    const reply = data as KeychainReply;
    if (reply?.type !== 'keychain-reply') return;
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  const ask = (op: KeychainOp, text?: string) =>
    new Promise<KeychainReply & { ok: true }>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('The keychain did not answer.'));
      }, TIMEOUT_MS);
      waiting.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.ok) resolve(reply);
        else reject(new Error(reply.message));
      });
      port.postMessage({ type: 'keychain', id, op, ...(text === undefined ? {} : { text }) } satisfies KeychainRequest);
    });
  return {
    sealer: {
      seal: async (plain) => (await ask('seal', plain)).text!,
      unseal: async (sealed) => (await ask('unseal', sealed)).text!,
    },
    async status() {
      const reply = await ask('status');
      return { usable: reply.usable === true, message: reply.message ?? null };
    },
  };
}

/**
 * The desktop bench's secret store: the environment first, then the keychain-sealed file. On the
 * first start with a usable keychain, secrets.json's keys move into it and the plain file goes.
 */
export async function desktopSecrets(liveDir: string, keychain: Keychain): Promise<{ store: SecretStore; notes: string[] }> {
  ensureOwnerOnlyDir(liveDir);
  const plainFile = join(liveDir, 'secrets.json');
  const plain = new FileSecretStore(plainFile);
  const status = await keychain.status();
  if (!status.usable) return { store: new LayeredSecretStore(new EnvSecretStore(), plain), notes: status.message ? [status.message] : [] };
  const sealed = new SealedSecretStore(join(liveDir, SEALED_SECRETS_FILE), keychain.sealer);
  const moved = await moveIntoSealed(plain, plainFile, sealed);
  const notes = moved.length > 0 ? [`Moved ${moved.join(', ')} from secrets.json into the system keychain.`] : [];
  return { store: new LayeredSecretStore(new EnvSecretStore(), sealed), notes };
}

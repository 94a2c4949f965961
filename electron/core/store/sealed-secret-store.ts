// Secrets sealed by the OS keychain: on the desktop, Electron's safeStorage (main process) encrypts
// each value with a key the OS keeps (Keychain, DPAPI, libsecret/KWallet), and only the ciphertext is
// written here, in an owner-only file. The core never sees the keychain key; it asks main through a
// Sealer (entry/keychain-port.ts). Browser mode keeps the environment and the owner-only plain file.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { StationFault } from '../../../shared/errors';
import type { FileSecretStore, SecretStore } from './secret-store';

/** Turns a value into ciphertext (base64) and back; on the desktop, safeStorage behind main. */
export interface Sealer {
  seal(plain: string): Promise<string>;
  unseal(sealed: string): Promise<string>;
}

export const SEALED_SECRETS_FILE = 'sealed-secrets.json';

const SealedFile = z.object({ format: z.literal('packbench-sealed-secrets/1'), secrets: z.record(z.string(), z.string()) }).strict();
const SecretName = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'secret names are lower-case words');

export class SealedSecretStore implements SecretStore {
  constructor(
    private readonly file: string,
    private readonly sealer: Sealer,
  ) {}

  private read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    const parsed = SealedFile.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    if (!parsed.success) throw new StationFault('secret_file_invalid', 'The sealed secrets file is damaged.', { file: this.file });
    return parsed.data.secrets;
  }

  private write(secrets: Record<string, string>): void {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify({ format: 'packbench-sealed-secrets/1', secrets }, null, 1));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }

  async get(name: string): Promise<string | null> {
    const sealed = this.read()[SecretName.parse(name)];
    return sealed === undefined ? null : this.sealer.unseal(sealed);
  }
  async set(name: string, value: string): Promise<void> {
    const sealed = await this.sealer.seal(value);
    this.write({ ...this.read(), [SecretName.parse(name)]: sealed });
  }
  async delete(name: string): Promise<void> {
    const all = this.read();
    delete all[SecretName.parse(name)];
    this.write(all);
  }
}

/**
 * First desktop start: move the plain file's keys into the sealed store, each read back before the
 * plain file is removed. Returns the names moved (never the values).
 */
export async function moveIntoSealed(plain: FileSecretStore, plainFile: string, sealed: SealedSecretStore): Promise<string[]> {
  const entries = plain.entries();
  for (const [name, value] of entries) {
    await sealed.set(name, value);
    if ((await sealed.get(name)) !== value) {
      throw new StationFault('secret_move_failed', `The key ${name} could not be moved into the keychain; the secrets file was kept.`);
    }
  }
  if (entries.length > 0 || existsSync(plainFile)) rmSync(plainFile, { force: true });
  return entries.map(([name]) => name);
}

// Secrets (Odoo API keys, carrier tokens) never live in settings, logs or the renderer.
// Browser mode reads them from the environment or an owner-only file; the desktop build adds an
// OS-keychain implementation behind the same interface.
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { z } from 'zod';
import { StationFault } from '../../../shared/errors';

export interface SecretStore {
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

const SecretName = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'secret names are lower-case words');

/** `odoo.api_key` → PACKBENCH_SECRET_ODOO_API_KEY */
export function envNameOf(name: string): string {
  return `PACKBENCH_SECRET_${SecretName.parse(name).replace(/[.-]/g, '_').toUpperCase()}`;
}

export class EnvSecretStore implements SecretStore {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}
  async get(name: string): Promise<string | null> {
    return this.env[envNameOf(name)] || null;
  }
  async set(name: string, _value?: string): Promise<void> {
    throw new StationFault('secret_read_only', `Set ${envNameOf(name)} in the environment to change this secret.`);
  }
  async delete(name: string): Promise<void> {
    return this.set(name);
  }
}

const SecretFile = z.record(z.string(), z.string());

/** A JSON file readable by its owner only (0600); refuses a file others can read. */
export class FileSecretStore implements SecretStore {
  constructor(private readonly file: string) {}

  private read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    const mode = statSync(this.file).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new StationFault(
        'secret_file_open',
        'The secrets file can be read by other users, so Packbench will not use it. Run: chmod 600 on it.',
        { file: this.file, mode: mode.toString(8) },
      );
    }
    const parsed = SecretFile.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    if (!parsed.success) throw new StationFault('secret_file_invalid', 'The secrets file is damaged.', { file: this.file });
    return parsed.data;
  }

  private write(all: Record<string, string>): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.file);
  }

  /** Every secret in the file (to move them into the keychain on the first desktop start). */
  entries(): [string, string][] {
    return Object.entries(this.read());
  }

  async get(name: string): Promise<string | null> {
    return this.read()[SecretName.parse(name)] ?? null;
  }
  async set(name: string, value: string): Promise<void> {
    this.write({ ...this.read(), [SecretName.parse(name)]: value });
  }
  async delete(name: string): Promise<void> {
    const all = this.read();
    delete all[SecretName.parse(name)];
    this.write(all);
  }
}

/** Environment first (so an operator can override), then the file (or the keychain). Writes go to the latter. */
export class LayeredSecretStore implements SecretStore {
  constructor(
    private readonly env: EnvSecretStore,
    private readonly file: SecretStore,
  ) {}
  async get(name: string): Promise<string | null> {
    return (await this.env.get(name)) ?? (await this.file.get(name));
  }
  set(name: string, value: string): Promise<void> {
    return this.file.set(name, value);
  }
  delete(name: string): Promise<void> {
    return this.file.delete(name);
  }
}

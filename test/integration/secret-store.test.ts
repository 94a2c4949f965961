import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  envNameOf,
  EnvSecretStore,
  FileSecretStore,
  LayeredSecretStore,
} from '../../electron/core/store/secret-store';
import { tempDir } from '../support/temp-dir';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

describe('secret stores', () => {
  it('maps names to environment variables', async () => {
    expect(envNameOf('odoo.api_key')).toBe('PACKBENCH_SECRET_ODOO_API_KEY');
    const store = new EnvSecretStore({ PACKBENCH_SECRET_ODOO_API_KEY: 'k-123' });
    expect(await store.get('odoo.api_key')).toBe('k-123');
    expect(await store.get('carrier.token')).toBeNull();
    await expect(store.set('odoo.api_key', 'x')).rejects.toThrow(/PACKBENCH_SECRET_ODOO_API_KEY/);
  });

  it('writes an owner-only file and reads it back', async () => {
    const file = dir.file('secrets.json');
    const store = new FileSecretStore(file);
    await store.set('odoo.api_key', 'k-456');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await new FileSecretStore(file).get('odoo.api_key')).toBe('k-456');
    await store.delete('odoo.api_key');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({});
  });

  it('refuses a secrets file other users can read', async () => {
    const file = dir.file('secrets.json');
    writeFileSync(file, JSON.stringify({ 'odoo.api_key': 'k' }));
    chmodSync(file, 0o644);
    await expect(new FileSecretStore(file).get('odoo.api_key')).rejects.toThrow(/chmod 600/);
  });

  it('lets the environment override the file', async () => {
    const file = new FileSecretStore(dir.file('secrets.json'));
    await file.set('odoo.api_key', 'from-file');
    const layered = new LayeredSecretStore(new EnvSecretStore({ PACKBENCH_SECRET_ODOO_API_KEY: 'from-env' }), file);
    expect(await layered.get('odoo.api_key')).toBe('from-env');
    expect(await new LayeredSecretStore(new EnvSecretStore({}), file).get('odoo.api_key')).toBe('from-file');
  });

  it('refuses names that could escape into other variables', async () => {
    await expect(new FileSecretStore(dir.file('s.json')).get('../../etc')).rejects.toThrow();
  });
});

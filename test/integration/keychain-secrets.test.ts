// The desktop bench's API key in the system keychain. The core runs its real utility-process entry
// in a child process; the test answers its keychain requests as Electron's main process would (an
// AES key standing in for safeStorage's). On the first start the key in secrets.json moves into the
// sealed file and secrets.json goes; the bench reaches the sandbox Odoo with it; and the key is in
// nothing the window could see, nor in the SQLite file or the logs. Without a protecting keychain
// the key stays in secrets.json and the bench says why.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandboxOdoo, type SandboxOdoo } from '../../electron/sandbox/odoo/server';
import { tempDir } from '../support/temp-dir';
import { startUtilityCore, type CoreMessage, type UtilityCore } from '../support/utility-core';

const apiKey = `odoo_${randomBytes(16).toString('hex')}`;
let dir: ReturnType<typeof tempDir>;
let odoo: SandboxOdoo;
let core: UtilityCore | null = null;

beforeEach(async () => {
  dir = tempDir('packbench-keychain-');
  odoo = await startSandboxOdoo({ port: 0, apiKey, seed: 2 });
  writeFileSync(join(dir.path, 'secrets.json'), JSON.stringify({ 'odoo.api_key': apiKey }), { mode: 0o600 });
});
afterEach(async () => {
  core?.child.kill('SIGKILL');
  core = null;
  await odoo.close();
  dir.remove();
});

/** main's safeStorage, as far as the core can tell: AES-256-GCM under a key the core never sees. */
function keychain(usable = true, message: string | null = null) {
  const key = randomBytes(32);
  return (m: CoreMessage) => {
    if (m.op === 'status') return { ok: true, usable, message };
    if (m.op === 'seal') {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(m.text!, 'utf8'), cipher.final()]);
      return { ok: true, text: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
    }
    const raw = Buffer.from(m.text!, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return { ok: true, text: Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8') };
  };
}

const flags = () => ['--data-dir', dir.path, '--odoo-url', odoo.url, '--odoo-db', odoo.db, '--odoo-login', odoo.login];

/** Every file under the data folder, as text (the SQLite file, its WAL, the logs, the sealed file). */
function dataFolderText(): string {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  return walk(dir.path).map((f) => readFileSync(f).toString('latin1')).join('\n');
}

describe('API keys in the system keychain', () => {
  it('moves the key from secrets.json into the keychain on the first start, and uses it from there', async () => {
    core = startUtilityCore(flags(), keychain());
    await core.until((m) => m.type === 'event' && m.event === 'state' && (m.payload as { odooLink: string }).odooLink === 'online', 'state online');
    expect(existsSync(join(dir.path, 'secrets.json'))).toBe(false);
    const sealed = readFileSync(join(dir.path, 'sealed-secrets.json'), 'utf8');
    expect(sealed).toContain('odoo.api_key');
    expect(sealed).not.toContain(apiKey);
    expect(core.stdout()).toContain('Moved odoo.api_key from secrets.json into the system keychain.');

    // A scan reaches Odoo with the unsealed key.
    await core.call('getSettings');
    const scanned = (await core.call('scan', { code: 'WH/OUT/00001' })) as { ok: boolean };
    expect(scanned.ok).toBe(true);

    // Nothing main would relay to the window holds the key: events and replies. (Only the core's
    // own keychain requests, which stay between the core and main, carry it, to be sealed.)
    const toWindow = core.messages.filter((m) => m.type !== 'keychain');
    expect(toWindow.length).toBeGreaterThan(3);
    expect(JSON.stringify(toWindow)).not.toContain(apiKey);

    core.child.send({ type: 'shutdown' });
    expect(await core.exited).toBe(0);
    core = null;
    expect(dataFolderText()).not.toContain(apiKey);
  });

  it('keeps the key in secrets.json where the keychain would not protect it, and says why', async () => {
    const why = 'This computer has no keyring (GNOME Keyring or KWallet), so the keychain would not protect the API keys.';
    core = startUtilityCore(flags(), keychain(false, why));
    await core.until((m) => m.type === 'event' && m.event === 'state' && (m.payload as { odooLink: string }).odooLink === 'online', 'state online');
    expect(core.messages.filter((m) => m.type === 'keychain').map((m) => m.op)).toEqual(['status']);
    expect(JSON.parse(readFileSync(join(dir.path, 'secrets.json'), 'utf8'))).toEqual({ 'odoo.api_key': apiKey });
    expect(existsSync(join(dir.path, 'sealed-secrets.json'))).toBe(false);
    expect(core.stdout()).toContain(why);
  });
});

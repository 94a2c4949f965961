// Main's keychain answers to the core (Electron's safeStorage behind it), with a fake safeStorage.
import { describe, expect, it } from 'vitest';
import { answerKeychain, type SafeStorageLike } from '../../electron/main-keychain';

const KEY = 'sk_live_4f9a2c7e1b3d5a6c';

function storage(backend = 'gnome_libsecret', available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain) => Buffer.from(Buffer.from(plain).map((b) => b ^ 0x5a)),
    decryptString: (sealed) => Buffer.from(sealed.map((b) => b ^ 0x5a)).toString(),
  };
}

describe('main keychain', () => {
  it('seals to text that is not the key, and unseals it back', () => {
    const sealed = answerKeychain({ type: 'keychain', id: 1, op: 'seal', text: KEY }, storage(), 'linux', {});
    expect(sealed).toMatchObject({ type: 'keychain-reply', id: 1, ok: true });
    const text = (sealed as { text: string }).text;
    expect(text).not.toContain(KEY);
    expect(answerKeychain({ type: 'keychain', id: 2, op: 'unseal', text }, storage(), 'linux', {})).toEqual({ type: 'keychain-reply', id: 2, ok: true, text: KEY });
  });

  it('refuses Linux’s unprotected basic_text store unless the operator opts in, and says what to do', () => {
    const refused = answerKeychain({ type: 'keychain', id: 3, op: 'status' }, storage('basic_text'), 'linux', {});
    expect(refused).toMatchObject({ ok: true, usable: false });
    expect((refused as { message: string }).message).toMatch(/no keyring \(GNOME Keyring or KWallet\).*stay in secrets\.json.*PACKBENCH_ALLOW_UNPROTECTED_KEYCHAIN=1/);
    expect(answerKeychain({ type: 'keychain', id: 4, op: 'seal', text: KEY }, storage('basic_text'), 'linux', {})).toMatchObject({ ok: false });
    const optedIn = { PACKBENCH_ALLOW_UNPROTECTED_KEYCHAIN: '1' };
    expect(answerKeychain({ type: 'keychain', id: 5, op: 'status' }, storage('basic_text'), 'linux', optedIn)).toMatchObject({ ok: true, usable: true, message: null });
    // The backend question is Linux's only.
    expect(answerKeychain({ type: 'keychain', id: 6, op: 'status' }, storage('basic_text'), 'win32', {})).toMatchObject({ usable: true });
  });

  it('says so when the computer has no keychain at all, and a failed unseal never quotes anything', () => {
    expect(answerKeychain({ type: 'keychain', id: 7, op: 'status' }, storage('gnome_libsecret', false), 'linux', {})).toMatchObject({ usable: false, message: expect.stringMatching(/no keychain/) });
    const broken = { ...storage(), decryptString: () => { throw new Error(`bad blob ${KEY}`); } };
    const reply = answerKeychain({ type: 'keychain', id: 8, op: 'unseal', text: 'AAAA' }, broken, 'linux', {});
    expect(reply).toMatchObject({ ok: false });
    expect(JSON.stringify(reply)).not.toContain(KEY);
  });
});

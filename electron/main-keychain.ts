// Main's side of the desktop keychain: the core asks (entry/keychain-port.ts) and main seals and
// unseals with Electron's safeStorage, which only main has. It refuses where the keychain would not
// protect the keys: no encryption available, or Linux's basic_text store (a fixed, public key) unless
// the operator opted in with PACKBENCH_ALLOW_UNPROTECTED_KEYCHAIN=1. Electron is passed in, so this
// runs (and is tested) without the runtime.
import type { KeychainReply, KeychainRequest } from './core/entry/keychain-port';

/** The parts of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only: which secret store backs the encryption key ('basic_text' protects nothing). */
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

export const UNPROTECTED_OPT_IN = 'PACKBENCH_ALLOW_UNPROTECTED_KEYCHAIN';

/** Why the keychain may not hold the keys here, in words for the bench; null when it may. */
export function keychainRefusal(safe: SafeStorageLike, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string | null {
  if (!safe.isEncryptionAvailable()) {
    return 'This computer offers no keychain to Packbench, so the API keys stay in secrets.json (readable by this user only).';
  }
  if (platform === 'linux' && safe.getSelectedStorageBackend?.() === 'basic_text' && env[UNPROTECTED_OPT_IN] !== '1') {
    return (
      'This computer has no keyring (GNOME Keyring or KWallet), so the keychain would not protect the API keys; they stay in ' +
      `secrets.json (readable by this user only). Set up a keyring, or set ${UNPROTECTED_OPT_IN}=1 to use it anyway.`
    );
  }
  return null;
}

export function answerKeychain(
  request: KeychainRequest,
  safe: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): KeychainReply {
  const refusal = keychainRefusal(safe, platform, env);
  const reply = { type: 'keychain-reply' as const, id: request.id };
  try {
    if (request.op === 'status') return { ...reply, ok: true, usable: refusal === null, message: refusal };
    if (refusal !== null) return { ...reply, ok: false, message: refusal };
    if (typeof request.text !== 'string') return { ...reply, ok: false, message: 'Nothing to seal or unseal.' };
    if (request.op === 'seal') return { ...reply, ok: true, text: safe.encryptString(request.text).toString('base64') };
    if (request.op === 'unseal') return { ...reply, ok: true, text: safe.decryptString(Buffer.from(request.text, 'base64')) };
    return { ...reply, ok: false, message: 'Unknown keychain request.' };
  } catch {
    // Never the value, never the OS error (it may quote it): a plain reason.
    return { ...reply, ok: false, message: 'The system keychain could not open a stored key. Set the key again in the bench’s secrets.' };
  }
}

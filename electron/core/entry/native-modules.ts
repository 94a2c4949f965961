// The start-up check for native modules: better-sqlite3 is compiled for one Node ABI (Node's 115, or
// Electron 45's 150). Built for the wrong one it fails with a paragraph about NODE_MODULE_VERSION;
// the bench gets one plain sentence saying what is wrong and what to do instead.
import Database from 'better-sqlite3';
import { errorMessage } from '../error-message';

const ABI_MISMATCH = /NODE_MODULE_VERSION (\d+)[\s\S]*?requires\s+NODE_MODULE_VERSION (\d+)/;

/** The sentence for a native module built for another runtime, or null when `error` is something else. */
export function explainNativeModuleError(error: unknown, runtime = runtimeName()): string | null {
  const message = errorMessage(error);
  const abi = ABI_MISMATCH.exec(message);
  if (abi) {
    return (
      `Packbench cannot open its database: its SQLite module was built for another runtime (ABI ${abi[1]}, ${runtime} needs ${abi[2]}). ` +
      'Reinstall Packbench from its installer; if you built it yourself, rebuild native modules for Electron (npx electron-builder install-app-deps).'
    );
  }
  if (/better_sqlite3\.node|Could not locate the bindings file/.test(message)) {
    return 'Packbench cannot open its database: its SQLite module is missing from this installation. Reinstall Packbench from its installer.';
  }
  return null;
}

function runtimeName(): string {
  const electron = (process.versions as Record<string, string | undefined>).electron;
  return electron ? `Electron ${electron}` : `Node.js ${process.versions.node}`;
}

/** Load the native SQLite module once, before anything else needs it; throws the plain sentence. */
export function checkNativeModules(): void {
  try {
    new Database(':memory:').close();
  } catch (error) {
    const plain = explainNativeModuleError(error);
    throw plain ? new Error(plain, { cause: error }) : error;
  }
}

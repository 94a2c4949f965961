// The start-up check of native modules: the module loads here (built for this Node), and a module
// built for another ABI is told in one plain sentence, with what to do.
import { describe, expect, it } from 'vitest';
import { checkNativeModules, explainNativeModuleError } from '../../electron/core/entry/native-modules';

// What Node (and Electron) throw for a module compiled against another ABI, word for word.
const WRONG_ABI = new Error(
  "The module '/opt/Packbench/resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\n" +
    'was compiled against a different Node.js version using\n' +
    'NODE_MODULE_VERSION 115. This version of Node.js requires\n' +
    'NODE_MODULE_VERSION 150. Please try re-compiling or re-installing\n' +
    'the module (for instance, using `npm rebuild` or `npm install`).',
);

describe('native modules at start-up', () => {
  it('loads the SQLite module built for this runtime', () => {
    expect(() => checkNativeModules()).not.toThrow();
  });

  it('says in one sentence which runtime the module was built for, and what to do', () => {
    const sentence = explainNativeModuleError(WRONG_ABI, 'Electron 45.5.0')!;
    expect(sentence).toBe(
      'Packbench cannot open its database: its SQLite module was built for another runtime (ABI 115, Electron 45.5.0 needs 150). ' +
        'Reinstall Packbench from its installer; if you built it yourself, rebuild native modules for Electron (npx electron-builder install-app-deps).',
    );
    expect(sentence).not.toMatch(/\n|NODE_MODULE_VERSION|re-compiling/);
  });

  it('leaves other errors alone', () => {
    expect(explainNativeModuleError(new Error('EACCES: permission denied, open station.sqlite'))).toBeNull();
  });
});

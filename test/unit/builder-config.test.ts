// The electron-builder configuration as written: the installers a bench gets, native modules kept
// out of the asar, and the fuses the afterPack hook flips (the packaging check, test/e2e/packaging,
// reads them back from a packed executable).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = join(__dirname, '..', '..');
const require = createRequire(import.meta.url);
const config = parse(readFileSync(join(repo, 'build', 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[] };
  asarUnpack: string[];
  files: string[];
  afterPack: string;
};
const { PACKBENCH_FUSES } = require(join(repo, 'build', 'fuses.cjs')) as { PACKBENCH_FUSES: Record<string, unknown> };
const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number> };

describe('electron-builder configuration', () => {
  it('makes AppImage and deb for Linux, NSIS for Windows, dmg for macOS', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it('ships the built app without source maps, and native modules outside the asar', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', '!dist/**/*.map']));
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', '**/node_modules/better-sqlite3/**']));
    expect(config.extraMetadata).toEqual({ main: 'dist/electron/main.cjs' });
  });

  it('flips the fuses after packing: no RunAsNode, NODE_OPTIONS or --inspect; cookie encryption, asar integrity and asar only', () => {
    expect(config.afterPack).toBe('build/after-pack.cjs');
    expect(existsSync(join(repo, config.afterPack))).toBe(true);
    const named = Object.fromEntries(Object.entries(PACKBENCH_FUSES).filter(([k]) => k !== 'version').map(([k, v]) => [Object.keys(FuseV1Options).find((n) => FuseV1Options[n] === Number(k)), v]));
    expect(named).toEqual({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableCookieEncryption: true,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      GrantFileProtocolExtraPrivileges: false,
    });
  });
});

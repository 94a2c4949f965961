// `npm run package:check`: the packaging configuration, checked on a machine that cannot download
// Electron. electron-builder packs the unpacked Linux app (`--linux dir`) from build/electron-builder.yml
// with a stand-in Electron: a directory whose `electron` is a shell script that only says it is a
// stand-in, carrying Electron's fuse wire (sentinel, version 1, 8 fuses in Electron 45's default
// states) so the afterPack hook has a wire to flip. Then it opens the packed app and checks:
//   - app.asar holds main, preload, renderer and core, and package.json points at main;
//   - no source maps, TypeScript sources or tests went in, and the live bundles hold no sandbox code;
//   - the native modules sit unpacked beside the asar (better-sqlite3, serialport's bindings);
//   - the fuses in the packed executable are the ones build/fuses.cjs sets.
// It says which ABI better-sqlite3 was built for: offline it is Node's, which Electron cannot load,
// so this is a configuration check, NOT a working installer (`npm run dist` on a connected machine is).
// Flags: --keep (leave the output folder), --skip-build (dist/ is already built).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = resolve(fileURLToPath(import.meta.url), '..', '..');
const { getCurrentFuseWire } = require('@electron/fuses');
const { PACKBENCH_FUSES } = require('../build/fuses.cjs');
const { abiProblems, electronAbi, nativeAbiOf } = require('../build/native-abi.cjs');

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's fuse defaults, in wire order: RunAsNode on, cookie encryption off, NODE_OPTIONS on, … */
const ELECTRON_DEFAULT_WIRE = '10110001';
/** A name only the sandbox Odoo's code has (test/integration/bundles.test.ts). */
const SANDBOX_ONLY = 'SandboxOdooState';

/** The stand-in Electron distribution electron-builder copies instead of downloading one. */
function standInElectron(dir) {
  mkdirSync(dir, { recursive: true });
  const script = '#!/bin/sh\necho "Stand-in for Electron (packaging check only): not a runtime." >&2\nexit 1\n# fuse wire: ';
  writeFileSync(join(dir, 'electron'), Buffer.concat([Buffer.from(script), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from(`${ELECTRON_DEFAULT_WIRE}\n`)]));
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'LICENSE'), 'Stand-in for the Electron license: this directory is not Electron.\n');
  writeFileSync(join(dir, 'version'), JSON.parse(readFileSync(join(repo, 'node_modules', 'electron', 'package.json'), 'utf8')).version);
}

/** An asar's file list: the header is a JSON index after two length-prefixed pickles. */
function asarIndex(file) {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, 16, 0);
    const json = Buffer.alloc(head.readUInt32LE(12));
    readSync(fd, json, 0, json.length, 16);
    const headerSize = head.readUInt32LE(4);
    const files = new Map();
    const walk = (node, prefix) => {
      for (const [name, entry] of Object.entries(node.files ?? {})) {
        const path = prefix ? `${prefix}/${name}` : name;
        if (entry.files) walk(entry, path);
        else files.set(path, entry);
      }
    };
    walk(JSON.parse(json.toString('utf8')), '');
    const read = (path) => {
      const entry = files.get(path);
      const out = Buffer.alloc(entry.size);
      readSync(fd, out, 0, entry.size, 8 + headerSize + Number(entry.offset));
      return out;
    };
    return { files, read: (path) => read(path) };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

export async function packageCheck({ keep = false, skipBuild = false } = {}) {
  const results = [];
  const check = (ok, what) => results.push({ ok: Boolean(ok), what });
  if (!skipBuild) {
    const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repo, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('the build failed');
  }
  const work = mkdtempSync(join(tmpdir(), 'packbench-package-'));
  const electronDist = join(work, 'electron-dist');
  const output = join(work, 'release');
  standInElectron(electronDist);
  const started = Date.now();
  const builder = spawnSync(
    process.execPath,
    [
      require.resolve('electron-builder/cli.js'),
      '--linux', 'dir',
      '--config', 'build/electron-builder.yml',
      `-c.electronDist=${electronDist}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${output}`,
    ],
    { cwd: repo, encoding: 'utf8', env: { ...process.env, PACKBENCH_PACKAGE_CHECK: '1' } },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (builder.status !== 0) {
    if (!keep) rmSync(work, { recursive: true, force: true });
    return { ok: false, seconds, results, log: `${builder.stdout}\n${builder.stderr}` };
  }

  const app = join(output, 'linux-unpacked');
  const resources = join(app, 'resources');
  const asar = asarIndex(join(resources, 'app.asar'));
  for (const file of ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html', 'dist/core/utility.cjs', 'dist/core/cli.mjs', 'dist/core/sandbox.mjs']) {
    check(asar.files.has(file), `app.asar holds ${file}`);
  }
  check(asar.files.size > 0 && [...asar.files.keys()].some((f) => /^dist\/renderer\/assets\/.+\.js$/.test(f)), 'app.asar holds the renderer’s scripts');
  check(JSON.parse(asar.read('package.json').toString('utf8')).main === 'dist/electron/main.cjs', 'package.json in app.asar starts dist/electron/main.cjs');
  const strays = [...asar.files.keys()].filter((f) => /^dist\/.*\.map$/.test(f) || /^(electron|renderer|test|shared|scripts)\//.test(f) || /\.tsx?$/.test(f) && !f.includes('node_modules/'));
  check(strays.length === 0, `no source maps, sources or tests in app.asar${strays.length ? ` (found ${strays.slice(0, 3).join(', ')})` : ''}`);
  for (const live of ['dist/core/utility.cjs', 'dist/core/cli.mjs', 'dist/electron/main.cjs']) {
    check(!asar.read(live).toString('utf8').includes(SANDBOX_ONLY), `${live} holds no sandbox code`);
  }
  const sqlite = join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  check(existsSync(sqlite), 'better-sqlite3’s native module is unpacked beside app.asar');
  check(asar.files.get('node_modules/better-sqlite3/build/Release/better_sqlite3.node')?.unpacked === true, 'app.asar marks better-sqlite3’s module as unpacked');
  const serial = join(resources, 'app.asar.unpacked', 'node_modules', '@serialport', 'bindings-cpp', 'prebuilds', 'linux-x64');
  check(existsSync(serial), 'serialport’s native bindings are unpacked beside app.asar');

  const wire = await getCurrentFuseWire(join(app, 'packbench'));
  for (const [index, wanted] of Object.entries(PACKBENCH_FUSES)) {
    if (index === 'version') continue;
    check(wire[index] === (wanted ? 49 : 48), `fuse ${require('@electron/fuses').FuseV1Options[index]} is ${wanted ? 'on' : 'off'} in the packed executable`);
  }

  const abi = existsSync(sqlite) ? nativeAbiOf(sqlite) : null;
  const notes = [
    `better-sqlite3 is built for ABI ${abi}; Electron needs ${electronAbi()}.` +
      (abiProblems(existsSync(sqlite) ? [sqlite] : []).length > 0
        ? ' Electron could not load it: this is a configuration check, not a working installer (see `npm run dist`).'
        : ''),
  ];
  if (!keep) rmSync(work, { recursive: true, force: true });
  return { ok: results.every((r) => r.ok), seconds, results, notes, output: keep ? output : null };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outcome = await packageCheck({ keep: process.argv.includes('--keep'), skipBuild: process.argv.includes('--skip-build') });
  console.log(`Packaging check (configuration, not a working installer): electron-builder --linux dir with a stand-in Electron, ${outcome.seconds} s`);
  for (const r of outcome.results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.what}`);
  for (const note of outcome.notes ?? []) console.log(`  note ${note}`);
  if (outcome.log) console.log(outcome.log);
  if (outcome.output) console.log(`  left in ${outcome.output}`);
  console.log(outcome.ok ? `Passed: ${outcome.results.length} checks.` : 'FAILED.');
  process.exitCode = outcome.ok ? 0 : 1;
}

// Which runtime ABI a compiled Node module (.node) was built for, read from the file itself: a
// module registers as node_register_module_v<ABI> (one Node or Electron version) or through N-API
// (napi_register_module_v1: any runtime). Used by after-pack.cjs, so an installer is never made with
// a module the app cannot load, and by the packaging check.
const { readFileSync } = require('node:fs');
const path = require('node:path');

/** 'napi', an ABI number as a string ('115' for Node 20, '150' for Electron 45), or null. */
function nativeAbiOf(file) {
  const text = readFileSync(file).toString('latin1');
  const abi = /node_register_module_v(\d+)/.exec(text);
  if (abi) return abi[1];
  return text.includes('napi_register_module_v') ? 'napi' : null;
}

/** Electron's ABI, from the installed electron package (its abi_version file). */
function electronAbi(repo = path.join(__dirname, '..')) {
  return readFileSync(path.join(repo, 'node_modules', 'electron', 'abi_version'), 'utf8').trim();
}

/** One sentence per native module in `files` that Electron could not load; empty when all fit. */
function abiProblems(files, abi = electronAbi()) {
  return files
    .map((file) => [file, nativeAbiOf(file)])
    .filter(([, found]) => found !== 'napi' && found !== abi)
    .map(([file, found]) => `${path.basename(file)} is built for ABI ${found ?? 'unknown'}, Electron needs ${abi}.`);
}

module.exports = { nativeAbiOf, electronAbi, abiProblems };

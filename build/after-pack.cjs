// electron-builder afterPack, before the app is signed and wrapped into AppImage / deb / NSIS / dmg:
// refuse native modules Electron cannot load (built for Node's ABI, see native-abi.cjs), and flip
// Electron's fuses (fuses.cjs) in the packed executable.
const { readdirSync } = require('node:fs');
const path = require('node:path');
const { flipFuses } = require('@electron/fuses');
const { PACKBENCH_FUSES } = require('./fuses.cjs');
const { abiProblems } = require('./native-abi.cjs');

/** Every .node file under `dir`. */
function nativeModules(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? nativeModules(path.join(dir, e.name)) : e.name.endsWith('.node') ? [path.join(dir, e.name)] : []));
}

/** The unpacked native modules of the app, for the platform being packed (prebuilds for others are skipped). */
function packedNativeModules(context) {
  const resources =
    context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas'
      ? path.join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`, 'Contents', 'Resources')
      : path.join(context.appOutDir, 'resources');
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  return nativeModules(path.join(resources, 'app.asar.unpacked')).filter((file) => {
    const prebuild = /[\\/]prebuilds[\\/]([^\\/]+)[\\/]/.exec(file);
    return !prebuild || prebuild[1].startsWith(platform);
  });
}

/** The executable (or .app bundle) electron-builder just packed, per platform. */
function packedExecutable(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (electronPlatformName === 'win32') return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return path.join(appOutDir, packager.executableName);
}

exports.default = async function afterPack(context) {
  const problems = abiProblems(packedNativeModules(context));
  // Only the offline packaging check (a stand-in Electron, no Electron headers) lets these through.
  if (problems.length > 0 && process.env.PACKBENCH_PACKAGE_CHECK !== '1') {
    throw new Error(`This build would not start: ${problems.join(' ')} Rebuild native modules for Electron (electron-builder does, unless npmRebuild is off or npm's nodedir points at Node's headers).`);
  }
  const executable = packedExecutable(context);
  await flipFuses(executable, {
    ...PACKBENCH_FUSES,
    // Apple silicon refuses a binary whose signature no longer matches; sign it again, ad hoc.
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === 3,
  });
};
exports.packedExecutable = packedExecutable;
exports.packedNativeModules = packedNativeModules;

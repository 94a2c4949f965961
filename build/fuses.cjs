// Electron's fuses for the packaged Packbench, flipped in the packed executable by after-pack.cjs.
// Each one closes a way to run other code with the app's identity and data:
//   RunAsNode off                      ELECTRON_RUN_AS_NODE=1 would make the app a plain Node.
//   NODE_OPTIONS off                   --require of any file through the environment.
//   --inspect / --inspect-brk off      a debugger attached to the main process.
//   cookie encryption on               cookies at rest encrypted with the OS keychain.
//   asar integrity on                  app.asar checked against the hash in the executable (macOS, Windows).
//   only load app from asar on         no app/ folder beside the asar takes its place.
//   file:// extra privileges off       the page comes from app://, file:// needs none.
const { FuseV1Options, FuseVersion } = require('@electron/fuses');

const PACKBENCH_FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

module.exports = { PACKBENCH_FUSES };

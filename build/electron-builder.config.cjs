// @ts-check
/**
 * The installers, for electron-builder (`npm run dist`; scripts/dist.mjs stages the app first).
 *
 *   macOS    dmg + zip (zip feeds the updater), x64 and arm64, hardened runtime; signed when
 *            CSC_LINK/CSC_NAME is set, notarized when Apple credentials are (see `notarize`)
 *   Windows  NSIS, per user (no admin rights), assisted (choose the folder), x64 and arm64;
 *            signed with WIN_CSC_LINK, or by the command in OPENCLAW_WIN_SIGN_COMMAND
 *   Linux    AppImage (updates itself) and deb (depends only on what Electron needs; Docker stays
 *            the user's own)
 *
 * The app folder is `dist/app` (bundled main, preload, renderer, gateway; no node_modules) and the
 * stack files (compose template, Dockerfiles, setup scripts) go to `resources/stack`, where the
 * app builds the gateway image from. Names of files and executables carry no spaces (a space in
 * the installed path breaks Electron on some Debian setups); the product name may.
 */
const env = process.env;

/** Apple notarization needs one complete set of credentials; electron-builder reads them. */
const appleApiKey = Boolean(env.APPLE_API_KEY && env.APPLE_API_KEY_ID && env.APPLE_API_ISSUER);
const appleId = Boolean(env.APPLE_ID && env.APPLE_APP_SPECIFIC_PASSWORD && env.APPLE_TEAM_ID);
const appleKeychain = Boolean(env.APPLE_KEYCHAIN_PROFILE);
const macSigning = Boolean(env.CSC_LINK || env.CSC_NAME);

/** @type {import('app-builder-lib').Configuration} */
const config = {
  appId: 'ai.openclaw.desktop',
  productName: 'OpenClaw Desktop',
  executableName: 'openclaw-desktop',
  copyright: 'Copyright © 2026 OpenClaw Desktop contributors',
  artifactName: 'openclaw-desktop-${version}-${os}-${arch}.${ext}',
  directories: { app: 'dist/app', output: 'dist/installers', buildResources: 'build' },
  files: ['**/*', '!**/*.map'],
  asar: true,
  extraResources: [{ from: 'dist/stack', to: 'stack' }],
  protocols: [{ name: 'OpenClaw Desktop', schemes: ['openclaw-desktop'] }],
  // Every fuse set explicitly; electron-builder flips them right before signing.
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },
  publish: [{ provider: 'github', owner: 'openclaw-desktop', repo: 'openclaw-desktop' }],
  // `1.2.0-beta.3` publishes to the beta channel; the updater of a beta build follows it.
  detectUpdateChannel: true,
  generateUpdatesFilesForAllChannels: true,
  mac: {
    category: 'public.app-category.developer-tools',
    target: [
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] },
    ],
    icon: 'build/icons/icon.icns',
    hardenedRuntime: true,
    gatekeeperAssess: false,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.plist',
    // null: do not look for a signing identity (an unsigned build, said by scripts/dist.mjs).
    identity: macSigning ? undefined : null,
    notarize: macSigning && (appleApiKey || appleId || appleKeychain),
  },
  dmg: { sign: false, writeUpdateInfo: false },
  win: {
    target: [{ target: 'nsis', arch: ['x64', 'arm64'] }],
    icon: 'build/icons/icon.ico',
    signtoolOptions: env.OPENCLAW_WIN_SIGN_COMMAND ? { sign: './build/win-sign.cjs' } : {},
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowElevation: false,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    runAfterFinish: true,
    deleteAppDataOnUninstall: false,
    include: 'build/installer.nsh',
    artifactName: 'openclaw-desktop-${version}-setup-${arch}.${ext}',
  },
  linux: {
    target: [
      { target: 'AppImage', arch: ['x64', 'arm64'] },
      { target: 'deb', arch: ['x64', 'arm64'] },
    ],
    icon: 'build/icons/png',
    category: 'Development',
    synopsis: 'Run a personal AI gateway on your own Docker engine',
    description:
      'Installs, runs and supervises an OpenClaw-compatible gateway in Docker, with a tray icon, the Control UI, setup wizards and device approvals.',
    maintainer: 'OpenClaw Desktop contributors <desktop@openclaw.invalid>',
    mimeTypes: ['x-scheme-handler/openclaw-desktop'],
    desktop: { entry: { StartupWMClass: 'OpenClaw Desktop' } },
  },
  deb: {
    // What Electron itself needs, nothing more: no Docker (the user's own engine), no Node.
    depends: [
      'libgtk-3-0',
      'libnotify4',
      'libnss3',
      'libxss1',
      'libxtst6',
      'xdg-utils',
      'libatspi2.0-0',
      'libuuid1',
      'libsecret-1-0',
      'libgbm1',
    ],
    afterRemove: 'build/deb-after-remove.sh',
  },
  appImage: { artifactName: 'openclaw-desktop-${version}-${arch}.${ext}' },
};

module.exports = config;

/**
 * What kind of package this copy of the app was installed from, and whether it can update
 * itself. Only installers made by `npm run dist` carry `app-update.yml` (where to look for new
 * versions); a copy run from source, an unpacked folder or a package we do not publish never
 * auto-updates, and the reason is said in words the user can act on.
 */
export type PackageKind = 'mac' | 'nsis' | 'appimage' | 'deb' | 'source' | 'unknown';

export interface PackageFacts {
  platform: NodeJS.Platform;
  /** Electron's `app.isPackaged`. */
  packaged: boolean;
  /** `resources/app-update.yml` exists (written by electron-builder when it publishes). */
  hasUpdateConfig: boolean;
  /** The APPIMAGE variable the AppImage runtime sets to its own file. */
  appImage?: string;
  /** Content of `resources/package-type` (electron-builder writes `deb`, `rpm`, `pacman`). */
  packageType?: string;
}

export type UpdateSupport =
  | { supported: true; kind: Exclude<PackageKind, 'source' | 'unknown'>; how: string }
  | { supported: false; kind: PackageKind; reason: string };

const RELEASES_HINT = 'download new versions from the releases page';

export function updateSupportOf(facts: PackageFacts): UpdateSupport {
  if (!facts.packaged) {
    return {
      supported: false,
      kind: 'source',
      reason:
        'This copy runs from source, so it does not update itself: update it with `git pull`, `npm ci` and `npm run build`.',
    };
  }
  if (!facts.hasUpdateConfig) {
    return {
      supported: false,
      kind: 'unknown',
      reason: `This build carries no update information (no app-update.yml; it was not made by \`npm run dist\` for a release), so it does not update itself: ${RELEASES_HINT}.`,
    };
  }
  if (facts.platform === 'darwin')
    return { supported: true, kind: 'mac', how: 'the new version replaces the app on restart' };
  if (facts.platform === 'win32')
    return { supported: true, kind: 'nsis', how: 'the installer runs for this user on restart' };
  if (facts.platform !== 'linux') {
    return {
      supported: false,
      kind: 'unknown',
      reason: `Updates are not available on ${facts.platform}: ${RELEASES_HINT}.`,
    };
  }
  if (facts.appImage)
    return { supported: true, kind: 'appimage', how: 'the AppImage file replaces itself' };
  const type = facts.packageType?.trim();
  if (type === 'deb')
    return {
      supported: true,
      kind: 'deb',
      how: 'the new .deb is installed through the system admin prompt',
    };
  if (type) {
    return {
      supported: false,
      kind: 'unknown',
      reason: `This copy was installed from a ${type} package, which this project does not publish, so it does not update itself: use your package's own source, or the AppImage or .deb from the releases page.`,
    };
  }
  return {
    supported: false,
    kind: 'unknown',
    reason: `This copy runs from an unpacked folder (neither an AppImage nor a .deb), so it cannot replace itself: ${RELEASES_HINT}.`,
  };
}

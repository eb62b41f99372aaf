/**
 * The GitHub repository an installed app updates from, read from the `app-update.yml` that
 * electron-builder writes into the package (`provider: github`, `owner`, `repo`). Used for the
 * download link shown when a .deb cannot be installed by the app itself.
 */
export const DEFAULT_RELEASES_REPO = 'https://github.com/openclaw-desktop/openclaw-desktop';

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export function releasesRepoUrl(appUpdateYml: string | undefined): string {
  if (!appUpdateYml) return DEFAULT_RELEASES_REPO;
  const field = (key: string) =>
    new RegExp(`^${key}:\\s*['"]?([^'"\\s#]+)['"]?\\s*(?:#.*)?$`, 'm').exec(appUpdateYml)?.[1];
  const owner = field('owner');
  const repo = field('repo');
  if (field('provider') !== 'github' || !owner || !repo) return DEFAULT_RELEASES_REPO;
  if (!NAME.test(owner) || !NAME.test(repo)) return DEFAULT_RELEASES_REPO;
  return `https://github.com/${owner}/${repo}`;
}

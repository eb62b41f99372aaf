import { describe, expect, it } from 'vitest';
import { DEFAULT_RELEASES_REPO, releasesRepoUrl } from './update-config.js';

describe('releasesRepoUrl', () => {
  it('reads owner and repo of a GitHub publish config', () => {
    const yml =
      'owner: someone\nrepo: "their-fork"\nprovider: github\nupdaterCacheDirName: x-updater\n';
    expect(releasesRepoUrl(yml)).toBe('https://github.com/someone/their-fork');
  });

  it('falls back to the project repository for anything else', () => {
    expect(releasesRepoUrl(undefined)).toBe(DEFAULT_RELEASES_REPO);
    expect(releasesRepoUrl('provider: generic\nurl: https://example.com/\n')).toBe(
      DEFAULT_RELEASES_REPO,
    );
    expect(releasesRepoUrl('provider: github\nowner: a/../b\nrepo: r\n')).toBe(
      DEFAULT_RELEASES_REPO,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { compareVersions, updateChannelOf } from './update-channel.js';

describe('updateChannelOf', () => {
  it('follows latest for a release version', () => {
    expect(updateChannelOf('1.2.0')).toEqual({ channel: 'latest', allowPrerelease: false });
    expect(updateChannelOf('v0.1.0')).toEqual({ channel: 'latest', allowPrerelease: false });
    expect(updateChannelOf('1.2.0+build.7')).toEqual({ channel: 'latest', allowPrerelease: false });
  });

  it('follows the pre-release tag', () => {
    expect(updateChannelOf('1.2.0-beta.3')).toEqual({ channel: 'beta', allowPrerelease: true });
    expect(updateChannelOf('2.0.0-alpha')).toEqual({ channel: 'alpha', allowPrerelease: true });
    expect(updateChannelOf('2.0.0-RC.1')).toEqual({ channel: 'rc', allowPrerelease: true });
  });

  it('keeps a numeric pre-release on latest and anything odd on latest without pre-releases', () => {
    expect(updateChannelOf('1.2.0-1')).toEqual({ channel: 'latest', allowPrerelease: true });
    expect(updateChannelOf('not a version')).toEqual({ channel: 'latest', allowPrerelease: false });
    expect(updateChannelOf('')).toEqual({ channel: 'latest', allowPrerelease: false });
  });
});

describe('compareVersions', () => {
  it('orders releases and pre-releases as semver does', () => {
    const sorted = [
      '1.2.0',
      '1.2.0-beta.10',
      '1.10.0',
      '1.2.0-beta.2',
      '1.2.0-alpha',
      '0.9.9',
    ].sort(compareVersions);
    expect(sorted).toEqual([
      '0.9.9',
      '1.2.0-alpha',
      '1.2.0-beta.2',
      '1.2.0-beta.10',
      '1.2.0',
      '1.10.0',
    ]);
    expect(compareVersions('1.2.0', '1.2.0')).toBe(0);
  });
});

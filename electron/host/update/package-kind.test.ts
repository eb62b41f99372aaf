import { describe, expect, it } from 'vitest';
import { updateSupportOf, type PackageFacts } from './package-kind.js';

const packaged: PackageFacts = { platform: 'linux', packaged: true, hasUpdateConfig: true };

describe('updateSupportOf', () => {
  it('never updates a copy run from source, and says how to update it', () => {
    const s = updateSupportOf({ ...packaged, packaged: false, appImage: '/x.AppImage' });
    expect(s).toMatchObject({ supported: false, kind: 'source' });
    expect(s.supported ? '' : s.reason).toContain('git pull');
  });

  it('never updates a build without app-update.yml', () => {
    const s = updateSupportOf({ ...packaged, platform: 'darwin', hasUpdateConfig: false });
    expect(s).toMatchObject({ supported: false, kind: 'unknown' });
    expect(s.supported ? '' : s.reason).toContain('app-update.yml');
  });

  it('updates the mac zip and the Windows installer the standard way', () => {
    expect(updateSupportOf({ ...packaged, platform: 'darwin' })).toMatchObject({
      supported: true,
      kind: 'mac',
    });
    expect(updateSupportOf({ ...packaged, platform: 'win32' })).toMatchObject({
      supported: true,
      kind: 'nsis',
    });
  });

  it('lets an AppImage replace itself (APPIMAGE set), even with a package-type file', () => {
    expect(
      updateSupportOf({ ...packaged, appImage: '/home/u/OpenClaw.AppImage', packageType: 'deb' }),
    ).toMatchObject({ supported: true, kind: 'appimage' });
  });

  it('installs a deb through the admin prompt', () => {
    expect(updateSupportOf({ ...packaged, packageType: 'deb\n' })).toMatchObject({
      supported: true,
      kind: 'deb',
    });
  });

  it('refuses packages we do not publish and unpacked folders, saying why', () => {
    const rpm = updateSupportOf({ ...packaged, packageType: 'rpm' });
    expect(rpm).toMatchObject({ supported: false, kind: 'unknown' });
    expect(rpm.supported ? '' : rpm.reason).toContain('rpm package');
    const unpacked = updateSupportOf(packaged);
    expect(unpacked).toMatchObject({ supported: false, kind: 'unknown' });
    expect(unpacked.supported ? '' : unpacked.reason).toContain('unpacked folder');
    expect(updateSupportOf({ ...packaged, platform: 'freebsd' }).supported).toBe(false);
  });
});

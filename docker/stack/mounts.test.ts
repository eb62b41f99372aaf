import { describe, expect, it } from 'vitest';
import {
  formatExtraMounts,
  formatHomeVolume,
  parseExtraMounts,
  parseHomeVolume,
} from './mounts.js';

describe('parseExtraMounts', () => {
  it('keeps the drive letter of Windows sources and splits the rest on colons', () => {
    const { mounts, problems } = parseExtraMounts(
      'C:\\Users\\me\\data:/data:ro,d:/projects x:/work/projects x',
    );
    expect(problems).toEqual([]);
    expect(mounts).toEqual([
      { source: 'C:\\Users\\me\\data', target: '/data', readOnly: true },
      { source: 'd:/projects x', target: '/work/projects x', readOnly: false },
    ]);
  });

  it('skips empty entries like upstream, and an empty value means no mounts', () => {
    expect(parseExtraMounts(' , /srv/a:/a ,,')).toEqual({
      mounts: [{ source: '/srv/a', target: '/a', readOnly: false }],
      problems: [],
    });
    expect(parseExtraMounts('')).toEqual({ mounts: [], problems: [] });
    expect(parseExtraMounts(undefined)).toEqual({ mounts: [], problems: [] });
  });

  it('accepts an explicit :rw and normalises trailing slashes', () => {
    expect(parseExtraMounts('/srv/a/:/a/:rw').mounts).toEqual([
      { source: '/srv/a', target: '/a', readOnly: false },
    ]);
  });

  it('allows mounts into sub-folders of the workspace', () => {
    expect(parseExtraMounts('/srv/code:/home/node/.openclaw/workspace/code').problems).toEqual([]);
  });

  it('round-trips through the .env form', () => {
    const value = 'C:\\My Files\\x:/x:ro,/srv/with space:/y';
    const first = parseExtraMounts(value);
    expect(first.problems).toEqual([]);
    const again = parseExtraMounts(formatExtraMounts(first.mounts));
    expect(again).toEqual(first);
    expect(formatExtraMounts(first.mounts)).toBe(value);
  });

  it('refuses the whole home folder only when the home dir is known', () => {
    expect(parseExtraMounts('/home/me:/x', { homeDir: '/home/me' }).problems).toHaveLength(1);
    expect(parseExtraMounts('/home/me/projects:/x', { homeDir: '/home/me' }).problems).toHaveLength(
      0,
    );
    expect(
      parseExtraMounts('C:\\Users\\Me:/x', { homeDir: 'c:\\users\\me' }).problems[0]?.message,
    ).toMatch(/whole home/);
  });
});

describe('parseHomeVolume', () => {
  it('tells volume names from host paths', () => {
    expect(parseHomeVolume('openclaw_home.v2')).toEqual({
      homeVolume: { kind: 'volume', name: 'openclaw_home.v2' },
    });
    expect(parseHomeVolume('/srv/home/')).toEqual({
      homeVolume: { kind: 'bind', source: '/srv/home' },
    });
    expect(parseHomeVolume('  ')).toEqual({ homeVolume: undefined });
    expect(parseHomeVolume('a/b').problem).toMatch(/not an absolute path/);
  });

  it('formats back to the .env value', () => {
    expect(formatHomeVolume({ kind: 'volume', name: 'v1' })).toBe('v1');
    expect(formatHomeVolume({ kind: 'bind', source: 'C:\\h' })).toBe('C:\\h');
    expect(formatHomeVolume(undefined)).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../infra/errors.js';
import { normalizePathMap, pathMapFromMounts, toHostPath } from './path-map.js';

describe('sandbox bind path translation', () => {
  const map = pathMapFromMounts([
    { Type: 'volume', Source: '/var/lib/docker/volumes/oc_home/_data', Destination: '/home/node' },
    { Type: 'bind', Source: '/Users/alice/.openclaw', Destination: '/home/node/.openclaw/' },
    { Type: 'bind', Source: '/Users/alice/work', Destination: '/work' },
    { Type: 'tmpfs', Destination: '/tmp' },
  ]);

  it('maps Destination → Source, the longest mount first', () => {
    expect(toHostPath('/home/node/.openclaw/sandboxes/agent-main', map)).toBe(
      '/Users/alice/.openclaw/sandboxes/agent-main',
    );
    expect(toHostPath('/home/node/.cache', map)).toBe(
      '/var/lib/docker/volumes/oc_home/_data/.cache',
    );
    expect(toHostPath('/work', map)).toBe('/Users/alice/work');
    expect(toHostPath('/work/./a//b', map)).toBe('/Users/alice/work/a/b');
  });

  it('does not match a sibling that shares a prefix', () => {
    expect(() => toHostPath('/workshop', map)).toThrow(/not on a volume or bind mount/);
  });

  it('refuses paths in the container layer (tmpfs and unmounted folders)', () => {
    try {
      toHostPath('/tmp/x', map);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({
        code: ErrorCode.INVALID_ARGUMENT,
        details: { rule: 'bind-source-unmapped' },
      });
    }
  });

  it('leaves paths alone when sandboxd runs on the host (no mappings)', () => {
    expect(toHostPath('/home/alice/ws', [])).toBe('/home/alice/ws');
  });

  it('normalises trailing slashes and a root mapping', () => {
    const rootMap = normalizePathMap([{ containerPath: '/', hostPath: '/mnt/host/' }]);
    expect(toHostPath('/data/x', rootMap)).toBe('/mnt/host/data/x');
  });
});

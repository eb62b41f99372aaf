import { describe, expect, it } from 'vitest';
import { planStackChange, type PlannedSettings } from './apply-plan.js';

const base: PlannedSettings = {
  configDir: '/home/me/.openclaw',
  workspaceDir: '/home/me/.openclaw/workspace',
  gatewayPort: 18789,
  exposeOnLan: false,
  extraMounts: [{ source: '/srv/data', target: '/data', readOnly: true }],
  aptPackages: ['git'],
  homeVolume: null,
  image: 'openclaw:local',
  stackDir: '/home/me/.config/OpenClaw/stack',
};

describe('planStackChange', () => {
  it('does nothing for identical settings', () => {
    expect(planStackChange(base, { ...base, extraMounts: [...base.extraMounts] })).toEqual({
      action: 'none',
      reasons: [],
    });
  });

  it('rebuilds when apt packages change, even when other things change too', () => {
    expect(planStackChange(base, { ...base, aptPackages: ['git', 'jq'] })).toEqual({
      action: 'rebuild',
      reasons: ['apt packages changed (added jq): the image is rebuilt with them'],
    });
    const plan = planStackChange(base, { ...base, aptPackages: [], gatewayPort: 19000 });
    expect(plan.action).toBe('rebuild');
    expect(plan.reasons).toEqual([
      'apt packages changed (removed git): the image is rebuilt with them',
      'port changed (18789 → 19000)',
    ]);
    // order is the build argument and the image label: it counts
    expect(
      planStackChange(
        { ...base, aptPackages: ['a1', 'b1'] },
        { ...base, aptPackages: ['b1', 'a1'] },
      ).action,
    ).toBe('rebuild');
  });

  it('does not rebuild for apt packages when the image is not built locally', () => {
    const remote = { ...base, image: 'ghcr.io/openclaw/openclaw:1.0' };
    const plan = planStackChange(remote, { ...remote, aptPackages: ['jq'] });
    expect(plan.action).toBe('none');
    expect(plan.reasons[0]).toMatch(/only apply to the locally built openclaw:local/);
  });

  it.each<[string, Partial<PlannedSettings>, RegExp]>([
    [
      'a mount added',
      { extraMounts: [...base.extraMounts, { source: '/b', target: '/b', readOnly: false }] },
      /extra mounts changed \(added \/b → \/b\)/,
    ],
    [
      'a mount made writable',
      { extraMounts: [{ source: '/srv/data', target: '/data', readOnly: false }] },
      /extra mounts changed/,
    ],
    [
      'the home volume',
      { homeVolume: { kind: 'volume', name: 'openclaw-home' } },
      /home volume changed \(none → volume openclaw-home\)/,
    ],
    ['the port', { gatewayPort: 19000 }, /port changed \(18789 → 19000\)/],
    ['LAN exposure', { exposeOnLan: true }, /local network/],
    ['the config folder', { configDir: '/srv/oc' }, /config folder changed/],
    ['the workspace folder', { workspaceDir: '/srv/ws' }, /workspace folder changed/],
    ['the image', { image: 'openclaw:2' }, /image changed \(openclaw:local → openclaw:2\)/],
    ['the stack folder', { stackDir: '/srv/stack' }, /stack folder moved/],
  ])('recreates for %s', (_what, change, reason) => {
    const plan = planStackChange(base, { ...base, ...change });
    expect(plan.action).toBe('recreate');
    expect(plan.reasons).toHaveLength(1);
    expect(plan.reasons[0]).toMatch(reason);
  });

  it('lists every reason for a combined change', () => {
    const plan = planStackChange(base, { ...base, gatewayPort: 1, configDir: '/x', image: 'a:b' });
    expect(plan).toMatchObject({ action: 'recreate' });
    expect(plan.reasons).toHaveLength(3);
  });

  it('ignores settings without a stack folder or image (callers that fix them)', () => {
    const { stackDir: _s, image: _i, ...bare } = base;
    expect(planStackChange(bare, { ...bare }).action).toBe('none');
    expect(planStackChange(bare, { ...base }).action).toBe('none');
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/config-schema.js';
import { resolveSandboxSettings } from './sandbox-settings.js';

const paths = { home: '/home/u', stateDir: '/home/u/.openclaw' };

function settings(doc: unknown, agentId = 'main') {
  const result = validateConfig(doc);
  expect(result.issues).toEqual([]);
  return resolveSandboxSettings(result.config, agentId, paths);
}

describe('resolveSandboxSettings', () => {
  it('defaults, with "default" as the source of each value', () => {
    const s = settings({});
    expect(s).toMatchObject({
      mode: 'off',
      scope: 'agent',
      workspaceAccess: 'none',
      workspaceRoot: path.join('/home/u/.openclaw', 'sandboxes'),
      sources: {
        mode: 'default',
        scope: 'default',
        workspaceAccess: 'default',
        workspaceRoot: 'default',
      },
      prune: { idleHours: 24, maxAgeDays: 7 },
    });
    expect(s.browser).toMatchObject({
      enabled: false,
      noVncEnabled: true,
      cdpPort: 9222,
      binds: undefined,
    });
  });

  it('names the agent path when the agent decides, and the legacy key when it is used', () => {
    const s = settings(
      {
        agents: {
          defaults: { sandbox: { mode: 'all', perSession: true } },
          list: [
            { id: 'main' },
            { id: 'Work', sandbox: { mode: 'non-main', workspaceAccess: 'rw' } },
          ],
        },
      },
      'work',
    );
    expect(s.sources).toEqual({
      mode: 'agents.list[1].sandbox.mode',
      scope: 'agents.defaults.sandbox.perSession',
      workspaceAccess: 'agents.list[1].sandbox.workspaceAccess',
      workspaceRoot: 'default',
    });
    expect(s.scope).toBe('session');
  });

  it('browser: agent wins, binds concatenate, the legacy noVNC name still works', () => {
    const s = settings({
      agents: {
        defaults: { sandbox: { browser: { enabled: true, binds: ['/a:/a'], enableNoVnc: false } } },
        list: [{ id: 'main', sandbox: { browser: { headless: true, binds: ['/b:/b'] } } }],
      },
    });
    expect(s.browser).toMatchObject({
      enabled: true,
      headless: true,
      noVncEnabled: false,
      binds: ['/a:/a', '/b:/b'],
    });
    expect(
      settings({ agents: { defaults: { sandbox: { browser: { binds: [] } } } } }).browser.binds,
    ).toEqual([]);
  });
});

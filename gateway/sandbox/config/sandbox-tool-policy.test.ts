import { describe, expect, it } from 'vitest';
import { validateConfig, type OpenClawConfig } from '../../config/config-schema.js';
import { resolveToolPolicy } from '../../tools/tool-policy.js';
import {
  resolveSandboxToolPolicy,
  SANDBOX_DEFAULT_TOOL_ALLOW,
  sandboxToolBlockedMessage,
  sandboxToolDecision,
  sandboxToolFilter,
  toolPatternMatches,
} from './sandbox-tool-policy.js';

function config(doc: unknown): OpenClawConfig {
  const result = validateConfig(doc);
  expect(result.issues).toEqual([]);
  return result.config;
}

const allowed = (doc: unknown, tool: string, agent = 'main') =>
  sandboxToolDecision(resolveSandboxToolPolicy(config(doc), agent), tool).allowed;

describe('sandbox tool policy', () => {
  it('defaults: workspace, exec and session tools in; browser, automation and channels out', () => {
    const policy = resolveSandboxToolPolicy(config({}), 'main');
    expect(policy.allow).toEqual([...SANDBOX_DEFAULT_TOOL_ALLOW]);
    expect(policy.sources).toEqual({ allow: 'default', deny: 'default' });
    for (const tool of [
      'exec',
      'bash',
      'read',
      'write',
      'ls',
      'apply-patch',
      'sessions_send',
      'image',
    ])
      expect(allowed({}, tool)).toBe(true);
    for (const tool of ['browser', 'canvas', 'nodes', 'cron', 'gateway', 'telegram', 'web_fetch'])
      expect(allowed({}, tool)).toBe(false);
  });

  it('alsoAllow adds to the defaults and re-enables a default-denied tool', () => {
    const doc = { tools: { sandbox: { tools: { alsoAllow: ['browser', 'group:web'] } } } };
    expect(allowed(doc, 'browser')).toBe(true);
    expect(allowed(doc, 'web_fetch')).toBe(true);
    expect(allowed(doc, 'exec')).toBe(true);
    expect(allowed(doc, 'canvas')).toBe(false);
  });

  it('an explicit allow replaces the defaults; [] allows everything not denied', () => {
    const only = { tools: { sandbox: { tools: { allow: ['read'] } } } };
    expect(allowed(only, 'read')).toBe(true);
    expect(allowed(only, 'exec')).toBe(false);
    // image rides along with a non-empty allow list unless denied
    expect(allowed(only, 'image')).toBe(true);
    const all = { tools: { sandbox: { tools: { allow: [] } } } };
    expect(allowed(all, 'web_search')).toBe(true);
    expect(allowed(all, 'browser')).toBe(false);
  });

  it('deny wins over allow, including globs and groups', () => {
    const doc = {
      tools: { sandbox: { tools: { allow: ['*'], deny: ['sessions_*', 'group:runtime'] } } },
    };
    expect(allowed(doc, 'sessions_send')).toBe(false);
    expect(allowed(doc, 'exec')).toBe(false);
    expect(allowed(doc, 'process')).toBe(false);
    expect(allowed(doc, 'read')).toBe(true);
    // an explicit deny replaces the default deny list
    expect(allowed(doc, 'browser')).toBe(true);
    const imageDenied = { tools: { sandbox: { tools: { allow: ['read'], deny: ['image'] } } } };
    expect(allowed(imageDenied, 'image')).toBe(false);
  });

  it('the agent list replaces the global one, list by list, and says where it came from', () => {
    const doc = {
      tools: { sandbox: { tools: { allow: ['read'], deny: ['write'] } } },
      agents: {
        list: [{ id: 'main' }, { id: 'work', tools: { sandbox: { tools: { allow: ['exec'] } } } }],
      },
    };
    const work = resolveSandboxToolPolicy(config(doc), 'work');
    expect(work.sources).toEqual({
      allow: 'agents.list[1].tools.sandbox.tools.allow',
      deny: 'tools.sandbox.tools.deny',
    });
    expect(allowed(doc, 'exec', 'work')).toBe(true);
    expect(allowed(doc, 'read', 'work')).toBe(false);
    expect(allowed(doc, 'write', 'work')).toBe(false);
    expect(allowed(doc, 'read', 'main')).toBe(true);
  });

  it('matches patterns exactly unless they hold *', () => {
    expect(toolPatternMatches('*', 'anything')).toBe(true);
    expect(toolPatternMatches('exec', 'exec2')).toBe(false);
    expect(toolPatternMatches('mem*_get', 'memory_get')).toBe(true);
    expect(toolPatternMatches('a.b', 'axb')).toBe(false);
  });

  it('combines with the general policy and removes writers for ro access', () => {
    const cfg = config({ tools: { deny: ['read'] } });
    const general = resolveToolPolicy(cfg, 'main');
    const sandbox = sandboxToolFilter(cfg, 'main', 'ro');
    const visible = ['read', 'write', 'edit', 'apply_patch', 'exec', 'browser'].filter(
      (t) => general(t) && sandbox(t),
    );
    expect(visible).toEqual(['exec']);
    expect(sandboxToolFilter(cfg, 'main', 'none')('write')).toBe(true);
  });

  it('explains a blocked tool with the key to change', () => {
    const policy = resolveSandboxToolPolicy(config({}), 'main');
    expect(sandboxToolBlockedMessage(policy, 'exec', 'main')).toBeUndefined();
    expect(sandboxToolBlockedMessage(policy, 'browser', 'main')).toMatch(
      /"browser".*deny list \(default\).*tools\.sandbox\.tools\.alsoAllow.*sandbox explain --agent main/,
    );
    const custom = resolveSandboxToolPolicy(
      config({ tools: { sandbox: { tools: { allow: ['read'] } } } }),
      'main',
    );
    expect(sandboxToolBlockedMessage(custom, 'exec', 'main')).toMatch(
      /not in the sandbox allow list \(tools\.sandbox\.tools\.allow\).*set the allow list to \[\]/,
    );
  });
});

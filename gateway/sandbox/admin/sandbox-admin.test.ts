// The pure parts of sandbox list/recreate: durations and text, the config match recomputed from
// the plan, target matching and the gateway params' errors. No Docker involved.
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OpenClawConfig } from '../../config/config-types.js';
import { resolveStatePaths } from '../../config/paths.js';
import { ErrorCode, isOpenClawError } from '../../infra/errors.js';
import { requiredScopeFor } from '../../server/scopes.js';
import { buildSandboxPlan } from '../config/resolve-sandbox-plan.js';
import { agentWorkspaceDir } from '../config/sandbox-session.js';
import { resolveSandboxSettings } from '../config/sandbox-settings.js';
import { resolveSandboxBrowserPlan } from '../config/resolve-browser-plan.js';
import type { SandboxApi, SandboxContainerInfo } from '../contract.js';
import { formatDuration, formatSandboxListing } from './sandbox-format.js';
import {
  configMatchOf,
  listSandboxes,
  matchesTarget,
  selectForRecreate,
  toSandboxRow,
  type SandboxRow,
} from './sandbox-inventory.js';
import { parseSandboxesListParams, parseSandboxesRecreateParams } from './sandbox-params.js';

const dir = path.join(os.tmpdir(), 'openclaw-sandbox-admin-unit');
const paths = resolveStatePaths({
  OPENCLAW_STATE_DIR: path.join(dir, 'state'),
  OPENCLAW_HOME: dir,
});
const config: OpenClawConfig = {
  agents: { defaults: { sandbox: { mode: 'all', scope: 'session' } } },
} as OpenClawConfig;

function containerFor(sessionKey: string, cfg: OpenClawConfig = config): SandboxContainerInfo {
  const plan = buildSandboxPlan(resolveSandboxSettings(cfg, 'main', paths), {
    sessionKey,
    workspaceFor: (id) => agentWorkspaceDir(cfg, paths, id),
  });
  return {
    containerName: plan.containerName,
    scopeKey: plan.scopeKey,
    agentId: 'main',
    image: plan.spec.image,
    configHash: plan.configHash,
    running: true,
    createdAtMs: 0,
    lastUsedAtMs: 0,
  };
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('formatDuration', () => {
  it('is coarse: minutes, hours, days and hours', () => {
    expect(formatDuration(30_000)).toBe('just now');
    expect(formatDuration(12 * 60_000)).toBe('12m');
    expect(formatDuration(3 * 3_600_000 + 59 * 60_000)).toBe('3h');
    expect(formatDuration(48 * 3_600_000)).toBe('2d');
    expect(formatDuration(52 * 3_600_000)).toBe('2d 4h');
    expect(formatDuration(-5)).toBe('just now');
  });
});

describe('configMatchOf', () => {
  it('says yes for a container built from the current config, no once the config changes', () => {
    const c = containerFor('agent:main:one');
    expect(configMatchOf(c, config, paths)).toEqual({ match: 'yes' });
    const changed = {
      agents: {
        defaults: { sandbox: { mode: 'all', scope: 'session', docker: { memory: '1g' } } },
      },
    } as OpenClawConfig;
    expect(configMatchOf(c, changed, paths)).toEqual({
      match: 'no',
      note: 'config changed since creation',
    });
    const image = {
      agents: {
        defaults: { sandbox: { mode: 'all', scope: 'session', docker: { image: 'x:1' } } },
      },
    } as OpenClawConfig;
    expect(configMatchOf(c, image, paths).note).toMatch(/config asks for x:1/);
  });

  it('says no when the config now puts the scope in another container', () => {
    const c = containerFor('agent:main:one');
    const agentScope = { agents: { defaults: { sandbox: { mode: 'all' } } } } as OpenClawConfig;
    const result = configMatchOf(c, agentScope, paths);
    expect(result.match).toBe('no');
    expect(result.note).toBe(
      'the config now gives agent main agent scope, container openclaw-sbx-agent-main-f331f052',
    );
  });

  it('says unknown when sandboxing is off or no agent is known', () => {
    const c = containerFor('agent:main:one');
    expect(configMatchOf(c, {} as OpenClawConfig, paths)).toEqual({
      match: 'unknown',
      note: 'sandboxing is off for agent main',
    });
    const anonymous = { ...c, agentId: undefined, scopeKey: 'shared' };
    expect(configMatchOf(anonymous, config, paths).match).toBe('unknown');
  });

  it('finds the agent of an agent-scope key without a label', () => {
    const agentScope = { agents: { defaults: { sandbox: { mode: 'all' } } } } as OpenClawConfig;
    const c = { ...containerFor('agent:main:x', agentScope), agentId: undefined };
    expect(c.scopeKey).toBe('agent:main');
    expect(toSandboxRow(c, agentScope, paths)).toMatchObject({
      agentId: 'main',
      configMatch: 'yes',
    });
  });
});

describe('browser sandboxes in the listing', () => {
  const browserConfig = {
    agents: { defaults: { sandbox: { mode: 'all', scope: 'agent', browser: { enabled: true } } } },
  } as OpenClawConfig;
  const plan = resolveSandboxBrowserPlan({
    config: browserConfig,
    plan: { agentId: 'main', scope: 'agent', scopeKey: 'agent:main' },
    paths,
  })!;
  const info = (over: Partial<SandboxContainerInfo>): SandboxContainerInfo => ({
    containerName: 'openclaw-sbx-agent-main',
    scopeKey: 'agent:main',
    agentId: 'main',
    image: 'openclaw-sandbox:bookworm-slim',
    configHash: 'x',
    running: true,
    createdAtMs: 1,
    lastUsedAtMs: 1,
    ...over,
  });
  // What the engine reports: the data of two containers, one of them a browser.
  const api = (rows: SandboxContainerInfo[]) =>
    ({ list: async () => rows }) as unknown as SandboxApi;

  it('lists browsers apart, matched against the browser plan, and recreate --browser picks them', async () => {
    const browser = info({
      containerName: plan.containerName,
      image: plan.image,
      configHash: `${plan.configHash}:publish:`,
      browser: true,
    });
    const listing = await listSandboxes(api([info({}), browser]), browserConfig, paths);
    expect(listing.containers.map((r) => r.containerName)).toEqual(['openclaw-sbx-agent-main']);
    expect(listing.browsers).toEqual([
      expect.objectContaining({ containerName: plan.containerName, configMatch: 'yes' }),
    ]);
    expect(selectForRecreate(listing, { agentId: 'main' }, true)).toEqual(listing.browsers);
    const changed = await listSandboxes(
      api([{ ...browser, configHash: 'older:publish:' }]),
      browserConfig,
      paths,
    );
    expect(changed.browsers[0]).toMatchObject({
      configMatch: 'no',
      configNote: 'config changed since creation',
    });
    const off = await listSandboxes(api([browser]), config, paths);
    expect(off.browsers[0]?.configMatch).toBe('no');
  });
});

describe('formatSandboxListing', () => {
  const now = 10 * 86_400_000;
  const row = (over: Partial<SandboxRow>): SandboxRow => ({
    containerName: 'openclaw-sbx-a',
    scopeKey: 'agent:main',
    agentId: 'main',
    state: 'running',
    image: 'openclaw-sandbox:bookworm-slim',
    createdAtMs: now - 2 * 86_400_000,
    lastUsedAtMs: now - 3 * 3_600_000,
    configMatch: 'yes',
    ...over,
  });

  it('shows state, keys, image match, age and idle time, and a summary', () => {
    const text = formatSandboxListing(
      {
        containers: [
          row({}),
          row({
            containerName: 'openclaw-sbx-b',
            state: 'stopped',
            configMatch: 'no',
            configNote: 'config changed since creation',
            lastUsedAtMs: now,
          }),
        ],
        browsers: [],
      },
      now,
    );
    expect(text).toContain('openclaw-sbx-a  running');
    expect(text).toContain('agent main, scope key agent:main');
    expect(text).toContain('image openclaw-sandbox:bookworm-slim: matches config');
    expect(text).toContain('created 2d ago, idle 3h');
    expect(text).toContain('openclaw-sbx-b  stopped');
    expect(text).toContain('differs from config (config changed since creation)');
    expect(text).toContain('used just now');
    expect(text).toContain('Total: 2 (1 running)');
    expect(text).toMatch(/1 container\(s\) differ.*openclaw sandbox recreate --all/);
  });

  it('says so when there is nothing, and for browsers', () => {
    expect(formatSandboxListing({ containers: [], browsers: [] }, now)).toMatch(
      /No sandbox containers/,
    );
    expect(
      formatSandboxListing({ containers: [row({})], browsers: [] }, now, { browser: true }),
    ).toMatch(/No browser sandboxes\. One starts/);
    const browsers = formatSandboxListing(
      {
        containers: [row({})],
        browsers: [row({ containerName: 'openclaw-sbx-browser-a', configMatch: 'no' })],
      },
      now,
      { browser: true },
    );
    expect(browsers).toContain('openclaw-sbx-browser-a  running');
    expect(browsers).not.toContain('openclaw-sbx-a  running');
    expect(browsers).toMatch(/recreate --all --browser/);
  });
});

describe('matchesTarget', () => {
  it('matches a session key exactly and an agent by its keys', () => {
    const r = { scopeKey: 'agent:work:telegram:1' };
    expect(matchesTarget(r, { sessionKey: 'agent:work:telegram:1' })).toBe(true);
    expect(matchesTarget(r, { sessionKey: 'agent:work:telegram' })).toBe(false);
    expect(matchesTarget(r, { agentId: 'work' })).toBe(true);
    expect(matchesTarget(r, { agentId: 'wor' })).toBe(false);
    expect(matchesTarget({ scopeKey: 'agent:work' }, { agentId: 'Work' })).toBe(true);
    expect(matchesTarget({ scopeKey: 'shared', agentId: 'work' }, { agentId: 'work' })).toBe(true);
    expect(matchesTarget({ scopeKey: 'shared' }, { all: true })).toBe(true);
  });
});

describe('gateway params', () => {
  it('accepts the documented shapes', () => {
    expect(parseSandboxesListParams(undefined)).toEqual({ browser: false });
    expect(parseSandboxesListParams({ browser: true })).toEqual({ browser: true });
    expect(parseSandboxesRecreateParams({ all: true })).toEqual({
      target: { all: true },
      browser: false,
    });
    expect(parseSandboxesRecreateParams({ sessionKey: ' agent:main:x ' }).target).toEqual({
      sessionKey: 'agent:main:x',
    });
    expect(parseSandboxesRecreateParams({ agentId: 'work' }).target).toEqual({ agentId: 'work' });
  });

  it.each([
    [
      () => parseSandboxesListParams({ browsers: true }),
      /unknown field\(s\) browsers \(allowed: browser\)/,
    ],
    [() => parseSandboxesListParams([1]), /expected an object, got an array/],
    [() => parseSandboxesListParams({ browser: 'yes' }), /browser must be a boolean/],
    [
      () => parseSandboxesRecreateParams({}),
      /say which sandboxes: all: true, agentId or sessionKey/,
    ],
    [() => parseSandboxesRecreateParams({ all: true, agentId: 'a' }), /give only one of/],
    [
      () => parseSandboxesRecreateParams({ sessionKey: ' ' }),
      /sessionKey must be a non-empty string/,
    ],
    [() => parseSandboxesRecreateParams({ all: 1 }), /all must be a boolean/],
    [() => parseSandboxesRecreateParams({ force: true }), /unknown field\(s\) force/],
  ])('refuses bad params clearly (%#)', (fn, message) => {
    const err = errorOf(fn);
    expect(isOpenClawError(err, ErrorCode.INVALID_ARGUMENT)).toBe(true);
    expect(err.message).toMatch(message);
  });
});

describe('scopes', () => {
  it('lets readers list and only admins recreate', () => {
    expect(requiredScopeFor('sandboxes.list')).toBe('operator.read');
    expect(requiredScopeFor('sandboxes.recreate')).toBe('operator.admin');
  });
});

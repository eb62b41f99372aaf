import { describe, expect, it } from 'vitest';
import { validateConfig } from './config-schema.js';

function issueAt(result: ReturnType<typeof validateConfig>, path: string): string | undefined {
  return result.issues.find((i) => i.path === path)?.message;
}

describe('sandbox config validation', () => {
  it('keeps configs without sandbox keys valid', () => {
    const result = validateConfig({
      agents: { defaults: { workspace: '~/w' }, list: [{ id: 'main', tools: { deny: ['exec'] } }] },
      tools: { profile: 'coding' },
    });
    expect(result.issues).toEqual([]);
  });

  it('accepts a full, typical sandbox config and keeps its values', () => {
    const sandbox = {
      mode: 'non-main',
      backend: 'docker',
      scope: 'session',
      workspaceAccess: 'ro',
      workspaceRoot: '~/.openclaw/sandboxes',
      sessionToolsVisibility: 'spawned',
      docker: {
        image: 'openclaw-sandbox-common:bookworm-slim',
        containerPrefix: 'openclaw-sbx-',
        workdir: '/workspace',
        readOnlyRoot: true,
        tmpfs: ['/tmp'],
        network: 'bridge',
        user: '1000:1000',
        capDrop: ['ALL'],
        env: { LANG: 'C.UTF-8', NODE_ENV: 'test' },
        setupCommand: ['apt-get update', 'apt-get install -y jq'],
        pidsLimit: 256,
        memory: '1g',
        memorySwap: 2147483648,
        cpus: 1.5,
        ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: 512, core: '0:0' },
        seccompProfile: '/etc/docker/seccomp.json',
        dns: ['1.1.1.1'],
        extraHosts: ['db.local:10.0.0.5'],
        binds: ['/srv/data:/data:ro', '/srv/cache:/cache'],
        dangerouslyAllowExternalBindSources: true,
      },
      browser: { enabled: true, headless: true, cdpPort: 9333, binds: [] },
      prune: { idleHours: 0, maxAgeDays: 3 },
    };
    const result = validateConfig({
      agents: {
        defaults: { sandbox },
        list: [{ id: 'work', sandbox: { mode: 'all', perSession: true } }],
      },
      tools: { sandbox: { tools: { allow: ['group:runtime', 'read'], deny: ['browser'] } } },
    });
    expect(result.issues).toEqual([]);
    expect(result.config.agents?.defaults?.sandbox).toEqual(sandbox);
    expect(result.config.agents?.list?.[0]?.sandbox).toEqual({ mode: 'all', perSession: true });
    expect(result.config.tools?.sandbox?.tools?.deny).toEqual(['browser']);
  });

  it('reports each bad value with its path', () => {
    const result = validateConfig({
      agents: {
        defaults: {
          sandbox: {
            mode: 'always',
            scope: 'global',
            workspaceAccess: 'write',
            prune: { idleHours: -1, maxAgeDays: 1.5 },
            docker: {
              pidsLimit: 0,
              cpus: 'two',
              readOnlyRoot: 'yes',
              tmpfs: ['tmp'],
              ulimits: { nofile: 'lots' },
            },
          },
        },
        list: [{ id: 'a', sandbox: { docker: { env: { 'BAD NAME': 'x', OK: 3 } } } }],
      },
    });
    expect(result.ok).toBe(false);
    const base = 'agents.defaults.sandbox';
    expect(issueAt(result, `${base}.mode`)).toMatch(/"off", "non-main", "all"/);
    expect(issueAt(result, `${base}.scope`)).toMatch(/"session", "agent", "shared"/);
    expect(issueAt(result, `${base}.workspaceAccess`)).toMatch(/"none", "ro", "rw"/);
    expect(issueAt(result, `${base}.prune.idleHours`)).toMatch(/integer ≥ 0/);
    expect(issueAt(result, `${base}.prune.maxAgeDays`)).toMatch(/integer/);
    expect(issueAt(result, `${base}.docker.pidsLimit`)).toMatch(/≥ 1/);
    expect(issueAt(result, `${base}.docker.cpus`)).toMatch(/number/);
    expect(issueAt(result, `${base}.docker.readOnlyRoot`)).toMatch(/true or false/);
    expect(issueAt(result, `${base}.docker.tmpfs[0]`)).toMatch(/absolute path/);
    expect(issueAt(result, `${base}.docker.ulimits.nofile`)).toMatch(/soft:hard/);
    expect(issueAt(result, 'agents.list[0].sandbox.docker.env["BAD NAME"]')).toMatch(
      /variable name/,
    );
    expect(issueAt(result, 'agents.list[0].sandbox.docker.env.OK')).toMatch(/string/);
  });

  it('refuses the settings that break isolation', () => {
    const result = validateConfig({
      agents: {
        defaults: {
          sandbox: {
            docker: {
              network: 'host',
              seccompProfile: 'unconfined',
              apparmorProfile: 'Unconfined',
              binds: ['data:/data', 'relative/dir:/x', '/ok:relative', '/only-source', '/a:/b:rx'],
            },
            browser: { network: 'HOST' },
          },
        },
        list: [
          { id: 'a', sandbox: { docker: { network: 'container:db' } } },
          {
            id: 'b',
            sandbox: {
              docker: { network: 'container:db', dangerouslyAllowContainerNamespaceJoin: true },
            },
          },
          { id: 'c', sandbox: { browser: { network: 'container:x' } } },
          { id: 'd', sandbox: { docker: { privileged: true } } },
        ],
      },
    });
    const d = 'agents.defaults.sandbox.docker';
    expect(issueAt(result, `${d}.network`)).toMatch(/"host".*not allowed.*"none"/);
    expect(issueAt(result, `${d}.seccompProfile`)).toMatch(/unconfined/);
    expect(issueAt(result, `${d}.apparmorProfile`)).toMatch(/unconfined/);
    expect(issueAt(result, `${d}.binds[0]`)).toMatch(/absolute host path.*named volumes/);
    expect(issueAt(result, `${d}.binds[1]`)).toMatch(/absolute host path/);
    expect(issueAt(result, `${d}.binds[2]`)).toMatch(/target.*absolute/);
    expect(issueAt(result, `${d}.binds[3]`)).toMatch(/\/host\/path:\/container\/path/);
    expect(issueAt(result, `${d}.binds[4]`)).toMatch(/unknown bind option "rx"/);
    expect(issueAt(result, 'agents.defaults.sandbox.browser.network')).toMatch(/not allowed/);
    expect(issueAt(result, 'agents.list[0].sandbox.docker.network')).toMatch(
      /dangerouslyAllowContainerNamespaceJoin/,
    );
    expect(issueAt(result, 'agents.list[1].sandbox.docker.network')).toBeUndefined();
    expect(issueAt(result, 'agents.list[2].sandbox.browser.network')).toMatch(/container/);
    expect(issueAt(result, 'agents.list[3].sandbox.docker.privileged')).toMatch(/unknown key/);
    expect(result.config.agents?.defaults?.sandbox?.docker?.network).toBeUndefined();
  });

  it('accepts upstream keys this gateway does not act on yet (gpus, ssh, both noVNC names)', () => {
    const result = validateConfig({
      agents: {
        defaults: {
          sandbox: {
            docker: { gpus: 'all' },
            ssh: { target: 'user@host:22' },
            browser: { noVncEnabled: false },
          },
        },
        list: [{ id: 'a', sandbox: { browser: { enableNoVnc: true } } }],
      },
    });
    expect(result.issues).toEqual([]);
  });

  it('refuses backends other than docker with a next step', () => {
    const result = validateConfig({ agents: { defaults: { sandbox: { backend: 'ssh' } } } });
    expect(issueAt(result, 'agents.defaults.sandbox.backend')).toMatch(
      /only the "docker" backend.*set it to "docker"/,
    );
    expect(result.config.agents?.defaults?.sandbox).toEqual({});
  });

  it('validates tools.sandbox.tools globally and per agent', () => {
    const result = validateConfig({
      tools: { sandbox: { tools: { allow: ['exec'], alsoAllow: ['browser'], deny: 'all' } } },
      agents: {
        list: [
          { id: 'a', tools: { sandbox: { tools: { alsoAllow: ['browser'] }, extra: 1 } } },
          { id: 'b', tools: { sandbox: { tools: { allow: [''] } } } },
        ],
      },
    });
    expect(issueAt(result, 'tools.sandbox.tools.alsoAllow')).toMatch(/non-empty allow/);
    expect(issueAt(result, 'tools.sandbox.tools.deny')).toMatch(/array/);
    expect(issueAt(result, 'agents.list[0].tools.sandbox.extra')).toMatch(/unknown key/);
    expect(issueAt(result, 'agents.list[1].tools.sandbox.tools.allow[0]')).toMatch(/non-empty/);
    expect(result.config.agents?.list?.[0]?.tools?.sandbox?.tools).toEqual({
      alsoAllow: ['browser'],
    });
  });
});

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateConfig, type OpenClawConfig } from '../../config/config-schema.js';
import { resolveStatePaths, type StatePaths } from '../../config/paths.js';
import {
  resolveSandboxPlan,
  type ResolveSandboxPlanOptions,
  statWorkspaceOwner,
} from './resolve-sandbox-plan.js';
import { sandboxConfigHash, stableJson } from './sandbox-config-hash.js';
import { sandboxContainerName, sandboxSlug } from './sandbox-naming.js';

let dir: string;
let paths: StatePaths;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-sandbox-plan-'));
  paths = resolveStatePaths({ OPENCLAW_STATE_DIR: path.join(dir, 'state'), OPENCLAW_HOME: dir });
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Validated like a real config file, so the tests go through the same schema. */
function config(doc: unknown): OpenClawConfig {
  const result = validateConfig(doc);
  expect(result.issues).toEqual([]);
  return result.config;
}

function plan(
  doc: unknown,
  sessionKey: string,
  extra: Partial<ResolveSandboxPlanOptions> = {},
): ReturnType<typeof resolveSandboxPlan> {
  return resolveSandboxPlan({
    config: config(doc),
    agentId: extra.agentId ?? 'main',
    sessionKey,
    paths,
    workspaceFor: (id) => path.join(dir, `ws-${id}`),
    statWorkspaceOwner: () => ({ uid: 1000, gid: 1000 }),
    ...extra,
  });
}

const sandboxed = (sandbox: unknown, list?: unknown[]) => ({
  agents: { defaults: { sandbox }, ...(list ? { list } : {}) },
});

describe('which sessions are sandboxed', () => {
  it('follows mode: off, all, non-main with the main key', () => {
    expect(plan({}, 'agent:main:main')).toBeUndefined();
    expect(plan(sandboxed({ mode: 'off' }), 'agent:main:x')).toBeUndefined();
    expect(plan(sandboxed({ mode: 'all' }), 'agent:main:main')).toBeDefined();
    expect(plan(sandboxed({ mode: 'non-main' }), 'agent:main:main')).toBeUndefined();
    expect(plan(sandboxed({ mode: 'non-main' }), 'agent:main:telegram:group:42')).toBeDefined();
    const custom = { ...sandboxed({ mode: 'non-main' }), session: { mainKey: 'home' } };
    expect(plan(custom, 'agent:main:home')).toBeUndefined();
    expect(plan(custom, 'agent:main:main')).toBeDefined();
    const global = { ...sandboxed({ mode: 'non-main' }), session: { scope: 'global' } };
    expect(plan(global, 'global')).toBeUndefined();
  });

  it('lets the agent override the global mode', () => {
    const doc = sandboxed({ mode: 'all' }, [
      { id: 'main' },
      { id: 'work', sandbox: { mode: 'off' } },
    ]);
    expect(plan(doc, 'agent:work:x', { agentId: 'work' })).toBeUndefined();
    expect(plan(doc, 'agent:main:x')).toBeDefined();
  });
});

describe('scope, names and folders', () => {
  it('slugs like upstream and bounds the container name', () => {
    expect(sandboxSlug('agent:main')).toBe('agent-main-f331f052');
    const long = `agent:main:${'Telegram Group '.repeat(10)}`;
    const slug = sandboxSlug(long);
    const hash = createHash('sha256').update(long.trim()).digest('hex').slice(0, 8);
    expect(slug).toBe(`agent-main-telegram-group-telegr-${hash}`);
    expect(sandboxSlug('???')).toMatch(/^session-[0-9a-f]{8}$/);
    const name = sandboxContainerName('x'.repeat(40), 'session', long);
    expect(name).toHaveLength(63);
    expect(sandboxContainerName('openclaw-sbx-', 'shared', 'shared')).toBe('openclaw-sbx-shared');
  });

  it('agent scope: one container per agent; session scope: one per session', () => {
    const agentScope = sandboxed({ mode: 'all' });
    const a = plan(agentScope, 'agent:main:one')!;
    const b = plan(agentScope, 'agent:main:two')!;
    expect(a.scope).toBe('agent');
    expect(a.scopeKey).toBe('agent:main');
    expect(a.containerName).toBe('openclaw-sbx-agent-main-f331f052');
    expect(b.containerName).toBe(a.containerName);
    expect(a.workspaceDir).toBe(path.join(paths.stateDir, 'sandboxes', 'agent-main-f331f052'));

    const sessionScope = sandboxed({ mode: 'all', scope: 'session' });
    const c = plan(sessionScope, 'agent:main:one')!;
    const d = plan(sessionScope, 'agent:main:two')!;
    expect(c.scopeKey).toBe('agent:main:one');
    expect(c.containerName).not.toBe(d.containerName);
    expect(c.workspaceDir).not.toBe(d.workspaceDir);
  });

  it('reads legacy perSession and shared scope, warning about shared', () => {
    expect(plan(sandboxed({ mode: 'all', perSession: true }), 'agent:main:s')!.scope).toBe(
      'session',
    );
    const warnings: string[] = [];
    const shared = plan(sandboxed({ mode: 'all', perSession: false }), 'agent:main:s', {
      warn: (m) => warnings.push(m),
    })!;
    expect(shared.scope).toBe('shared');
    expect(shared.containerName).toBe('openclaw-sbx-shared');
    expect(shared.workspaceDir).toBe(path.join(paths.stateDir, 'sandboxes'));
    expect(warnings.join('\n')).toMatch(/shared/);
  });

  it('lays out the mounts per access mode', () => {
    const ws = path.join(dir, 'ws-main');
    const none = plan(sandboxed({ mode: 'all' }), 'agent:main:s')!;
    expect(none.spec.binds).toEqual([
      { source: none.workspaceDir, target: '/workspace', readOnly: true },
    ]);
    const ro = plan(sandboxed({ mode: 'all', workspaceAccess: 'ro' }), 'agent:main:s')!;
    expect(ro.spec.binds).toEqual([
      { source: ro.workspaceDir, target: '/workspace', readOnly: true },
      { source: ws, target: '/agent', readOnly: true },
    ]);
    const rw = plan(sandboxed({ mode: 'all', workspaceAccess: 'rw' }), 'agent:main:s')!;
    expect(rw.workspaceDir).toBe(ws);
    expect(rw.spec.binds).toEqual([{ source: ws, target: '/workspace', readOnly: false }]);
    expect(rw.allowedBindRoots).toEqual([ws]);
    expect(ro.allowedBindRoots).toEqual([ro.workspaceDir, ws]);
  });

  it('expands ~ in workspaceRoot', () => {
    const p = plan(sandboxed({ mode: 'all', workspaceRoot: '~/boxes' }), 'agent:main:s')!;
    expect(p.workspaceDir).toBe(path.join(dir, 'boxes', 'agent-main-f331f052'));
  });
});

describe('docker settings', () => {
  it('applies the hardened defaults', () => {
    const p = plan(sandboxed({ mode: 'all' }), 'agent:main:s')!;
    expect(p.spec).toMatchObject({
      image: 'openclaw-sandbox:bookworm-slim',
      workdir: '/workspace',
      readOnlyRoot: true,
      tmpfs: ['/tmp', '/var/tmp', '/run'],
      network: 'none',
      capDrop: ['ALL'],
      env: { LANG: 'C.UTF-8', OPENCLAW_CLI: '1' },
      user: '1000:1000',
    });
    expect(p.prune).toEqual({ idleHours: 24, maxAgeDays: 7 });
    expect(p.allowExternalBindSources).toBe(false);
  });

  it('merges agent over global as documented', () => {
    const doc = sandboxed(
      {
        mode: 'all',
        docker: {
          image: 'global:1',
          network: 'bridge',
          env: { A: 'g', B: 'g' },
          ulimits: { nofile: 1024, nproc: 100 },
          binds: [`${dir}/g:/g`],
          tmpfs: ['/tmp', '/run'],
          dns: ['1.1.1.1', '8.8.8.8'],
          memory: 536870912,
          setupCommand: ['echo one', 'echo two'],
        },
        prune: { idleHours: 2 },
      },
      [
        {
          id: 'main',
          sandbox: {
            docker: {
              image: 'agent:1',
              env: { B: 'a', C: 'a' },
              ulimits: { nproc: '10:20' },
              binds: [`${dir}/a:/a:ro`],
              tmpfs: ['/scratch'],
              dns: ['9.9.9.9'],
              user: ' 0:0 ',
            },
            prune: { maxAgeDays: 1 },
          },
        },
      ],
    );
    const p = plan(doc, 'agent:main:s')!;
    expect(p.spec.image).toBe('agent:1');
    expect(p.spec.network).toBe('bridge');
    expect(p.spec.env).toEqual({ A: 'g', B: 'a', C: 'a', OPENCLAW_CLI: '1' });
    expect(p.spec.ulimits).toEqual({
      nofile: { soft: 1024, hard: 1024 },
      nproc: { soft: 10, hard: 20 },
    });
    expect(p.spec.binds.slice(1)).toEqual([
      { source: `${dir}/g`, target: '/g', readOnly: false },
      { source: `${dir}/a`, target: '/a', readOnly: true },
    ]);
    expect(p.spec.tmpfs).toEqual(['/scratch']);
    expect(p.spec.dns).toEqual(['9.9.9.9']);
    expect(p.spec.memory).toBe('536870912');
    expect(p.spec.setupCommand).toBe('echo one\necho two');
    expect(p.spec.user).toBe('0:0');
    expect(p.prune).toEqual({ idleHours: 2, maxAgeDays: 1 });
  });

  it('does not add LANG to an explicit global env, but does when only the agent sets env', () => {
    const globalEnv = plan(
      sandboxed({ mode: 'all', docker: { env: { X: '1' } } }),
      'agent:main:s',
    )!;
    expect(globalEnv.spec.env).toEqual({ X: '1', OPENCLAW_CLI: '1' });
    const agentEnv = plan(
      sandboxed({ mode: 'all' }, [{ id: 'main', sandbox: { docker: { env: { Y: '2' } } } }]),
      'agent:main:s',
    )!;
    expect(agentEnv.spec.env).toEqual({ LANG: 'C.UTF-8', Y: '2', OPENCLAW_CLI: '1' });
  });

  it('ignores the agent docker and prune blocks in shared scope', () => {
    const doc = sandboxed({ mode: 'all', scope: 'shared', docker: { image: 'g:1' } }, [
      { id: 'main', sandbox: { docker: { image: 'a:1' }, prune: { idleHours: 1 } } },
    ]);
    const warnings: string[] = [];
    const p = plan(doc, 'agent:main:s', { warn: (m) => warnings.push(m) })!;
    expect(p.spec.image).toBe('g:1');
    expect(p.prune.idleHours).toBe(24);
    expect(warnings.some((w) => /ignored in shared scope/.test(w))).toBe(true);
  });

  it('drops secret-looking env keys and says so without the value', () => {
    const warnings: string[] = [];
    const p = plan(
      sandboxed({
        mode: 'all',
        docker: {
          env: {
            OPENAI_API_KEY: 'sk-live-123',
            GITHUB_TOKEN: 'ghp_x',
            DB_PASSWORD: 'hunter2',
            AWS_SECRET_ACCESS_KEY: 'aws',
            NUL: 'a\u0000b',
            FINE: 'ok',
          },
        },
      }),
      'agent:main:s',
      { warn: (m) => warnings.push(m) },
    )!;
    expect(p.spec.env).toEqual({ FINE: 'ok', OPENCLAW_CLI: '1' });
    expect(warnings.filter((w) => /left out/.test(w))).toHaveLength(5);
    expect(warnings.join('\n')).not.toMatch(/sk-live|ghp_x|hunter2/);
  });

  it('takes the user from the workspace owner when blank, walking up to an existing folder', async () => {
    const asked: string[] = [];
    const p = plan(sandboxed({ mode: 'all' }), 'agent:main:s', {
      statWorkspaceOwner: (d) => {
        asked.push(d);
        return { uid: 501, gid: 20 };
      },
    })!;
    expect(p.spec.user).toBe('501:20');
    expect(asked).toEqual([p.workspaceDir]);
    const none = plan(sandboxed({ mode: 'all' }), 'agent:main:s', {
      statWorkspaceOwner: () => undefined,
    })!;
    expect(none.spec.user).toBeUndefined();
    // The real stat: a folder that does not exist yet answers with its nearest parent's owner.
    const st = await fs.stat(dir);
    expect(statWorkspaceOwner(path.join(dir, 'not', 'yet'))).toEqual({ uid: st.uid, gid: st.gid });
  });

  it('refuses binds over the workspace mounts unless allowed, and namespace joins after merge', () => {
    const over = sandboxed({ mode: 'all', docker: { binds: [`${dir}/x:/workspace/sub`] } });
    expect(() => plan(over, 'agent:main:s')).toThrow(
      /\/workspace.*dangerouslyAllowReservedContainerTargets/,
    );
    const allowed = sandboxed({
      mode: 'all',
      docker: { binds: [`${dir}/x:/agent`], dangerouslyAllowReservedContainerTargets: true },
    });
    expect(plan(allowed, 'agent:main:s')!.spec.binds[1]!.target).toBe('/agent');
    const join = sandboxed(
      {
        mode: 'all',
        docker: { network: 'container:db', dangerouslyAllowContainerNamespaceJoin: true },
      },
      [{ id: 'main', sandbox: { docker: { dangerouslyAllowContainerNamespaceJoin: false } } }],
    );
    expect(() => plan(join, 'agent:main:s')).toThrow(/dangerouslyAllowContainerNamespaceJoin/);
  });

  it('warns that docker.gpus is not applied and keeps it out of the spec', () => {
    const warnings: string[] = [];
    const p = plan(sandboxed({ mode: 'all', docker: { gpus: 'all' } }), 'agent:main:s', {
      warn: (m) => warnings.push(m),
    })!;
    expect(warnings.join('\n')).toMatch(/gpus "all" is not applied/);
    expect(JSON.stringify(p.spec)).not.toMatch(/gpus/);
  });

  it('normalises bind sources so .. is visible to the engine', () => {
    const p = plan(
      sandboxed({ mode: 'all', docker: { binds: ['/home/u/ws/../../../etc:/e:ro'] } }),
      'agent:main:s',
    )!;
    expect(p.spec.binds[1]!.source).toBe('/etc');
  });
});

describe('config hash', () => {
  it('is stable across key order and changes with what matters', () => {
    expect(stableJson({ b: 1, a: { d: undefined, c: [2, 1] } })).toBe('{"a":{"c":[2,1]},"b":1}');
    expect(sandboxConfigHash({ a: 1, b: 2 })).toBe(sandboxConfigHash({ b: 2, a: 1 }));
    expect(sandboxConfigHash({ a: [1, 2] })).not.toBe(sandboxConfigHash({ a: [2, 1] }));
    expect(sandboxConfigHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);

    const base = plan(sandboxed({ mode: 'all' }), 'agent:main:s')!;
    const again = plan(sandboxed({ mode: 'all' }), 'agent:main:other')!;
    expect(again.configHash).toBe(base.configHash);
    const image = plan(sandboxed({ mode: 'all', docker: { image: 'x:1' } }), 'agent:main:s')!;
    expect(image.configHash).not.toBe(base.configHash);
    const access = plan(sandboxed({ mode: 'all', workspaceAccess: 'ro' }), 'agent:main:s')!;
    expect(access.configHash).not.toBe(base.configHash);
    const user = plan(sandboxed({ mode: 'all' }), 'agent:main:s', {
      statWorkspaceOwner: () => ({ uid: 1, gid: 1 }),
    })!;
    expect(user.configHash).not.toBe(base.configHash);
    const expected = sandboxConfigHash({
      spec: base.spec,
      workspaceAccess: 'none',
      workspaceDir: base.workspaceDir,
      agentWorkspaceDir: base.agentWorkspaceDir,
      mountFormatVersion: 2,
    });
    expect(base.configHash).toBe(expected);
  });
});

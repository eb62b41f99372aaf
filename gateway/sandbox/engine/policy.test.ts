import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import type { SandboxBind } from '../contract.js';
import { SANDBOX_TEST_IMAGE, testPlan, type PlanOverrides } from './engine-test-support.js';
import { blockedReason, checkSandboxPlan, resolveThroughExisting } from './policy.js';

const WS = '/srv/oc/sandboxes/agent-main';
const HOME = '/home/alice';
const links: Record<string, string> = { '/srv/oc/sandboxes/agent-main/evil': '/etc/ssh' };
/** A fake filesystem: everything under /srv exists; one link; nothing else resolves. */
function realpath(p: string): string {
  for (const [from, to] of Object.entries(links)) {
    if (p === from || p.startsWith(`${from}/`)) return to + p.slice(from.length);
  }
  if (p === '/' || p.startsWith('/srv') || p.startsWith('/etc') || p.startsWith('/home')) return p;
  throw new Error('ENOENT');
}

function check(overrides: PlanOverrides): void {
  checkSandboxPlan(testPlan('openclaw-sbx-main', WS, overrides), {
    allowedImages: [SANDBOX_TEST_IMAGE],
    homeDirs: [HOME],
    realpath,
  });
}

function refusedRule(overrides: PlanOverrides): string | undefined {
  try {
    check(overrides);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(OpenClawError);
    expect((err as OpenClawError).code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect((err as OpenClawError).message).toMatch(/^Sandbox refused: /);
    return (err as OpenClawError).details?.rule as string;
  }
}

const bind = (
  source: string,
  target = '/mnt/x',
  readOnly = true,
): { spec: { binds: SandboxBind[] } } => ({
  spec: {
    binds: [
      { source: WS, target: '/workspace', readOnly: true },
      { source, target, readOnly },
    ],
  },
});

describe('sandbox policy gate', () => {
  it('accepts the default plan and binds under the workspace roots', () => {
    expect(refusedRule({})).toBeUndefined();
    expect(refusedRule(bind(`${WS}/data`))).toBeUndefined();
    expect(
      refusedRule({
        spec: { seccompProfile: '/srv/oc/seccomp.json', apparmorProfile: 'docker-default' },
      }),
    ).toBeUndefined();
  });

  it('refuses images that are not configured sandbox images', () => {
    expect(refusedRule({ spec: { image: 'alpine:latest' } })).toBe('image-not-allowed');
  });

  it.each(['host', 'HOST', 'container:gateway'])('refuses network %s', (network) => {
    expect(refusedRule({ spec: { network } })).toBe('network-shared');
  });

  it('refuses unconfined or malformed security profiles', () => {
    expect(refusedRule({ spec: { seccompProfile: 'unconfined' } })).toBe('seccomp-unconfined');
    expect(refusedRule({ spec: { apparmorProfile: ' Unconfined ' } })).toBe('apparmor-unconfined');
    expect(refusedRule({ spec: { apparmorProfile: 'x,label=disable' } })).toBe('apparmor-invalid');
  });

  it('refuses privileges smuggled into the spec', () => {
    for (const key of ['privileged', 'capAdd', 'devices', 'pidMode'])
      expect(refusedRule({ spec: { [key]: true } as never })).toBe('privileged');
  });

  it.each([
    ['/', 'bind-source-blocked'],
    ['/etc', 'bind-source-blocked'],
    ['/etc/passwd', 'bind-source-blocked'],
    ['/proc/1', 'bind-source-blocked'],
    ['/var/run/docker.sock', 'bind-source-blocked'],
    ['/run/user/1000/podman/podman.sock', 'bind-source-blocked'],
    [`${WS}/docker.sock`, 'bind-source-blocked'],
    [`${HOME}/.ssh`, 'bind-source-blocked'],
    [`${HOME}/.aws/credentials`, 'bind-source-blocked'],
    [`${HOME}/.config/gh`, 'bind-source-blocked'],
    ['relative/dir', 'bind-source-relative'],
    ['named-volume', 'bind-source-relative'],
    [`${WS}/../other`, 'bind-source-dotdot'],
    ['/srv/elsewhere', 'bind-source-outside-roots'],
    [`${WS}-sibling`, 'bind-source-outside-roots'],
  ])('refuses bind source %s (%s)', (source, rule) => {
    expect(refusedRule(bind(source))).toBe(rule);
  });

  it('follows symlinks of the deepest existing ancestor', () => {
    expect(resolveThroughExisting(`${WS}/evil/not/yet`, realpath)).toBe('/etc/ssh/not/yet');
    expect(refusedRule(bind(`${WS}/evil/not/yet`))).toBe('bind-source-blocked');
  });

  it('allows external sources only when the plan says so, never blocked ones', () => {
    expect(
      refusedRule({ ...bind('/srv/elsewhere'), allowExternalBindSources: true }),
    ).toBeUndefined();
    expect(refusedRule({ ...bind('/etc'), allowExternalBindSources: true })).toBe(
      'bind-source-blocked',
    );
  });

  it('reserves /workspace and /agent for the plan workspace mounts', () => {
    expect(refusedRule(bind(`${WS}/x`, '/workspace/x'))).toBe('bind-target-reserved');
    expect(refusedRule(bind(`${WS}/x`, '/agent'))).toBe('bind-target-reserved');
    expect(refusedRule(bind(`${WS}/x`, '/mnt/../workspace'))).toBe('bind-target-invalid');
    const agent = { source: `${WS}-agent`, target: '/agent', readOnly: true };
    expect(
      refusedRule({
        agentWorkspaceDir: agent.source,
        allowedBindRoots: [WS, agent.source],
        spec: { binds: [{ source: WS, target: '/workspace', readOnly: true }, agent] },
      }),
    ).toBeUndefined();
  });

  it('names what was refused and what to do', () => {
    expect(() => check(bind('/var/run/docker.sock'))).toThrow(
      /bind source "\/var\/run\/docker.sock" is a container engine socket.*Remove it from agents\.\*\.sandbox\.docker\.binds/,
    );
    expect(() => check({ spec: { network: 'host' } })).toThrow(/Use "none" \(the default\)/);
  });

  it('blockedReason leaves ordinary folders alone', () => {
    expect(blockedReason('/srv/data', [HOME])).toBeUndefined();
    expect(blockedReason(`${HOME}/projects`, [HOME])).toBeUndefined();
    expect(blockedReason('/etcetera', [HOME])).toBeUndefined();
  });
});

describe('sandbox policy gate on a real filesystem', () => {
  let root = '';
  beforeAll(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'oc-sbx-policy-')));
    await fs.mkdir(path.join(root, 'ws'));
    await fs.mkdir(path.join(root, 'outside'));
    await fs.symlink(path.join(root, 'outside'), path.join(root, 'ws', 'link'));
  });
  afterAll(async () => fs.rm(root, { recursive: true, force: true }));

  it('refuses a workspace symlink that points out of the roots', () => {
    const ws = path.join(root, 'ws');
    const plan = testPlan('openclaw-sbx-x', ws, {
      spec: {
        binds: [{ source: path.join(ws, 'link', 'deeper'), target: '/mnt/x', readOnly: true }],
      },
    });
    expect(() =>
      checkSandboxPlan(plan, { allowedImages: [SANDBOX_TEST_IMAGE], homeDirs: [] }),
    ).toThrow(/through a symlink it is ".*outside\/deeper"/);
  });
});

/**
 * Test-only helpers for the sandbox engine's real-engine tests (nothing in the library imports
 * this). The gateway floor may not import docker/, so the run id repeats the format of
 * docker/engine/integration-support.ts (`t<pid36>p<6 hex>`) and names start `openclaw-it-`: the
 * test run's global setup then removes what a killed run left, exactly as for docker/ tests.
 */
import crypto from 'node:crypto';
import Dockerode from 'dockerode';
import type { SandboxPlan } from '../contract.js';
import { SANDBOX_DEFAULTS } from '../contract.js';

export const SANDBOX_TEST_IMAGE = 'openclaw-base/debian:bookworm-slim';

export function testRunId(): string {
  return `t${process.pid.toString(36)}p${crypto.randomBytes(3).toString('hex')}`;
}

export async function sandboxEngineFixture(): Promise<{
  docker: Dockerode;
  ready: boolean;
  skipNote: string;
  runId: string;
}> {
  const docker = new Dockerode();
  let engine = false;
  let image = false;
  try {
    await docker.ping();
    engine = true;
    await docker.getImage(SANDBOX_TEST_IMAGE).inspect();
    image = true;
  } catch {
    // reported through skipNote
  }
  const skipNote = image
    ? ''
    : engine
      ? ` [SKIPPED: no ${SANDBOX_TEST_IMAGE} image: run scripts/make-base-images.sh]`
      : ' [SKIPPED: no Docker engine]';
  return { docker, ready: image, skipNote, runId: testRunId() };
}

export type PlanOverrides = Partial<Omit<SandboxPlan, 'spec'>> & {
  spec?: Partial<SandboxPlan['spec']>;
};

/** A complete plan with the documented defaults; tests override what they exercise. */
export function testPlan(
  name: string,
  workspaceDir: string,
  overrides: PlanOverrides = {},
): SandboxPlan {
  const { spec, ...rest } = overrides;
  return {
    agentId: 'main',
    sessionKey: 'agent:main:test',
    scope: 'agent',
    scopeKey: 'agent:main',
    containerName: name,
    workspaceAccess: 'none',
    workspaceDir,
    agentWorkspaceDir: workspaceDir,
    configHash: 'hash-a',
    allowedBindRoots: [workspaceDir],
    allowExternalBindSources: false,
    prune: { idleHours: SANDBOX_DEFAULTS.idleHours, maxAgeDays: SANDBOX_DEFAULTS.maxAgeDays },
    ...rest,
    spec: {
      image: SANDBOX_TEST_IMAGE,
      workdir: SANDBOX_DEFAULTS.workdir,
      readOnlyRoot: true,
      tmpfs: [...SANDBOX_DEFAULTS.tmpfs],
      network: SANDBOX_DEFAULTS.network,
      capDrop: [...SANDBOX_DEFAULTS.capDrop],
      env: {},
      binds: [{ source: workspaceDir, target: SANDBOX_DEFAULTS.workdir, readOnly: true }],
      ...spec,
    },
  };
}

/**
 * Creating one sandbox container: the image must exist, the env is scrubbed of secret-looking
 * values, the checked plan becomes create options, and the one-time setupCommand runs; a
 * container whose setup fails is removed, since it is not what the config describes.
 */
import type Dockerode from 'dockerode';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { SandboxPlan } from '../contract.js';
import { buildCreateOptions } from './create-options.js';
import { engineError, statusOf } from './engine-errors.js';
import { sanitizeSandboxEnv } from './env-sanitize.js';
import { runExec } from './exec-runner.js';

export interface CreateContext {
  docker: Dockerode;
  logger: Logger;
  /** Time the one-time setupCommand may take (default 10 minutes). */
  setupTimeoutMs?: number;
  remove(id: string): Promise<void>;
}

export async function createSandboxContainer(
  ctx: CreateContext,
  input: {
    plan: SandboxPlan;
    hostSources: string[];
    seccompJson: string | undefined;
    createdAtMs: number;
  },
): Promise<Dockerode.ContainerInspectInfo> {
  const { plan, hostSources, seccompJson, createdAtMs } = input;
  const image = plan.spec.image;
  try {
    await ctx.docker.getImage(image).inspect();
  } catch (err) {
    if (statusOf(err) === 404)
      throw new OpenClawError(
        ErrorCode.IMAGE_NOT_FOUND,
        `Sandbox image not found: ${image}. Build it first (scripts/sandbox-setup.sh builds the default image).`,
        { details: { image } },
      );
    throw engineError(err, `Checking the sandbox image ${image}`);
  }
  const { env, dropped, suspicious } = sanitizeSandboxEnv(plan.spec.env);
  if (dropped.length > 0)
    ctx.logger.warn('Sandbox env: left out secret-looking or invalid variables', {
      container: plan.containerName,
      keys: dropped,
    });
  if (suspicious.length > 0)
    ctx.logger.warn('Sandbox env: very long or encoded-looking values', {
      container: plan.containerName,
      keys: suspicious,
    });
  const options = buildCreateOptions({
    plan: { ...plan, spec: { ...plan.spec, env } },
    hostSources,
    seccompJson,
    createdAtMs,
  });
  let container: Dockerode.Container;
  try {
    container = await ctx.docker.createContainer(options);
    await container.start();
  } catch (err) {
    throw engineError(err, `Creating sandbox container ${plan.containerName}`);
  }
  const info = await container.inspect();
  const setup = plan.spec.setupCommand?.trim();
  if (setup) {
    const result = await runExec(
      { docker: ctx.docker, containerId: info.Id },
      {
        containerName: plan.containerName,
        command: setup,
        timeoutMs: ctx.setupTimeoutMs ?? 600_000,
        maxOutputBytes: 8_000,
      },
    );
    if (result.exitCode !== 0) {
      // Without its setup the container is not what the config describes: do not keep it.
      await ctx.remove(info.Id);
      throw new OpenClawError(
        ErrorCode.REQUEST_FAILED,
        `Sandbox setupCommand failed (${result.timedOut ? 'timed out' : `exit ${result.exitCode}`}): ${result.stderr.trim().slice(-500) || result.stdout.trim().slice(-500)}. It runs as the container user; installs need user "0:0", readOnlyRoot false and network access.`,
        { details: { container: plan.containerName } },
      );
    }
  }
  return info;
}

/**
 * Reaching the sandbox API for operator commands (`openclaw sandbox list/recreate`, the
 * `sandboxes.*` gateway methods) the way agent runs reach it: sandboxd when
 * OPENCLAW_SANDBOXD_URL and OPENCLAW_SANDBOXD_SECRET are set, else the Docker engine this process
 * can reach. Unlike a run, nothing is created here, so no path map is needed; the first call is
 * checked up front so "not reachable" is said once, with what to do next.
 */
import Dockerode from 'dockerode';
import type { OpenClawConfig } from '../../config/config-types.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import { sandboxImagesFromConfig } from '../config/sandbox-images.js';
import type { SandboxApi } from '../contract.js';
import { DockerSandboxEngine } from '../engine/docker-sandbox-engine.js';
import { SandboxClient } from '../service/sandbox-client.js';

export interface SandboxAccess {
  api: SandboxApi;
  /** For messages: `sandboxd (<url>)` or `the local Docker engine`. */
  via: string;
}

export interface OpenSandboxAccessOptions {
  config: OpenClawConfig;
  env: Env;
  paths: Pick<StatePaths, 'stateDir'>;
  logger?: Logger;
  /** Default: a client from DOCKER_HOST or the local socket. */
  docker?: Dockerode;
}

/** Whether any agent (or the defaults) asks for a sandbox at all; only used to explain errors. */
export function sandboxingConfigured(config: OpenClawConfig): boolean {
  const modes = [
    config.agents?.defaults?.sandbox?.mode,
    ...(config.agents?.list ?? []).map((a) => a.sandbox?.mode),
  ];
  return modes.some((m) => m !== undefined && m !== 'off');
}

function offHint(config: OpenClawConfig): string {
  return sandboxingConfigured(config)
    ? ''
    : ' Sandboxing is off in this config (agents.defaults.sandbox.mode), so there may be nothing to manage.';
}

/** The sandbox API, checked reachable; throws an OpenClawError naming what could not be reached. */
export async function openSandboxAccess(options: OpenSandboxAccessOptions): Promise<SandboxAccess> {
  const { config, env } = options;
  const url = env.OPENCLAW_SANDBOXD_URL?.trim();
  const secret = env.OPENCLAW_SANDBOXD_SECRET?.trim();
  if (url || secret) {
    if (!url || !secret)
      throw new OpenClawError(
        ErrorCode.CONFIG_INVALID,
        `OPENCLAW_SANDBOXD_URL and OPENCLAW_SANDBOXD_SECRET must be set together (only ${url ? 'the URL' : 'the secret'} is). Run docker-setup.sh with OPENCLAW_SANDBOX=1 again.`,
      );
    const api = new SandboxClient({ url, secret });
    return { api, via: `sandboxd (${url})` };
  }
  const docker = options.docker ?? new Dockerode();
  try {
    await docker.ping();
  } catch (err) {
    throw new OpenClawError(
      ErrorCode.DOCKER_UNAVAILABLE,
      `No Docker engine is reachable (${errorMessage(err)}) and OPENCLAW_SANDBOXD_URL is not set, so the sandbox containers cannot be reached. Start Docker, set DOCKER_HOST, or run this inside the gateway container where sandboxd is configured.${offHint(config)}`,
      { cause: err },
    );
  }
  const engine = new DockerSandboxEngine({
    docker,
    stateDir: options.paths.stateDir,
    images: sandboxImagesFromConfig(config),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { api: engine, via: 'the local Docker engine' };
}

/** Wraps a failed call so the message says which sandbox service was asked. */
export function sandboxUnreachable(
  access: SandboxAccess,
  config: OpenClawConfig,
  err: unknown,
): OpenClawError {
  if (err instanceof OpenClawError && err.code === ErrorCode.INVALID_ARGUMENT) return err;
  const hint = access.via.startsWith('sandboxd')
    ? ` sandboxd is not reachable or refused the request; check that the sandboxd service is running (docker compose ps) and that OPENCLAW_SANDBOXD_SECRET matches.`
    : '';
  return new OpenClawError(
    ErrorCode.REQUEST_FAILED,
    `The sandbox could not be reached through ${access.via}: ${errorMessage(err)}${hint}${offHint(config)}`,
    { cause: err },
  );
}

/**
 * The tools of one run. A session the config sandboxes (`agents.*.sandbox.mode`) gets the same
 * tools acting in its sandbox container, gated by the general policy AND `tools.sandbox.tools`;
 * any other session gets them on the workspace folder. The container is ensured before the run
 * asks the model, so a sandbox that cannot be reached ends the run with a clear error and never
 * falls back to running unsandboxed.
 *
 * Which engine: sandboxd when OPENCLAW_SANDBOXD_URL and OPENCLAW_SANDBOXD_SECRET are set (the
 * Docker stack, where the gateway has no socket); otherwise the Docker engine this process can
 * reach (DOCKER_HOST or the local socket): development with the gateway on the host, or a gateway
 * in a container given the socket (then container paths become host paths as sandboxd does).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import type { AgentTool } from '@mariozechner/pi-agent-core';
import Dockerode from 'dockerode';
import type { OpenClawConfig } from '../../config/config-types.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError, errorMessage, isOpenClawError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import { createRunBrowser, type BrowserPool } from '../../browser/run-browser.js';
import {
  resolveSandboxPlan,
  sandboxBrowserImagesFromConfig,
  sandboxImagesFromConfig,
  sandboxToolFilter,
  seedSandboxWorkspace,
} from '../../sandbox/config/index.js';
import type { SandboxApi, SandboxBrowserApi, SandboxPlan } from '../../sandbox/contract.js';
import { SandboxBrowserEngine } from '../../sandbox/engine/browser-engine.js';
import { DockerSandboxEngine } from '../../sandbox/engine/docker-sandbox-engine.js';
import { detectOwnPathMap, type PathMapping } from '../../sandbox/engine/path-map.js';
import { SandboxClient } from '../../sandbox/service/sandbox-client.js';
import { createWorkspaceTools, SandboxTarget, type ProcessRegistry } from '../../tools/index.js';

export interface RunToolsRequest {
  agentId: string;
  sessionKey: string;
  /** The agent's workspace folder on this machine. */
  workspace: string;
}

export interface RunTools {
  tools: AgentTool[];
  /** The workspace as the tools see it (`/workspace` in a sandbox); default the folder itself. */
  workspaceShown?: string;
  /** The folder on this machine the tools act in (the sandbox's own); default the workspace. */
  hostWorkspace?: string;
}

export interface RunToolsDeps {
  config(): { config: OpenClawConfig };
  env: Env;
  paths: StatePaths;
  logger: Logger;
  processes: ProcessRegistry;
  /** The runtime's browser sessions (closed with it); default: one of this factory's own. */
  browsers?: BrowserPool;
  /** Default: from the environment (sandboxd) or the local Docker engine; tests pass their own. */
  sandboxApi?: (config: OpenClawConfig) => SandboxApi;
}

/** sandboxd's client serves browser sandboxes too; the local engine gets its own browser engine. */
function hasBrowserApi(api: SandboxApi): api is SandboxApi & SandboxBrowserApi {
  return typeof (api as Partial<SandboxBrowserApi>).ensureBrowser === 'function';
}

function unreachable(plan: SandboxPlan, via: string, err: unknown): OpenClawError {
  return new OpenClawError(
    ErrorCode.REQUEST_FAILED,
    `This session runs in a sandbox (agent ${plan.agentId}, container ${plan.containerName}), and the sandbox could not be started through ${via}: ${errorMessage(err)} The run did not start; it never runs unsandboxed. Start the sandbox service (docker-setup.sh with OPENCLAW_SANDBOX=1), or set agents.defaults.sandbox.mode to "off".`,
    { cause: err },
  );
}

/**
 * The folder on this machine that the run's tools see as their workspace root: the sandbox's own
 * folder for a sandboxed session (mounted at `/workspace`), else the agent workspace. Pure (no
 * Docker): inbound media is saved there before the run asks the model.
 */
export function activeWorkspaceDir(
  deps: Pick<RunToolsDeps, 'config' | 'paths'>,
  run: RunToolsRequest,
): string {
  const plan = resolveSandboxPlan({
    config: deps.config().config,
    agentId: run.agentId,
    sessionKey: run.sessionKey,
    paths: deps.paths,
    workspaceFor: () => run.workspace,
  });
  return plan ? plan.workspaceDir : run.workspace;
}

/** The `toolsFor(run)` factory of a runtime. */
export function createRunTools(deps: RunToolsDeps): (run: RunToolsRequest) => Promise<RunTools> {
  let local: { key: string; engine: DockerSandboxEngine } | undefined;
  let docker: Dockerode | undefined;
  // A gateway in a container with the engine's socket: bind sources are translated to host paths
  // as sandboxd does (found once by inspecting our own container; none when not in one).
  let pathMap: Promise<readonly PathMapping[]> | undefined;
  const apiFor = async (config: OpenClawConfig): Promise<{ api: SandboxApi; via: string }> => {
    if (deps.sandboxApi) return { api: deps.sandboxApi(config), via: 'the sandbox engine' };
    const url = deps.env.OPENCLAW_SANDBOXD_URL?.trim();
    const secret = deps.env.OPENCLAW_SANDBOXD_SECRET?.trim();
    if (url && secret) return { api: new SandboxClient({ url, secret }), via: `sandboxd (${url})` };
    if (url || secret)
      throw new OpenClawError(
        ErrorCode.CONFIG_INVALID,
        `OPENCLAW_SANDBOXD_URL and OPENCLAW_SANDBOXD_SECRET must be set together (only ${url ? 'the URL' : 'the secret'} is); the run did not start. Run docker-setup.sh with OPENCLAW_SANDBOX=1 again.`,
      );
    // The images allowed follow the config: a new image there gets an engine that allows it.
    const images = sandboxImagesFromConfig(config);
    const key = images.join('\n');
    docker ??= new Dockerode();
    const engineClient = docker;
    pathMap ??= existsSync('/.dockerenv')
      ? detectOwnPathMap(engineClient, os.hostname()).then(
          (map) => map ?? [],
          () => [],
        )
      : Promise.resolve([]);
    const map = await pathMap;
    if (local?.key !== key)
      local = {
        key,
        engine: new DockerSandboxEngine({
          docker: engineClient,
          stateDir: deps.paths.stateDir,
          images,
          pathMap: map,
          logger: deps.logger.child({ room: 'sandbox' }),
        }),
      };
    return { api: local.engine, via: 'the local Docker engine' };
  };
  const browserFor = createRunBrowser({
    paths: deps.paths,
    logger: deps.logger.child({ room: 'browser' }),
    pool: deps.browsers,
  });
  const browserApi = async (config: OpenClawConfig): Promise<SandboxBrowserApi> => {
    const { api } = await apiFor(config);
    if (hasBrowserApi(api)) return api;
    docker ??= new Dockerode();
    return new SandboxBrowserEngine({
      docker,
      images: sandboxBrowserImagesFromConfig(config),
      // A gateway in a container joins the browser network itself (its hostname is its id).
      selfContainer: existsSync('/.dockerenv') ? os.hostname() : undefined,
      logger: deps.logger.child({ room: 'sandbox-browser' }),
      stateDir: deps.paths.stateDir,
    });
  };

  return async (run) => {
    const config = deps.config().config;
    const log = deps.logger.child({ agentId: run.agentId, sessionKey: run.sessionKey });
    const plan = resolveSandboxPlan({
      config,
      agentId: run.agentId,
      sessionKey: run.sessionKey,
      paths: deps.paths,
      workspaceFor: () => run.workspace,
      warn: (message) => log.warn(message),
    });
    const base = {
      workspace: run.workspace,
      config,
      agentId: run.agentId,
      processes: deps.processes,
    };
    if (!plan) {
      const browser = await browserFor({ config, agentId: run.agentId });
      return { tools: [...createWorkspaceTools(base), ...(browser ? [browser] : [])] };
    }
    const { api, via } = await apiFor(config);
    const seeded = await seedSandboxWorkspace({
      sandboxDir: plan.workspaceDir,
      agentWorkspaceDir: plan.agentWorkspaceDir,
      skipBootstrap: config.agents?.defaults?.skipBootstrap === true,
    });
    if (seeded.copied.length + seeded.templated.length > 0)
      log.info('sandbox workspace seeded', { copied: seeded.copied, templated: seeded.templated });
    try {
      const { created } = await api.ensure(plan);
      if (created) log.info('sandbox container created', { container: plan.containerName });
    } catch (err) {
      // A refusal by the policy gate already says what to change in the config.
      if (isOpenClawError(err) && err.code === ErrorCode.INVALID_ARGUMENT) throw err;
      throw unreachable(plan, via, err);
    }
    const tools = createWorkspaceTools({
      ...base,
      target: new SandboxTarget(api, plan),
      sandbox: { allowed: sandboxToolFilter(config, run.agentId, plan.workspaceAccess) },
    });
    const browser = await browserFor({
      config,
      agentId: run.agentId,
      sandbox: { plan, api: () => browserApi(config) },
    });
    if (browser) tools.push(browser);
    return { tools, workspaceShown: plan.spec.workdir, hostWorkspace: plan.workspaceDir };
  };
}

/**
 * The app-owned compose stack: first-run setup and every later change go through the same setup
 * flow as `./docker-setup.sh` (one implementation, two front ends); start/stop/restart are compose
 * commands on the app's stack dir, so `docker compose ps` in a terminal shows the same stack.
 */
import { existsSync, promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type Dockerode from 'dockerode';
import type { StackReachability, StackSettings, TerminalCommand } from '../../contract/host-api.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../../gateway/infra/errors.js';
import {
  ComposeProject,
  detectCompose,
  findStackContainers,
  imageInfo,
  removeStaleContainers,
  tagImage,
  type ComposeCommand,
} from '../../../docker/engine/index.js';
import { resolveNodeBase, type NodeBaseChoice } from '../../../docker/setup/base-image.js';
import {
  gatewayImageUsage,
  previousTagOf,
  pruneGatewayImages,
  type GatewayImageUsage,
  type PruneResult,
} from '../../../docker/setup/image-retention.js';
import { readEnvFile, withoutManagedEnv } from '../../../docker/stack/env-file.js';
import { toSetupEnv } from '../settings/app-settings.js';
import { composeFiles, prepareStackDir, stackFiles } from '../../../docker/stack/stack-dir.js';
import { systemInterfaces, type InterfaceSource } from '../../../docker/stack/publish-address.js';
import {
  composeTerminalCommand,
  terminalShellFor,
} from '../../../docker/stack/terminal-command.js';
import { describeReachability, type PortBinding } from './reachability.js';
import type { SetupSandboxPolicy } from '../../../docker/setup/sandbox-config.js';
import { SANDBOXD_SERVICE } from '../../../docker/stack/sandbox-compose.js';
import {
  CLI_SERVICE,
  CONTAINER_PORT,
  GATEWAY_SERVICE,
  runSetup,
  type SetupEvent,
  type SetupResult,
} from '../../../docker/setup/run-setup.js';

export interface StackManagerOptions {
  stackDir: string;
  docker: Dockerode;
  /** Environment for compose (DOCKER_HOST of a probed engine must be in here). */
  env: NodeJS.ProcessEnv;
  /** dist/gateway of the installed app. */
  bundleDir: string;
  controlUiDir?: string | null;
  projectName?: string;
  /**
   * An explicit base image (OPENCLAW_NODE_IMAGE). Without one the shared resolver picks the stock
   * node:22-bookworm-slim if present, else the local openclaw-base/node:22-bookworm-slim.
   */
  nodeImage?: string;
  /** Image tag the app builds (default openclaw:local). */
  imageTag?: string;
  /** Tag setup builds the standard sandbox image under (default openclaw-sandbox:bookworm-slim). */
  sandboxImageTag?: string;
  /** The app's copies of docker-compose.yml and the gateway Dockerfile. */
  composeTemplate?: string;
  dockerfilePath?: string;
  /** The app's copies of the sandbox Dockerfiles (default: docker/sandbox next to the library). */
  sandboxRecipeDir?: string;
  /** The app's copies of the packages the image ships beside the bundle (a node_modules folder). */
  shippedPackagesDir?: string;
  /** The OS the commands shown to the user are quoted for (default process.platform). */
  platform?: NodeJS.Platform;
  /** This host's network interfaces (LAN addresses); default the OS's. */
  interfaces?: InterfaceSource;
  /** The compose CLI to use (default: detected on first use; tests pass one). */
  compose?: ComposeCommand;
  /** Things the user should know that are not failures (a stale container removed before start). */
  onWarning?: (text: string) => void;
}

export interface GatewayContainerInfo {
  id: string;
  state: string;
  health: string;
  startedAt?: number;
  image: string;
}

export type PortCheck =
  | { free: true }
  | {
      free: false;
      holder: 'this-stack' | 'other-openclaw' | 'unknown';
      detail: string;
      suggestion: number;
    };

export class StackManager {
  private compose: ComposeCommand | undefined;
  readonly projectName: string;

  constructor(private readonly options: StackManagerOptions) {
    this.projectName = options.projectName ?? 'openclaw';
    this.compose = options.compose;
  }

  get stackDir(): string {
    return this.options.stackDir;
  }

  get imageTag(): string {
    return this.options.imageTag ?? 'openclaw:local';
  }

  /** The base the next build uses (the same resolver ./docker-setup.sh uses). */
  async nodeBase(signal?: AbortSignal): Promise<NodeBaseChoice> {
    return resolveNodeBase(
      this.options.docker,
      { OPENCLAW_NODE_IMAGE: this.explicitNodeImage() },
      { signal },
    );
  }

  /** The gateway images kept for this stack (current, previous) and their disk use. */
  async imageUsage(signal?: AbortSignal): Promise<GatewayImageUsage> {
    return gatewayImageUsage(this.options.docker, this.imageTag, { signal });
  }

  /** Removes this stack's older gateway builds; keeps the current and the previous one. */
  async pruneImages(signal?: AbortSignal, onLog?: (text: string) => void): Promise<PruneResult> {
    return pruneGatewayImages(this.options.docker, this.imageTag, { signal, onLog });
  }

  private explicitNodeImage(): string | undefined {
    return (this.options.nodeImage ?? this.options.env.OPENCLAW_NODE_IMAGE)?.trim() || undefined;
  }

  async isSetUp(): Promise<boolean> {
    const files = stackFiles(this.options.stackDir);
    const [compose, env] = await Promise.all([
      fs.stat(files.composeFile).catch(() => undefined),
      fs.stat(files.envFile).catch(() => undefined),
    ]);
    return Boolean(compose && env);
  }

  /** The gateway token from the stack's `.env` (the one the container runs with). */
  async readToken(): Promise<string | undefined> {
    const env = await readEnvFile(stackFiles(this.options.stackDir).envFile).catch(
      () => new Map<string, string>(),
    );
    return env.get('OPENCLAW_GATEWAY_TOKEN') || undefined;
  }

  async setup(
    settings: StackSettings,
    options: {
      signal?: AbortSignal;
      onEvent?: (e: SetupEvent) => void;
      extraAllowedOrigins?: readonly string[];
      /** Turn the agent sandbox on or off; omitted keeps what the stack has now. */
      sandbox?: boolean;
      /** Mode, scope and access setup writes while the sandbox is on (default setup's own). */
      sandboxPolicy?: SetupSandboxPolicy;
    } = {},
  ): Promise<SetupResult> {
    await fs.mkdir(this.options.stackDir, { recursive: true, mode: 0o700 });
    await prepareStackDir(this.options.stackDir, { composeTemplate: this.options.composeTemplate });
    const token = await this.readToken();
    return runSetup({
      stackDir: this.options.stackDir,
      env: {
        ...this.options.env,
        // The same OPENCLAW_* mapping the settings store validates against (docker/stack formats).
        ...toSetupEnv(settings, token ?? this.options.env.OPENCLAW_GATEWAY_TOKEN ?? ''),
        OPENCLAW_NODE_IMAGE: this.explicitNodeImage(),
        // Unless Settings → Sandbox asks for a change, keep what the stack has (setup turns the
        // sandbox off whenever the variable is missing, as the terminal expects).
        ...((options.sandbox ?? existsSync(stackFiles(this.options.stackDir).sandboxComposeFile))
          ? { OPENCLAW_SANDBOX: '1' }
          : {}),
      },
      bundleDir: this.options.bundleDir,
      controlUiDir: this.options.controlUiDir,
      docker: this.options.docker,
      compose: await this.composeCommand(),
      projectName: this.projectName,
      buildTag: this.options.imageTag,
      dockerfilePath: this.options.dockerfilePath,
      ...(this.options.sandboxRecipeDir ? { sandboxRecipeDir: this.options.sandboxRecipeDir } : {}),
      ...(this.options.shippedPackagesDir
        ? { shippedPackagesDir: this.options.shippedPackagesDir }
        : {}),
      extraAllowedOrigins: options.extraAllowedOrigins,
      ...(options.sandboxPolicy ? { sandboxPolicy: options.sandboxPolicy } : {}),
      ...(this.options.sandboxImageTag ? { sandboxImageTag: this.options.sandboxImageTag } : {}),
      signal: options.signal,
      onEvent: options.onEvent,
    });
  }

  /** Restarts sandboxd (it reads the allowed sandbox images from openclaw.json when it starts). */
  async restartSandboxd(signal?: AbortSignal): Promise<void> {
    await (await this.project()).restart({ services: [SANDBOXD_SERVICE], signal });
  }

  /**
   * Removes the stack's containers whose image was deleted from the engine (data kept), so
   * compose creates them again instead of asking on stdin (v1) — see docker/engine/stale-containers.ts.
   */
  private async removeStale(signal?: AbortSignal): Promise<void> {
    await removeStaleContainers(this.options.docker, this.projectName, {
      signal,
      onRemoved: (_container, text) => this.options.onWarning?.(text),
    });
  }

  async project(onLine?: (line: string) => void): Promise<ComposeProject> {
    return new ComposeProject({
      compose: await this.composeCommand(),
      projectDir: this.options.stackDir,
      files: await composeFiles(this.options.stackDir),
      projectName: this.projectName,
      env: withoutManagedEnv(this.options.env),
      docker: this.options.docker,
      onLine,
    });
  }

  async start(signal?: AbortSignal): Promise<void> {
    await this.requireSetUp();
    await this.removeStale(signal);
    const project = await this.project();
    await project.up({ services: [GATEWAY_SERVICE], detach: true, noBuild: true, signal });
  }

  async stop(signal?: AbortSignal): Promise<void> {
    await this.requireSetUp();
    await (await this.project()).stop({ services: [GATEWAY_SERVICE], signal });
  }

  async restart(signal?: AbortSignal): Promise<void> {
    await this.requireSetUp();
    await (await this.project()).restart({ services: [GATEWAY_SERVICE], signal });
  }

  async inspectGateway(signal?: AbortSignal): Promise<GatewayContainerInfo | undefined> {
    const containers = await findStackContainers(this.options.docker, this.projectName, { signal });
    const gateway = containers.find((c) => c.service === GATEWAY_SERVICE && !c.oneOff);
    if (!gateway) return undefined;
    const details = await this.options.docker.getContainer(gateway.id).inspect();
    const started = Date.parse(details.State.StartedAt);
    return {
      id: gateway.id,
      state: gateway.state,
      health: gateway.health,
      startedAt: Number.isFinite(started) && details.State.Running ? started : undefined,
      image: gateway.image,
    };
  }

  /**
   * Where the gateway is reachable from: the running (or stopped) container's port bindings, or
   * what `settings` will publish when there is no container yet.
   */
  async reachability(
    settings: Pick<StackSettings, 'exposeOnLan' | 'gatewayPort'>,
  ): Promise<StackReachability> {
    let bindings: PortBinding[] | undefined;
    const gateway = await this.inspectGateway().catch(() => undefined);
    if (gateway) {
      const details = await this.options.docker
        .getContainer(gateway.id)
        .inspect()
        .catch(() => undefined);
      const key = `${CONTAINER_PORT}/tcp`;
      // Live bindings while running; the configured ones (same addresses) when stopped.
      bindings = (details?.NetworkSettings?.Ports?.[key] ??
        details?.HostConfig?.PortBindings?.[key] ??
        undefined) as PortBinding[] | undefined;
    }
    return describeReachability(
      settings,
      bindings,
      (this.options.interfaces ?? systemInterfaces)(),
    );
  }

  /**
   * `run --rm openclaw-cli <args>` as a user pastes it: the stack folder, the compose CLI found
   * on this machine, the files and project the app uses, quoted for this OS's shell.
   */
  async cliCommand(args: readonly string[]): Promise<TerminalCommand> {
    // Without a detected CLI the hint still names the usual one rather than failing.
    const compose = await this.composeCommand().catch(() => undefined);
    const shell = terminalShellFor(this.options.platform ?? process.platform);
    const command = composeTerminalCommand(
      {
        command: compose?.command ?? ['docker', 'compose'],
        stackDir: this.options.stackDir,
        files: await composeFiles(this.options.stackDir),
        projectName: this.projectName,
      },
      ['run', '--rm', CLI_SERVICE, ...args],
      shell,
    );
    return { command, shell };
  }

  /**
   * Who holds `port` on 127.0.0.1. Our own running gateway is not a conflict; another OpenClaw
   * stack or any other program is, with a free port suggested instead.
   */
  async checkPort(port: number): Promise<PortCheck> {
    if (!(await isListening(port))) return { free: true };
    const ours = await this.inspectGateway().catch(() => undefined);
    if (ours && ours.state === 'running') {
      const details = await this.options.docker.getContainer(ours.id).inspect();
      const bindings = details.HostConfig.PortBindings?.[`${CONTAINER_PORT}/tcp`] ?? [];
      if (bindings.some((b: { HostPort?: string }) => Number(b.HostPort) === port)) {
        return {
          free: false,
          holder: 'this-stack',
          detail: 'this app’s gateway',
          suggestion: port,
        };
      }
    }
    const suggestion = await findFreePort(port + 1);
    const others = await this.options.docker
      .listContainers({ filters: { label: ['org.openclaw.desktop.image=gateway'] } })
      .catch(() => []);
    const other = others.find((c) => c.Ports?.some((p) => p.PublicPort === port));
    if (other) {
      const project =
        other.Labels['com.docker.compose.project'] ?? other.Names?.[0] ?? 'another stack';
      return {
        free: false,
        holder: 'other-openclaw',
        detail: `another OpenClaw gateway (compose project "${project}")`,
        suggestion,
      };
    }
    return {
      free: false,
      holder: 'unknown',
      detail: `another program on this computer (it listens on 127.0.0.1:${port})`,
      suggestion,
    };
  }

  /**
   * Rebuild/upgrade with rollback: keep the current image as `<repo>:previous`; if the new one
   * does not become healthy, put the previous one back and recreate the container from it. The
   * previous tag stays afterwards (the next failed upgrade, or the user, can roll back to it);
   * older builds are pruned by setup.
   */
  async upgrade(
    settings: StackSettings,
    options: { signal?: AbortSignal; onEvent?: (e: SetupEvent) => void } = {},
  ): Promise<SetupResult> {
    const image = this.imageTag;
    const previousTag = previousTagOf(image);
    const previous = await imageInfo(this.options.docker, image).catch(() => undefined);
    if (previous) await tagImage(this.options.docker, image, previousTag);
    try {
      return await this.setup(settings, options);
    } catch (err) {
      if (!previous) throw err;
      await tagImage(this.options.docker, previousTag, image);
      await this.removeStale();
      const project = await this.project();
      await project.up({
        services: [GATEWAY_SERVICE],
        detach: true,
        forceRecreate: true,
        noBuild: true,
      });
      // Keep the cause's code: a base image or apt problem reads as itself, with its next step.
      throw new OpenClawError(
        err instanceof OpenClawError ? err.code : ErrorCode.IMAGE_BUILD_FAILED,
        `The new gateway image did not come up, so the previous one was restored and is running again. ${errorMessage(err)}`,
        { cause: err, details: err instanceof OpenClawError ? err.details : undefined },
      );
    }
  }

  private async requireSetUp(): Promise<void> {
    if (!(await this.isSetUp())) {
      throw new OpenClawError(
        ErrorCode.NOT_FOUND,
        `The gateway is not set up yet (no stack in ${this.options.stackDir}). Run the setup first.`,
      );
    }
  }

  private async composeCommand(): Promise<ComposeCommand> {
    this.compose ??= await detectCompose({ env: this.options.env });
    return this.compose;
  }
}

function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (value: boolean) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function findFreePort(from: number): Promise<number> {
  for (let port = from; port < Math.min(from + 200, 65535); port += 1) {
    if (!(await isListening(port))) return port;
  }
  return 0;
}

export function defaultStackDir(dataDir: string): string {
  return path.join(dataDir, 'stack');
}

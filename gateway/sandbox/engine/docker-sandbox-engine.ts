/**
 * The sandbox engine over dockerode: turns checked plans into hardened containers and runs
 * commands in them. sandboxd serves it over HTTP; in development the gateway may use it directly.
 * It touches only containers carrying the sandbox label, whatever name it is asked about.
 */
import path from 'node:path';
import type Dockerode from 'dockerode';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { silentLogger, type Logger } from '../../infra/logger.js';
import {
  SANDBOX_BROWSER_LABELS,
  SANDBOX_DEFAULTS,
  SANDBOX_LABELS,
  type SandboxApi,
  type SandboxContainerInfo,
  type SandboxExecRequest,
  type SandboxExecResult,
  type SandboxPlan,
  type SandboxProcessOutput,
  type SandboxProcessReadRequest,
  type SandboxProcessRequest,
} from '../contract.js';
import { createSandboxContainer } from './create-container.js';
import { engineError, statusOf } from './engine-errors.js';
import { runExec } from './exec-runner.js';
import { RunnerGoneError } from './container-runner.js';
import { RunnerPool, runOnRunner, runnerCanRun } from './runner-exec.js';
import { SandboxProcesses } from './sandbox-processes.js';
import { readSeccompProfile } from './seccomp-profile.js';
import { normalizePathMap, toHostPath, type PathMapping } from './path-map.js';
import { blockedReason, checkSandboxPlan } from './policy.js';
import { SandboxRegistry, type RegistryEntry } from './registry.js';

export interface DockerSandboxEngineOptions {
  docker: Dockerode;
  /** The gateway state folder; the registry lives in `<stateDir>/sandbox/containers.json`. */
  stateDir: string;
  /** The configured sandbox images; plans naming any other image are refused. */
  images: readonly string[];
  /** Container path → host path, when this process runs in a container (see path-map.ts). */
  pathMap?: readonly PathMapping[];
  logger?: Logger;
  /** Clock (tests move it to cross the hot window and the prune limits). */
  now?: () => number;
  /** Home folders whose credential folders are never mounted (default $HOME and the OS home). */
  homeDirs?: readonly string[];
  /** Time the one-time setupCommand may take (default 10 minutes). */
  setupTimeoutMs?: number;
  /** Output a background process may hold in its container before it is stopped (256 MiB). */
  maxProcessOutputBytes?: number;
}

type Inspect = Dockerode.ContainerInspectInfo;

/** The CLI command that applies a pending config change to a kept container. */
export function recreateHint(plan: Pick<SandboxPlan, 'scope' | 'scopeKey' | 'agentId'>): string {
  if (plan.scope === 'session') return `openclaw sandbox recreate --session ${plan.scopeKey}`;
  if (plan.scope === 'agent') return `openclaw sandbox recreate --agent ${plan.agentId}`;
  return 'openclaw sandbox recreate --all';
}

function isSandbox(labels: Record<string, string> | undefined): boolean {
  return labels?.[SANDBOX_LABELS.sandbox] === '1';
}

export class DockerSandboxEngine implements SandboxApi {
  private readonly docker: Dockerode;
  private readonly registry: SandboxRegistry;
  private readonly pathMap: PathMapping[];
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly ensuring = new Map<string, Promise<unknown>>();
  /** name → id of containers verified as ours, so a warm exec costs no inspect. */
  private readonly ids = new Map<string, string>();
  /** Exec use not yet in the registry (exec stays off the file; ensure and list merge it). */
  private readonly lastExec = new Map<string, number>();
  /** One resident runner per container: a warm command costs no Docker exec. */
  private readonly runners: RunnerPool;
  private readonly processes: SandboxProcesses;

  constructor(private readonly options: DockerSandboxEngineOptions) {
    this.docker = options.docker;
    this.registry = new SandboxRegistry(options.stateDir);
    this.pathMap = normalizePathMap(options.pathMap ?? []);
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.runners = new RunnerPool(this.docker);
    this.processes = new SandboxProcesses(
      (name) => this.runnerFor(name),
      options.maxProcessOutputBytes,
    );
  }

  async ensure(plan: SandboxPlan): Promise<{ container: SandboxContainerInfo; created: boolean }> {
    // One ensure per container at a time: two sessions sharing an agent container must not race.
    const previous = this.ensuring.get(plan.containerName) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.ensureNow(plan));
    this.ensuring.set(plan.containerName, run);
    try {
      return await run;
    } finally {
      if (this.ensuring.get(plan.containerName) === run) this.ensuring.delete(plan.containerName);
    }
  }

  private async ensureNow(
    plan: SandboxPlan,
  ): Promise<{ container: SandboxContainerInfo; created: boolean }> {
    checkSandboxPlan(plan, { allowedImages: this.options.images, homeDirs: this.options.homeDirs });
    const hostSources = plan.spec.binds.map((b) => this.hostSource(b.source));
    const seccompJson = await readSeccompProfile(plan.spec.seccompProfile);
    const now = this.now();
    const entry = await this.registry.get(plan.containerName);
    let current = await this.inspect(plan.containerName);
    let keptHash: string | undefined;
    if (current) {
      const hash = current.Config.Labels?.[SANDBOX_LABELS.configHash] ?? entry?.configHash;
      if (hash !== plan.configHash) {
        const lastUsed = Math.max(
          entry?.lastUsedAtMs ?? 0,
          this.lastExec.get(plan.containerName) ?? 0,
        );
        const hot =
          current.State.Running &&
          (lastUsed === 0 || now - lastUsed < SANDBOX_DEFAULTS.hotWindowMs);
        if (hot) {
          keptHash = hash;
          this.logger.warn(
            `Sandbox config changed for ${plan.containerName} (recently used). Recreate to apply: ${recreateHint(plan)}`,
            { container: plan.containerName },
          );
        } else {
          this.logger.info('Sandbox config changed; recreating the idle container', {
            container: plan.containerName,
          });
          await this.removeContainer(current.Id);
          current = undefined;
        }
      }
    }
    let created = false;
    let createdAtMs = Number(current?.Config.Labels?.[SANDBOX_LABELS.createdAtMs]) || now;
    if (!current) {
      createdAtMs = now;
      current = await this.create(plan, hostSources, seccompJson, createdAtMs);
      created = true;
      this.logger.info('Sandbox container created', {
        container: plan.containerName,
        image: plan.spec.image,
        scopeKey: plan.scopeKey,
      });
    } else if (!current.State.Running) {
      await this.start(current.Id);
    }
    this.ids.set(plan.containerName, current.Id);
    // The runner starts while the run gets going, so the first command need not wait for it.
    void this.runners.get(current.Id).catch(() => undefined);
    const record: RegistryEntry = {
      containerName: plan.containerName,
      sessionKey: plan.scopeKey,
      agentId: plan.agentId,
      createdAtMs,
      lastUsedAtMs: now,
      image: current.Config.Image,
      configHash: keptHash ?? plan.configHash,
      wantedConfigHash: keptHash === undefined ? undefined : plan.configHash,
    };
    await this.registry.upsert(record, created);
    this.lastExec.delete(plan.containerName);
    return {
      created,
      container: {
        containerName: plan.containerName,
        scopeKey: plan.scopeKey,
        agentId: plan.agentId,
        image: record.image,
        configHash: record.configHash!,
        running: true,
        createdAtMs: entry && !created ? entry.createdAtMs : createdAtMs,
        lastUsedAtMs: now,
        stale: keptHash !== undefined,
      },
    };
  }

  private hostSource(source: string): string {
    const host = toHostPath(source, this.pathMap);
    // The engine mounts host paths: check the translated one too, it is what really gets mounted.
    const why = host === source ? undefined : blockedReason(path.posix.normalize(host), []);
    if (why)
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `Sandbox refused: bind source "${source}" is ${why} on the host ("${host}").`,
        { details: { rule: 'bind-source-blocked', source, resolved: host } },
      );
    return host;
  }

  private create(
    plan: SandboxPlan,
    hostSources: string[],
    seccompJson: string | undefined,
    createdAtMs: number,
  ): Promise<Inspect> {
    return createSandboxContainer(
      {
        docker: this.docker,
        logger: this.logger,
        setupTimeoutMs: this.options.setupTimeoutMs,
        remove: (id: string) => this.removeContainer(id),
      },
      { plan, hostSources, seccompJson, createdAtMs },
    );
  }

  private async inspect(name: string): Promise<Inspect | undefined> {
    let info: Inspect;
    try {
      info = await this.docker.getContainer(name).inspect();
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw engineError(err, `Inspecting sandbox container ${name}`);
    }
    if (!isSandbox(info.Config.Labels))
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `Sandbox refused: container "${name}" was not created by the sandbox (no ${SANDBOX_LABELS.sandbox} label), so sandboxd will not touch it. Rename or remove it yourself.`,
        { details: { rule: 'container-not-sandbox', container: name } },
      );
    return info;
  }

  private async start(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (err) {
      if (statusOf(err) !== 304) throw engineError(err, 'Starting sandbox container');
    }
  }

  private async removeContainer(id: string): Promise<void> {
    this.processes.containerGone(id);
    this.runners.close(id);
    try {
      await this.docker.getContainer(id).remove({ force: true });
    } catch (err) {
      if (statusOf(err) !== 404) throw engineError(err, 'Removing sandbox container');
    }
  }

  async exec(request: SandboxExecRequest, signal?: AbortSignal): Promise<SandboxExecResult> {
    const name = request.containerName;
    this.lastExec.set(name, this.now());
    const id = this.ids.get(name);
    if (id) {
      try {
        return await this.execIn(id, request, signal);
      } catch (err) {
        this.ids.delete(name);
        // Recreated or removed behind our back (another sandboxd, the user): look it up again.
        if (statusOf(err) !== 404 && statusOf(err) !== 409)
          throw engineError(err, `Running a command in sandbox ${name}`);
      }
    }
    return this.execFresh(request, signal);
  }

  private async execFresh(
    request: SandboxExecRequest,
    signal?: AbortSignal,
  ): Promise<SandboxExecResult> {
    const name = request.containerName;
    const info = await this.inspect(name);
    if (!info)
      throw new OpenClawError(
        ErrorCode.CONTAINER_NOT_FOUND,
        `Sandbox container ${name} does not exist. It is created when an agent run starts (ensure).`,
      );
    if (!info.State.Running) await this.start(info.Id);
    const id = info.Id;
    this.ids.set(name, id);
    try {
      return await this.execIn(id, request, signal);
    } catch (err) {
      this.ids.delete(name);
      throw engineError(err, `Running a command in sandbox ${name}`);
    }
  }

  /** Through the container's runner when it can carry the request, else one Docker exec. */
  private async execIn(
    containerId: string,
    request: SandboxExecRequest,
    signal?: AbortSignal,
  ): Promise<SandboxExecResult> {
    let runner;
    try {
      runner = runnerCanRun(request) ? await this.runners.get(containerId) : undefined;
    } catch (err) {
      // The container is gone (the caller looks it up again); else this command goes without.
      if (statusOf(err) === 404 || statusOf(err) === 409) throw err;
    }
    if (!runner) return runExec({ docker: this.docker, containerId }, request, signal);
    try {
      return await runOnRunner(runner, request, signal);
    } catch (err) {
      if (!(err instanceof RunnerGoneError)) throw err;
      throw new OpenClawError(
        ErrorCode.CONTAINER_NOT_FOUND,
        `Sandbox container ${request.containerName} stopped while the command ran.`,
      );
    }
  }

  private async runnerFor(name: string) {
    this.lastExec.set(name, this.now());
    let containerId = this.ids.get(name);
    if (!containerId) {
      const info = await this.inspect(name);
      if (!info)
        throw new OpenClawError(
          ErrorCode.CONTAINER_NOT_FOUND,
          `Sandbox container ${name} does not exist. It is created when an agent run starts (ensure).`,
        );
      if (!info.State.Running) await this.start(info.Id);
      containerId = info.Id;
      this.ids.set(name, containerId);
    }
    try {
      return { containerId, runner: await this.runners.get(containerId) };
    } catch (err) {
      this.ids.delete(name);
      throw engineError(err, `Starting the command runner in sandbox ${name}`);
    }
  }

  startProcess(request: SandboxProcessRequest): Promise<{ processId: string }> {
    return this.processes.start(request);
  }

  readProcess(request: SandboxProcessReadRequest): Promise<SandboxProcessOutput> {
    return this.processes.read(request);
  }

  async writeProcess(request: { processId: string; data?: string; end?: boolean }): Promise<void> {
    this.processes.write(request);
  }

  killProcess(processId: string): Promise<void> {
    return this.processes.kill(processId);
  }

  /** Stops the runners and the process sweep (sandboxd shutting down, tests). */
  dispose(): void {
    this.runners.closeAll();
    this.processes.dispose();
  }

  async list(): Promise<SandboxContainerInfo[]> {
    let containers: Dockerode.ContainerInfo[];
    try {
      containers = await this.docker.listContainers({
        all: true,
        filters: { label: [`${SANDBOX_LABELS.sandbox}=1`] },
      });
    } catch (err) {
      throw engineError(err, 'Listing sandbox containers');
    }
    const entries = new Map((await this.registry.read()).map((e) => [e.containerName, e]));
    return containers.map((c) => {
      const name = (c.Names[0] ?? c.Id).replace(/^\//, '');
      const labels = c.Labels ?? {};
      const entry = entries.get(name);
      const createdAtMs = Number(labels[SANDBOX_LABELS.createdAtMs]) || c.Created * 1000;
      const hash = labels[SANDBOX_LABELS.configHash] ?? '';
      const info: SandboxContainerInfo = {
        containerName: name,
        scopeKey: labels[SANDBOX_LABELS.scopeKey] ?? '',
        image: c.Image,
        configHash: hash,
        running: c.State === 'running',
        createdAtMs,
        lastUsedAtMs: Math.max(entry?.lastUsedAtMs ?? createdAtMs, this.lastExec.get(name) ?? 0),
        stale: entry?.wantedConfigHash !== undefined && entry.wantedConfigHash !== hash,
      };
      const agentId = labels[SANDBOX_LABELS.agentId];
      if (agentId) info.agentId = agentId;
      if (labels[SANDBOX_BROWSER_LABELS.browser] === '1') info.browser = true;
      return info;
    });
  }

  async remove(containerName: string): Promise<void> {
    const info = await this.inspect(containerName);
    if (info) await this.removeContainer(info.Id);
    this.ids.delete(containerName);
    this.lastExec.delete(containerName);
    await this.registry.remove(containerName);
  }

  async prune(limits: { idleHours: number; maxAgeDays: number }): Promise<string[]> {
    const { idleHours, maxAgeDays } = limits;
    if (!(idleHours > 0) && !(maxAgeDays > 0)) return [];
    const now = this.now();
    const removed: string[] = [];
    for (const c of await this.list()) {
      const idle = idleHours > 0 && now - c.lastUsedAtMs > idleHours * 3_600_000;
      const old = maxAgeDays > 0 && now - c.createdAtMs > maxAgeDays * 86_400_000;
      if (!idle && !old) continue;
      try {
        await this.remove(c.containerName);
        removed.push(c.containerName);
        this.logger.info('Sandbox container pruned', { container: c.containerName, idle, old });
      } catch (err) {
        this.logger.warn('Sandbox prune failed', {
          container: c.containerName,
          error: String(err),
        });
      }
    }
    return removed;
  }
}

/**
 * The app's view of the agent sandbox containers on the engine: list, remove, prune idle, logs.
 * It touches only containers carrying the sandbox label (whatever name it is asked about), the
 * same rule sandboxd follows. The registry file (`<state dir>/sandbox/containers.json`) is read,
 * never written: it belongs to the gateway's uid, and a stale entry there is harmless because the
 * engine, not the file, decides what is listed.
 *
 * Whether a container matches the config is judged by image: the config hash covers paths as the
 * gateway sees them inside its container, which this process cannot reproduce. What the registry
 * records as "recreate pending" (the gateway's own hash comparison) is shown alongside.
 */
import type Dockerode from 'dockerode';
import { readContainerLogs } from '../../../docker/engine/container-logs.js';
import { pingEngine } from '../../../docker/engine/docker-client.js';
import { loadConfigSnapshot } from '../../../gateway/config/config-store.js';
import type { OpenClawConfig } from '../../../gateway/config/config-types.js';
import type { StatePaths } from '../../../gateway/config/paths.js';
import { ErrorCode, OpenClawError } from '../../../gateway/infra/errors.js';
import { SANDBOX_BROWSER_DEFAULTS } from '../../../gateway/sandbox/config/sandbox-settings.js';
import {
  SANDBOX_BROWSER_LABELS,
  SANDBOX_DEFAULTS,
  SANDBOX_LABELS,
} from '../../../gateway/sandbox/contract.js';
import { SandboxRegistry, type RegistryEntry } from '../../../gateway/sandbox/engine/registry.js';
import { assumeSet } from '../model/model-view.js';
import {
  liveViewUnavailable,
  makeLiveViewLink,
  type LiveViewOptions,
} from './sandbox-live-view.js';

export interface SandboxContainerView {
  name: string;
  /** `shared`, a session key, or `agent:<id>`. */
  scopeKey: string;
  agentId?: string;
  /** The engine's state: running, exited, created, paused… */
  state: string;
  image: string;
  /** The image the config asks for this container's agent. */
  configuredImage: string;
  imageMatches: boolean;
  /** The gateway recorded a config change this container has not picked up yet. */
  recreatePending: boolean;
  createdAtMs: number;
  lastUsedAtMs: number;
  /** Where lastUsedAtMs comes from: the gateway's registry, or the container's start time. */
  usedFrom: 'registry' | 'started';
  idleMs: number;
  /** A browser sandbox (Chromium for the agent's `browser` tool), not a tool container. */
  browser: boolean;
  /** Why "Open live view" cannot work for this container now; absent when it can. */
  liveViewUnavailable?: string;
}

export interface SandboxPruneFailure {
  name: string;
  reason: string;
}

export interface SandboxLogLine {
  stream: 'stdout' | 'stderr';
  timestamp?: string;
  text: string;
}

export interface SandboxContainersOptions {
  docker: Dockerode;
  /** The gateway's state dir on this computer. */
  statePaths: () => StatePaths;
  now?: () => number;
  /** Tests: also require these `key=value` labels, so a run never touches another's sandboxes. */
  alsoLabels?: string[];
  liveView?: LiveViewOptions;
}

type Inspect = Dockerode.ContainerInspectInfo;

function isSandbox(labels: Record<string, string> | null | undefined): boolean {
  return labels?.[SANDBOX_LABELS.sandbox] === '1';
}

/**
 * The image the config names for an agent: its own, else the defaults', else the built-in one —
 * from `sandbox.browser.image` for a browser sandbox, `sandbox.docker.image` for the others.
 */
export function configuredImageFor(
  config: Pick<OpenClawConfig, 'agents'>,
  agentId: string | undefined,
  kind: 'tools' | 'browser' = 'tools',
): string {
  const pick = (image: unknown) =>
    typeof image === 'string' && image.trim() !== '' ? image.trim() : undefined;
  const agent = agentId ? config.agents?.list?.find((a) => a.id === agentId) : undefined;
  const defaults = config.agents?.defaults?.sandbox;
  if (kind === 'browser')
    return (
      pick(agent?.sandbox?.browser?.image) ??
      pick(defaults?.browser?.image) ??
      SANDBOX_BROWSER_DEFAULTS.image
    );
  return (
    pick(agent?.sandbox?.docker?.image) ?? pick(defaults?.docker?.image) ?? SANDBOX_DEFAULTS.image
  );
}

function startedAtMs(info: Inspect | undefined): number | undefined {
  const started = Date.parse(info?.State?.StartedAt ?? '');
  // The engine reports 0001-01-01 for a container never started.
  return Number.isFinite(started) && started > 0 ? started : undefined;
}

/** The engine's own words when it gives them (e.g. "removal … is already in progress"). */
export function pruneReason(err: unknown): string {
  const json = (err as { json?: { message?: unknown } }).json;
  const text =
    typeof json?.message === 'string'
      ? json.message
      : err instanceof Error
        ? err.message
        : String(err);
  return text.replace(/^\(HTTP code \d+\)\s*[\w ]*-\s*/, '').trim() || 'unknown error';
}

export class SandboxContainers {
  private readonly docker: Dockerode;
  private readonly now: () => number;

  constructor(private readonly options: SandboxContainersOptions) {
    this.docker = options.docker;
    this.now = options.now ?? Date.now;
  }

  private async config(): Promise<OpenClawConfig> {
    const paths = this.options.statePaths();
    const snapshot = await loadConfigSnapshot(paths, await assumeSet(paths.configPath));
    return snapshot.config;
  }

  private registry(): Promise<RegistryEntry[]> {
    return new SandboxRegistry(this.options.statePaths().stateDir).read();
  }

  /** The list, or why there is none: no engine is a state of the page, not an error. */
  async overview(): Promise<{
    engine: 'ready' | 'unavailable';
    detail?: string;
    containers: SandboxContainerView[];
  }> {
    const ping = await pingEngine(this.docker, undefined, { timeoutMs: 3000 });
    if (!ping.ok) return { engine: 'unavailable', detail: ping.error.message, containers: [] };
    return { engine: 'ready', containers: await this.list() };
  }

  async list(): Promise<SandboxContainerView[]> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${SANDBOX_LABELS.sandbox}=1`, ...(this.options.alsoLabels ?? [])] },
    });
    const [config, entries] = await Promise.all([this.config(), this.registry()]);
    const byName = new Map(entries.map((e) => [e.containerName, e]));
    const now = this.now();
    const nameOf = (c: (typeof containers)[number]) => (c.Names[0] ?? c.Id).replace(/^\//, '');
    // Containers the registry does not know: their start times, asked for all at once.
    const started = new Map(
      await Promise.all(
        containers
          .filter((c) => isSandbox(c.Labels ?? {}) && !byName.has(nameOf(c)))
          .map(async (c) => {
            const info = await this.docker
              .getContainer(c.Id)
              .inspect()
              .catch(() => undefined);
            return [c.Id, startedAtMs(info)] as const;
          }),
      ),
    );
    const views: SandboxContainerView[] = [];
    for (const c of containers) {
      const labels = c.Labels ?? {};
      if (!isSandbox(labels)) continue;
      const name = nameOf(c);
      const entry = byName.get(name);
      const createdAtMs = Number(labels[SANDBOX_LABELS.createdAtMs]) || c.Created * 1000;
      let lastUsedAtMs = entry?.lastUsedAtMs;
      let usedFrom: SandboxContainerView['usedFrom'] = 'registry';
      if (lastUsedAtMs === undefined) {
        lastUsedAtMs = started.get(c.Id) ?? createdAtMs;
        usedFrom = 'started';
      }
      const agentId = labels[SANDBOX_LABELS.agentId] || undefined;
      const browser = labels[SANDBOX_BROWSER_LABELS.browser] === '1';
      const configuredImage = configuredImageFor(config, agentId, browser ? 'browser' : 'tools');
      const noLiveView = browser ? liveViewUnavailable(labels, c.State === 'running') : undefined;
      const hash = labels[SANDBOX_LABELS.configHash] ?? '';
      views.push({
        name,
        scopeKey: labels[SANDBOX_LABELS.scopeKey] ?? '',
        ...(agentId ? { agentId } : {}),
        state: c.State,
        image: c.Image,
        configuredImage,
        imageMatches: c.Image === configuredImage,
        recreatePending: entry?.wantedConfigHash !== undefined && entry.wantedConfigHash !== hash,
        createdAtMs,
        lastUsedAtMs,
        usedFrom,
        idleMs: Math.max(0, now - lastUsedAtMs),
        browser,
        ...(noLiveView ? { liveViewUnavailable: noLiveView } : {}),
      });
    }
    return views.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The container, if it exists and is a sandbox; anything else is refused. */
  private async sandbox(name: string): Promise<Inspect> {
    let info: Inspect;
    try {
      info = await this.docker.getContainer(name).inspect();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404)
        throw new OpenClawError(
          ErrorCode.CONTAINER_NOT_FOUND,
          `Sandbox container ${name} no longer exists. Refresh the list.`,
        );
      throw err;
    }
    if (!isSandbox(info.Config.Labels))
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `Container "${name}" is not an agent sandbox (no ${SANDBOX_LABELS.sandbox} label), so the app will not touch it. Manage it with docker yourself.`,
      );
    return info;
  }

  /** Removes the container; the next agent run that needs it creates a fresh one (a recreate). */
  async remove(name: string): Promise<void> {
    const info = await this.sandbox(name);
    try {
      await this.docker.getContainer(info.Id).remove({ force: true });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }

  /** Removes the containers idle longer than `idleHours`; the names removed, and why others were not. */
  async prune(idleHours: number): Promise<{ removed: string[]; failed: SandboxPruneFailure[] }> {
    const limitMs = idleHours * 3_600_000;
    const removed: string[] = [];
    const failed: SandboxPruneFailure[] = [];
    for (const c of await this.list()) {
      if (c.idleMs <= limitMs) continue;
      try {
        await this.remove(c.name);
        removed.push(c.name);
      } catch (err) {
        failed.push({ name: c.name, reason: pruneReason(err) });
      }
    }
    return { removed, failed };
  }

  /** A one-time noVNC viewer link for a running headful browser sandbox. */
  async liveView(name: string): Promise<{ url: string }> {
    const info = await this.sandbox(name);
    return { url: await makeLiveViewLink(this.docker, name, info, this.options.liveView) };
  }

  async logs(name: string, tail: number): Promise<SandboxLogLine[]> {
    const info = await this.sandbox(name);
    const lines = await readContainerLogs(this.docker, info.Id, { tail, timestamps: true });
    return lines.map((l) => ({
      stream: l.stream === 'stderr' ? 'stderr' : 'stdout',
      ...(l.timestamp ? { timestamp: l.timestamp } : {}),
      text: l.text,
    }));
  }
}

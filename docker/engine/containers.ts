/**
 * Observing the stack's containers through the Engine API: find them by compose labels (what
 * compose itself uses, so containers started from a terminal are found too) and wait for one to
 * become healthy, failing fast — with its last log lines — when it exits or crash-loops.
 */
import type Dockerode from 'dockerode';
import { ErrorCode, OpenClawError } from '../../gateway/infra/errors.js';
import { cancelledError, onAbort } from './abort.js';
import {
  normaliseHealth,
  normaliseState,
  type ContainerHealth,
  type ContainerState,
} from './compose-ps.js';
import { readContainerLogs } from './container-logs.js';
import { translateDockerError } from './docker-client.js';

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
export const COMPOSE_ONEOFF_LABEL = 'com.docker.compose.oneoff';

export interface StackContainer {
  id: string;
  name: string;
  service: string;
  /** A `compose run` container rather than a service container. */
  oneOff: boolean;
  image: string;
  state: ContainerState;
  health: ContainerHealth;
  /** Human status from the engine ("Up 3 minutes (healthy)"). */
  status: string;
  labels: Record<string, string>;
  /** When the engine created it (ms since the epoch): tells a recreated container from the old one. */
  createdAt?: number;
}

/** All containers (running or not) that belong to compose project `projectName`. */
export async function findStackContainers(
  docker: Dockerode,
  projectName: string,
  options: { signal?: AbortSignal; all?: boolean } = {},
): Promise<StackContainer[]> {
  let list: Dockerode.ContainerInfo[];
  try {
    list = await docker.listContainers({
      all: options.all ?? true,
      filters: { label: [`${COMPOSE_PROJECT_LABEL}=${projectName}`] },
      abortSignal: options.signal,
    });
  } catch (err) {
    throw translateDockerError(err, { docker });
  }
  return list.map((info) => {
    const labels = info.Labels ?? {};
    return {
      id: info.Id,
      name: (info.Names?.[0] ?? '').replace(/^\//, ''),
      service: labels[COMPOSE_SERVICE_LABEL] ?? '',
      oneOff: (labels[COMPOSE_ONEOFF_LABEL] ?? '').toLowerCase() === 'true',
      image: info.Image,
      state: normaliseState(info.State),
      health: normaliseHealth(undefined, info.Status),
      status: info.Status ?? '',
      labels,
      ...(typeof info.Created === 'number' ? { createdAt: info.Created * 1000 } : {}),
    };
  });
}

export interface ContainerStateSnapshot {
  state: ContainerState;
  health: ContainerHealth;
  restartCount: number;
  exitCode: number | undefined;
}

export interface WaitForHealthyOptions {
  /** Default 120 s: the gateway's healthcheck has a start period and a few intervals. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called whenever state, health or the restart count changes. */
  onState?: (snapshot: ContainerStateSnapshot) => void;
  /** Restarts tolerated while waiting before it counts as a crash loop (default 2). */
  maxRestarts?: number;
  /** Poll interval next to the event stream (default 1 s). */
  pollMs?: number;
}

export interface WaitForHealthyResult {
  /** "none" when the container has no healthcheck: running is all there is to wait for. */
  health: 'healthy' | 'none';
  snapshot: ContainerStateSnapshot;
}

interface InspectSnapshot extends ContainerStateSnapshot {
  name: string;
  hasHealthcheck: boolean;
  restartPolicy: string;
  lastProbeOutput: string | undefined;
}

function snapshotOf(info: Dockerode.ContainerInspectInfo): InspectSnapshot {
  const health = info.State?.Health;
  const probes = health?.Log ?? [];
  const exit = info.State?.ExitCode;
  return {
    name: (info.Name ?? '').replace(/^\//, ''),
    state: normaliseState(info.State?.Status),
    health: normaliseHealth(health?.Status),
    hasHealthcheck: Boolean(health),
    restartCount: typeof info.RestartCount === 'number' ? info.RestartCount : 0,
    exitCode: typeof exit === 'number' ? exit : undefined,
    restartPolicy: info.HostConfig?.RestartPolicy?.Name ?? '',
    lastProbeOutput:
      probes.length > 0 ? String(probes[probes.length - 1]?.Output ?? '').trim() : undefined,
  };
}

/** "no further restart coming": the engine will leave this container stopped. */
function staysDown(snap: InspectSnapshot): boolean {
  if (snap.state === 'dead') return true;
  if (snap.state !== 'exited') return false;
  if (snap.restartPolicy === '' || snap.restartPolicy === 'no') return true;
  return snap.restartPolicy === 'on-failure' && snap.exitCode === 0;
}

async function logTail(docker: Dockerode, id: string): Promise<string> {
  try {
    const lines = await readContainerLogs(docker, id, { tail: 20, timestamps: false });
    return lines.map((line) => line.text).join('\n');
  } catch {
    return '';
  }
}

/**
 * Resolves once the container reports healthy (or is running, if it has no healthcheck). Rejects
 * with CONTAINER_EXITED (stopped for good, or restarted more than maxRestarts times),
 * CONTAINER_UNHEALTHY, HEALTH_TIMEOUT, CONTAINER_NOT_FOUND or CANCELLED.
 */
export async function waitForHealthy(
  docker: Dockerode,
  containerId: string,
  options: WaitForHealthyOptions = {},
): Promise<WaitForHealthyResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const maxRestarts = options.maxRestarts ?? 2;
  const pollMs = options.pollMs ?? 1_000;
  const { signal } = options;
  if (signal?.aborted) throw cancelledError('Waiting for the container');

  const stop = new AbortController();
  const removeAbort = onAbort(signal, () => stop.abort());
  const deadline = Date.now() + timeoutMs;
  // The event stream wakes the loop at once on health_status / die / restart; polling covers
  // engines or proxies that drop events.
  let wake: (() => void) | undefined;
  void subscribeEvents(docker, containerId, stop.signal, () => wake?.());

  const fail = async (code: ErrorCode, headline: string, snap: InspectSnapshot): Promise<never> => {
    const logs = await logTail(docker, containerId);
    const probe = snap.lastProbeOutput ? `\nLast health check output: ${snap.lastProbeOutput}` : '';
    throw new OpenClawError(
      code,
      `${headline}${probe}${logs ? `\nLast log lines:\n${logs}` : ''}`,
      {
        details: {
          containerId,
          name: snap.name,
          state: snap.state,
          health: snap.health,
          restartCount: snap.restartCount,
          exitCode: snap.exitCode,
          logs,
        },
      },
    );
  };

  try {
    let firstRestartCount: number | undefined;
    let last = '';
    for (;;) {
      if (stop.signal.aborted) throw cancelledError('Waiting for the container');
      let snap: InspectSnapshot;
      try {
        snap = snapshotOf(
          await docker.getContainer(containerId).inspect({ abortSignal: stop.signal }),
        );
      } catch (err) {
        if (stop.signal.aborted) throw cancelledError('Waiting for the container');
        throw translateDockerError(err, { docker, kind: 'container', ref: containerId });
      }
      firstRestartCount ??= snap.restartCount;
      const key = `${snap.state}/${snap.health}/${snap.restartCount}`;
      if (key !== last) {
        last = key;
        options.onState?.({
          state: snap.state,
          health: snap.health,
          restartCount: snap.restartCount,
          exitCode: snap.exitCode,
        });
      }
      const label = snap.name || containerId.slice(0, 12);

      if (snap.state === 'running' && snap.health === 'healthy')
        return { health: 'healthy', snapshot: publicSnapshot(snap) };
      if (snap.state === 'running' && !snap.hasHealthcheck)
        return { health: 'none', snapshot: publicSnapshot(snap) };
      if (staysDown(snap)) {
        return await fail(
          ErrorCode.CONTAINER_EXITED,
          `Container ${label} stopped (exit code ${snap.exitCode ?? 'unknown'}) instead of becoming healthy. See its logs below, fix the cause and start it again.`,
          snap,
        );
      }
      if (snap.restartCount - firstRestartCount >= maxRestarts) {
        return await fail(
          ErrorCode.CONTAINER_EXITED,
          `Container ${label} keeps restarting (${snap.restartCount} restarts, last exit code ${snap.exitCode ?? 'unknown'}). See its logs below and fix the cause.`,
          snap,
        );
      }
      if (snap.state === 'running' && snap.health === 'unhealthy') {
        return await fail(
          ErrorCode.CONTAINER_UNHEALTHY,
          `Container ${label} is running but its health check fails. See the output below.`,
          snap,
        );
      }
      if (Date.now() >= deadline) {
        return await fail(
          ErrorCode.HEALTH_TIMEOUT,
          `Container ${label} did not become healthy within ${Math.round(timeoutMs / 1000)} s (state ${snap.state}, health ${snap.health}). It may still be starting on a slow machine: check its logs and retry.`,
          snap,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(pollMs, Math.max(0, deadline - Date.now())));
        const removeStop = onAbort(stop.signal, done);
        function done(): void {
          clearTimeout(timer);
          removeStop();
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  } finally {
    removeAbort();
    stop.abort();
  }
}

function publicSnapshot(snap: InspectSnapshot): ContainerStateSnapshot {
  return {
    state: snap.state,
    health: snap.health,
    restartCount: snap.restartCount,
    exitCode: snap.exitCode,
  };
}

/** Best effort: without events the poll still finds every change, one interval later. */
async function subscribeEvents(
  docker: Dockerode,
  id: string,
  signal: AbortSignal,
  onEvent: () => void,
): Promise<void> {
  try {
    const stream = await docker.getEvents({
      filters: { container: [id], type: ['container'] },
      abortSignal: signal,
    });
    stream.on('data', () => onEvent());
    stream.on('error', () => {});
    if (signal.aborted) (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  } catch {
    // polling continues
  }
}

/**
 * What diagnostics and the support bundle need from the rest of the app, as one interface. The
 * engine and compose parts are narrow on purpose: production wires them to dockerode and the
 * compose CLI (`createDiagnosticsContext`), tests hand in fakes and real temp folders.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type Dockerode from 'dockerode';
import {
  ComposeProject,
  findStackContainers,
  pingEngine,
  readContainerLogs,
  translateDockerError,
  type ComposeCommand,
  type PingResult,
  type ProcessResult,
  type StackContainer,
} from '../../../docker/engine/index.js';
import { composeFiles, stackFiles, type InterfaceSource } from '../../../docker/stack/index.js';
import type { DesktopSettings } from '../settings/app-settings.js';
import { collectKnownSecrets } from './known-secrets.js';

/** A container that publishes a host port. */
export interface PortHolder {
  id: string;
  name: string;
  /** Compose project label, when it has one. */
  project?: string;
  service?: string;
}

/** The engine calls diagnostics make; every call may reject (translated OpenClawError). */
export interface DiagnosticsEngine {
  /** Never rejects for an unreachable engine (see pingEngine). */
  ping(signal?: AbortSignal): Promise<PingResult>;
  version(signal?: AbortSignal): Promise<Record<string, unknown>>;
  info(signal?: AbortSignal): Promise<Record<string, unknown>>;
  /** Containers of the compose project (running or not). */
  stackContainers(signal?: AbortSignal): Promise<StackContainer[]>;
  /** Running containers publishing `port` on the host. */
  containersPublishing(port: number, signal?: AbortSignal): Promise<PortHolder[]>;
  inspect(id: string, signal?: AbortSignal): Promise<Record<string, unknown>>;
  /** Last `lines` log lines, both streams, as text (`<time> <stream>: <text>`). */
  logTail(id: string, lines: number, signal?: AbortSignal): Promise<string[]>;
}

/** `compose exec -T <service> <args…>` in the stack; resolves with the command's result. */
export type ComposeExec = (
  service: string,
  args: readonly string[],
  options: { signal?: AbortSignal },
) => Promise<ProcessResult>;

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

export interface DiagnosticsContext {
  settings: DesktopSettings;
  /** Compose project name (normally "openclaw"). */
  projectName: string;
  /** null when no engine endpoint could be set up at all. */
  engine: DiagnosticsEngine | null;
  /** The detected compose CLI; null when not detected (yet). */
  compose: ComposeCommand | null;
  composeExec: ComposeExec | null;
  /** The app's own log files, newest last. */
  appLogFiles: readonly string[];
  /** Every secret value the bundle must never contain. */
  knownSecrets(): Promise<readonly string[]>;
  platform: NodeJS.Platform;
  now(): Date;
  /** Compose detection when `compose` is null (default: the engine library's detectCompose). */
  detectCompose?: (signal?: AbortSignal) => Promise<ComposeCommand>;
  /** Free/total bytes of the filesystem holding `path` (default: fs.statfs). */
  statfs?: (path: string) => Promise<DiskSpace>;
  /** This host's network interfaces (LAN origins); default the OS's. */
  interfaces?: InterfaceSource;
}

export const GATEWAY_SERVICE = 'openclaw-gateway';
export const CLI_SERVICE = 'openclaw-cli';

export function configFileOf(ctx: Pick<DiagnosticsContext, 'settings'>): string {
  return path.join(ctx.settings.configDir, 'openclaw.json');
}

export function envFileOf(ctx: Pick<DiagnosticsContext, 'settings'>): string {
  return stackFiles(ctx.settings.stackDir).envFile;
}

/** fs.statfs (Node 18.15+), in bytes. */
export async function defaultStatfs(target: string): Promise<DiskSpace> {
  const s = await fs.statfs(target);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
}

/** version/info accept an abortSignal at runtime; @types/dockerode omits the options argument. */
interface AbortableCalls {
  version(opts: { abortSignal?: AbortSignal }): Promise<unknown>;
  info(opts: { abortSignal?: AbortSignal }): Promise<unknown>;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** The DiagnosticsEngine of a dockerode client. */
export function diagnosticsEngineFromDocker(
  docker: Dockerode,
  projectName: string,
): DiagnosticsEngine {
  const calls = docker as unknown as AbortableCalls;
  const wrap = async <T>(fn: () => Promise<T>, ref?: string): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw translateDockerError(err, { docker, kind: ref ? 'container' : undefined, ref });
    }
  };
  return {
    ping: (signal) => pingEngine(docker, signal),
    version: (signal) => wrap(async () => asRecord(await calls.version({ abortSignal: signal }))),
    info: (signal) => wrap(async () => asRecord(await calls.info({ abortSignal: signal }))),
    stackContainers: (signal) => findStackContainers(docker, projectName, { signal }),
    containersPublishing: (port, signal) =>
      wrap(async () => {
        const list = await docker.listContainers({ abortSignal: signal });
        return list
          .filter((c) => (c.Ports ?? []).some((p) => p.PublicPort === port))
          .map((c) => ({
            id: c.Id,
            name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
            project: c.Labels?.['com.docker.compose.project'],
            service: c.Labels?.['com.docker.compose.service'],
          }));
      }),
    inspect: (id, signal) =>
      wrap(
        async () => asRecord(await docker.getContainer(id).inspect({ abortSignal: signal })),
        id,
      ),
    logTail: async (id, lines, signal) =>
      (await readContainerLogs(docker, id, { tail: lines, timestamps: true, signal })).map(
        (line) => `${line.timestamp ?? '-'} ${line.stream}: ${line.text}`,
      ),
  };
}

export interface CreateDiagnosticsContextOptions {
  settings: DesktopSettings;
  docker: Dockerode | null;
  compose: ComposeCommand | null;
  appLogFiles?: readonly string[];
  /** Environment for compose (DOCKER_HOST of the probed engine); default process.env. */
  env?: NodeJS.ProcessEnv;
  projectName?: string;
  /** Secrets only the app holds in memory (its operator device token). */
  extraSecrets?: () => readonly string[];
  platform?: NodeJS.Platform;
  now?: () => Date;
}

/** The production context: dockerode, the compose CLI on the stack dir, the real files. */
export function createDiagnosticsContext(
  options: CreateDiagnosticsContextOptions,
): DiagnosticsContext {
  const projectName = options.projectName ?? 'openclaw';
  const { settings, docker, compose } = options;
  const configDir = settings.configDir;
  return {
    settings,
    projectName,
    engine: docker ? diagnosticsEngineFromDocker(docker, projectName) : null,
    compose,
    composeExec:
      compose === null
        ? null
        : async (service, args, { signal }) => {
            const project = new ComposeProject({
              compose,
              projectDir: settings.stackDir,
              files: await composeFiles(settings.stackDir),
              projectName,
              env: options.env ?? process.env,
              docker: docker ?? undefined,
            });
            return project.exec(service, args, { signal });
          },
    appLogFiles: options.appLogFiles ?? [],
    knownSecrets: () =>
      collectKnownSecrets({
        envFiles: [stackFiles(settings.stackDir).envFile],
        jsonFiles: [
          path.join(configDir, 'openclaw.json'),
          path.join(configDir, 'devices', 'paired.json'),
          path.join(configDir, 'devices', 'pending.json'),
          path.join(configDir, 'identity', 'device-auth.json'),
        ],
        extra: options.extraSecrets?.() ?? [],
      }),
    platform: options.platform ?? process.platform,
    now: options.now ?? (() => new Date()),
  };
}

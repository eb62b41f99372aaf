/**
 * Finding Docker Compose: the v2 plugin (`docker compose`) first, then a standalone
 * `docker-compose`, which may be legacy v1 (1.27+, the first to read version-less compose files)
 * or a v2 binary under the old name. The version banner, not the binary name, decides the kind.
 */
import { ErrorCode, OpenClawError, systemErrorCode } from '../../gateway/infra/errors.js';
import { runProcess, type ProcessResult } from './process-runner.js';

export type ComposeKind = 'v1' | 'v2';

export interface ComposeCommand {
  kind: ComposeKind;
  /** argv prefix: ['docker', 'compose'] or ['docker-compose']. */
  command: readonly string[];
  version: string;
}

export interface DetectComposeOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export const INSTALL_HINT =
  'Install Docker Compose v2: it comes with Docker Desktop; on Linux install the `docker-compose-plugin` package (see https://docs.docker.com/compose/install/linux/). ' +
  'The legacy standalone `docker-compose` 1.27 or newer also works (`sudo apt-get install docker-compose`).';

/** Reads "Docker Compose version v2.29.1" / "docker-compose version 1.29.2, build …". */
export function parseComposeVersion(
  output: string,
): { kind: ComposeKind; version: string } | undefined {
  const match = /compose version:?\s+v?(\d+)\.(\d+)\.(\d+)([^\s,]*)/i.exec(output);
  if (!match) return undefined;
  const [, major, minor, patch, suffix] = match;
  return {
    kind: Number(major) >= 2 ? 'v2' : 'v1',
    version: `${major}.${minor}.${patch}${suffix ?? ''}`,
  };
}

async function tryVersion(
  argv: readonly string[],
  options: DetectComposeOptions,
): Promise<ComposeCommand | undefined> {
  const [bin, ...rest] = argv;
  if (!bin) return undefined;
  let result: ProcessResult;
  try {
    result = await runProcess(bin, [...rest, 'version'], {
      env: options.env,
      signal: options.signal,
    });
  } catch (err) {
    if (systemErrorCode(err) === 'ENOENT' || systemErrorCode(err) === 'EACCES') return undefined;
    throw err;
  }
  if (result.code !== 0) return undefined;
  const parsed = parseComposeVersion(`${result.stdout}\n${result.stderr}`);
  return parsed ? { kind: parsed.kind, command: argv, version: parsed.version } : undefined;
}

/** Finds compose, preferring the v2 plugin; throws COMPOSE_MISSING with install steps. */
export async function detectCompose(options: DetectComposeOptions = {}): Promise<ComposeCommand> {
  const plugin = await tryVersion(['docker', 'compose'], options);
  if (plugin) return plugin;
  const standalone = await tryVersion(['docker-compose'], options);
  if (standalone) {
    const [major, minor] = standalone.version.split('.').map(Number);
    if (standalone.kind === 'v1' && ((major ?? 0) < 1 || (major === 1 && (minor ?? 0) < 27))) {
      throw new OpenClawError(
        ErrorCode.COMPOSE_MISSING,
        `docker-compose ${standalone.version} is too old to read the OpenClaw compose file (needs 1.27+). ${INSTALL_HINT}`,
        { details: { found: standalone.version } },
      );
    }
    return standalone;
  }
  throw new OpenClawError(
    ErrorCode.COMPOSE_MISSING,
    `Docker Compose was not found. ${INSTALL_HINT}`,
  );
}

/**
 * The compose CLI, driven the way a user would from a terminal, so the stack the app manages is
 * exactly what `docker compose -p openclaw -f … ps` shows ("Compose stays the user-visible truth").
 * Works with the v2 plugin (`docker compose`), a standalone v2 `docker-compose`, and legacy v1
 * (`docker-compose` 1.27+, the first to read version-less compose files).
 */
import path from 'node:path';
import type Dockerode from 'dockerode';
import { ErrorCode, OpenClawError, systemErrorCode } from '../../gateway/infra/errors.js';
import { createDockerClient, translateDockerError } from './docker-client.js';
import { parseComposePsJson, psEntryFromInspect, type ComposePsEntry } from './compose-ps.js';
import { INSTALL_HINT, type ComposeCommand } from './compose-detect.js';
import { runProcess, type LineHandler, type ProcessResult } from './process-runner.js';

// Detection lives in its own file; re-exported so compose users need one import.
export {
  detectCompose,
  parseComposeVersion,
  type ComposeCommand,
  type ComposeKind,
  type DetectComposeOptions,
} from './compose-detect.js';

export interface ComposeProjectOptions {
  compose: ComposeCommand;
  /** Directory holding the compose files and `.env` (compose reads `.env` from here). */
  projectDir: string;
  /** Compose files, relative to projectDir or absolute, in override order. */
  files: readonly string[];
  projectName: string;
  /** The complete environment for compose (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  /** Used by `ps` with compose v1 (no JSON output: containers are inspected through the API). */
  docker?: Dockerode;
  /** Receives every output line of every command (plus each call's own onLine). */
  onLine?: LineHandler;
}

interface CallOptions {
  signal?: AbortSignal;
  onLine?: LineHandler;
}

export interface UpOptions extends CallOptions {
  services?: readonly string[];
  /** Defaults to true; attached `up` runs until the signal aborts it. */
  detach?: boolean;
  forceRecreate?: boolean;
  noDeps?: boolean;
  removeOrphans?: boolean;
  /** Never build images from `build:` sections (the app builds them itself). */
  noBuild?: boolean;
}

export interface DownOptions extends CallOptions {
  /** Also remove named volumes: destroys user data, so never the default. */
  volumes?: boolean;
  removeOrphans?: boolean;
  timeoutSeconds?: number;
}

export interface StopOptions extends CallOptions {
  services?: readonly string[];
  timeoutSeconds?: number;
}

export interface RunOptions extends CallOptions {
  /** Remove the one-off container afterwards (default true). */
  rm?: boolean;
  noDeps?: boolean;
  user?: string;
  entrypoint?: string;
  workdir?: string;
  /** Extra environment for the container. Values travel on the command line: no secrets here. */
  env?: Record<string, string>;
  /**
   * Names of variables the container takes from compose's own environment (`-e NAME`), so a
   * secret value never appears in a process listing. Set them in the project's `env`.
   */
  passEnv?: readonly string[];
  /** Attach the terminal (no -T, inherited stdio, nothing captured): for `./docker-setup.sh`. */
  interactive?: boolean;
}

export interface ExecOptions extends CallOptions {
  user?: string;
  workdir?: string;
  env?: Record<string, string>;
  passEnv?: readonly string[];
}

export interface PsOptions extends CallOptions {
  /** Include stopped containers (and one-off `run` containers), like `ps -a`. */
  all?: boolean;
  services?: readonly string[];
}

const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LIVE_STATES = new Set(['running', 'restarting', 'paused']);

function lastLines(text: string, count: number): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0)
    .slice(-count)
    .join('\n');
}

/** Compose service names; anything else (a leading "-" especially) would be read as a flag. */
function checkService(name: string): string {
  if (!SERVICE_NAME.test(name)) {
    throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, `Invalid compose service name "${name}".`);
  }
  return name;
}

function checkServices(names: readonly string[] | undefined): string[] {
  return (names ?? []).map(checkService);
}

function envArgs(
  env: Record<string, string> | undefined,
  passEnv: readonly string[] | undefined,
): string[] {
  const args: string[] = [];
  for (const [name, value] of Object.entries(env ?? {})) {
    if (!ENV_NAME.test(name))
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `Invalid environment variable name "${name}".`,
      );
    args.push('-e', `${name}=${value}`);
  }
  for (const name of passEnv ?? []) {
    if (!ENV_NAME.test(name))
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `Invalid environment variable name "${name}".`,
      );
    args.push('-e', name);
  }
  return args;
}

export class ComposeProject {
  readonly compose: ComposeCommand;
  readonly projectDir: string;
  readonly files: readonly string[];
  readonly projectName: string;
  private readonly env: NodeJS.ProcessEnv;
  private docker: Dockerode | undefined;
  private readonly onLine: LineHandler | undefined;

  constructor(options: ComposeProjectOptions) {
    if (!PROJECT_NAME.test(options.projectName)) {
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `Invalid compose project name "${options.projectName}": use lowercase letters, digits, "-" and "_", starting with a letter or digit.`,
      );
    }
    if (options.files.length === 0)
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        'A compose project needs at least one compose file.',
      );
    this.compose = options.compose;
    this.projectDir = path.resolve(options.projectDir);
    this.files = options.files.map((file) => path.resolve(this.projectDir, file));
    this.projectName = options.projectName;
    this.env = options.env ?? process.env;
    this.docker = options.docker;
    this.onLine = options.onLine;
  }

  /** The full argv for a subcommand, as a user would type it (for logs and "run this yourself" hints). */
  argv(subcommand: readonly string[]): string[] {
    return [
      ...this.compose.command,
      '-p',
      this.projectName,
      '--project-directory',
      this.projectDir,
      ...this.files.flatMap((file) => ['-f', file]),
      ...subcommand,
    ];
  }

  /** Runs a subcommand and returns its result whatever the exit code. */
  async runSubcommand(
    subcommand: readonly string[],
    options: CallOptions & { interactive?: boolean } = {},
  ): Promise<ProcessResult> {
    const [bin, ...args] = this.argv(subcommand);
    const onLine = this.onLine || options.onLine ? this.fanOut(options.onLine) : undefined;
    try {
      return await runProcess(bin ?? 'docker', args, {
        cwd: this.projectDir,
        env: this.env,
        signal: options.signal,
        onLine,
        interactive: options.interactive,
      });
    } catch (err) {
      if (systemErrorCode(err) === 'ENOENT') {
        throw new OpenClawError(
          ErrorCode.COMPOSE_MISSING,
          `\`${this.compose.command.join(' ')}\` is no longer available. ${INSTALL_HINT}`,
          { cause: err },
        );
      }
      throw err;
    }
  }

  private fanOut(callLine: LineHandler | undefined): LineHandler {
    return (line, stream) => {
      this.onLine?.(line, stream);
      callLine?.(line, stream);
    };
  }

  /** Runs a subcommand that must succeed: non-zero exit → COMPOSE_FAILED with compose's last words. */
  private async check(
    subcommand: readonly string[],
    options: CallOptions = {},
  ): Promise<ProcessResult> {
    const result = await this.runSubcommand(subcommand, options);
    if (result.code !== 0) {
      const tail = lastLines(result.stderr, 12) || lastLines(result.stdout, 12);
      const name = `${this.compose.command.join(' ')} ${subcommand[0] ?? ''}`.trim();
      throw new OpenClawError(
        ErrorCode.COMPOSE_FAILED,
        `\`${name}\` failed (exit ${result.code})${tail ? `:\n${tail}` : '.'}\nFix the problem above and retry (the same command can be run from a terminal in ${this.projectDir}).`,
        { details: { subcommand: subcommand[0], code: result.code, stderrTail: tail } },
      );
    }
    return result;
  }

  async up(options: UpOptions = {}): Promise<void> {
    const args = ['up'];
    if (options.detach ?? true) args.push('-d');
    if (options.forceRecreate) args.push('--force-recreate');
    if (options.noDeps) args.push('--no-deps');
    if (options.removeOrphans) args.push('--remove-orphans');
    if (options.noBuild) args.push('--no-build');
    await this.check([...args, ...checkServices(options.services)], options);
  }

  async down(options: DownOptions = {}): Promise<void> {
    const args = ['down'];
    if (options.volumes) args.push('--volumes');
    if (options.removeOrphans) args.push('--remove-orphans');
    if (options.timeoutSeconds !== undefined)
      args.push('-t', String(Math.max(0, Math.round(options.timeoutSeconds))));
    await this.check(args, options);
  }

  async stop(options: StopOptions = {}): Promise<void> {
    const args = ['stop'];
    if (options.timeoutSeconds !== undefined)
      args.push('-t', String(Math.max(0, Math.round(options.timeoutSeconds))));
    await this.check([...args, ...checkServices(options.services)], options);
  }

  async restart(options: StopOptions = {}): Promise<void> {
    const args = ['restart'];
    if (options.timeoutSeconds !== undefined)
      args.push('-t', String(Math.max(0, Math.round(options.timeoutSeconds))));
    await this.check([...args, ...checkServices(options.services)], options);
  }

  /**
   * `compose run` a one-off command. Resolves with the command's exit code and output (a
   * non-zero code is the command's answer, not a failure of this call).
   */
  async run(
    service: string,
    args: readonly string[] = [],
    options: RunOptions = {},
  ): Promise<ProcessResult> {
    const sub = ['run'];
    if (options.rm ?? true) sub.push('--rm');
    // Without a terminal both v1 and v2 need -T, or they try to allocate a TTY and fail.
    if (!options.interactive) sub.push('-T');
    if (options.noDeps) sub.push('--no-deps');
    // "--flag=value": a value that starts with "-" can never be read as another flag.
    if (options.user) sub.push(`--user=${options.user}`);
    if (options.entrypoint !== undefined) sub.push(`--entrypoint=${options.entrypoint}`);
    if (options.workdir) sub.push(`--workdir=${options.workdir}`);
    sub.push(...envArgs(options.env, options.passEnv), checkService(service), ...args);
    return this.runSubcommand(sub, options);
  }

  /** `compose exec -T` in a running service container; resolves with the command's result. */
  async exec(
    service: string,
    args: readonly string[],
    options: ExecOptions = {},
  ): Promise<ProcessResult> {
    const sub = ['exec', '-T'];
    if (options.user) sub.push(`--user=${options.user}`);
    if (options.workdir) sub.push(`--workdir=${options.workdir}`);
    sub.push(...envArgs(options.env, options.passEnv), checkService(service), ...args);
    return this.runSubcommand(sub, options);
  }

  /** The project's containers in one shape for v1 and v2 (running only, unless `all`). */
  async ps(options: PsOptions = {}): Promise<ComposePsEntry[]> {
    const services = checkServices(options.services);
    let entries: ComposePsEntry[];
    if (this.compose.kind === 'v2') {
      const args = ['ps', '--format', 'json'];
      if (options.all) args.push('-a');
      const result = await this.check([...args, ...services], { signal: options.signal });
      entries = parseComposePsJson(result.stdout);
    } else {
      // v1 has no JSON output: take the ids from compose and the facts from the engine.
      const args = ['ps', '-q'];
      if (options.all) args.push('-a');
      const result = await this.check([...args, ...services], { signal: options.signal });
      const ids = result.stdout
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => /^[0-9a-f]{12,64}$/.test(line));
      entries = await this.inspectAll(ids, options.signal);
    }
    // v1 lists stopped service containers even without -a; v2 does not. Align on v2.
    return options.all ? entries : entries.filter((entry) => LIVE_STATES.has(entry.state));
  }

  private async inspectAll(
    ids: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<ComposePsEntry[]> {
    this.docker ??= createDockerClient({ env: this.env });
    const docker = this.docker;
    const results = await Promise.all(
      ids.map(async (id) => {
        try {
          return psEntryFromInspect(await docker.getContainer(id).inspect({ abortSignal: signal }));
        } catch (err) {
          const translated = translateDockerError(err, { kind: 'container', ref: id, docker });
          // Removed between `ps -q` and inspect: it is simply no longer part of the project.
          if (translated.code === ErrorCode.CONTAINER_NOT_FOUND) return undefined;
          throw translated;
        }
      }),
    );
    return results.filter((entry): entry is ComposePsEntry => entry !== undefined);
  }

  /** Validates the files (interpolation included) and lists the services they define. */
  async config(options: CallOptions = {}): Promise<{ services: string[] }> {
    const result = await this.check(['config', '--services'], options);
    return {
      services: result.stdout
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length > 0),
    };
  }
}

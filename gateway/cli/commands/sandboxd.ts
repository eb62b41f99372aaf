/**
 * `openclaw sandboxd [--port 18790] [--host 0.0.0.0]`: the sandbox service of the stack, the one
 * process holding the Docker socket. It allows only the sandbox images the config names (read at
 * start: a new image in the config needs a sandboxd restart), and translates the stack's container
 * paths to host paths from OPENCLAW_SANDBOXD_HOST_STATE_DIR / _HOST_WORKSPACE_DIR (what the
 * compose overlay sets), else by inspecting its own container.
 */
import { loadConfigSnapshot } from '../../config/config-store.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { createLogger, jsonLineSink } from '../../infra/logger.js';
import {
  sandboxBrowserImagesFromConfig,
  sandboxImagesFromConfig,
} from '../../sandbox/config/sandbox-images.js';
import type { PathMapping } from '../../sandbox/engine/path-map.js';
import { runSandboxd } from '../../sandbox/service/run-sandboxd.js';
import { parseCommandArgs, parsePort } from '../args.js';

const USAGE = 'openclaw sandboxd [--port 18790] [--host 0.0.0.0]';
export const SANDBOXD_DEFAULT_PORT = 18790;
/** Where the compose stack mounts the state and workspace folders inside its containers. */
const STACK_STATE_DIR = '/home/node/.openclaw';
const STACK_WORKSPACE_DIR = '/home/node/.openclaw/workspace';

/** The explicit path map from the environment, or `auto` when neither host folder is given. */
export function sandboxdPathMap(env: Env): PathMapping[] | 'auto' {
  const state = env.OPENCLAW_SANDBOXD_HOST_STATE_DIR?.trim();
  const workspace = env.OPENCLAW_SANDBOXD_HOST_WORKSPACE_DIR?.trim();
  if (!state && !workspace) return 'auto';
  const map: PathMapping[] = [];
  for (const [name, value] of [
    ['OPENCLAW_SANDBOXD_HOST_STATE_DIR', state],
    ['OPENCLAW_SANDBOXD_HOST_WORKSPACE_DIR', workspace],
  ] as const) {
    if (value && !value.startsWith('/'))
      throw new OpenClawError(
        ErrorCode.INVALID_ARGUMENT,
        `${name} must be an absolute host path (got "${value}"); it is the folder as the Docker host sees it.`,
        { exitCode: 2 },
      );
  }
  if (state) map.push({ containerPath: STACK_STATE_DIR, hostPath: state });
  if (workspace) map.push({ containerPath: STACK_WORKSPACE_DIR, hostPath: workspace });
  return map;
}

export async function sandboxd(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { port: { type: 'string' }, host: { type: 'string' } },
    USAGE,
  );
  const secret = env.OPENCLAW_SANDBOXD_SECRET?.trim();
  if (!secret)
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      'sandboxd will not start without a secret: set OPENCLAW_SANDBOXD_SECRET (docker-setup.sh with OPENCLAW_SANDBOX=1 writes one to .env). The gateway must use the same value.',
      { exitCode: 2 },
    );
  const snapshot = await loadConfigSnapshot(paths, env);
  const logger = createLogger({
    sink: jsonLineSink(),
    fields: { service: 'sandboxd' },
    secrets: () => [secret],
  });
  const running = await runSandboxd({
    port: parsePort(values.port, '--port') ?? SANDBOXD_DEFAULT_PORT,
    host: values.host ?? '0.0.0.0',
    secret,
    images: sandboxImagesFromConfig(snapshot.config),
    browserImages: sandboxBrowserImagesFromConfig(snapshot.config),
    pathMap: sandboxdPathMap(env),
    stateDir: paths.stateDir,
    logger,
  });
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info('sandboxd stopping', { signal });
      // Sandbox containers keep running: they belong to the engine, and the next sandboxd finds them.
      const deadline = setTimeout(() => resolve(1), 5000);
      deadline.unref();
      void running.close().then(() => {
        clearTimeout(deadline);
        resolve(0);
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/**
 * `openclaw sandboxd`: the engine behind the HTTP edge, listening until closed. The CLI maps its
 * flags and environment onto these options; nothing here reads process.argv.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { silentLogger, type Logger } from '../../infra/logger.js';
import { SandboxBrowserEngine } from '../engine/browser-engine.js';
import { DockerSandboxEngine } from '../engine/docker-sandbox-engine.js';
import { detectOwnPathMap, type PathMapping } from '../engine/path-map.js';
import { createSandboxdServer } from './sandboxd-server.js';

export interface RunSandboxdOptions {
  port: number;
  /** Bind address; in the stack the service listens on its private network only. */
  host: string;
  secret: string;
  /** The configured sandbox images. */
  images: readonly string[];
  /** The configured browser sandbox images (default: none, so browser requests are refused). */
  browserImages?: readonly string[];
  /** Container → host paths; `auto` inspects our own container when we run in one (default). */
  pathMap?: readonly PathMapping[] | 'auto';
  /** Default `$OPENCLAW_STATE_DIR` or `~/.openclaw`. */
  stateDir?: string;
  /** Default: the engine at DOCKER_HOST or the local socket. */
  docker?: Dockerode;
  logger?: Logger;
}

export interface RunningSandboxd {
  url: string;
  port: number;
  engine: DockerSandboxEngine;
  close(): Promise<void>;
}

export async function runSandboxd(options: RunSandboxdOptions): Promise<RunningSandboxd> {
  const logger = options.logger ?? silentLogger;
  if (options.images.length === 0)
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      'sandboxd needs at least one sandbox image to allow (e.g. openclaw-sandbox:bookworm-slim).',
    );
  const docker = options.docker ?? new Dockerode();
  let pathMap: readonly PathMapping[] = [];
  if (options.pathMap === undefined || options.pathMap === 'auto') {
    if (existsSync('/.dockerenv')) pathMap = (await detectOwnPathMap(docker, os.hostname())) ?? [];
  } else {
    pathMap = options.pathMap;
  }
  const stateDir =
    options.stateDir ?? process.env.OPENCLAW_STATE_DIR ?? path.join(os.homedir(), '.openclaw');
  const engine = new DockerSandboxEngine({
    docker,
    stateDir,
    images: options.images,
    pathMap,
    logger,
  });
  const browser = new SandboxBrowserEngine({
    docker,
    images: options.browserImages ?? [],
    logger,
    stateDir,
  });
  const server = createSandboxdServer({ api: engine, browser, secret: options.secret, logger });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new OpenClawError(
              ErrorCode.GATEWAY_PORT_IN_USE,
              `sandboxd cannot listen on ${options.host}:${options.port}: the port is in use.`,
              { cause: err },
            )
          : err,
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  logger.info('sandboxd listening', {
    host: options.host,
    port,
    images: options.images,
    mappings: pathMap.length,
  });
  return {
    url: `http://${host}:${port}`,
    port,
    engine,
    close: () =>
      new Promise<void>((resolve) => {
        engine.dispose();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

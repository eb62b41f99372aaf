/**
 * Container logs as lines (stream, engine timestamp, text): a one-shot read for error messages
 * and diagnostics, and a follow that returns a Disposable for live log views.
 */
import type Dockerode from 'dockerode';
import { toDisposable, type Disposable } from '../../gateway/infra/disposable.js';
import type { OpenClawError } from '../../gateway/infra/errors.js';
import { cancelledError } from './abort.js';
import { translateDockerError } from './docker-client.js';
import { LogDecoder, decodeLogs, type LogLine } from './log-demux.js';

export interface LogQuery {
  /** Last N lines (default 200); "all" for everything. */
  tail?: number | 'all';
  /** Only lines after this time (Date, or Unix seconds). */
  since?: Date | number;
  /** Ask the engine for timestamps (default true). */
  timestamps?: boolean;
}

export interface ReadLogsOptions extends LogQuery {
  signal?: AbortSignal;
}

export interface FollowLogsOptions extends LogQuery {
  onLine: (line: LogLine) => void;
  /** Called once when following stops: the container went away, an error, or dispose(). */
  onEnd?: (error?: OpenClawError) => void;
}

function query(options: LogQuery): Dockerode.ContainerLogsOptions {
  const since = options.since instanceof Date ? options.since.getTime() / 1000 : options.since;
  return {
    stdout: true,
    stderr: true,
    timestamps: options.timestamps ?? true,
    // The API takes "all" as a string; the typings only know numbers.
    tail: (options.tail ?? 200) as number,
    ...(since !== undefined ? { since } : {}),
  };
}

async function isTty(docker: Dockerode, id: string, signal?: AbortSignal): Promise<boolean> {
  const info = await docker.getContainer(id).inspect({ abortSignal: signal });
  return info.Config?.Tty === true;
}

/** The last lines of a container's output (stdout and stderr, demultiplexed). */
export async function readContainerLogs(
  docker: Dockerode,
  id: string,
  options: ReadLogsOptions = {},
): Promise<LogLine[]> {
  try {
    const tty = await isTty(docker, id, options.signal);
    const buffer = await docker
      .getContainer(id)
      .logs({ ...query(options), follow: false, abortSignal: options.signal });
    return decodeLogs(Buffer.isBuffer(buffer) ? buffer : Buffer.from(String(buffer)), {
      tty,
      timestamps: options.timestamps ?? true,
    });
  } catch (err) {
    if (options.signal?.aborted) throw cancelledError('Reading logs');
    throw translateDockerError(err, { docker, kind: 'container', ref: id });
  }
}

/** Streams lines as the container writes them until dispose() (or the container is removed). */
export function followContainerLogs(
  docker: Dockerode,
  id: string,
  options: FollowLogsOptions,
): Disposable {
  const controller = new AbortController();
  let ended = false;
  const end = (error?: OpenClawError): void => {
    if (ended) return;
    ended = true;
    options.onEnd?.(error);
  };

  void (async () => {
    const tty = await isTty(docker, id, controller.signal);
    const stream = await docker
      .getContainer(id)
      .logs({ ...query(options), follow: true, abortSignal: controller.signal });
    const decoder = new LogDecoder({ tty, timestamps: options.timestamps ?? true }, (line) => {
      if (!controller.signal.aborted) options.onLine(line);
    });
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer | string) => decoder.push(chunk));
      stream.on('end', () => {
        decoder.end();
        resolve();
      });
      stream.on('error', reject);
    });
  })().then(
    () => end(),
    (err: unknown) =>
      end(
        controller.signal.aborted
          ? undefined
          : translateDockerError(err, { docker, kind: 'container', ref: id }),
      ),
  );

  return toDisposable(() => {
    controller.abort();
    end();
  });
}

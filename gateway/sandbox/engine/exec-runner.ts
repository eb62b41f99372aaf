/**
 * One command in a sandbox container through the Engine API (no docker CLI): a login shell, the
 * PATH that survives /etc/profile, stdin, head+tail output caps, and a timeout or abort that kills
 * the command inside the container. Upstream killed only its local `docker exec` client and left
 * the command running. Here every exec carries a unique marker in its environment, which its
 * children inherit, and the kill is a second exec that signals every process carrying it.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { SandboxExecRequest, SandboxExecResult } from '../contract.js';
import { PREPEND_PATH_ENV } from './create-options.js';
import { HeadTailBuffer } from './output-cap.js';

export const EXEC_MARKER_ENV = 'OPENCLAW_EXEC_ID';
export const DEFAULT_EXEC_TIMEOUT_MS = 1_800_000;
export const DEFAULT_MAX_OUTPUT_BYTES = 200_000;
export const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
/** How long the output may keep flowing after the in-container kill before we stop reading. */
const KILL_GRACE_MS = 3_000;

/** Runs before the command: the login shell has applied /etc/profile, so PATH is prepended now. */
export const PATH_PREFIX =
  `if [ -n "\${${PREPEND_PATH_ENV}:-}" ]; then PATH="\${${PREPEND_PATH_ENV}}:$PATH"; export PATH; fi; ` +
  `unset ${PREPEND_PATH_ENV}; `;

/**
 * Signals every process whose environment carries the marker, a few rounds so a process forked
 * between the scan and the signal is caught too. Only sh, tr and kill: any image has them.
 */
export function killScript(marker: string): string {
  const want = `${EXEC_MARKER_ENV}=${marker}`;
  return [
    'i=0',
    'while [ $i -lt 5 ]; do',
    '  found=0',
    '  for d in /proc/[0-9]*; do',
    '    pid=${d#/proc/}',
    '    [ "$pid" = "$$" ] && continue',
    `    if tr '\\0' '\\n' < "$d/environ" 2>/dev/null | grep -qx '${want}'; then kill -9 "$pid" 2>/dev/null && found=1; fi`,
    '  done',
    '  [ $found = 0 ] && break',
    '  i=$((i+1))',
    'done',
  ].join('\n');
}

export interface ExecTarget {
  docker: Dockerode;
  containerId: string;
}

function collect(exec: Dockerode.Exec): Promise<Dockerode.ExecInspectInfo> {
  return exec.inspect();
}

async function waitExit(exec: Dockerode.Exec): Promise<number | null> {
  for (let i = 0; i < 50; i += 1) {
    const info = await collect(exec);
    if (!info.Running) return info.ExitCode ?? null;
    await new Promise((r) => setTimeout(r, 10));
  }
  return null;
}

/** Kills what the exec started; waits for the kill exec to finish. */
export async function killMarked(target: ExecTarget, marker: string): Promise<void> {
  const container = target.docker.getContainer(target.containerId);
  const exec = await container.exec({
    Cmd: ['/bin/sh', '-c', killScript(marker)],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  stream.resume();
  await new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

export async function runExec(
  target: ExecTarget,
  request: SandboxExecRequest,
  signal?: AbortSignal,
): Promise<SandboxExecResult> {
  const started = performance.now();
  // The cap comes over the wire: bound it so a request cannot make sandboxd hold gigabytes.
  const maxBytes = Math.min(
    Math.max(request.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES, 256),
    MAX_OUTPUT_BYTES,
  );
  const timeoutMs = request.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
  const marker = randomUUID();
  const env = { ...request.env };
  let prefix = '';
  if (env.PATH !== undefined) {
    // The per-call PATH goes first; the container's own prepend (from the spec) follows it.
    prefix = `PATH="${'$'}{OPENCLAW_CALL_PATH}:$PATH"; export PATH; unset OPENCLAW_CALL_PATH; `;
    env.OPENCLAW_CALL_PATH = env.PATH;
    delete env.PATH;
  }
  env[EXEC_MARKER_ENV] = marker;
  const withStdin = request.stdin !== undefined;
  const container = target.docker.getContainer(target.containerId);
  const exec = await container.exec({
    Cmd: ['/bin/sh', '-lc', `${PATH_PREFIX}${prefix}${request.command}`],
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    WorkingDir: request.workdir,
    AttachStdin: withStdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await exec.start({ hijack: true, stdin: withStdin });
  const out = new HeadTailBuffer(maxBytes);
  const err = new HeadTailBuffer(maxBytes);
  const sink = (buf: HeadTailBuffer) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        buf.push(chunk);
        done();
      },
    });
  target.docker.modem.demuxStream(stream, sink(out), sink(err));

  let stopped: 'timeout' | 'abort' | undefined;
  let killing: Promise<void> | undefined;
  const stop = (why: 'timeout' | 'abort') => {
    if (stopped) return;
    stopped = why;
    killing = killMarked(target, marker).catch(() => undefined);
    wakeStopped();
  };
  // If the kill cannot end the command (an image without grep or tr, a process that scrubbed
  // its environment), the caller still gets its answer: stop reading a while after the kill.
  let wakeStopped: () => void = () => undefined;
  const stoppedOnce = new Promise<void>((resolve) => (wakeStopped = resolve));
  const afterStop = async () => {
    await stoppedOnce;
    await killing;
    await new Promise((r) => setTimeout(r, KILL_GRACE_MS).unref());
    stream.destroy();
  };
  const timer = setTimeout(() => stop('timeout'), timeoutMs);
  const onAbort = () => stop('abort');
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) stop('abort');

  try {
    const ended = new Promise<void>((resolve, reject) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', reject);
    });
    if (withStdin) stream.end(request.stdin);
    await Promise.race([ended, afterStop()]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  if (killing) await killing;
  const exitCode = stopped ? null : await waitExit(exec);
  return {
    exitCode,
    stdout: out.text(),
    stderr: err.text(),
    timedOut: stopped === 'timeout',
    truncatedBytes: out.dropped + err.dropped,
    durationMs: Math.round(performance.now() - started),
  };
}

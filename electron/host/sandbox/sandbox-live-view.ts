/**
 * A one-time noVNC viewer link for a headful browser sandbox, made the way the gateway's browser
 * engine makes it: `openclaw-novnc-link` run inside the container prints a fresh token and
 * password (each new link voids the previous one), and the URL points at the host port the noVNC
 * container port is published on. The exec goes straight to the engine API; electron/host does
 * not reach into the gateway's sandbox engine.
 */
import type Dockerode from 'dockerode';
import { decodeLogs } from '../../../docker/engine/log-demux.js';
import { ErrorCode, OpenClawError } from '../../../gateway/infra/errors.js';
import { SANDBOX_BROWSER_LABELS } from '../../../gateway/sandbox/contract.js';

/** The noVNC container port of a headful browser sandbox; empty when it runs headless. */
export const NOVNC_PORT_LABEL = 'openclaw.browser.noVncPort';
const LINK_COMMAND = 'openclaw-novnc-link';
const TOKEN = /^[A-Za-z0-9]{32}$/;
/** What the link script says while noVNC is still starting (right after a container start). */
const NOT_UP = /noVNC is not running/i;
/** How long a click right after a start waits for noVNC before saying so. */
const STARTING_WAIT_MS = 5_000;
const REBUILD =
  'Rebuild the browser image with scripts/sandbox-browser-setup.sh, then recreate this sandbox (Recreate here, or openclaw sandbox recreate --all --browser).';

type Inspect = Dockerode.ContainerInspectInfo;

export interface LiveViewOptions {
  /** How long the link command may take (default 10 s). */
  timeoutMs?: number;
}

export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

function isBrowser(labels: Record<string, string> | null | undefined): boolean {
  return labels?.[SANDBOX_BROWSER_LABELS.browser] === '1';
}

/** Why a container has no live view, or undefined when it can have one. */
export function liveViewUnavailable(
  labels: Record<string, string> | null | undefined,
  running: boolean,
): string | undefined {
  if (!isBrowser(labels)) return 'it is a tool sandbox, not a browser sandbox';
  if (!Number(labels?.[NOVNC_PORT_LABEL]))
    return 'its browser runs headless (or noVNC is off), so there is nothing to watch; set agents.*.sandbox.browser.headless to false and recreate it';
  if (!running)
    return 'it is not running; the agent starts it again on its next browser action, then try again';
  return undefined;
}

/** The published host address of a container port, as a browser on this computer reaches it. */
export function publishedAddress(info: Inspect, port: number): string | undefined {
  const binding = info.NetworkSettings?.Ports?.[`${port}/tcp`]?.[0];
  if (!binding?.HostPort) return undefined;
  const ip = binding.HostIp ?? '';
  // A wildcard bind answers on loopback too; a specific one (127.0.0.1, a LAN address) as is.
  const host = ip === '' || ip === '0.0.0.0' || ip === '::' ? '127.0.0.1' : ip;
  return `${host.includes(':') ? `[${host}]` : host}:${binding.HostPort}`;
}

/** Runs one short command in a container, output demuxed and capped, with a deadline. */
export async function execShort(
  docker: Dockerode,
  containerId: string,
  cmd: string[],
  timeoutMs: number,
  maxBytes = 4096,
): Promise<ExecResult> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream & {
    destroy?: () => void;
  };
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy?.();
      reject(
        new OpenClawError(
          ErrorCode.TIMEOUT,
          `${cmd[0]} did not finish within ${Math.round(timeoutMs / 1000)} s in the container.`,
        ),
      );
    }, timeoutMs);
    stream.on('data', (chunk: Buffer) => {
      if (size < maxBytes) chunks.push(chunk);
      size += chunk.length;
    });
    stream.on('end', () => (clearTimeout(timer), resolve()));
    stream.on('close', () => (clearTimeout(timer), resolve()));
    stream.on('error', (err: Error) => (clearTimeout(timer), reject(err)));
  });
  const lines = decodeLogs(Buffer.concat(chunks), { tty: false, timestamps: false });
  const text = (s: 'stdout' | 'stderr') =>
    lines
      .filter((l) => l.stream === s)
      .map((l) => l.text)
      .join('\n');
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode ?? null, stdout: text('stdout'), stderr: text('stderr') };
}

/** Turns the link command's output into the viewer URL, or says plainly what went wrong. */
export function liveViewUrl(name: string, address: string, result: ExecResult): string {
  if (result.exitCode === 126 || result.exitCode === 127 || /not found/i.test(result.stderr))
    throw new OpenClawError(
      ErrorCode.REQUEST_FAILED,
      `${name} runs an older browser image without ${LINK_COMMAND}. ${REBUILD}`,
    );
  if (result.exitCode !== 0 && NOT_UP.test(result.stderr))
    throw new OpenClawError(
      ErrorCode.REQUEST_FAILED,
      `noVNC is not up in ${name} yet (it starts with the container). Try again in a few seconds; if it keeps failing, recreate this sandbox.`,
    );
  const [token, password] = result.stdout.trim().split(/\s+/);
  if (result.exitCode !== 0 || !token || !TOKEN.test(token) || !password)
    throw new OpenClawError(
      ErrorCode.REQUEST_FAILED,
      `${name} could not make a viewer link (${LINK_COMMAND} exited ${result.exitCode ?? 'without a code'}${result.stderr ? `: ${result.stderr.trim().slice(0, 200)}` : ''}). ${REBUILD}`,
    );
  // The token is good for one viewer connection; the password sits in the fragment, which the
  // browser never sends to the server.
  const path = encodeURIComponent(`websockify?token=${token}`);
  return `http://${address}/vnc.html?autoconnect=1&resize=scale&path=${path}#password=${encodeURIComponent(password)}`;
}

/** The viewer link of a browser sandbox (already checked to carry the sandbox label). */
export async function makeLiveViewLink(
  docker: Dockerode,
  name: string,
  info: Inspect,
  options: LiveViewOptions = {},
): Promise<string> {
  const why = liveViewUnavailable(info.Config.Labels, info.State.Running);
  if (why) throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, `No live view for ${name}: ${why}.`);
  const address = publishedAddress(info, Number(info.Config.Labels[NOVNC_PORT_LABEL]));
  if (!address)
    throw new OpenClawError(
      ErrorCode.REQUEST_FAILED,
      `No live view for ${name}: its noVNC port is not published on this computer. Recreate it so it gets one.`,
    );
  let result: ExecResult;
  try {
    const until = Date.now() + STARTING_WAIT_MS;
    for (;;) {
      result = await execShort(docker, info.Id, [LINK_COMMAND], options.timeoutMs ?? 10_000);
      if (result.exitCode === 0 || !NOT_UP.test(result.stderr) || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 300));
    }
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 409)
      throw new OpenClawError(
        ErrorCode.REQUEST_FAILED,
        `No live view for ${name}: it stopped. The agent starts it again on its next browser action, then try again.`,
      );
    // The engine reports a missing executable when the exec starts on some versions.
    if (/executable file not found|no such file/i.test(String((err as Error).message)))
      throw new OpenClawError(
        ErrorCode.REQUEST_FAILED,
        `${name} runs an older browser image without ${LINK_COMMAND}. ${REBUILD}`,
      );
    throw err;
  }
  return liveViewUrl(name, address, result);
}

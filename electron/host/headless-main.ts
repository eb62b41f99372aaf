/**
 * `npm start` without a display or Electron runtime (or with --headless): the same app host, its
 * UI and host API served on 127.0.0.1 with a one-time token in the printed URL.
 *
 * One instance per data folder (like the Electron app): a second start finds the running one
 * through the instance file, asks it for a fresh one-time link, prints it and exits 0. Stopping
 * (Ctrl+C, SIGTERM, SIGHUP, or the `npm start` wrapper going away) closes the server and shuts the
 * host down within a hard deadline; the gateway keeps running unless the user set "Stop the
 * gateway when quitting" (Settings).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, OpenClawError, errorMessage } from '../../gateway/infra/errors.js';
import { createAppHost } from './app-host.js';
import type { AppHost } from './app-host-types.js';
import { startHeadlessServer, type HeadlessServer } from './api/headless-server.js';
import { createShutdown, installShutdownTriggers } from './headless-lifecycle.js';
import {
  acquireInstanceLock,
  desktopAppPid,
  requestLaunchUrl,
  type InstanceHandle,
  type InstanceRecord,
} from './instance-lock.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_HEADLESS_PORT = 18790;
/** Bounds of the graceful stop: closing sockets is quick; stopping the containers is not. */
const STOP_TIMEOUT_MS = 10_000;
const STOP_WITH_GATEWAY_TIMEOUT_MS = 60_000;

/** Exit codes of the headless host (0 also when a running instance handed out a new link). */
export const HeadlessExit = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/** The app's data folder: settings.json, the stack folder, identity and secrets. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OPENCLAW_DESKTOP_DATA_DIR) return path.resolve(env.OPENCLAW_DESKTOP_DATA_DIR);
  // An empty or relative XDG_CONFIG_HOME / APPDATA counts as unset (the XDG spec says so), or
  // the folder would land wherever `npm start` happened to run.
  const absolute = (value: string | undefined) =>
    value && path.isAbsolute(value) ? value : undefined;
  const base =
    process.platform === 'darwin'
      ? path.join(os.homedir(), 'Library', 'Application Support')
      : process.platform === 'win32'
        ? (absolute(env.APPDATA) ?? path.join(os.homedir(), 'AppData', 'Roaming'))
        : (absolute(env.XDG_CONFIG_HOME) ?? path.join(os.homedir(), '.config'));
  return path.join(base, 'OpenClaw Desktop');
}

/** `--port N` wins over OPENCLAW_DESKTOP_PORT; 0 means any free port. */
export function resolvePort(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const flag = argv.indexOf('--port');
  const inline = argv.find((a) => a.startsWith('--port='));
  const raw =
    flag >= 0
      ? argv[flag + 1]
      : inline
        ? inline.slice('--port='.length)
        : env.OPENCLAW_DESKTOP_PORT;
  if (flag < 0 && !inline && (raw === undefined || raw === '')) return DEFAULT_HEADLESS_PORT;
  const port = Number(raw);
  if (raw === undefined || !/^\d+$/.test(raw) || port > 65535) {
    const source = flag >= 0 || inline ? '--port' : 'OPENCLAW_DESKTOP_PORT';
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `${source} must be a port number from 1 to 65535 (got "${raw ?? ''}"), e.g. npm start -- --port ${DEFAULT_HEADLESS_PORT}.`,
      { exitCode: HeadlessExit.USAGE },
    );
  }
  return port;
}

/** The version in the app's package.json (shown with "this host does not update itself"). */
function packageVersion(root: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function runHeadless(
  options: { port?: number; root?: string; instanceSecret?: string; dataDir?: string } = {},
) {
  const root =
    options.root ??
    (process.env.OPENCLAW_DESKTOP_ROOT ? path.resolve(process.env.OPENCLAW_DESKTOP_ROOT) : ROOT);
  const uiRoot = path.join(root, 'dist', 'control-ui');
  let uiOrigins: string[] = [];
  const host = await createAppHost({
    uiOrigins: () => uiOrigins,
    dataDir: options.dataDir ?? dataDir(),
    platform: process.platform,
    env: process.env,
    bundleDir: path.join(root, 'dist', 'gateway'),
    uiRoot,
    resourcesDir: root,
    appVersion: packageVersion(root),
  });
  let server: HeadlessServer;
  try {
    server = await startHeadlessServer({
      handler: host.handler,
      uiRoot,
      port: options.port,
      instanceSecret: options.instanceSecret,
    });
  } catch (err) {
    await host.shutdown({ stopGateway: false }).catch(() => {});
    throw err;
  }
  // The in-app Control UI pages connect to the gateway from this page's origin.
  uiOrigins = [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`];
  return { host, server };
}

/** What a second start tells the user: where the running app is and a link that works. */
export async function describeRunningInstance(
  running: InstanceRecord,
  file: string,
): Promise<{ text: string; code: number }> {
  const where = running.port === null ? '' : ` at http://127.0.0.1:${running.port}/`;
  const head = `OpenClaw Desktop is already running (pid ${running.pid}${running.hostname === os.hostname() ? '' : ` on ${running.hostname}`})${where}.`;
  const outcome = await requestLaunchUrl(running);
  if (outcome.ok) {
    return {
      code: HeadlessExit.OK,
      text: [
        head,
        'Open this new link in a browser on this machine (it works once; run `npm start` again for another):',
        `  ${outcome.launchUrl}`,
        'To stop it: Ctrl+C in its terminal, or kill ' + running.pid + '.',
        '',
      ].join('\n'),
    };
  }
  const why =
    outcome.reason === 'starting'
      ? 'It is still starting: run `npm start` again in a few seconds for a link.'
      : `It did not answer${outcome.reason === 'refused' ? ' the request for a new link' : ''}. If no OpenClaw Desktop is running, delete ${file} and start again.`;
  return { code: HeadlessExit.FAILED, text: `${head}\n${why}\n` };
}

function banner(server: HeadlessServer, folder: string): string {
  return [
    'OpenClaw Desktop is running headless (no display or Electron runtime found).',
    'Open this URL in a browser on this machine (it works once; run `npm start` again for a new one):',
    `  ${server.launchUrl}`,
    'From another machine: ssh -N -L ' +
      `${server.port}:127.0.0.1:${server.port} <this-host>` +
      ', then open the URL there.',
    `Settings and stack: ${folder}`,
    'Stop with Ctrl+C; the gateway keeps running in Docker unless Settings → "Stop the gateway when quitting" is on.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  // After a closed terminal or a dead parent, writes fail with EIO/EPIPE; that must not turn a
  // clean stop into a crash.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // Exit only once the text is out: pipes are asynchronous on macOS and Windows.
  const leave = (stream: NodeJS.WriteStream, text: string, code: number): never => {
    stream.write(text, () => process.exit(code));
    setTimeout(() => process.exit(code), 2000).unref();
    return undefined as never;
  };
  const fail = (err: unknown): never =>
    leave(
      process.stderr,
      `openclaw-desktop: ${errorMessage(err)}\n`,
      err instanceof OpenClawError ? err.exitCode : HeadlessExit.FAILED,
    );

  let port: number;
  try {
    port = resolvePort(process.argv.slice(2), process.env);
  } catch (err) {
    return fail(err);
  }
  const folder = dataDir();

  // Filled in as startup proceeds; the stop path reads whatever exists by then.
  const state: {
    instance?: InstanceHandle;
    running?: { host: AppHost; server: HeadlessServer };
    startup: Promise<unknown>;
  } = { startup: Promise.resolve() };
  const shutdown = createShutdown({
    timeoutMs: () =>
      state.running?.host.appSettings().stopGatewayOnQuit
        ? STOP_WITH_GATEWAY_TIMEOUT_MS
        : STOP_TIMEOUT_MS,
    stop: async () => {
      // A stop during startup waits for it, so nothing it opens is left behind.
      await state.startup.catch(() => {});
      if (!state.running) return;
      const { host, server } = state.running;
      await server.close();
      await host.shutdown({ stopGateway: host.appSettings().stopGatewayOnQuit });
    },
    always: () => state.instance?.release(),
    exit: (code) => process.exit(code),
    log: say,
  });
  // Before anything slow: a Ctrl+C during startup must already stop cleanly.
  installShutdownTriggers(shutdown);
  // The IPC channel from `npm start` must not keep this process alive by itself.
  process.channel?.unref();

  const desktop = await desktopAppPid(folder);
  if (desktop !== undefined) {
    return leave(
      process.stderr,
      `OpenClaw Desktop is already running as the desktop app (pid ${desktop}) on ${folder}. Use its window or tray icon, or quit it before starting it headless.\n`,
      HeadlessExit.FAILED,
    );
  }
  let claim;
  try {
    claim = await acquireInstanceLock(folder);
  } catch (err) {
    return fail(err);
  }
  if (!claim.acquired) {
    const { text, code } = await describeRunningInstance(claim.running, claim.file);
    return leave(code === HeadlessExit.OK ? process.stdout : process.stderr, text, code);
  }
  const instance = claim.instance;
  state.instance = instance;

  state.startup = runHeadless({ port, instanceSecret: instance.secret, dataDir: folder }).then(
    async (started) => {
      state.running = started;
      await instance.setPort(started.server.port);
    },
  );
  try {
    await state.startup;
  } catch (err) {
    instance.release();
    return fail(
      err instanceof OpenClawError ? err : new Error(`could not start: ${errorMessage(err)}`),
    );
  }
  if (shutdown.stopping || !state.running) return;
  process.stdout.write(banner(state.running.server, folder));
}

const invoked = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invoked) void main();

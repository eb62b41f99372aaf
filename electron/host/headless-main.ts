/**
 * `npm start` without a display or Electron runtime (or with --headless): the same app host, its
 * UI and host API served on 127.0.0.1 with a one-time token in the printed URL.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppHost } from './app-host.js';
import { startHeadlessServer } from './api/headless-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function dataDir(): string {
  if (process.env.OPENCLAW_DESKTOP_DATA_DIR)
    return path.resolve(process.env.OPENCLAW_DESKTOP_DATA_DIR);
  const base =
    process.platform === 'darwin'
      ? path.join(os.homedir(), 'Library', 'Application Support')
      : process.platform === 'win32'
        ? (process.env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'))
        : (process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'));
  return path.join(base, 'OpenClaw Desktop');
}

export async function runHeadless(options: { port?: number; root?: string } = {}) {
  const root =
    options.root ??
    (process.env.OPENCLAW_DESKTOP_ROOT ? path.resolve(process.env.OPENCLAW_DESKTOP_ROOT) : ROOT);
  const uiRoot = path.join(root, 'dist', 'control-ui');
  let uiOrigins: string[] = [];
  const host = await createAppHost({
    uiOrigins: () => uiOrigins,
    dataDir: dataDir(),
    platform: process.platform,
    env: process.env,
    bundleDir: path.join(root, 'dist', 'gateway'),
    uiRoot,
    resourcesDir: root,
  });
  const server = await startHeadlessServer({ handler: host.handler, uiRoot, port: options.port });
  // The in-app Control UI pages connect to the gateway from this page's origin.
  uiOrigins = [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`];
  return { host, server };
}

const invoked = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invoked) {
  const portArg = process.argv.indexOf('--port');
  const port =
    portArg >= 0
      ? Number(process.argv[portArg + 1])
      : Number(process.env.OPENCLAW_DESKTOP_PORT ?? 0) || 18790;
  runHeadless({ port }).then(
    ({ host, server }) => {
      process.stdout.write(
        [
          'OpenClaw Desktop is running headless (no display or Electron runtime found).',
          'Open this URL in a browser on this machine (it works once; restart for a new one):',
          `  ${server.launchUrl}`,
          'From another machine: ssh -N -L ' +
            `${server.port}:127.0.0.1:${server.port} <this-host>` +
            ', then open the URL there.',
          'Stop with Ctrl+C (the gateway keeps running unless "Stop the gateway on quit" is set).',
          '',
        ].join('\n'),
      );
      const stop = () => {
        void server
          .close()
          .then(() => host.shutdown({ stopGateway: host.appSettings().stopGatewayOnQuit }))
          .finally(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err: unknown) => {
      process.stderr.write(`openclaw-desktop: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}

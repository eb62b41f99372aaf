/**
 * `openclaw dashboard [--no-open]`: the Control UI URL with the token in the fragment (browsers
 * never send fragments to servers). Printed to the terminal only, never logged.
 */
import { spawn } from 'node:child_process';
import { loadConfigSnapshot } from '../../config/config-store.js';
import { resolveGatewaySettings } from '../../config/gateway-settings.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { createOutput, parseCommandArgs, parsePort } from '../args.js';

export async function dashboard(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      'no-open': { type: 'boolean' },
      open: { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
      json: { type: 'boolean' },
    },
    'openclaw dashboard [--no-open] [--port N] [--json]',
  );
  const out = createOutput(values.json === true);
  const snapshot = await loadConfigSnapshot(paths, env);
  const settings = resolveGatewaySettings(snapshot.config, env);
  // In Docker the CLI sees the container port; the published host port comes from the env.
  const port =
    parsePort(values.port, '--port') ??
    parsePort(env.OPENCLAW_GATEWAY_PUBLIC_PORT, 'OPENCLAW_GATEWAY_PUBLIC_PORT') ??
    settings.port;
  const host = values.host ?? '127.0.0.1';
  const base = `http://${host}:${port}${settings.controlUi.basePath}/`;
  const token = settings.auth.mode === 'token' ? settings.auth.token : undefined;
  const url = token ? `${base}#token=${encodeURIComponent(token)}` : base;
  out.result(
    { url, httpUrl: base, wsUrl: `ws://${host}:${port}`, port, tokenIncluded: Boolean(token) },
    () => {
      const lines = [`Dashboard URL: ${url}`];
      if (!token)
        lines.push(
          settings.auth.mode === 'password'
            ? 'Enter the gateway password in the Control UI.'
            : 'No token is configured.',
        );
      lines.push(
        'Headless server? Forward the port first: ssh -N -L ' + `${port}:127.0.0.1:${port} <host>`,
      );
      return lines.join('\n');
    },
  );
  const shouldOpen = values.open === true && values['no-open'] !== true && !values.json;
  if (shouldOpen) {
    const opener =
      process.platform === 'darwin'
        ? 'open'
        : process.platform === 'win32'
          ? 'explorer'
          : 'xdg-open';
    spawn(opener, [url], { stdio: 'ignore', detached: true })
      .on('error', () => {})
      .unref();
  }
  return 0;
}

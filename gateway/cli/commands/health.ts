/** `openclaw health` and `openclaw status`: ask the running gateway over the protocol. */
import type { Env, StatePaths } from '../../config/paths.js';
import { createOutput, parseCommandArgs, parseDurationMs } from '../args.js';
import { REMOTE_OPTIONS, resolveTarget, withGateway } from '../remote.js';

const HEALTH_OPTIONS = {
  ...REMOTE_OPTIONS,
  verbose: { type: 'boolean' },
  debug: { type: 'boolean' },
} as const;

export async function health(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    HEALTH_OPTIONS,
    'openclaw health [--json] [--timeout ms] [--url ws://…] [--token T]',
  );
  const out = createOutput(values.json === true);
  const timeoutMs = parseDurationMs(values.timeout, '--timeout', 10_000);
  const started = Date.now();
  const result = await withGateway(
    paths,
    env,
    { ...values, timeoutMs },
    async (session, target) => {
      const payload = await session.request<Record<string, unknown>>('health', {
        probe: values.verbose || values.debug,
      });
      return { target, payload };
    },
  );
  const payload = result.payload;
  const ok = payload.ok === true;
  out.result({ ...payload, url: result.target.url, latencyMs: Date.now() - started }, () => {
    const sessions = payload.sessions as { count?: number } | undefined;
    return [
      `Gateway: ${ok ? 'healthy' : 'unhealthy'} (${result.target.url}, ${Date.now() - started} ms)`,
      `Default agent: ${String(payload.defaultAgentId ?? 'main')}`,
      `Sessions: ${sessions?.count ?? 0}`,
    ].join('\n');
  });
  return ok ? 0 : 1;
}

export async function status(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    HEALTH_OPTIONS,
    'openclaw status [--json] [--url ws://…] [--token T]',
  );
  const out = createOutput(values.json === true);
  const timeoutMs = parseDurationMs(values.timeout, '--timeout', 10_000);
  try {
    const payload = await withGateway(paths, env, { ...values, timeoutMs }, (session) =>
      session.request<Record<string, unknown>>('status', {}),
    );
    out.result({ reachable: true, ...payload }, () => {
      const gateway = payload.gateway as Record<string, unknown>;
      const pairing = payload.pairing as Record<string, number>;
      const config = payload.config as Record<string, unknown>;
      return [
        `Gateway ${String(payload.version)}: running, up ${Math.round(Number(payload.uptimeMs) / 1000)} s`,
        `Listening: ${String(gateway.listening)} (bind ${String(gateway.bind)}, auth ${String(gateway.authMode)})`,
        `Connections: ${String(payload.connections)}`,
        `Devices: ${pairing.paired} paired, ${pairing.pending} pending approval${pairing.pending ? ' (openclaw devices list)' : ''}`,
        `Config: ${String(config.path)}${config.valid ? '' : ' (INVALID)'}`,
      ].join('\n');
    });
    return 0;
  } catch (err) {
    const target = await resolveTarget(paths, env, values).catch(() => undefined);
    out.result(
      {
        reachable: false,
        url: target?.url,
        error: (err as Error).message,
        configPath: paths.configPath,
      },
      () =>
        [
          `Gateway: not reachable at ${target?.url ?? '(unknown)'}`,
          `  ${(err as Error).message}`,
          `Config: ${paths.configPath}`,
        ].join('\n'),
    );
    return 1;
  }
}

/** `openclaw gateway run`: start the gateway in the foreground until SIGTERM/SIGINT. */
import type { Env } from '../../config/paths.js';
import { startGateway } from '../../runtime/start-gateway.js';
import { oneOf, parseCommandArgs, parsePort } from '../args.js';

const USAGE =
  'openclaw gateway run [--port N] [--bind loopback|lan|auto|custom] [--auth token|password|none] [--token T] [--password P] [--allow-unconfigured] [--verbose]';

export async function gatewayRun(argv: string[], env: Env): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      port: { type: 'string' },
      bind: { type: 'string' },
      auth: { type: 'string' },
      token: { type: 'string' },
      password: { type: 'string' },
      'allow-unconfigured': { type: 'boolean' },
      verbose: { type: 'boolean' },
    },
    USAGE,
  );
  const gateway = await startGateway({
    env,
    allowUnconfigured: values['allow-unconfigured'] === true,
    logLevel: values.verbose ? 'debug' : undefined,
    flags: {
      port: parsePort(values.port, '--port'),
      bind: oneOf(values.bind, ['loopback', 'lan', 'auto', 'custom', 'tailnet'] as const, '--bind'),
      auth: oneOf(values.auth, ['token', 'password', 'none'] as const, '--auth'),
      token: values.token,
      password: values.password,
    },
  });
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      // Hard deadline: a stuck close must not keep the container from stopping.
      const deadline = setTimeout(() => resolve(1), 5000);
      deadline.unref();
      void gateway.stop(`received ${signal}`).then(() => {
        clearTimeout(deadline);
        resolve(0);
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

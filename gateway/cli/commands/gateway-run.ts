/** `openclaw gateway run`: start the gateway in the foreground until SIGTERM/SIGINT. */
import { promises as fs } from 'node:fs';
import type { Env } from '../../config/paths.js';
import { ErrorCode, OpenClawError, errorMessage } from '../../infra/errors.js';
import type { GatewayRunFlags } from '../../runtime/runtime-settings.js';
import { startGateway } from '../../runtime/start-gateway.js';
import { oneOf, parseCommandArgs, parsePort } from '../args.js';

// --token/--password stay for compatibility, but a value on the command line is readable by every
// local user in /proc/<pid>/cmdline and `ps`: OPENCLAW_GATEWAY_TOKEN or --token-file are the safe ways.
const USAGE =
  'openclaw gateway run [--port N] [--bind loopback|lan|auto|custom] [--auth token|password|none] [--token-file PATH | --token T] [--password-file PATH | --password P] [--allow-unconfigured] [--verbose]\n' +
  '  Prefer OPENCLAW_GATEWAY_TOKEN / OPENCLAW_GATEWAY_PASSWORD or --token-file / --password-file: --token and --password are visible to other users in the process list.';

const OPTIONS = {
  port: { type: 'string' },
  bind: { type: 'string' },
  auth: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  password: { type: 'string' },
  'password-file': { type: 'string' },
  'allow-unconfigured': { type: 'boolean' },
  verbose: { type: 'boolean' },
} as const;

/** Reads a secret file: the first line, without its line break (editors add one). */
async function readSecretFile(file: string, flag: string): Promise<string> {
  try {
    const text = await fs.readFile(file, 'utf8');
    return text.split(/\r?\n/, 1)[0] ?? '';
  } catch (err) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `${flag} ${file}: cannot read it (${errorMessage(err)}); check the path and its permissions`,
      { exitCode: 2, cause: err },
    );
  }
}

async function secretFlag(
  value: string | undefined,
  file: string | undefined,
  name: 'token' | 'password',
): Promise<string | undefined> {
  if (value !== undefined && file !== undefined) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `--${name} and --${name}-file both given; keep --${name}-file (it stays out of the process list)`,
      { exitCode: 2 },
    );
  }
  return file === undefined ? value : readSecretFile(file, `--${name}-file`);
}

/** The `gateway run` flags as startGateway takes them (secret files read here). */
export async function parseGatewayRunFlags(
  argv: string[],
): Promise<{ flags: GatewayRunFlags; allowUnconfigured: boolean; verbose: boolean }> {
  const { values } = parseCommandArgs(argv, OPTIONS, USAGE);
  return {
    allowUnconfigured: values['allow-unconfigured'] === true,
    verbose: values.verbose === true,
    flags: {
      port: parsePort(values.port, '--port'),
      bind: oneOf(values.bind, ['loopback', 'lan', 'auto', 'custom', 'tailnet'] as const, '--bind'),
      auth: oneOf(values.auth, ['token', 'password', 'none'] as const, '--auth'),
      token: await secretFlag(values.token, values['token-file'], 'token'),
      password: await secretFlag(values.password, values['password-file'], 'password'),
    },
  };
}

export async function gatewayRun(argv: string[], env: Env): Promise<number> {
  const parsed = await parseGatewayRunFlags(argv);
  const gateway = await startGateway({
    env,
    allowUnconfigured: parsed.allowUnconfigured,
    logLevel: parsed.verbose ? 'debug' : undefined,
    flags: parsed.flags,
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

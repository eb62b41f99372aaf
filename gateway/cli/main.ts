#!/usr/bin/env node
/**
 * The `openclaw` CLI. Commands load lazily so `gateway run` starts without paying for the rest.
 * Exit codes: 0 success, 1 failure, 2 usage error, 78 invalid config; failures print one line.
 */
import { resolveStatePaths, type Env } from '../config/paths.js';
import { isOpenClawError, errorMessage } from '../infra/errors.js';
import { GATEWAY_VERSION } from '../runtime/version.js';

const HELP = `openclaw ${GATEWAY_VERSION} — OpenClaw-compatible gateway and CLI

Usage: openclaw <command> [options]

  gateway run        run the gateway in the foreground
  gateway call       call one gateway method: gateway call <method> --params '{…}'
  agent              one agent turn: agent --message <text> [--agent id] [--session-key k] [--json] [--timeout s]
  models             list [--all] [--provider id] [--json] | set <provider/model> | auth login --provider openai-codex
  health             check the running gateway (--json, --timeout)
  status             gateway status (--json)
  dashboard          print the Control UI URL with the token (--no-open)
  devices            list | approve | reject | remove | rotate | revoke | clear
  channels           list | status [--probe] | add --channel telegram|discord|whatsapp … | remove |
                     login (WhatsApp QR) | logout   (openclaw channels help)
  pairing            list [channel] | approve [channel] <code> [--notify]   (DM pairing requests)
  onboard            write a local config (--non-interactive --accept-risk --mode local
                     [--auth-choice openai-api-key|anthropic-api-key|custom-api-key|ollama|lmstudio|…])
  config             get | set | unset <path> [value]
  sandbox            list [--json] | recreate --all|--agent id|--session key [--force] | explain [--agent id] [--session key] [--json]
  sandboxd           run the sandbox service [--port 18790] [--host 0.0.0.0] (needs OPENCLAW_SANDBOXD_SECRET)

Remote options: --url ws://host:port --token T --password P
State: OPENCLAW_STATE_DIR, OPENCLAW_CONFIG_PATH, OPENCLAW_HOME`;

export async function runCli(argv: string[], env: Env = process.env): Promise<number> {
  const [command, ...rest] = argv;
  const paths = resolveStatePaths(env);
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${HELP}\n`);
      return command === undefined ? 2 : 0;
    case '--version':
    case '-v':
    case 'version':
      process.stdout.write(`${GATEWAY_VERSION}\n`);
      return 0;
    case 'gateway': {
      const [sub, ...args] = rest;
      // `openclaw gateway` alone is an alias of `gateway run`, as upstream.
      if (sub === 'call')
        return (await import('./commands/gateway-call.js')).gatewayCall(args, env, paths);
      const runArgs = sub === undefined || sub.startsWith('-') ? rest : sub === 'run' ? args : null;
      if (!runArgs) {
        process.stderr.write(
          `openclaw: unknown gateway command "${sub}" (try: openclaw gateway run | call)\n`,
        );
        return 2;
      }
      const { gatewayRun } = await import('./commands/gateway-run.js');
      return gatewayRun(runArgs, env);
    }
    case 'health':
      return (await import('./commands/health.js')).health(rest, env, paths);
    case 'status':
      return (await import('./commands/health.js')).status(rest, env, paths);
    case 'dashboard':
      return (await import('./commands/dashboard.js')).dashboard(rest, env, paths);
    case 'devices':
      return (await import('./commands/devices.js')).devices(rest, env, paths);
    case 'channels':
      return (await import('./commands/channels.js')).channels(rest, env, paths);
    case 'pairing':
      return (await import('./commands/pairing.js')).pairing(rest, env, paths);
    case 'agent':
      return (await import('./commands/agent.js')).agent(rest, env, paths);
    case 'models':
      return (await import('./commands/models.js')).models(rest, env, paths);
    case 'onboard':
      return (await import('./commands/onboard.js')).onboard(rest, env, paths);
    case 'config':
      return (await import('./commands/config.js')).config(rest, env, paths);
    case 'sandbox':
      return (await import('./commands/sandbox.js')).sandbox(rest, env, paths);
    case 'sandboxd':
      return (await import('./commands/sandboxd.js')).sandboxd(rest, env, paths);
    default:
      process.stderr.write(`openclaw: unknown command "${command}"\n\n${HELP}\n`);
      return 2;
  }
}

/** One line on stderr (the first line of the message; details follow only for usage errors). */
export function reportError(err: unknown): number {
  if (isOpenClawError(err)) {
    const text =
      err.exitCode === 2 || err.code === 'CONFIG_INVALID'
        ? err.message
        : err.message.split('\n')[0]!;
    process.stderr.write(`openclaw: ${text}\n`);
    return err.exitCode;
  }
  process.stderr.write(`openclaw: ${errorMessage(err)}\n`);
  return 1;
}

const invokedDirectly =
  process.argv[1] !== undefined && /(openclaw(\.mjs)?|main\.(ts|js|mjs))$/.test(process.argv[1]);
if (invokedDirectly) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Commands that end their work but leave a timer (client backoff) must not hang the shell.
      const [first, second] = process.argv.slice(2);
      if ((first !== 'gateway' && first !== 'sandboxd') || second === 'call')
        setTimeout(() => process.exit(code), 50).unref();
    },
    (err: unknown) => {
      process.exitCode = reportError(err);
    },
  );
}

/**
 * Token sync: the stack's `.env` OPENCLAW_GATEWAY_TOKEN must be the token the gateway uses. Inside
 * the container the environment wins over `gateway.auth.token`, so a literal token in the config
 * that differs from `.env` does not break the gateway itself — it breaks everything that reads the
 * config instead (the official CLI, `openclaw dashboard`, a later setup), which then sends the
 * wrong token. A gateway container started before `.env` changed keeps its old token until it is
 * recreated. Token values never appear in the results.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CONTAINER_STATE_DIR, readEnvFile } from '../../../docker/stack/index.js';
import { loadConfigSnapshot } from '../../../gateway/config/config-store.js';
import { isSecretRef } from '../../../gateway/config/env-subst.js';
import { errorMessage } from '../../../gateway/infra/errors.js';
import type { CheckOutcome, DiagnosticCheck, DiagnosticFix } from './checks.js';
import { configFileOf, envFileOf, GATEWAY_SERVICE, type DiagnosticsContext } from './context.js';
import { cliCommand, configValueArgument, upCommand } from './fix-commands.js';

const TOKEN_VAR = 'OPENCLAW_GATEWAY_TOKEN';

function referenceFix(ctx: DiagnosticsContext): DiagnosticFix {
  const ref = { source: 'env', provider: 'default', id: TOKEN_VAR };
  return {
    label: 'Make openclaw.json use the token from .env (as the setup does)',
    command: cliCommand(ctx, [
      'config',
      'set',
      'gateway.auth.token',
      configValueArgument(ctx, ref),
    ]),
    action: 'sync-token',
  };
}

/** Host path of a SecretRef file given as a container path (`/home/node/.openclaw/…`, `~/.openclaw/…`). */
function hostPathOf(ctx: DiagnosticsContext, id: string): string | undefined {
  const prefixes = [`${CONTAINER_STATE_DIR}/`, '~/.openclaw/'];
  for (const prefix of prefixes) {
    if (id.startsWith(prefix))
      return path.join(ctx.settings.configDir, ...id.slice(prefix.length).split('/'));
  }
  return undefined;
}

async function configVerdict(
  ctx: DiagnosticsContext,
  envToken: string,
  envFile: string,
): Promise<CheckOutcome> {
  const snapshot = await loadConfigSnapshot({ configPath: configFileOf(ctx) }, {});
  if (snapshot.exists && snapshot.parsed === undefined) {
    return {
      status: 'warn',
      detail: `${snapshot.path} cannot be parsed, so its token could not be compared with .env.`,
    };
  }
  const gateway = (
    snapshot.parsed as { gateway?: { auth?: { mode?: unknown; token?: unknown } } } | undefined
  )?.gateway;
  const mode = gateway?.auth?.mode;
  if (typeof mode === 'string' && mode !== 'token')
    return {
      status: 'skip',
      detail: `gateway.auth.mode is "${mode}": the gateway does not use a token.`,
    };
  const token = gateway?.auth?.token;
  const where = `${TOKEN_VAR} in ${envFile}`;

  if (envToken === '') {
    if (typeof token === 'string' && token !== '' && !token.includes('${')) {
      return {
        status: 'fail',
        detail: `${where} is empty while openclaw.json has a token: the app and \`docker compose run openclaw-cli\` connect without the gateway's token.`,
        fix: { label: 'Copy the token from openclaw.json into .env', action: 'sync-token' },
      };
    }
    return {
      status: 'fail',
      detail: `The gateway has no token: ${where} is empty and openclaw.json does not set one.`,
      fix: { label: 'Run the setup (it creates a token)', action: 'run-setup' },
    };
  }
  if (token === undefined || token === null || token === '')
    return {
      status: 'ok',
      detail: `The gateway uses the token from .env (openclaw.json does not set one).`,
    };
  if (typeof token === 'string') {
    const ref = /^\$\{([A-Z_][A-Z0-9_]*)\}$/.exec(token);
    if (ref?.[1] === TOKEN_VAR)
      return { status: 'ok', detail: `openclaw.json refers to ${TOKEN_VAR}, the token in .env.` };
    if (ref) {
      return {
        status: 'warn',
        detail: `gateway.auth.token refers to \${${ref[1]}}, which the container does not receive; the gateway uses ${TOKEN_VAR} from .env instead, and tools reading the config may not.`,
        fix: referenceFix(ctx),
      };
    }
    if (token === envToken)
      return { status: 'ok', detail: 'openclaw.json and .env hold the same token.' };
    return {
      status: 'fail',
      detail: `The token in openclaw.json (gateway.auth.token) differs from ${where}. The gateway uses the .env one, so anything that reads the config (the official CLI, \`openclaw dashboard\`, a later setup) sends the wrong token.`,
      fix: referenceFix(ctx),
    };
  }
  if (!isSecretRef(token))
    return {
      status: 'fail',
      detail:
        'gateway.auth.token in openclaw.json is neither a string nor a SecretRef {source, provider, id}.',
      fix: referenceFix(ctx),
    };
  if (token.source === 'env') {
    if (token.id === TOKEN_VAR)
      return { status: 'ok', detail: `openclaw.json refers to ${TOKEN_VAR}, the token in .env.` };
    return {
      status: 'warn',
      detail: `gateway.auth.token refers to the variable ${token.id}, which the container does not receive; the gateway uses ${TOKEN_VAR} from .env instead.`,
      fix: referenceFix(ctx),
    };
  }
  if (token.source === 'file') {
    const file = hostPathOf(ctx, token.id);
    if (!file) {
      return {
        status: 'warn',
        detail: `gateway.auth.token is read from ${token.id}, which is not in the config folder; it could not be compared with .env.`,
      };
    }
    const value = await fs.readFile(file, 'utf8').then(
      (t) => t.trim(),
      () => undefined,
    );
    if (value === undefined)
      return {
        status: 'fail',
        detail: `gateway.auth.token is read from ${file}, which cannot be read.`,
        fix: referenceFix(ctx),
      };
    if (value === envToken)
      return { status: 'ok', detail: `The token file ${file} holds the same token as .env.` };
    return {
      status: 'fail',
      detail: `The token file ${file} (gateway.auth.token) differs from ${where}.`,
      fix: referenceFix(ctx),
    };
  }
  return {
    status: 'warn',
    detail:
      'gateway.auth.token uses SecretRef source "exec", which this gateway does not support; the gateway uses the .env token.',
    fix: referenceFix(ctx),
  };
}

/** The token the running gateway container was started with, when there is one. */
async function runningContainerToken(
  ctx: DiagnosticsContext,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (!ctx.engine) return undefined;
  try {
    const gateway = (await ctx.engine.stackContainers(signal)).find(
      (c) => c.service === GATEWAY_SERVICE && !c.oneOff && c.state === 'running',
    );
    if (!gateway) return undefined;
    const info = await ctx.engine.inspect(gateway.id, signal);
    const env = (info.Config as { Env?: unknown } | undefined)?.Env;
    if (!Array.isArray(env)) return undefined;
    const entry = env.find(
      (e): e is string => typeof e === 'string' && e.startsWith(`${TOKEN_VAR}=`),
    );
    return entry === undefined ? '' : entry.slice(TOKEN_VAR.length + 1);
  } catch {
    return undefined; // engine trouble is the engine check's business
  }
}

export const tokenSyncCheck: DiagnosticCheck = {
  id: 'token-sync',
  title: 'Gateway token',
  async run(ctx, signal) {
    const envFile = envFileOf(ctx);
    if (
      !(await fs.stat(envFile).then(
        () => true,
        () => false,
      ))
    )
      return { status: 'skip', detail: `${envFile} does not exist yet (the setup writes it).` };
    let envToken: string;
    try {
      envToken = (await readEnvFile(envFile)).get(TOKEN_VAR) ?? '';
    } catch (err) {
      return { status: 'fail', detail: errorMessage(err) };
    }
    const verdict = await configVerdict(ctx, envToken, envFile);
    if (verdict.status === 'fail' || envToken === '') return verdict;
    const running = await runningContainerToken(ctx, signal);
    if (running !== undefined && running !== envToken) {
      return {
        status: 'fail',
        detail: `The running gateway was started with a different token than ${TOKEN_VAR} in ${envFile} holds now; clients using the .env token are refused until the container is recreated.`,
        fix: {
          label: 'Recreate the gateway container',
          command: upCommand(ctx),
          action: 'recreate-gateway',
        },
      };
    }
    return verdict;
  },
};

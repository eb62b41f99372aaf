/**
 * `openclaw models auth login --provider openai-codex [--agent id] [--profile-id id]`: the
 * ChatGPT/Codex sign-in, stored as an OAuth profile in
 * `<state>/agents/<agentId>/agent/auth-profiles.json` (mode 0600) for the providers room to read.
 * Talks on stderr; stdout carries only the result (JSON with --json). Never prints a token.
 */
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { authProfilesPath, saveAuthProfile } from '../../agent/providers/auth-profiles.js';
import { loadConfigSnapshot } from '../../config/config-store.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { createOutput, parseCommandArgs } from '../args.js';
import { loginCodex, type CodexLoginIo, type CodexLoginOptions } from '../codex-login.js';

const USAGE =
  'openclaw models auth login --provider openai-codex [--agent <id>] [--profile-id <provider:name>] [--json]';

const SUPPORTED = ['openai-codex'] as const;

function usageError(message: string): OpenClawError {
  return new OpenClawError(ErrorCode.INVALID_ARGUMENT, `${message}\nUsage: ${USAGE}`, {
    exitCode: 2,
  });
}

/** Lines from a stream, one per `ask`; input that ends fails the pending question. */
export function lineAsker(
  input: Readable,
  write: (text: string) => void,
): CodexLoginIo['ask'] & {
  close(): void;
} {
  const rl = readline.createInterface({ input, terminal: false });
  const lines: string[] = [];
  let waiter: { resolve(line: string): void; reject(err: Error): void } | undefined;
  let closed = false;
  rl.on('line', (line) => {
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w.resolve(line);
    } else lines.push(line);
  });
  rl.on('close', () => {
    closed = true;
    waiter?.reject(
      new OpenClawError(ErrorCode.CANCELLED, 'Input ended before a redirect URL was pasted.'),
    );
    waiter = undefined;
  });
  const ask = (question: string) => {
    write(question);
    const queued = lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (closed) {
      return Promise.reject(
        new OpenClawError(ErrorCode.CANCELLED, 'Input ended before a redirect URL was pasted.'),
      );
    }
    return new Promise<string>((resolve, reject) => {
      waiter = { resolve, reject };
    });
  };
  return Object.assign(ask, { close: () => rl.close() });
}

function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // The link is printed; opening it is a convenience.
  }
}

/** Run the sign-in and store it as an OAuth profile (0600); returns where it went. */
export async function signInAndStore(
  paths: Pick<StatePaths, 'agentsDir'>,
  agentId: string,
  profileId: string,
  options: CodexLoginOptions,
) {
  const result = await loginCodex(options);
  const { credential } = result;
  await saveAuthProfile(paths, agentId, profileId, {
    type: 'oauth',
    provider: 'openai-codex',
    access: credential.access,
    refresh: credential.refresh,
    expires: credential.expires,
    accountId: credential.accountId,
  });
  return { result, file: authProfilesPath(paths, agentId) };
}

export async function modelsAuth(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'login') {
    throw usageError(
      sub === undefined
        ? 'models auth needs a command'
        : `unknown models auth command "${sub}" (this CLI has: login)`,
    );
  }
  const { values, positionals } = parseCommandArgs(
    rest,
    {
      provider: { type: 'string' },
      agent: { type: 'string' },
      'profile-id': { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
  );
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`);
  const provider = values.provider?.trim();
  if (!provider) throw usageError('--provider is required (openai-codex)');
  if (!(SUPPORTED as readonly string[]).includes(provider)) {
    throw usageError(
      `sign-in for "${provider}" is not available here; for API keys use openclaw onboard --non-interactive --accept-risk --auth-choice ${provider}-api-key`,
    );
  }
  const agentId = values.agent?.trim() || 'main';
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(agentId))
    throw usageError(`--agent "${agentId}" is not a valid agent id`);
  const profileId = values['profile-id']?.trim() || `${provider}:default`;
  if (!profileId.startsWith(`${provider}:`))
    throw usageError(`--profile-id must start with "${provider}:" (e.g. ${provider}:work)`);

  const out = createOutput(values.json === true);
  const stderr = (text: string) => process.stderr.write(text);
  const ask = lineAsker(process.stdin, stderr);
  let stored;
  try {
    stored = await signInAndStore(paths, agentId, profileId, {
      env,
      io: { print: (line) => stderr(`${line}\n`), ask, openBrowser },
    });
  } finally {
    ask.close();
  }
  const { result, file } = stored;
  const { credential } = result;
  const nextStep = await nextStepFor(provider, env, paths);
  out.result(
    {
      ok: true,
      provider,
      agentId,
      profileId,
      via: result.via,
      expires: new Date(credential.expires).toISOString(),
      file,
    },
    () =>
      [
        `Signed in to ChatGPT (OpenAI Codex); saved as ${profileId} for agent ${agentId}.`,
        `  credentials: ${file} (mode 0600)`,
        nextStep,
      ].join('\n'),
  );
  return 0;
}

/** What to do with the sign-in, as far as this gateway's model catalog knows the provider. */
async function nextStepFor(provider: string, env: Env, paths: StatePaths): Promise<string> {
  try {
    const snapshot = await loadConfigSnapshot(paths, env);
    const { ModelCatalog } = await import('../../agent/providers/model-catalog.js');
    const catalog = ModelCatalog.fromConfig(snapshot.config.models);
    if (catalog.hasProvider(provider)) {
      const [first] = catalog.sampleIds(provider, 1);
      return `Next: openclaw models set ${provider}/${first ?? '<model>'} (openclaw models list --provider ${provider} shows them all)`;
    }
  } catch {
    // The hint is a convenience; the sign-in is saved either way.
  }
  return `Note: this gateway's model catalog has no ${provider} models yet; the sign-in is kept for when it does.`;
}

/**
 * Which gateway token setup uses. Re-running setup must never change the token behind the user's
 * back (upstream once generated a fresh one per run, so clients and config stopped matching), so
 * an existing one is reused: the environment first (an explicit choice), then the literal token in
 * `openclaw.json`, then the one in the stack's `.env`, and only then a new random one.
 */
import { randomBytes } from 'node:crypto';
import { loadConfigSnapshot } from '../../gateway/config/config-store.js';
import { ErrorCode, OpenClawError } from '../../gateway/infra/errors.js';
import { readEnvFile } from './env-file.js';
import { checkTokenCharacters } from './inputs.js';

export type SetupTokenSource = 'env' | 'config' | 'env-file' | 'generated';

export interface ResolveSetupTokenOptions {
  /** Usually process.env; only OPENCLAW_GATEWAY_TOKEN is read. */
  env: Readonly<Record<string, string | undefined>>;
  /** Host path of openclaw.json (`<config dir>/openclaw.json`). */
  configPath: string;
  /** The stack's `.env`. */
  envFilePath: string;
}

export interface SetupToken {
  token: string;
  source: SetupTokenSource;
}

function nonEmpty(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * `gateway.auth.token` as written in the file. A `${VAR}` reference or a non-string (a secret
 * reference object) is not a token setup can copy into `.env`, so it is skipped; an unparsable file
 * is skipped too (setup must still be able to repair the stack).
 */
async function tokenFromConfig(configPath: string): Promise<string | undefined> {
  const snapshot = await loadConfigSnapshot({ configPath }, {});
  const parsed = snapshot.parsed;
  if (!parsed || typeof parsed !== 'object') return undefined;
  const gateway = (parsed as { gateway?: unknown }).gateway;
  if (!gateway || typeof gateway !== 'object') return undefined;
  const auth = (gateway as { auth?: unknown }).auth;
  if (!auth || typeof auth !== 'object') return undefined;
  const token = nonEmpty((auth as { token?: unknown }).token);
  if (token === undefined || token.includes('${')) return undefined;
  return token;
}

export function generateToken(): string {
  return randomBytes(32).toString('hex');
}

export async function resolveSetupToken(options: ResolveSetupTokenOptions): Promise<SetupToken> {
  const candidates: Array<[SetupTokenSource, () => Promise<string | undefined>]> = [
    ['env', async () => nonEmpty(options.env.OPENCLAW_GATEWAY_TOKEN)],
    ['config', () => tokenFromConfig(options.configPath)],
    [
      'env-file',
      async () => nonEmpty((await readEnvFile(options.envFilePath)).get('OPENCLAW_GATEWAY_TOKEN')),
    ],
  ];
  for (const [source, read] of candidates) {
    const token = await read();
    if (token === undefined) continue;
    const problem = checkTokenCharacters(token);
    if (problem) {
      // Falling through to a new token would split config and clients apart: stop and say why.
      const where =
        source === 'env'
          ? 'OPENCLAW_GATEWAY_TOKEN'
          : source === 'config'
            ? `gateway.auth.token in ${options.configPath}`
            : options.envFilePath;
      throw new OpenClawError(
        ErrorCode.STACK_INPUT_INVALID,
        `The gateway token from ${where} ${problem}. Set a new token there (or in OPENCLAW_GATEWAY_TOKEN) and run setup again.`,
        { details: { source } },
      );
    }
    return { token, source };
  }
  return { token: generateToken(), source: 'generated' };
}

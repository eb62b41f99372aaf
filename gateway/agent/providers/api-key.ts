/**
 * Which API key a provider call uses, in this order: `models.providers.<id>.apiKey` (a literal,
 * `${VAR}` already substituted at config load, or a SecretRef), the agent's auth profile, then the
 * provider's environment variable. A missing key is an error that names every place it could
 * have come from; the key itself never appears in a message.
 */
import { resolveSecretInputDetailed } from '../../config/env-subst.js';
import type { ModelProviderConfig } from '../../config/config-types.js';
import type { Env } from '../../config/paths.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { profileKeyFor, type AuthProfilesFile } from './auth-profiles.js';
import { envApiKey, providerEnvKeys } from './provider-env.js';
import { isLoginProvider, signInNeededHint } from './sign-in-hint.js';

export interface ResolvedApiKey {
  key: string;
  /** Where it came from, safe to show: `models.providers.x.apiKey`, `env OPENAI_API_KEY`, `auth profile openai:default`. */
  source: string;
  /**
   * Set when the key is an OAuth login's access token that has expired or is about to: the
   * profile to renew (oauth-refresh.ts) before the key is used.
   */
  refreshProfile?: string;
  /** The auth profile the key came from, if it did. */
  profileId?: string;
}

export interface ApiKeyInputs {
  provider: string;
  providerConfig: ModelProviderConfig | undefined;
  env: Env;
  profiles: AuthProfilesFile;
  /** The auth-profiles.json path, for the message when nothing is found. */
  profilesFile: string;
  /** Whose profiles these are, for the sign-in command in messages; default `main`. */
  agentId?: string;
}

export function resolveApiKey(inputs: ApiKeyInputs): ResolvedApiKey {
  const { provider, providerConfig, env, profiles } = inputs;
  const configPath = `models.providers.${provider}.apiKey`;
  if (providerConfig?.apiKey !== undefined) {
    const resolved = resolveSecretInputDetailed(providerConfig.apiKey, env, configPath);
    if (resolved.value) return { key: resolved.value, source: configPath };
    if (resolved.issue) {
      throw new OpenClawError(
        ErrorCode.PROVIDER_KEY_MISSING,
        `No API key for provider "${provider}": ${resolved.issue.message} (${configPath}). Set it, or remove ${configPath} to use the auth profile or ${providerEnvKeys(provider).join(' / ')}.`,
        { details: { provider, path: configPath } },
      );
    }
  }
  const stored = profileKeyFor(profiles, provider);
  if (stored) {
    return {
      key: stored.key,
      source: `auth profile ${stored.profileId}`,
      profileId: stored.profileId,
      ...(stored.needsRefresh ? { refreshProfile: stored.profileId } : {}),
    };
  }
  const fromEnv = envApiKey(provider, env);
  if (fromEnv) return { key: fromEnv.value, source: `env ${fromEnv.name}` };
  if (isLoginProvider(provider)) {
    throw new OpenClawError(
      ErrorCode.PROVIDER_KEY_MISSING,
      `${signInNeededHint(provider, inputs.agentId)}. The sign-in is stored in ${inputs.profilesFile}.`,
      { details: { provider, path: inputs.profilesFile } },
    );
  }
  const vars = providerEnvKeys(provider);
  throw new OpenClawError(
    ErrorCode.PROVIDER_KEY_MISSING,
    `No API key for provider "${provider}". Set ${vars.join(' or ')} in the gateway's environment, or ${configPath} in openclaw.json (a SecretRef or "\${VAR}" keeps it out of the file), or add a "${provider}:default" profile to ${inputs.profilesFile}.`,
    { details: { provider, envVars: [...vars], path: configPath } },
  );
}

/**
 * Renewing an OAuth login (the ChatGPT/Codex sign-in) whose access token has expired or is about
 * to: pi-ai's refresh for that provider, then the new tokens written back to auth-profiles.json
 * (atomically, 0600, under the file's cross-process lock). One refresh at a time per profile: in
 * this process concurrent runs share one promise, and across processes the lock plus a re-read of
 * the file means a second process finds the renewed token instead of spending the refresh token
 * again (OpenAI's refresh tokens are single use). No token ever reaches a message or the log.
 */
import type { StatePaths } from '../../config/paths.js';
import { isPlainObject } from '../../config/json-value.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import {
  authProfilesPath,
  OAUTH_REFRESH_MARGIN_MS,
  updateAuthProfile,
  type AuthProfileCredential,
} from './auth-profiles.js';
import { signInAgainHint } from './sign-in-hint.js';

export interface OAuthRefreshTarget {
  paths: Pick<StatePaths, 'agentsDir'>;
  agentId: string;
  profileId: string;
  provider: string;
  /** Hears the renewal and its failure (profile id and outcome only, never a token). */
  log?: Logger;
  /**
   * The provider refused this access token before its expiry (revoked): renew even though it
   * looks live, unless the file already holds a different one (someone renewed it meanwhile).
   */
  refused?: string;
}

/** pi-ai's refresh call has no timeout of its own; past this we give up and say so. */
const REFRESH_TIMEOUT_MS = 30_000;

const inFlight = new Map<string, Promise<string>>();

/**
 * The renewed access token of this profile. Callers running at the same moment get the same
 * promise, so the sign-in service sees one refresh request.
 */
export function refreshOAuthProfile(target: OAuthRefreshTarget): Promise<string> {
  const key = `${authProfilesPath(target.paths, target.agentId)}\0${target.profileId}`;
  const pending = inFlight.get(key);
  if (pending) return pending;
  const fields = {
    provider: target.provider,
    profileId: target.profileId,
    agentId: target.agentId,
  };
  const started = refreshLocked(target)
    .then(
      (outcome) => {
        if (outcome.renewed) target.log?.info('oauth sign-in renewed', fields);
        return outcome.access;
      },
      (err: unknown) => {
        const failure = err instanceof OpenClawError ? err : undefined;
        target.log?.warn('oauth sign-in renewal failed', {
          ...fields,
          code: failure?.code ?? ErrorCode.INTERNAL,
          error: failure?.message ?? 'unexpected failure',
        });
        throw err;
      },
    )
    .finally(() => inFlight.delete(key));
  inFlight.set(key, started);
  return started;
}

async function refreshLocked(
  target: OAuthRefreshTarget,
): Promise<{ access: string; renewed: boolean }> {
  let access: string | undefined;
  let renewed = false;
  await updateAuthProfile(
    target.paths,
    target.agentId,
    target.profileId,
    async (current) => {
      const stored = usableOAuth(current, target.provider);
      if (!stored)
        throw signedOut(target, 'The stored sign-in {profile} is gone or has no refresh token');
      const live = stored.expires - OAUTH_REFRESH_MARGIN_MS > Date.now();
      if (target.refused !== undefined ? stored.access !== target.refused : live) {
        // Another process renewed it while we waited for the lock.
        access = stored.access;
        return undefined;
      }
      const fresh = await callProviderRefresh(target, stored);
      access = fresh.access;
      renewed = true;
      // Keep whatever else the login stored next to the tokens (accountId, email, ...).
      return { ...current, ...fresh, type: 'oauth', provider: target.provider };
    },
    { timeoutMs: REFRESH_TIMEOUT_MS + 15_000, staleMs: REFRESH_TIMEOUT_MS + 30_000 },
  );
  if (access === undefined) throw signedOut(target, 'Renewing {profile} returned no token');
  return { access, renewed };
}

interface StoredOAuth {
  access: string;
  refresh: string;
  expires: number;
  [key: string]: unknown;
}

function usableOAuth(
  current: Record<string, unknown> | undefined,
  provider: string,
): StoredOAuth | undefined {
  if (!isPlainObject(current) || current.type !== 'oauth') return undefined;
  if (current.provider !== undefined && current.provider !== provider) return undefined;
  const { access, refresh, expires } = current;
  if (typeof access !== 'string' || typeof refresh !== 'string' || refresh.trim() === '')
    return undefined;
  return { ...current, access, refresh, expires: typeof expires === 'number' ? expires : 0 };
}

type RenewedCredential = Extract<AuthProfileCredential, { type: 'oauth' }> &
  Record<string, unknown> & { expires: number };

async function callProviderRefresh(
  target: OAuthRefreshTarget,
  stored: StoredOAuth,
): Promise<RenewedCredential> {
  const { getOAuthProvider } = await import('@mariozechner/pi-ai/oauth');
  const provider = getOAuthProvider(target.provider);
  if (!provider) {
    throw new OpenClawError(
      ErrorCode.PROVIDER_KEY_MISSING,
      `The sign-in stored as ${target.profileId} cannot be renewed: ${target.provider} has no OAuth login here. Use an API key for it instead.`,
      { details: { provider: target.provider, profileId: target.profileId } },
    );
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RefreshTimeout()), REFRESH_TIMEOUT_MS);
  });
  try {
    const renewed = await Promise.race([provider.refreshToken({ ...stored }), timeout]);
    if (typeof renewed.access !== 'string' || typeof renewed.expires !== 'number')
      throw new Error('refresh answer without access token');
    return { ...renewed, type: 'oauth', provider: target.provider } as RenewedCredential;
  } catch (err) {
    throw refreshFailure(target, err);
  } finally {
    clearTimeout(timer);
  }
}

class RefreshTimeout extends Error {}

/**
 * pi-ai's refresh errors carry the sign-in service's response body, which can echo tokens: only
 * the HTTP status is taken from them, never the text.
 */
function refreshFailure(target: OAuthRefreshTarget, err: unknown): OpenClawError {
  const text = err instanceof Error ? err.message : '';
  const status = /refresh failed \((\d{3})\)/.exec(text)?.[1];
  if (err instanceof RefreshTimeout || (!status && /refresh error:/i.test(text))) {
    return new OpenClawError(
      ErrorCode.PROVIDER_UNREACHABLE,
      `The ChatGPT sign-in (${target.profileId}) needs renewing, but OpenAI's sign-in service ${err instanceof RefreshTimeout ? `did not answer within ${REFRESH_TIMEOUT_MS / 1000} s` : 'could not be reached'}. Check the gateway's network connection and try again.`,
      { details: { provider: target.provider, profileId: target.profileId } },
    );
  }
  return signedOut(
    target,
    status
      ? `OpenAI's sign-in service refused to renew {profile} (HTTP ${status})`
      : 'Renewing {profile} failed',
  );
}

function signedOut(target: OAuthRefreshTarget, why: string): OpenClawError {
  return new OpenClawError(
    ErrorCode.PROVIDER_AUTH_FAILED,
    `${signInAgainHint(target.provider, target.agentId)}. ${why.replace('{profile}', target.profileId)}.`,
    { details: { provider: target.provider, profileId: target.profileId } },
  );
}

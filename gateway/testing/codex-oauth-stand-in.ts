/**
 * (Test-only) A local stand-in for OpenAI's OAuth token endpoint (`POST /oauth/token`) as the
 * ChatGPT/Codex sign-in uses it: form-encoded `authorization_code` grants checked like the real
 * one does (client id, the exact redirect URI, a single-use code, and PKCE: the verifier must hash
 * to the challenge the authorize step saw). Answers with an access token that is a JWT carrying
 * the ChatGPT account claim, a refresh token and `expires_in`; refusals use OAuth's
 * `{error, error_description}` body. The test plays the browser: it reads the authorize URL,
 * calls `authorize()` with its challenge, and gets the code OpenAI would redirect with.
 * `refresh_token` grants renew a login as OpenAI's do: the refresh token is single use (a new one
 * comes with every answer), an unknown or spent one is refused with 401 `invalid_grant`.
 * `mint()` hands out a login directly (what a past sign-in left in auth-profiles.json), and
 * `accountOf()` is how the Codex backend stand-in checks an access token: issued here, not expired.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type CodexTokenMode = 'ok' | 'missing-refresh' | 'no-account' | 'refuse-refresh';

export interface MintedLogin {
  access: string;
  refresh: string;
  /** Epoch ms, as auth-profiles.json stores it. */
  expires: number;
  accountId: string;
}

export interface CodexOAuthStandIn {
  /** Replaces `https://auth.openai.com/oauth/token`. */
  readonly tokenUrl: string;
  /** What the authorize page does after the user approves: a code bound to the challenge. */
  authorize(challenge: string): string;
  mode: CodexTokenMode;
  /** Token answers handed out (to check that none of them is ever printed). */
  readonly issued: string[];
  readonly requests: Array<Record<string, string>>;
  /** `refresh_token` grants received (answered or refused). */
  readonly refreshRequests: number;
  /** Hold each refresh answer this long (lets concurrent callers overlap). */
  refreshDelayMs: number;
  /** A login as if signed in earlier; `expiresInMs` may be negative (already expired). */
  mint(expiresInMs: number): MintedLogin;
  /** The ChatGPT account of a live access token issued here, else undefined. */
  accountOf(access: string): string | undefined;
  close(): Promise<void>;
}

export const STAND_IN_ACCOUNT = 'acct-stand-in';

export const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
export const CODEX_REDIRECT_URI = 'http://localhost:1455/auth/callback';

function base64url(buf: Buffer): string {
  return buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function jwt(claims: Record<string, unknown>): string {
  // The client decodes the payload with atob: plain base64 without padding is what it accepts.
  const part = (value: unknown) =>
    Buffer.from(JSON.stringify(value)).toString('base64').replace(/=+$/, '');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${base64url(randomBytes(32))}`;
}

export async function startCodexOAuthStandIn(): Promise<CodexOAuthStandIn> {
  const codes = new Map<string, string>();
  const issued: string[] = [];
  const requests: Array<Record<string, string>> = [];
  const state = { mode: 'ok' as CodexTokenMode, refreshRequests: 0, refreshDelayMs: 0 };
  /** Live access tokens → account and expiry (epoch ms); live refresh tokens → account. */
  const accessTokens = new Map<string, { accountId: string; expires: number }>();
  const refreshTokens = new Map<string, string>();

  const issue = (accountId: string, expiresInMs: number): MintedLogin => {
    const expires = Date.now() + expiresInMs;
    const access = jwt({
      sub: 'user-1',
      exp: Math.floor(expires / 1000),
      'https://api.openai.com/auth': { chatgpt_account_id: accountId },
    });
    const refresh = `rt_${base64url(randomBytes(24))}`;
    accessTokens.set(access, { accountId, expires });
    refreshTokens.set(refresh, accountId);
    issued.push(access, refresh);
    return { access, refresh, expires, accountId };
  };

  const renew = (res: http.ServerResponse, form: Record<string, string>) => {
    state.refreshRequests += 1;
    if (form.client_id !== CODEX_CLIENT_ID) {
      refuse(res, 401, 'invalid_client', 'Unknown client.');
      return;
    }
    const accountId = form.refresh_token ? refreshTokens.get(form.refresh_token) : undefined;
    if (state.mode === 'refuse-refresh' || accountId === undefined) {
      refuse(res, 401, 'invalid_grant', 'The refresh token is invalid, expired or already used.');
      return;
    }
    refreshTokens.delete(form.refresh_token!); // single use: the answer carries its successor
    const login = issue(accountId, 864_000_000);
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: login.access,
          id_token: jwt({ sub: 'user-1' }),
          refresh_token: login.refresh,
          token_type: 'Bearer',
          expires_in: 864000,
        }),
      );
    }, state.refreshDelayMs);
  };

  const refuse = (res: http.ServerResponse, status: number, error: string, description: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error, error_description: description }));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/oauth/token') {
        refuse(res, 404, 'not_found', 'No such route.');
        return;
      }
      if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
        refuse(res, 400, 'invalid_request', 'Expected a form-encoded body.');
        return;
      }
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      requests.push(form);
      if (form.grant_type === 'refresh_token') {
        renew(res, form);
        return;
      }
      if (form.grant_type !== 'authorization_code') {
        refuse(res, 400, 'unsupported_grant_type', 'Only authorization_code and refresh_token.');
        return;
      }
      if (form.client_id !== CODEX_CLIENT_ID) {
        refuse(res, 401, 'invalid_client', 'Unknown client.');
        return;
      }
      if (form.redirect_uri !== CODEX_REDIRECT_URI) {
        refuse(res, 400, 'invalid_grant', 'redirect_uri does not match the authorization request.');
        return;
      }
      const challenge = form.code ? codes.get(form.code) : undefined;
      if (!challenge) {
        refuse(res, 400, 'invalid_grant', 'Invalid or expired authorization code.');
        return;
      }
      codes.delete(form.code!); // single use
      const computed = base64url(
        createHash('sha256')
          .update(form.code_verifier ?? '')
          .digest(),
      );
      if (computed !== challenge) {
        refuse(res, 400, 'invalid_grant', 'PKCE verification failed.');
        return;
      }
      const claims =
        state.mode === 'no-account'
          ? { sub: 'user-1' }
          : {
              sub: 'user-1',
              'https://api.openai.com/auth': { chatgpt_account_id: STAND_IN_ACCOUNT },
            };
      const access = jwt({ ...claims, exp: Math.floor(Date.now() / 1000) + 864000 });
      const refresh = `rt_${base64url(randomBytes(24))}`;
      issued.push(access, refresh);
      if (state.mode !== 'no-account') {
        accessTokens.set(access, {
          accountId: STAND_IN_ACCOUNT,
          expires: Date.now() + 864_000_000,
        });
        refreshTokens.set(refresh, STAND_IN_ACCOUNT);
      }
      const body: Record<string, unknown> = {
        access_token: access,
        id_token: jwt({ sub: 'user-1' }),
        token_type: 'Bearer',
        expires_in: 864000,
      };
      if (state.mode !== 'missing-refresh') body.refresh_token = refresh;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    tokenUrl: `http://127.0.0.1:${port}/oauth/token`,
    authorize(challenge) {
      const code = `ac_${base64url(randomBytes(18))}`;
      codes.set(code, challenge);
      return code;
    },
    get mode() {
      return state.mode;
    },
    set mode(value) {
      state.mode = value;
    },
    issued,
    requests,
    get refreshRequests() {
      return state.refreshRequests;
    },
    get refreshDelayMs() {
      return state.refreshDelayMs;
    },
    set refreshDelayMs(value) {
      state.refreshDelayMs = value;
    },
    mint: (expiresInMs) => issue(STAND_IN_ACCOUNT, expiresInMs),
    accountOf(access) {
      const live = accessTokens.get(access);
      return live && live.expires > Date.now() ? live.accountId : undefined;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * ChatGPT/Codex sign-in for the CLI on top of pi-ai's `loginOpenAICodex` (PKCE, the callback
 * server on 127.0.0.1:1455 `/auth/callback`, and a race with text the user pastes). What is ours:
 * deciding when the browser callback cannot work (port 1455 taken, an SSH session, no display,
 * inside a container) so the paste prompt is the way from the start; checking the pasted redirect
 * URL against this attempt's `state` before anything is sent; and turning the library's errors
 * into words without token material (its "missing fields" error prints the whole token answer).
 */
import { existsSync } from 'node:fs';
import net from 'node:net';
import type { Env } from '../config/paths.js';
import { ErrorCode, OpenClawError } from '../infra/errors.js';

export const CODEX_CALLBACK_PORT = 1455;
const CALLBACK_PATH = '/auth/callback';
const MAX_PASTE_ATTEMPTS = 3;

export interface CodexCredential {
  access: string;
  refresh: string;
  expires: number;
  accountId: string;
}

/** Why the browser's redirect to localhost:1455 will not reach this process, if it will not. */
export function remoteHostReason(
  env: Env,
  platform: NodeJS.Platform = process.platform,
  fileExists: (p: string) => boolean = existsSync,
): string | undefined {
  if (env.SSH_CONNECTION || env.SSH_CLIENT || env.SSH_TTY) return 'this is an SSH session';
  if (fileExists('/.dockerenv') || env.container) return 'this runs inside a container';
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return 'there is no display';
  return undefined;
}

/** True when nothing listens on host:port (we can bind it ourselves, briefly). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

function pasteError(message: string): OpenClawError {
  return new OpenClawError(ErrorCode.INVALID_ARGUMENT, message);
}

/**
 * Check what the user pasted: the whole address the browser ended on,
 * `http://localhost:1455/auth/callback?code=…&state=…` (the query alone is accepted too). The
 * state must be this attempt's: a redirect from an older attempt would fail at OpenAI with a less
 * helpful error, or worse, finish someone else's sign-in. Returns the URL pi-ai expects.
 */
export function parseRedirectInput(input: string, expectedState: string): string {
  const value = input.trim();
  if (!value) throw pasteError('Nothing was pasted.');
  let params: URLSearchParams;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url) {
    if (url.pathname !== CALLBACK_PATH) {
      throw pasteError(
        `That address is not the sign-in redirect (its path is ${url.pathname}, expected ${CALLBACK_PATH}). Paste the address the browser shows after you approve, starting with http://localhost:${CODEX_CALLBACK_PORT}${CALLBACK_PATH}?code=`,
      );
    }
    params = url.searchParams;
  } else if (/(^|[?&])(code|state|error)=/.test(value)) {
    params = new URLSearchParams(value.startsWith('?') ? value.slice(1) : value);
  } else {
    throw pasteError(
      `That is not the redirect address. Paste the whole address from the browser's address bar (it starts with http://localhost:${CODEX_CALLBACK_PORT}${CALLBACK_PATH}?code=), not only the code.`,
    );
  }
  const error = params.get('error');
  if (error) {
    const description = params.get('error_description');
    throw pasteError(
      `OpenAI did not sign you in (${error}${description ? `: ${description}` : ''}). Start again and approve the sign-in.`,
    );
  }
  const code = params.get('code');
  if (!code) throw pasteError('The pasted address has no code= part; copy the whole address.');
  const state = params.get('state');
  if (!state) throw pasteError('The pasted address has no state= part; copy the whole address.');
  if (state !== expectedState) {
    throw pasteError(
      'The pasted address belongs to a different sign-in attempt (its state does not match). Open the link printed above, approve, and paste the address you land on.',
    );
  }
  const normalized = new URL(`http://localhost:${CODEX_CALLBACK_PORT}${CALLBACK_PATH}`);
  normalized.searchParams.set('code', code);
  normalized.searchParams.set('state', state);
  return normalized.toString();
}

/** The library's failure in our words; never echoes a token answer. */
export function describeLoginError(err: unknown): OpenClawError {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof OpenClawError) return err;
  const exchange = /token exchange failed \((\d+)\): ([\s\S]*)$/.exec(message);
  if (exchange) {
    const status = exchange[1];
    let reason: string;
    try {
      const body = JSON.parse(exchange[2]!) as Record<string, unknown>;
      const detail = body.error_description ?? body.error;
      const nested = (body.error as { message?: unknown } | undefined)?.message;
      reason = String(typeof nested === 'string' ? nested : (detail ?? ''));
    } catch {
      reason = '';
    }
    return new OpenClawError(
      ErrorCode.PROVIDER_AUTH_FAILED,
      `OpenAI refused the sign-in code (HTTP ${status}${reason ? `: ${reason.slice(0, 200)}` : ''}). Codes are single-use and expire after a few minutes: run the login again.`,
    );
  }
  if (/missing fields/.test(message)) {
    return new OpenClawError(
      ErrorCode.PROVIDER_AUTH_FAILED,
      "OpenAI's token answer was incomplete (no refresh token or expiry). Run the login again.",
    );
  }
  if (/accountId/.test(message)) {
    return new OpenClawError(
      ErrorCode.PROVIDER_AUTH_FAILED,
      'The sign-in worked but the token names no ChatGPT account. Sign in with a ChatGPT Plus/Pro/Team account.',
    );
  }
  if (/State mismatch/i.test(message)) {
    return pasteError(
      'The redirect belongs to a different sign-in attempt (state mismatch). Run the login again.',
    );
  }
  if (/fetch failed|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN/i.test(message)) {
    return new OpenClawError(
      ErrorCode.PROVIDER_UNREACHABLE,
      'Could not reach auth.openai.com to finish the sign-in. Check the network (or proxy) and run the login again.',
    );
  }
  return new OpenClawError(
    ErrorCode.PROVIDER_AUTH_FAILED,
    `Sign-in failed: ${message.slice(0, 200)}`,
  );
}

type LoginFn = (typeof import('@mariozechner/pi-ai/oauth'))['loginOpenAICodex'];

/**
 * pi-ai loads node:crypto and node:http with `import().then()` when its module is evaluated, so
 * right after our `import()` they may not be there yet ("only available in Node.js"). That check
 * fails before anything happens (no server, no link printed), so waiting and trying again is safe.
 */
async function loadLogin(): Promise<LoginFn> {
  const { loginOpenAICodex } = await import('@mariozechner/pi-ai/oauth');
  return async (options) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await loginOpenAICodex(options);
      } catch (err) {
        if (attempt >= 20 || !/only available in Node\.js/.test((err as Error).message)) throw err;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  };
}

export interface CodexLoginIo {
  /** One line for the user (stderr in the CLI). */
  print(line: string): void;
  /** Ask for one line of input. */
  ask(question: string): Promise<string>;
  /** Try to open the URL in a browser; best effort. */
  openBrowser?(url: string): void;
}

export interface CodexLoginOptions {
  io: CodexLoginIo;
  env: Env;
  /**
   * Why the callback cannot work here (see remoteHostReason); null: it can. Detected when left
   * out.
   */
  remoteReason?: string | null;
  /** Test seam for the busy-port switch; default: probe 127.0.0.1:1455. */
  portFree?: () => Promise<boolean>;
}

export interface CodexLoginResult {
  credential: CodexCredential;
  /** How the code arrived. */
  via: 'callback' | 'paste';
}

export async function loginCodex(options: CodexLoginOptions): Promise<CodexLoginResult> {
  const { io } = options;
  const remote =
    options.remoteReason === undefined ? remoteHostReason(options.env) : options.remoteReason;
  const portFree = await (options.portFree ?? (() => isPortFree(CODEX_CALLBACK_PORT)))();
  const pasteOnly = remote
    ? `${remote}, so the browser cannot return here`
    : portFree
      ? undefined
      : `port ${CODEX_CALLBACK_PORT} is in use by another program, so the browser cannot return here`;
  const loginOpenAICodex = await loadLogin();
  let expectedState = '';
  let via: CodexLoginResult['via'] = 'callback';
  try {
    const credential = await loginOpenAICodex({
      originator: 'openclaw',
      onAuth: ({ url }) => {
        expectedState = new URL(url).searchParams.get('state') ?? '';
        io.print('Sign in to ChatGPT (OpenAI Codex) by opening this link:');
        io.print('');
        io.print(`  ${url}`);
        io.print('');
        if (pasteOnly) {
          io.print(`Note: ${pasteOnly}.`);
          io.print(
            `After approving, the browser lands on a page that does not load (http://localhost:${CODEX_CALLBACK_PORT}/auth/callback?code=…). Copy that whole address and paste it below.`,
          );
        } else {
          io.print(
            'Waiting for the browser to return here. If it shows an error page instead, copy its whole address and paste it below.',
          );
          io.openBrowser?.(url);
        }
      },
      onManualCodeInput: async () => {
        for (let attempt = 1; ; attempt += 1) {
          const answer = await io.ask('Redirect URL: ');
          try {
            const normalized = parseRedirectInput(answer, expectedState);
            via = 'paste';
            return normalized;
          } catch (err) {
            if (attempt >= MAX_PASTE_ATTEMPTS) throw err;
            io.print(`${(err as Error).message}`);
          }
        }
      },
      // Only reached when neither the callback nor the paste gave a code.
      onPrompt: async () => {
        throw pasteError('No sign-in code arrived. Run the login again.');
      },
    });
    const accountId = typeof credential.accountId === 'string' ? credential.accountId : '';
    return {
      credential: {
        access: credential.access,
        refresh: credential.refresh,
        expires: credential.expires,
        accountId,
      },
      via,
    };
  } catch (err) {
    throw describeLoginError(err);
  }
}

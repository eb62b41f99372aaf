/**
 * The ChatGPT/Codex sign-in through pi-ai's real `loginOpenAICodex`, with its token request sent
 * to a local stand-in of OpenAI's token endpoint (which checks client id, redirect URI, single-use
 * code and PKCE). The test plays the browser: it reads the printed authorize URL, "approves" by
 * getting a code bound to its challenge, then pastes the redirect URL or calls the callback.
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { profileKeyFor, readAuthProfiles } from '../agent/providers/auth-profiles.js';
import { startCodexOAuthStandIn, type CodexOAuthStandIn } from '../testing/codex-oauth-stand-in.js';
import { freePort } from '../testing/free-port.js';
import {
  CODEX_CALLBACK_PORT,
  isPortFree,
  loginCodex,
  parseRedirectInput,
  remoteHostReason,
  type CodexLoginIo,
} from './codex-login.js';
import { lineAsker, signInAndStore } from './commands/models-auth.js';

const OPENAI_TOKEN_URL = 'https://auth.openai.com/oauth/token';

let standIn: CodexOAuthStandIn;
const realFetch = globalThis.fetch;

beforeAll(async () => {
  standIn = await startCodexOAuthStandIn();
  // pi-ai has no token-URL option: send exactly its token request to the stand-in, nothing else.
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url === OPENAI_TOKEN_URL) return realFetch(standIn.tokenUrl, init);
    return realFetch(input, init);
  }) as typeof fetch;
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await standIn?.close();
});

afterEach(() => {
  standIn.mode = 'ok';
});

/** A user at the terminal: answers each prompt with the next scripted answer. */
function terminal(answers: Array<(authUrl: URL) => string>) {
  const printed: string[] = [];
  let authUrl: URL | undefined;
  const io: CodexLoginIo = {
    print: (line) => {
      printed.push(line);
      const match = /^\s+(https:\/\/auth\.openai\.com\/\S+)$/.exec(line);
      if (match) authUrl = new URL(match[1]!);
    },
    ask: async () => {
      const next = answers.shift();
      if (!next || !authUrl) throw new Error('no more answers');
      return next(authUrl);
    },
  };
  return { io, printed, authUrl: () => authUrl };
}

/** What the browser lands on after approving this attempt. */
function approve(authUrl: URL, state = authUrl.searchParams.get('state')!): string {
  const code = standIn.authorize(authUrl.searchParams.get('code_challenge')!);
  return `http://localhost:1455/auth/callback?code=${code}&scope=openid&state=${state}`;
}

function noSecretsIn(lines: string[]): void {
  const text = lines.join('\n');
  for (const token of standIn.issued) expect(text).not.toContain(token);
}

describe('parseRedirectInput', () => {
  const state = 'a1b2c3';
  it('accepts the whole redirect URL (or its query) with this attempt’s state', () => {
    const out = parseRedirectInput(
      `  http://localhost:1455/auth/callback?code=ac_1&state=${state}\n`,
      state,
    );
    expect(new URL(out).searchParams.get('code')).toBe('ac_1');
    expect(parseRedirectInput(`?code=ac_2&state=${state}`, state)).toContain('code=ac_2');
  });

  it('refuses what cannot be checked or belongs to another attempt', () => {
    expect(() => parseRedirectInput('', state)).toThrow(/Nothing was pasted/);
    expect(() => parseRedirectInput('ac_only_the_code', state)).toThrow(/whole address/);
    expect(() =>
      parseRedirectInput('http://localhost:1455/auth/callback?code=x&state=other', state),
    ).toThrow(/different sign-in attempt/);
    expect(() => parseRedirectInput('http://localhost:1455/auth/callback?code=x', state)).toThrow(
      /no state=/,
    );
    expect(() => parseRedirectInput(`http://localhost:1455/?code=x&state=${state}`, state)).toThrow(
      /not the sign-in redirect/,
    );
    expect(() =>
      parseRedirectInput(
        `http://localhost:1455/auth/callback?error=access_denied&error_description=User+cancelled&state=${state}`,
        state,
      ),
    ).toThrow(/did not sign you in \(access_denied: User cancelled\)/);
  });
});

describe('remote host and busy port detection', () => {
  it('names SSH, containers and a missing display; a desktop is local', () => {
    const none = () => false;
    expect(remoteHostReason({ SSH_CONNECTION: '1 2 3 4' }, 'darwin', none)).toMatch(/SSH/);
    expect(remoteHostReason({ DISPLAY: ':0' }, 'linux', (p) => p === '/.dockerenv')).toMatch(
      /container/,
    );
    expect(remoteHostReason({}, 'linux', none)).toMatch(/no display/);
    expect(remoteHostReason({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', none)).toBeUndefined();
    expect(remoteHostReason({}, 'darwin', none)).toBeUndefined();
  });

  it('sees a port that something listens on as busy', async () => {
    const port = await freePort();
    expect(await isPortFree(port)).toBe(true);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    expect(await isPortFree(port)).toBe(false);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('loginCodex', () => {
  it('headless: prints the link, takes the pasted redirect, exchanges it with PKCE and stores it 0600', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-codex-'));
    try {
      const user = terminal([(url) => approve(url)]);
      const { result, file } = await signInAndStore(
        { agentsDir: path.join(dir, 'agents') },
        'main',
        'openai-codex:default',
        { env: {}, io: user.io, remoteReason: 'there is no display' },
      );
      expect(result.via).toBe('paste');
      expect(result.credential.accountId).toBe('acct-stand-in');
      const auth = user.authUrl()!;
      expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
      expect(auth.searchParams.get('redirect_uri')).toBe('http://localhost:1455/auth/callback');
      expect(user.printed.join('\n')).toMatch(/there is no display.*cannot return here/);
      noSecretsIn(user.printed);
      // What the providers room reads back, and the file's mode.
      const store = await readAuthProfiles({ agentsDir: path.join(dir, 'agents') }, 'main');
      expect(profileKeyFor(store, 'openai-codex')?.key).toBe(result.credential.access);
      const raw = JSON.parse(await fs.readFile(file, 'utf8')) as {
        profiles: Record<string, Record<string, unknown>>;
      };
      expect(raw.profiles['openai-codex:default']).toMatchObject({
        type: 'oauth',
        provider: 'openai-codex',
        accountId: 'acct-stand-in',
      });
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a busy port 1455 goes straight to the paste prompt', async () => {
    const user = terminal([(url) => approve(url)]);
    const result = await loginCodex({
      env: {},
      io: user.io,
      remoteReason: null,
      portFree: async () => false,
    });
    expect(result.via).toBe('paste');
    expect(user.printed.join('\n')).toMatch(/port 1455 is in use/);
  });

  it('a paste from another attempt is refused and asked again; the right one completes', async () => {
    const user = terminal([(url) => approve(url, 'stale-state'), (url) => approve(url)]);
    const result = await loginCodex({ env: {}, io: user.io, remoteReason: 'test' });
    expect(result.via).toBe('paste');
    expect(user.printed.join('\n')).toMatch(/different sign-in attempt/);
  });

  it('a code OpenAI refuses ends with its reason and no secret', async () => {
    const user = terminal([
      (url) =>
        `http://localhost:1455/auth/callback?code=ac_forged&state=${url.searchParams.get('state')}`,
    ]);
    const err = await loginCodex({ env: {}, io: user.io, remoteReason: 'test' }).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toMatch(
      /OpenAI refused the sign-in code \(HTTP 400: Invalid or expired/,
    );
  });

  it("an incomplete token answer is reported without echoing it (pi-ai's message would)", async () => {
    standIn.mode = 'missing-refresh';
    const user = terminal([(url) => approve(url)]);
    const err = (await loginCodex({ env: {}, io: user.io, remoteReason: 'test' }).catch(
      (e: Error) => e,
    )) as Error;
    expect(err.message).toMatch(/incomplete/);
    for (const token of standIn.issued) expect(err.message).not.toContain(token);
  });

  it('the browser callback on 127.0.0.1:1455 completes the sign-in when the port is free', async (ctx) => {
    if (!(await isPortFree(CODEX_CALLBACK_PORT))) ctx.skip();
    const printed: string[] = [];
    const io: CodexLoginIo = {
      print: (line) => {
        printed.push(line);
        const match = /^\s+(https:\/\/auth\.openai\.com\/\S+)$/.exec(line);
        if (!match) return;
        const redirect = approve(new URL(match[1]!)).replace('localhost', '127.0.0.1');
        // The browser follows the redirect a moment later.
        setTimeout(() => void realFetch(redirect).catch(() => {}), 50);
      },
      ask: () => new Promise<string>(() => {}),
    };
    const result = await loginCodex({ env: {}, io, remoteReason: null });
    expect(result.via).toBe('callback');
    expect(result.credential.accountId).toBe('acct-stand-in');
  });
});

describe('lineAsker (the paste prompt on stdin)', () => {
  it('answers from lines typed before or after the question; input that ends fails the question', async () => {
    const input = new PassThrough();
    const shown: string[] = [];
    const ask = lineAsker(input, (t) => void shown.push(t));
    input.write('early line\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await ask('Redirect URL: ')).toBe('early line');
    const pending = ask('Redirect URL: ');
    input.write('later line\n');
    expect(await pending).toBe('later line');
    const last = ask('Redirect URL: ');
    input.end();
    await expect(last).rejects.toThrow(/Input ended before a redirect URL was pasted/);
    expect(shown).toEqual(['Redirect URL: ', 'Redirect URL: ', 'Redirect URL: ']);
    ask.close();
  });
});

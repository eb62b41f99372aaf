/**
 * The ChatGPT/Codex sign-in used for model calls: pi-ai's real `openai-codex-responses` provider
 * against a stand-in of the Codex backend (`models.providers.openai-codex.baseUrl`), and pi-ai's
 * real token refresh against the OAuth stand-in (its hard-coded token URL, and only that URL,
 * redirected as codex-login.test.ts does). The login is what `openclaw models auth login` stores.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Context } from '@mariozechner/pi-ai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpenClawConfig } from '../../config/config-types.js';
import { OpenClawError } from '../../infra/errors.js';
import {
  startCodexOAuthStandIn,
  type CodexOAuthStandIn,
  type MintedLogin,
} from '../../testing/codex-oauth-stand-in.js';
import { startCodexStandIn, type CodexStandIn } from '../../testing/codex-stand-in.js';
import { authProfilesPath } from './auth-profiles.js';
import type { ChainStreamEvent } from './model-fallback.js';
import { ModelProviders } from './model-providers.js';

process.env.OPENCLAW_TEST_PORT_RANGE ??= '41000-41999';

const OPENAI_TOKEN_URL = 'https://auth.openai.com/oauth/token';
const RELOGIN =
  'The ChatGPT sign-in expired; run `openclaw models auth login --provider openai-codex` again';
const RELOGIN_DOCKER =
  '`docker compose run --rm openclaw-cli models auth login --provider openai-codex`';

let oauth: CodexOAuthStandIn;
let backend: CodexStandIn;
let agentsDir: string;
let config: OpenClawConfig;
const realFetch = globalThis.fetch;

beforeAll(async () => {
  oauth = await startCodexOAuthStandIn();
  backend = await startCodexStandIn({ accountOf: (token) => oauth.accountOf(token) });
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url === OPENAI_TOKEN_URL) return realFetch(oauth.tokenUrl, init);
    return realFetch(input, init);
  }) as typeof fetch;
  config = {
    models: { providers: { 'openai-codex': { baseUrl: backend.baseUrl } } },
    agents: { defaults: { model: 'openai-codex/gpt-5.4' } },
  };
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await backend?.close();
  await oauth?.close();
});

beforeEach(async () => {
  agentsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-codex-'));
  backend.script.clear();
  backend.requests.length = 0;
});

afterEach(async () => {
  oauth.mode = 'ok';
  oauth.refreshDelayMs = 0;
  await fs.rm(agentsDir, { recursive: true, force: true });
});

const file = () => authProfilesPath({ agentsDir }, 'main');

/** What `openclaw models auth login --provider openai-codex` leaves, next to an API key. */
async function storeLogin(login: MintedLogin): Promise<void> {
  await fs.mkdir(path.dirname(file()), { recursive: true });
  const doc = {
    version: 1,
    profiles: {
      'openai-codex:default': { type: 'oauth', provider: 'openai-codex', ...login },
      'openai:default': { type: 'api_key', provider: 'openai', key: 'sk-other-0123456789' },
    },
    lastGood: { openai: 'openai:default' },
  };
  await fs.writeFile(file(), JSON.stringify(doc, null, 2), { mode: 0o600 });
}

function providers(): Promise<ModelProviders> {
  return ModelProviders.create({ config, env: {}, paths: { agentsDir } });
}

const context: Context = {
  systemPrompt: 'You are the stand-in test agent.',
  messages: [{ role: 'user', content: 'list the workspace', timestamp: 1 }],
  tools: [
    {
      name: 'ls',
      description: 'List a directory',
      parameters: {
        type: 'object',
        properties: { path: { type: 'string' } },
        required: ['path'],
      } as never,
    },
  ],
};

async function collect(p: ModelProviders): Promise<ChainStreamEvent[]> {
  const events: ChainStreamEvent[] = [];
  for await (const event of p.stream(context)) events.push(event);
  return events;
}

function final(events: ChainStreamEvent[]) {
  const last = events.at(-1)!;
  if (last.type === 'done') return { message: last.message, failure: undefined };
  if (last.type === 'error') return { message: last.error, failure: last.failure };
  throw new Error(`stream ended with ${last.type}`);
}

function noTokensIn(text: string): void {
  for (const token of oauth.issued) expect(text).not.toContain(token);
}

describe('openai-codex models', () => {
  it('are listed as available with a stored sign-in, and as missing-auth without one', async () => {
    const without = await providers();
    const rows = without.listModels('all').filter((r) => r.provider === 'openai-codex');
    expect(rows.map((r) => r.id)).toContain('gpt-5.4');
    expect(rows.every((r) => !r.available && r.unavailableReason === 'missing-auth')).toBe(true);
    const missing = await without.resolveFresh('openai-codex/gpt-5.4').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenClawError);
    expect((missing as OpenClawError).code).toBe('PROVIDER_KEY_MISSING');
    expect((missing as OpenClawError).message).toContain(
      '`openclaw models auth login --provider openai-codex`',
    );
    expect((missing as OpenClawError).message).toContain(RELOGIN_DOCKER);

    // An expired login still counts: it is renewed on use.
    await storeLogin(oauth.mint(-5_000));
    const listed = (await providers()).listModels('default');
    const codex = listed.find((r) => r.provider === 'openai-codex' && r.id === 'gpt-5.4');
    expect(codex).toMatchObject({ available: true, tags: ['primary'] });
    expect(codex?.unavailableReason).toBeUndefined();
  });
});

describe('a chat run on the ChatGPT sign-in', () => {
  it('streams text and a tool call with the stored token and account, then the answer after the tool', async () => {
    const login = oauth.mint(3_600_000);
    await storeLogin(login);
    const before = await fs.readFile(file(), 'utf8');
    backend.script.enqueue(
      { reply: 'tool', text: 'Let me look.', calls: [{ name: 'ls', arguments: { path: '.' } }] },
      { reply: 'text', text: 'The workspace holds notes.md.' },
    );
    const p = await providers();
    const first = final(await collect(p));
    expect(first.failure).toBeUndefined();
    expect(first.message.stopReason).toBe('toolUse');
    expect(first.message.content).toMatchObject([
      { type: 'text', text: 'Let me look.' },
      { type: 'toolCall', name: 'ls', arguments: { path: '.' } },
    ]);
    expect(first.message.usage.totalTokens).toBeGreaterThan(0);
    const call = first.message.content[1] as { id: string };

    const followUp: Context = {
      ...context,
      messages: [
        ...context.messages,
        first.message,
        {
          role: 'toolResult',
          toolCallId: call.id,
          toolName: 'ls',
          content: [{ type: 'text', text: 'notes.md' }],
          isError: false,
          timestamp: 2,
        },
      ],
    };
    const events: ChainStreamEvent[] = [];
    for await (const event of p.stream(followUp)) events.push(event);
    const second = final(events);
    expect(second.message.content).toEqual([
      { type: 'text', text: 'The workspace holds notes.md.', textSignature: expect.any(String) },
    ]);
    expect(events.filter((e) => e.type === 'text_delta').length).toBeGreaterThan(1);

    expect(backend.requests).toHaveLength(2);
    const [req1, req2] = backend.requests;
    expect(req1!.path).toBe('/backend-api/codex/responses');
    expect(req1!.headers.authorization).toBe(`Bearer ${login.access}`);
    expect(req1!.headers['chatgpt-account-id']).toBe(login.accountId);
    expect(req1!.body).toMatchObject({
      model: 'gpt-5.4',
      instructions: 'You are the stand-in test agent.',
      store: false,
      stream: true,
      tools: [{ type: 'function', name: 'ls' }],
    });
    expect(JSON.stringify(req2!.body.input)).toContain('function_call_output');
    // A live token is used as it is: no refresh, the file untouched.
    expect(oauth.refreshRequests).toBe(0);
    expect(await fs.readFile(file(), 'utf8')).toBe(before);
  });

  it('renews an expired token once for two concurrent runs and rewrites the file at 0600', async () => {
    const old = oauth.mint(-60_000);
    await storeLogin(old);
    // A third run set up before the renewal, asking after it: it must find the renewed token.
    const late = await providers();
    const refreshesBefore = oauth.refreshRequests;
    oauth.refreshDelayMs = 150;
    backend.script.enqueue(
      { reply: 'text', text: 'first run' },
      { reply: 'text', text: 'second run' },
      { reply: 'text', text: 'late run' },
    );
    const [a, b] = await Promise.all([providers(), providers()]);
    const results = await Promise.all([collect(a), collect(b)]);
    for (const events of results) expect(final(events).failure).toBeUndefined();
    expect(oauth.refreshRequests - refreshesBefore).toBe(1);

    const doc = JSON.parse(await fs.readFile(file(), 'utf8')) as {
      profiles: Record<string, Record<string, unknown>>;
      lastGood: unknown;
    };
    const renewed = doc.profiles['openai-codex:default']!;
    expect(renewed).toMatchObject({
      type: 'oauth',
      provider: 'openai-codex',
      accountId: old.accountId,
    });
    expect(renewed.access).not.toBe(old.access);
    expect(renewed.refresh).not.toBe(old.refresh);
    expect(renewed.expires as number).toBeGreaterThan(Date.now() + 60_000);
    expect(doc.profiles['openai:default']).toMatchObject({ key: 'sk-other-0123456789' });
    expect(doc.lastGood).toEqual({ openai: 'openai:default' });
    if (process.platform !== 'win32') expect((await fs.stat(file())).mode & 0o777).toBe(0o600);

    const lateResult = final(await collect(late));
    expect(lateResult.failure).toBeUndefined();
    expect(oauth.refreshRequests - refreshesBefore).toBe(1);
    for (const req of backend.requests)
      expect(req.headers.authorization).toBe(`Bearer ${String(renewed.access)}`);
    // The spent refresh token was never offered twice.
    const grants = oauth.requests.filter((r) => r.refresh_token === old.refresh);
    expect(grants).toHaveLength(1);
  });

  it('says how to sign in again when the renewal is refused, and leaves the file as it was', async () => {
    const old = oauth.mint(-60_000);
    await storeLogin(old);
    const before = await fs.readFile(file(), 'utf8');
    oauth.mode = 'refuse-refresh';
    const { message, failure } = final(await collect(await providers()));
    expect(failure?.code).toBe('PROVIDER_AUTH_FAILED');
    expect(failure?.message).toContain(RELOGIN);
    expect(failure?.message).toContain(RELOGIN_DOCKER);
    expect(failure?.message).toContain('HTTP 401');
    expect(message.errorMessage).toBe(failure?.message);
    expect(backend.requests).toHaveLength(0);
    expect(await fs.readFile(file(), 'utf8')).toBe(before);
    if (process.platform !== 'win32') expect((await fs.stat(file())).mode & 0o777).toBe(0o600);
    noTokensIn(JSON.stringify({ message, failure: failure?.message, details: failure?.details }));
  });

  it('renews a token the backend refuses before its expiry (401) once, then asks again', async () => {
    const login = oauth.mint(3_600_000);
    // Same shape and account, but not a token the backend accepts (revoked).
    const revoked = { ...login, access: `${login.access.slice(0, -6)}AAAAAA` };
    await storeLogin(revoked);
    const refreshesBefore = oauth.refreshRequests;
    backend.script.enqueue({ reply: 'text', text: 'Back again.' });
    const { message, failure } = final(await collect(await providers()));
    expect(failure).toBeUndefined();
    expect(message.content).toMatchObject([{ type: 'text', text: 'Back again.' }]);
    expect(oauth.refreshRequests - refreshesBefore).toBe(1);
    expect(backend.requests.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${revoked.access}`,
      expect.not.stringContaining(revoked.access),
    ]);
    const doc = JSON.parse(await fs.readFile(file(), 'utf8')) as {
      profiles: Record<string, { access: string }>;
    };
    expect(backend.requests[1]!.headers.authorization).toBe(
      `Bearer ${doc.profiles['openai-codex:default']!.access}`,
    );
  });

  it('ends at once with the sign-in message when a refused token cannot be renewed either', async () => {
    const login = oauth.mint(3_600_000);
    const revoked = { ...login, access: `${login.access.slice(0, -6)}AAAAAA` };
    await storeLogin(revoked);
    const before = await fs.readFile(file(), 'utf8');
    oauth.mode = 'refuse-refresh';
    const { failure } = final(await collect(await providers()));
    expect(failure?.code).toBe('PROVIDER_AUTH_FAILED');
    expect(failure?.message).toContain('HTTP 401');
    expect(failure?.message).toContain(RELOGIN);
    // pi-ai alone would send it three more times (1 + 2 + 4 s apart).
    expect(backend.requests).toHaveLength(1);
    expect(await fs.readFile(file(), 'utf8')).toBe(before);
    noTokensIn(failure!.message);
    expect(failure!.message).not.toContain(revoked.access);
  });
});

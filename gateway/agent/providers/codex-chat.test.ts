/**
 * The ChatGPT/Codex sign-in end to end through a real gateway and `@openclaw/gateway-client`:
 * `chat.send` on `openai-codex/gpt-5.4` with the login `openclaw models auth login` stores, pi-ai's
 * real Codex provider talking to the backend stand-in and its real token refresh talking to the
 * OAuth stand-in. Two chats started together on an expired login renew it once; a tool call runs
 * in the workspace; a refused renewal ends the chat with the sign-in command; no token appears in
 * any event or in the gateway log.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GatewayClient } from '@openclaw/gateway-client';
import { ChatEventSchema } from '@openclaw/gateway-protocol/schema';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startCodexOAuthStandIn,
  type CodexOAuthStandIn,
  type MintedLogin,
} from '../../testing/codex-oauth-stand-in.js';
import { startCodexStandIn, type CodexStandIn } from '../../testing/codex-stand-in.js';
import { closedTestPort } from '../../testing/stand-in-server.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../../testing/test-gateway.js';
import { authProfilesPath } from './auth-profiles.js';

process.env.OPENCLAW_TEST_PORT_RANGE ??= '41000-41999';

const OPENAI_TOKEN_URL = 'https://auth.openai.com/oauth/token';

let oauth: CodexOAuthStandIn;
let backend: CodexStandIn;
let gw: TestGateway;
let client: GatewayClient;
const chatEvents: Array<Record<string, unknown>> = [];
const waiters: Array<() => void> = [];
const realFetch = globalThis.fetch;

async function startGatewayInRange(config: Record<string, unknown>): Promise<TestGateway> {
  let last: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      return await startTestGateway(config, { flags: { port: await closedTestPort() } });
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

beforeAll(async () => {
  oauth = await startCodexOAuthStandIn();
  backend = await startCodexStandIn({ accountOf: (token) => oauth.accountOf(token) });
  // pi-ai hard-codes OpenAI's token URL: send exactly that request to the stand-in.
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url === OPENAI_TOKEN_URL) return realFetch(oauth.tokenUrl, init);
    return realFetch(input, init);
  }) as typeof fetch;
  gw = await startGatewayInRange({
    models: { providers: { 'openai-codex': { baseUrl: backend.baseUrl } } },
    agents: { defaults: { model: 'openai-codex/gpt-5.4' } },
  });
  await new Promise<void>((resolve, reject) => {
    client = new GatewayClient({
      url: gw.url,
      token: TEST_TOKEN,
      scopes: ['operator.read', 'operator.write'],
      requestTimeoutMs: 10_000,
      hostDeps: { logDebug: () => {}, logError: () => {} },
      onEvent: (evt) => {
        if (evt.event !== 'chat') return;
        chatEvents.push(evt.payload as Record<string, unknown>);
        for (const wake of waiters.splice(0)) wake();
      },
      onHelloOk: () => resolve(),
      onConnectError: (err) => reject(err),
    });
    client.start();
  });
});

afterAll(async () => {
  client?.stop();
  await gw?.stop();
  globalThis.fetch = realFetch;
  await backend?.close();
  await oauth?.close();
});

const profilesFile = () => authProfilesPath(gw.paths, 'main');

async function storeLogin(login: MintedLogin): Promise<void> {
  await fs.mkdir(path.dirname(profilesFile()), { recursive: true });
  const doc = {
    version: 1,
    profiles: { 'openai-codex:default': { type: 'oauth', provider: 'openai-codex', ...login } },
  };
  await fs.writeFile(profilesFile(), JSON.stringify(doc, null, 2), { mode: 0o600 });
}

async function terminal(runId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = chatEvents.find(
      (p) => p.runId === runId && ['final', 'aborted', 'error'].includes(String(p.state)),
    );
    if (found) return found;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no terminal chat event for ${runId}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

function send(sessionKey: string, message: string, runId: string) {
  return client.request('chat.send', { sessionKey, message, idempotencyKey: runId });
}

function finalText(event: Record<string, unknown>): string {
  const message = event.message as { content?: Array<{ type: string; text?: string }> };
  return (message.content ?? []).map((b) => b.text ?? '').join('');
}

async function expectNoTokens(): Promise<void> {
  const log = await fs.readFile(path.join(gw.dir, 'gateway.log'), 'utf8');
  expect(log).toContain('oauth sign-in renew'); // the renewal was logged; no token with it
  const seen = `${JSON.stringify(chatEvents)}\n${log}`;
  for (const token of oauth.issued) expect(seen).not.toContain(token);
  // What the official clients would reject fails here too.
  expect(chatEvents.filter((e) => !Value.Check(ChatEventSchema, e))).toEqual([]);
}

describe('chat on the ChatGPT sign-in', () => {
  it('renews an expired login once for two chats started together, then runs a tool turn', async () => {
    const old = oauth.mint(-30_000);
    await storeLogin(old);
    oauth.refreshDelayMs = 150;
    backend.script.enqueue({ reply: 'text', text: 'Hello.' }, { reply: 'text', text: 'Hello.' });
    const acks = await Promise.all([
      send('agent:main:codex-a', 'hi', 'codex-a'),
      send('agent:main:codex-b', 'hi', 'codex-b'),
    ]);
    expect(acks).toEqual([
      { runId: 'codex-a', status: 'started' },
      { runId: 'codex-b', status: 'started' },
    ]);
    const [a, b] = await Promise.all([terminal('codex-a'), terminal('codex-b')]);
    expect([a.state, b.state]).toEqual(['final', 'final']);
    expect([finalText(a), finalText(b)]).toEqual(['Hello.', 'Hello.']);
    expect(oauth.refreshRequests).toBe(1);

    const doc = JSON.parse(await fs.readFile(profilesFile(), 'utf8')) as {
      profiles: Record<string, { access: string; refresh: string; accountId: string }>;
    };
    const renewed = doc.profiles['openai-codex:default']!;
    expect(renewed.access).not.toBe(old.access);
    expect(renewed.accountId).toBe(old.accountId);
    if (process.platform !== 'win32')
      expect((await fs.stat(profilesFile())).mode & 0o777).toBe(0o600);
    for (const req of backend.requests)
      expect(req.headers.authorization).toBe(`Bearer ${renewed.access}`);

    backend.script.enqueue(
      {
        reply: 'tool',
        calls: [{ name: 'write', arguments: { path: 'codex.txt', content: 'from codex' } }],
      },
      { reply: 'text', text: 'I wrote codex.txt.' },
    );
    await send('agent:main:codex-a', 'write a file', 'codex-tool');
    const tool = await terminal('codex-tool');
    expect(tool.state).toBe('final');
    expect(finalText(tool)).toBe('I wrote codex.txt.');
    expect(await fs.readFile(path.join(gw.paths.workspaceDir, 'codex.txt'), 'utf8')).toBe(
      'from codex',
    );
    expect(oauth.refreshRequests).toBe(1);
    await expectNoTokens();
  });

  it('ends the chat with the sign-in command when the renewal is refused; the file stays', async () => {
    await storeLogin(oauth.mint(-30_000));
    const before = await fs.readFile(profilesFile(), 'utf8');
    oauth.mode = 'refuse-refresh';
    const requestsBefore = backend.requests.length;
    await send('agent:main:codex-c', 'hi', 'codex-refused');
    const event = await terminal('codex-refused');
    expect(event.state).toBe('error');
    expect(String(event.errorMessage)).toContain(
      'The ChatGPT sign-in expired; run `openclaw models auth login --provider openai-codex` again',
    );
    expect(String(event.errorMessage)).toContain(
      '`docker compose run --rm openclaw-cli models auth login --provider openai-codex`',
    );
    expect(backend.requests.length).toBe(requestsBefore);
    expect(await fs.readFile(profilesFile(), 'utf8')).toBe(before);
    await expectNoTokens();
  });
});

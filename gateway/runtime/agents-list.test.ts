/**
 * `agents.list` reports each agent's effective model chain: the official Control UI treats an
 * agent without `model.primary` as "no AI provider configured" and will not send.
 */
import { GatewayClient } from '@openclaw/gateway-client';
import {
  AgentIdentityResultSchema,
  AgentsListResultSchema,
} from '@openclaw/gateway-protocol/schema';
import { Value } from 'typebox/value';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../testing/test-gateway.js';

let gw: TestGateway | undefined;

afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

/** A read-scope client of the running test gateway, with its hello snapshot. */
function connect(
  url: string,
): Promise<{ client: GatewayClient; snapshot?: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const c: GatewayClient = new GatewayClient({
      url,
      token: TEST_TOKEN,
      scopes: ['operator.read'],
      requestTimeoutMs: 5000,
      hostDeps: { logDebug: () => {}, logError: () => {} },
      onHelloOk: (hello) =>
        resolve({
          client: c,
          snapshot: (hello as { snapshot?: Record<string, unknown> }).snapshot,
        }),
      onConnectError: (err) => {
        reject(err);
        c.stop();
      },
    });
    c.start();
  });
}

async function agentsList(config: Record<string, unknown>): Promise<{
  defaultId: string;
  agents: Array<{ id: string; model?: { primary?: string; fallbacks?: string[] } }>;
}> {
  gw = await startTestGateway(config);
  const { client } = await connect(gw.url);
  try {
    const result = await client.request<Awaited<ReturnType<typeof agentsList>>>('agents.list', {});
    const errors = [...Value.Errors(AgentsListResultSchema, result)];
    expect(errors).toEqual([]);
    return result;
  } finally {
    await client.stopAndWait();
  }
}

describe('agents.list model', () => {
  it('gives the implicit main agent the default model', async () => {
    const result = await agentsList({
      agents: { defaults: { model: 'my-llm/llama-3.1-8b' } },
    });
    expect(result.agents).toEqual([
      expect.objectContaining({
        id: 'main',
        model: { primary: 'my-llm/llama-3.1-8b', fallbacks: [] },
      }),
    ]);
  });

  it('uses an agent’s own model and fallbacks over the defaults, and inherits otherwise', async () => {
    const result = await agentsList({
      agents: {
        defaults: {
          model: { primary: 'openai/gpt-4.1-mini', fallbacks: ['anthropic/claude-sonnet-4-5'] },
        },
        list: [
          { id: 'main', default: true },
          { id: 'coder', model: { primary: 'my-llm/coder', fallbacks: ['openai/gpt-4.1'] } },
          { id: 'plain', model: 'my-llm/plain' },
        ],
      },
    });
    const byId = Object.fromEntries(result.agents.map((a) => [a.id, a.model]));
    expect(byId).toEqual({
      main: { primary: 'openai/gpt-4.1-mini', fallbacks: ['anthropic/claude-sonnet-4-5'] },
      coder: { primary: 'my-llm/coder', fallbacks: ['openai/gpt-4.1'] },
      plain: { primary: 'my-llm/plain', fallbacks: [] },
    });
  });

  it('leaves the model out when none is configured', async () => {
    const result = await agentsList({});
    expect(result.agents[0]!.id).toBe('main');
    expect(result.agents[0]!.model).toBeUndefined();
  });
});

describe('agent.identity.get', () => {
  async function identity(config: Record<string, unknown>, params: Record<string, unknown>) {
    gw = await startTestGateway(config);
    const { client } = await connect(gw.url);
    try {
      const result = await client.request<Record<string, unknown>>('agent.identity.get', params);
      expect([...Value.Errors(AgentIdentityResultSchema, result)]).toEqual([]);
      return result;
    } finally {
      await client.stopAndWait();
    }
  }

  it('gives the configured name and emoji, and a loadable avatar only', async () => {
    const config = {
      agents: {
        list: [
          {
            id: 'main',
            default: true,
            identity: { name: 'Clawd', emoji: '🦞', avatar: 'https://example.test/a.png' },
          },
          { id: 'local', identity: { name: 'Local', avatar: 'avatars/me.png' } },
        ],
      },
    };
    expect(await identity(config, {})).toEqual({
      agentId: 'main',
      name: 'Clawd',
      nameSource: 'config',
      emoji: '🦞',
      avatar: 'https://example.test/a.png',
      avatarStatus: 'remote',
    });
  });

  it('answers an agent without identity with its id, and refuses an unknown agent', async () => {
    expect(await identity({}, { agentId: 'main' })).toEqual({ agentId: 'main' });
    await gw?.stop();
    gw = undefined;
    await expect(identity({}, { agentId: 'nobody' })).rejects.toThrow(/Unknown agent "nobody"/);
  });
});

describe('session.mainKey', () => {
  it('names the main session in agents.list and in the hello snapshot', async () => {
    gw = await startTestGateway({ session: { mainKey: 'home' } });
    const { client, snapshot } = await connect(gw.url);
    try {
      const list = await client.request<{ mainKey: string }>('agents.list', {});
      expect(list.mainKey).toBe('home');
      expect(snapshot?.sessionDefaults).toMatchObject({
        mainKey: 'home',
        mainSessionKey: 'agent:main:home',
      });
      // The short key `main` still reaches the main session, now named after the setting.
      const resolved = await client.request<{ key: string }>('sessions.resolve', { key: 'main' });
      expect(resolved.key).toBe('agent:main:home');
    } finally {
      await client.stopAndWait();
    }
  });
});

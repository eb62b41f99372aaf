/**
 * `models.list` over the socket: advertised in hello-ok, results valid against the protocol
 * package's ModelsListResult schema, views, availability by key, params validated.
 */
import { ModelsListResultSchema } from '@openclaw/gateway-protocol/schema';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedTestPort } from '../../testing/stand-in-server.js';
import { RawClient, startTestGateway, type TestGateway } from '../../testing/test-gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway(
    {
      models: {
        providers: {
          'my-llm': {
            baseUrl: 'http://127.0.0.1:49400/v1',
            apiKey: '${MY_LLM_KEY}',
            api: 'openai-completions',
            models: [
              { id: 'llama-3.1-8b', name: 'Llama', contextWindow: 128000, maxTokens: 32000 },
            ],
          },
          nokey: {
            baseUrl: 'http://127.0.0.1:49401',
            api: 'anthropic-messages',
            models: [{ id: 'quiet', reasoning: true }],
          },
        },
      },
      agents: {
        defaults: {
          model: { primary: 'my-llm/llama-3.1-8b', fallbacks: ['anthropic/claude-sonnet-4-5'] },
        },
      },
    },
    {
      env: { MY_LLM_KEY: 'my-llm-key-0123456789', ANTHROPIC_API_KEY: 'anthropic-key-0123456789' },
      // This worktree's tests keep to loopback ports 49000-49999.
      flags: { port: await closedTestPort() },
    },
  );
});

afterAll(async () => {
  await gw.stop();
});

interface Row {
  id: string;
  name: string;
  provider: string;
  available?: boolean;
  unavailableReason?: string;
  tags?: string[];
  contextWindow?: number;
  thinkingLevels?: unknown[];
}

async function list(params: Record<string, unknown> = {}) {
  const client = await RawClient.open(gw.url);
  const hello = await client.connect();
  const res = await client.request('m1', 'models.list', params);
  client.close();
  return { hello, res };
}

describe('models.list', () => {
  it('is advertised in hello-ok and answers a schema-valid list', async () => {
    const { hello, res } = await list();
    expect((hello.payload?.features as { methods: string[] }).methods).toContain('models.list');
    expect(res.ok).toBe(true);
    expect(Value.Check(ModelsListResultSchema, res.payload)).toBe(true);
    const models = (res.payload as { models: Row[] }).models;
    const byRef = new Map(models.map((m) => [`${m.provider}/${m.id}`, m]));
    expect(byRef.get('my-llm/llama-3.1-8b')).toMatchObject({
      name: 'Llama',
      available: true,
      contextWindow: 128000,
      tags: ['primary'],
    });
    expect(byRef.get('anthropic/claude-sonnet-4-5')).toMatchObject({
      available: true,
      tags: ['fallback'],
    });
    // Configured but without a key: listed, marked unavailable.
    expect(byRef.get('nokey/quiet')).toMatchObject({
      available: false,
      unavailableReason: 'missing-auth',
    });
    expect(byRef.get('nokey/quiet')?.thinkingLevels?.length).toBeGreaterThan(1);
    // The default view shows built-in models of providers with a key, not every provider.
    expect(models.some((m) => m.provider === 'anthropic' && m.id !== 'claude-sonnet-4-5')).toBe(
      true,
    );
    expect(models.some((m) => m.provider === 'openai')).toBe(false);
    // No key in the answer.
    expect(JSON.stringify(res.payload)).not.toContain('0123456789');
  });

  it('view "configured" lists only config models and the chain; "all" the whole catalog', async () => {
    const configured = (await list({ view: 'configured' })).res;
    expect(Value.Check(ModelsListResultSchema, configured.payload)).toBe(true);
    const refs = (configured.payload as { models: Row[] }).models.map(
      (m) => `${m.provider}/${m.id}`,
    );
    expect(refs.sort()).toEqual([
      'anthropic/claude-sonnet-4-5',
      'my-llm/llama-3.1-8b',
      'nokey/quiet',
    ]);

    const all = (await list({ view: 'all' })).res;
    expect(Value.Check(ModelsListResultSchema, all.payload)).toBe(true);
    const rows = (all.payload as { models: Row[] }).models;
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.find((m) => m.provider === 'openai')).toMatchObject({
      available: false,
      unavailableReason: 'missing-auth',
    });
  });

  it('takes the params newer clients send, filters by provider and advertises the catalog capability', async () => {
    // What the official CLI 2026.9.x sends for `openclaw models list --provider my-llm`.
    const { hello, res } = await list({
      provider: 'my-llm',
      includeDetails: true,
      includeDefaultModels: false,
      sessionKey: 'agent:main:main',
    });
    const features = hello.payload?.features as { capabilities?: string[] };
    expect(features.capabilities).toContain('published-model-catalog');
    expect(res.ok).toBe(true);
    expect(Value.Check(ModelsListResultSchema, res.payload)).toBe(true);
    const models = (res.payload as { models: Array<Row & { input?: string[] }> }).models;
    expect(models.map((m) => `${m.provider}/${m.id}`)).toEqual(['my-llm/llama-3.1-8b']);
    expect(models[0]?.input).toEqual(['text']);
  });

  it('refuses params outside the protocol schema', async () => {
    const { res } = await list({ view: 'everything' });
    expect(res.ok).toBe(false);
    expect(res.error?.message).toMatch(/invalid models.list params/);
  });
});

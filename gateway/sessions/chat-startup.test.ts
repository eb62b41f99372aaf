/**
 * What newer Control UIs (the official 2026.9.x) call before they let a user send: `chat.startup`
 * (the history, like `chat.history`) and `sessions.messages.subscribe` (an ack with an approval
 * replay). Through the reference client, results checked against the protocol schemas.
 */
import { GatewayClient } from '@openclaw/gateway-client';
import {
  SessionApprovalReplaySchema,
  WorkerTranscriptMessageSchema,
} from '@openclaw/gateway-protocol/schema';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../testing/test-gateway.js';
import { emptyUsage } from './messages.js';

let gw: TestGateway;
let client: GatewayClient;
let methods: string[] = [];
const MAIN = 'agent:main:main';

function check(schema: TSchema, value: unknown): void {
  const errors = [...Value.Errors(schema, value)];
  if (errors.length > 0) throw new Error(`schema mismatch: ${JSON.stringify(errors.slice(0, 3))}`);
}

beforeAll(async () => {
  gw = await startTestGateway({ agents: { defaults: { model: 'my-llm/llama-3.1-8b' } } });
  const session = await gw.gateway.sessions.openSession(MAIN);
  try {
    for (let i = 0; i < 6; i++) {
      await session.transcript.appendMessage({
        role: 'user',
        content: `question ${i} ${'x'.repeat(400)}`,
        timestamp: Date.now(),
      });
      await session.transcript.appendMessage({
        role: 'assistant',
        content: [{ type: 'text', text: `answer ${i}` }],
        api: 'openai-completions',
        provider: 'my-llm',
        model: 'llama-3.1-8b',
        usage: emptyUsage(),
        stopReason: 'stop',
        timestamp: Date.now(),
      });
    }
  } finally {
    session.release();
  }
  client = await new Promise<GatewayClient>((resolve, reject) => {
    const c: GatewayClient = new GatewayClient({
      url: gw.url,
      token: TEST_TOKEN,
      scopes: ['operator.read'],
      requestTimeoutMs: 5000,
      hostDeps: { logDebug: () => {}, logError: () => {} },
      onHelloOk: (hello) => {
        methods = (hello as { features?: { methods?: string[] } }).features?.methods ?? [];
        resolve(c);
      },
      onConnectError: (err) => {
        reject(err);
        c.stop();
      },
    });
    c.start();
  });
});

afterAll(async () => {
  await client?.stopAndWait();
  await gw.stop();
});

interface History {
  sessionKey: string;
  sessionId?: string;
  messages: Array<{ role: string; content: unknown; __openclaw?: { id: string; seq: number } }>;
  truncated?: boolean;
  omittedMessages?: number;
}

describe('chat.startup', () => {
  it('is advertised, with the message subscription methods', () => {
    expect(methods).toEqual(
      expect.arrayContaining([
        'chat.startup',
        'sessions.messages.subscribe',
        'sessions.messages.unsubscribe',
      ]),
    );
  });

  it('answers a read-scoped client with the same history as chat.history', async () => {
    const startup = await client.request<History>('chat.startup', {
      sessionKey: MAIN,
      limit: 80,
      maxBytes: 262_144,
    });
    const history = await client.request<History>('chat.history', { sessionKey: MAIN, limit: 80 });
    expect(startup).toEqual(history);
    expect(startup.sessionKey).toBe(MAIN);
    expect(startup.sessionId).toBeTruthy();
    expect(startup.messages).toHaveLength(12);
    startup.messages.forEach(({ __openclaw: position, ...message }, i) => {
      // Display metadata on top of the transcript message: entry id and place on the branch.
      expect(position).toEqual({ id: expect.stringMatching(/^[0-9a-f]{8}$/), seq: i + 1 });
      check(WorkerTranscriptMessageSchema, message);
    });
    expect(startup.messages.at(-1)!.content).toEqual([{ type: 'text', text: 'answer 5' }]);
  });

  it('keeps the answer under maxBytes by leaving out the oldest messages', async () => {
    const startup = await client.request<History>('chat.startup', {
      sessionKey: MAIN,
      maxBytes: 2_000,
    });
    expect(Buffer.byteLength(JSON.stringify(startup.messages))).toBeLessThanOrEqual(2_000);
    expect(startup.truncated).toBe(true);
    expect(startup.omittedMessages).toBeGreaterThan(0);
    expect(startup.messages.at(-1)!.content).toEqual([{ type: 'text', text: 'answer 5' }]);
  });

  it('an empty session answers with no messages', async () => {
    const startup = await client.request<History>('chat.startup', {
      sessionKey: 'agent:main:fresh',
    });
    expect(startup).toMatchObject({ sessionKey: 'agent:main:fresh', messages: [] });
  });

  it('without a sessionKey says that one is needed', async () => {
    await expect(client.request('chat.startup', { shortId: 'abc123' })).rejects.toThrow(
      /needs a sessionKey/,
    );
  });
});

describe('chat.history maxBytes (newer clients send it)', () => {
  it('is accepted and caps the answer like chat.startup', async () => {
    const capped = await client.request<History>('chat.history', {
      sessionKey: MAIN,
      limit: 80,
      maxBytes: 2_000,
    });
    expect(capped.truncated).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(capped.messages))).toBeLessThanOrEqual(2_000);
  });

  it('refuses a maxBytes that is not a positive whole number, saying what to send', async () => {
    for (const maxBytes of [0, -5, 1.5, 'big']) {
      await expect(client.request('chat.history', { sessionKey: MAIN, maxBytes })).rejects.toThrow(
        /maxBytes must be a positive whole number/,
      );
    }
  });
});

describe('sessions.messages.subscribe', () => {
  it('acks with the canonical key and an empty approval replay', async () => {
    const res = await client.request<Record<string, unknown>>('sessions.messages.subscribe', {
      key: 'main',
      agentId: 'main',
      includeApprovals: true,
    });
    expect(res).toMatchObject({ subscribed: true, key: MAIN });
    check(SessionApprovalReplaySchema, res.approvalReplay);
    expect(res.approvalReplay).toMatchObject({ sessionKey: MAIN, approvals: [], truncated: false });
  });

  it('has no replay unless asked, and unsubscribe acks', async () => {
    const res = await client.request<Record<string, unknown>>('sessions.messages.subscribe', {
      key: MAIN,
    });
    expect(res).toEqual({ subscribed: true, key: MAIN });
    const off = await client.request('sessions.messages.unsubscribe', { key: MAIN });
    expect(off).toEqual({ subscribed: false, key: MAIN });
  });

  it('refuses an unknown agent', async () => {
    await expect(
      client.request('sessions.messages.subscribe', { key: 'agent:nobody:main' }),
    ).rejects.toThrow(/nobody/);
  });
});

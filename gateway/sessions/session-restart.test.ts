/**
 * A gateway restart after a crash mid-turn: the transcript the previous process left (a tool call
 * without result, a torn last line) is repaired on load, and chat.history over the real client
 * shows the whole committed conversation with the dangling call closed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GatewayClient } from '@openclaw/gateway-client';
import { WorkerTranscriptMessageSchema } from '@openclaw/gateway-protocol/schema';
import { Value } from 'typebox/value';
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../runtime/start-gateway.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../testing/test-gateway.js';
import { emptyUsage } from './messages.js';
import { ORPHAN_RESULT_TEXT } from './transcript-repair.js';

let first: TestGateway | undefined;
let second: RunningGateway | undefined;

afterAll(async () => {
  await second?.stop('test done');
  await first?.stop();
});

function connect(url: string): Promise<GatewayClient> {
  return new Promise((resolve, reject) => {
    const client = new GatewayClient({
      url,
      token: TEST_TOKEN,
      scopes: ['operator.read'],
      requestTimeoutMs: 5000,
      hostDeps: { logDebug: () => {}, logError: () => {} },
      onHelloOk: () => resolve(client),
      onConnectError: (err) => {
        reject(err);
        client.stop();
      },
    });
    client.start();
  });
}

describe('sessions across a gateway restart', () => {
  it('repairs what a crash mid-turn left and serves the committed history', async () => {
    first = await startTestGateway();
    const run = await first.gateway.sessions.openSession('agent:main:main');
    await run.transcript.appendMessage({
      role: 'user',
      content: 'make a file',
      timestamp: Date.now(),
    });
    await run.transcript.appendMessage({
      role: 'assistant',
      content: [
        {
          type: 'toolCall',
          id: 'call_w',
          name: 'write',
          arguments: { path: 'a.txt', content: 'hi' },
        },
      ],
      api: 'anthropic-messages',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      usage: emptyUsage(),
      stopReason: 'toolUse',
      timestamp: Date.now(),
    });
    const file = run.transcript.file;
    run.release();
    await first.gateway.stop('simulated crash');
    // What kill -9 during the next append leaves behind.
    await fs.appendFile(file, '{"type":"message","id":"0badf00d","parentId":"');

    second = await startGateway({
      env: first.env,
      consoleSink: null,
      logFile: path.join(first.dir, 'gateway-2.log'),
      flags: { port: 0 },
    });
    const client = await connect(`ws://127.0.0.1:${second.address.port}`);
    const history = await client.request<{ messages: Array<Record<string, unknown>> }>(
      'chat.history',
      {
        sessionKey: 'agent:main:main',
      },
    );
    expect(history.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'toolResult']);
    expect(history.messages[2]).toMatchObject({
      toolCallId: 'call_w',
      toolName: 'write',
      isError: true,
      content: [{ type: 'text', text: ORPHAN_RESULT_TEXT }],
    });
    for (const { __openclaw: position, ...m } of history.messages as Array<
      Record<string, unknown>
    >) {
      expect(position).toMatchObject({ id: expect.any(String), seq: expect.any(Number) });
      expect(Value.Check(WorkerTranscriptMessageSchema, m)).toBe(true);
    }
    const text = await fs.readFile(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toContain('0badf00d');
    expect(text).toContain('"toolCallId":"call_w"');
    const log = await fs.readFile(path.join(first.dir, 'gateway-2.log'), 'utf8');
    expect(log).toContain('transcript repaired on load');
    await client.stopAndWait();
  });
});

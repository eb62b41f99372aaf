/**
 * Image attachments: the checks at the edge (types, bytes matching the type, size caps, data
 * URLs), and through the real client and gateway: the image reaches the OpenAI stand-in as an
 * `image_url` part, is stored as an image block in the transcript and shown by chat.history; a
 * text-only model refuses with a clear error and nothing is written.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GatewayClient } from '@openclaw/gateway-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../testing/openai-stand-in.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../../testing/test-gateway.js';
import { MAX_IMAGE_BYTES, parseAttachments } from './attachments.js';

/** A real 1×1 PNG. */
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]).toString('base64');

describe('parseAttachments', () => {
  it('turns base64 and data: URLs into image blocks', () => {
    expect(parseAttachments([{ type: 'image', mimeType: 'image/png', content: PNG }])).toEqual([
      { type: 'image', mimeType: 'image/png', data: PNG },
    ]);
    expect(parseAttachments([{ content: `data:image/jpg;base64,${JPEG_HEAD}` }])).toEqual([
      { type: 'image', mimeType: 'image/jpeg', data: JPEG_HEAD },
    ]);
    expect(parseAttachments(undefined)).toEqual([]);
  });

  it('refuses other types, lying bytes, bad base64 and missing content, saying which', () => {
    expect(() =>
      parseAttachments([
        { mimeType: 'image/png', content: PNG },
        { mimeType: 'application/pdf', fileName: 'report.pdf', content: 'JVBERi0=' },
      ]),
    ).toThrow(
      /Attachment 2 \(report\.pdf\) is application\/pdf; only images \(PNG, JPEG, GIF, WebP\)/,
    );
    expect(() => parseAttachments([{ mimeType: 'image/gif', content: PNG }])).toThrow(
      /says image\/gif but its bytes are not a GIF image/,
    );
    expect(() => parseAttachments([{ mimeType: 'image/png', content: 'not base64!' }])).toThrow(
      /not valid base64/,
    );
    expect(() => parseAttachments([{ mimeType: 'image/png' }])).toThrow(/has no content/);
  });

  it('caps each image and the whole message', () => {
    const big = Buffer.alloc(MAX_IMAGE_BYTES + 1);
    big.write('\x89PNG\r\n\x1a\n', 'latin1');
    expect(() =>
      parseAttachments([{ mimeType: 'image/png', content: big.toString('base64') }]),
    ).toThrow(/is 6\.0 MB; images may be at most 6\.0 MB/);
    const five = Buffer.alloc(5 * 1024 * 1024);
    five.write('\x89PNG\r\n\x1a\n', 'latin1');
    const item = { mimeType: 'image/png', content: five.toString('base64') };
    expect(() => parseAttachments([item, item, item, item])).toThrow(/add up to more than 15/);
    expect(() => parseAttachments([{ mimeType: 'image/png', content: PNG }], 10)).toThrow(
      /at most 0\.0 MB/,
    );
  });
});

describe('attachments through the gateway', () => {
  const KEY = 'sk-standin-0123456789abcdef';
  let standIn: OpenAiStandIn;
  let gw: TestGateway;
  let client: GatewayClient;
  const terminals = new Map<string, Record<string, unknown>>();

  beforeAll(async () => {
    standIn = await startOpenAiStandIn({ apiKey: KEY });
    gw = await startTestGateway({
      models: {
        providers: {
          'stand-in': {
            baseUrl: standIn.baseUrl,
            apiKey: KEY,
            api: 'openai-completions',
            models: [
              { id: 'vision-1', name: 'Vision', input: ['text', 'image'] },
              { id: 'text-1', name: 'Text', input: ['text'] },
            ],
          },
        },
      },
      agents: { defaults: { model: 'stand-in/vision-1' } },
    });
    await new Promise<void>((resolve, reject) => {
      client = new GatewayClient({
        url: gw.url,
        token: TEST_TOKEN,
        scopes: ['operator.admin'],
        requestTimeoutMs: 10_000,
        hostDeps: { logDebug: () => {}, logError: () => {} },
        onEvent: (evt) => {
          const p = evt.payload as Record<string, unknown>;
          if (evt.event === 'chat' && ['final', 'error', 'aborted'].includes(String(p.state))) {
            terminals.set(String(p.runId), p);
          }
        },
        onHelloOk: () => resolve(),
        onConnectError: reject,
      });
      client.start();
    });
  });

  afterAll(async () => {
    client?.stop();
    await gw?.stop();
    await standIn?.close();
  });

  async function terminal(runId: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 400 && !terminals.has(runId); i += 1) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!terminals.has(runId)) throw new Error(`no terminal event for ${runId}`);
    return terminals.get(runId)!;
  }

  it('sends the image to the model, stores it as an image block, shows it in chat.history', async () => {
    standIn.script.enqueue({ reply: 'text', text: 'A single pixel.' });
    const sessionKey = 'agent:main:images';
    const before = standIn.requests.length;
    await client.request('chat.send', {
      sessionKey,
      message: 'what is this?',
      idempotencyKey: 'img-1',
      attachments: [{ type: 'image', mimeType: 'image/png', fileName: 'dot.png', content: PNG }],
    });
    expect((await terminal('img-1')).state).toBe('final');
    const sent = JSON.stringify(standIn.requests[before]!.body.messages);
    expect(sent).toContain(`data:image/png;base64,${PNG}`);
    // Saved where the tools can open it (named by content), and the model is told where.
    const bytes = Buffer.from(PNG, 'base64');
    const name = `${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.png`;
    const saved = await fs.readFile(path.join(gw.paths.workspaceDir, 'media', 'inbound', name));
    expect(saved.equals(bytes)).toBe(true);
    expect(sent).toContain(`media/inbound/${name} (image/png, ${bytes.length} bytes)`);

    const { entry } = await gw.gateway.sessions.get(sessionKey);
    const lines = (await fs.readFile(gw.gateway.sessions.transcriptPath('main', entry!), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; message?: { role: string; content: unknown } });
    const user = lines.find((l) => l.message?.role === 'user')!;
    expect(user.message!.content).toEqual([
      { type: 'text', text: 'what is this?' },
      { type: 'image', data: PNG, mimeType: 'image/png' },
    ]);
    const history = await client.request<{ messages: Array<{ content: unknown }> }>(
      'chat.history',
      { sessionKey },
    );
    expect(history.messages[0]!.content).toContainEqual({
      type: 'image',
      data: PNG,
      mimeType: 'image/png',
    });
  });

  it('takes images through the agent method as well (what `openclaw agent` calls)', async () => {
    standIn.script.enqueue({ reply: 'text', text: 'Still one pixel.' });
    const before = standIn.requests.length;
    const final = await client.request<Record<string, unknown>>(
      'agent',
      {
        message: 'and this?',
        sessionKey: 'agent:main:images-agent',
        idempotencyKey: 'img-agent',
        attachments: [{ mimeType: 'image/png', content: `data:image/png;base64,${PNG}` }],
      },
      { expectFinal: true },
    );
    expect(final).toMatchObject({ status: 'ok' });
    expect(JSON.stringify(standIn.requests[before]!.body.messages)).toContain(PNG);
  });

  it('refuses an unsupported type at the call, and a text-only model in the chat', async () => {
    await expect(
      client.request('chat.send', {
        sessionKey: 'agent:main:images-bad',
        message: 'read this',
        idempotencyKey: 'img-bad',
        attachments: [{ mimeType: 'text/plain', fileName: 'a.txt', content: 'aGVsbG8=' }],
      }),
    ).rejects.toThrow(/a\.txt\) is text\/plain; only images/);

    const sessionKey = 'agent:main:images-text';
    await client.request('sessions.patch', { key: sessionKey, model: 'stand-in/text-1' });
    const before = standIn.requests.length;
    await client.request('chat.send', {
      sessionKey,
      message: 'what is this?',
      idempotencyKey: 'img-text',
      attachments: [{ mimeType: 'image/png', content: PNG }],
    });
    const end = await terminal('img-text');
    expect(end.state).toBe('error');
    expect(String(end.errorMessage)).toMatch(/stand-in\/text-1 does not accept images/);
    expect(standIn.requests.length).toBe(before);
    const { entry } = await gw.gateway.sessions.get(sessionKey);
    const text = await fs.readFile(gw.gateway.sessions.transcriptPath('main', entry!), 'utf8');
    expect(text).not.toContain('"role":"user"');
  });
});

/**
 * The browser tool in a real agent run: a test gateway whose model (the OpenAI stand-in) asks for
 * `browser` open on a page served here, then a screenshot, then answers. The page outline reached
 * the model, the screenshot is an image in the transcript, and the tool events say so. The
 * gateway launches the machine's Chromium (`browser.executablePath`).
 */
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { GatewayClient } from '@openclaw/gateway-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../testing/free-port.js';
import { startOpenAiStandIn, type OpenAiStandIn } from '../testing/openai-stand-in.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../testing/test-gateway.js';

const CHROMIUM = process.env.OPENCLAW_TEST_CHROMIUM ?? '/usr/bin/chromium';
const KEY = 'sk-standin-browser-0123456789';
let standIn: OpenAiStandIn;
let gw: TestGateway;
let client: GatewayClient;
let server: http.Server;
let pageUrl: string;
const frames: Array<{ event: string; payload: Record<string, unknown> }> = [];

/** Chromium processes this test process started (its direct children). */
function childBrowsers(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid && fields[0] !== 'Z' && /chrom/i.test(stat))
        pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function until(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the run to end');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!existsSync(CHROMIUM))('an agent run using the browser', () => {
  beforeAll(async () => {
    const port = await freePort();
    server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>Prices</title><h1>Price list</h1><button>Buy now</button>');
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${port}/`;
    standIn = await startOpenAiStandIn({ apiKey: KEY });
    gw = await startTestGateway({
      models: {
        providers: {
          'stand-in': {
            baseUrl: standIn.baseUrl,
            apiKey: KEY,
            api: 'openai-completions',
            models: [{ id: 'eyes-1', name: 'Eyes', input: ['text', 'image'] }],
          },
        },
      },
      agents: { defaults: { model: 'stand-in/eyes-1' } },
      browser: { executablePath: CHROMIUM, noSandbox: true },
    });
    await new Promise<void>((resolve, reject) => {
      client = new GatewayClient({
        url: gw.url,
        token: TEST_TOKEN,
        scopes: ['operator.read', 'operator.write'],
        caps: ['tool-events'],
        requestTimeoutMs: 15_000,
        hostDeps: { logDebug: () => {}, logError: () => {} },
        onEvent: (evt) => {
          if (evt.event === 'chat' || evt.event === 'agent')
            frames.push({ event: evt.event, payload: evt.payload as Record<string, unknown> });
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
    await standIn?.close();
    await new Promise((r) => server?.close(r));
  });

  it('opens a page, sees its outline, takes a screenshot the transcript keeps as an image', async () => {
    standIn.script.enqueue(
      { reply: 'tool', calls: [{ name: 'browser', arguments: { action: 'open', url: pageUrl } }] },
      { reply: 'tool', calls: [{ name: 'browser', arguments: { action: 'screenshot' } }] },
      { reply: 'text', text: 'The page lists prices.' },
    );
    const runId = 'run-browser';
    const sessionKey = 'agent:main:browser-e2e';
    await client.request('chat.send', {
      sessionKey,
      message: 'look at the page',
      idempotencyKey: runId,
    });
    await until(() =>
      frames.some(
        (f) => f.event === 'chat' && f.payload.runId === runId && f.payload.state !== 'delta',
      ),
    );
    const tools = frames
      .filter(
        (f) => f.event === 'agent' && f.payload.runId === runId && f.payload.stream === 'tool',
      )
      .map((f) => f.payload.data as { name: string; phase: string; isError?: boolean });
    expect(tools.filter((t) => t.phase === 'result')).toEqual([
      expect.objectContaining({ name: 'browser', isError: false }),
      expect.objectContaining({ name: 'browser', isError: false }),
    ]);
    // The outline with refs went back to the model.
    const second = JSON.stringify(standIn.requests[1]!.body.messages);
    expect(second).toMatch(/button \\"Buy now\\" \[ref=e\d+\]/);

    const { entry } = await gw.gateway.sessions.get(sessionKey);
    const lines = (await fs.readFile(gw.gateway.sessions.transcriptPath('main', entry!), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; message?: { role: string; content: unknown } });
    const results = lines
      .filter((l) => l.type === 'message' && l.message?.role === 'toolResult')
      .map((l) => l.message!.content as Array<{ type: string; mimeType?: string; data?: string }>);
    const image = results[1]!.find((c) => c.type === 'image');
    expect(image?.mimeType).toBe('image/png');
    expect(Buffer.from(image!.data!, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');

    // The Chromium the tool launched lives until the gateway stops, and not after.
    expect(childBrowsers().length).toBeGreaterThan(0);
    client.stop();
    await gw.stop();
    expect(childBrowsers()).toEqual([]);
  }, 60_000);
});

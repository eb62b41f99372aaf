/**
 * The bootstrap system prompt: workspace files read with per-file, USER.md and total caps,
 * missing files left out, starter files only in a brand-new workspace (never over the user's),
 * and through the real gateway: the prompt the OpenAI stand-in receives carries the files, the
 * tool names, the workspace path and the date.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GatewayClient } from '@openclaw/gateway-client';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../testing/openai-stand-in.js';
import { startTestGateway, TEST_TOKEN, type TestGateway } from '../../testing/test-gateway.js';
import { createLogger } from '../../infra/logger.js';
import { buildSystemPrompt, describeDate, systemPromptForRun } from './system-prompt.js';
import {
  readWorkspaceFiles,
  seedWorkspace,
  USER_FILE_MAX_CHARS,
  type BootstrapLimits,
} from './workspace-files.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oc-prompt-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const LIMITS: BootstrapLimits = { perFile: 20_000, total: 60_000 };

describe('workspace files', () => {
  it('reads the files present in prompt order and leaves out missing and empty ones', async () => {
    await fs.writeFile(path.join(dir, 'SOUL.md'), 'Be kind.');
    await fs.writeFile(path.join(dir, 'AGENTS.md'), 'Run the tests first.');
    await fs.writeFile(path.join(dir, 'TOOLS.md'), '   \n');
    await fs.mkdir(path.join(dir, 'USER.md')); // a folder by that name is not a file
    // A link could pull a file from outside the workspace into the prompt: left out.
    const outside = path.join(os.tmpdir(), `oc-outside-${process.pid}.md`);
    await fs.writeFile(outside, 'SECRET from outside');
    await fs.symlink(outside, path.join(dir, 'MEMORY.md'));
    const files = await readWorkspaceFiles(dir, LIMITS);
    expect(files.map((f) => [f.name, f.content])).toEqual([
      ['AGENTS.md', 'Run the tests first.'],
      ['SOUL.md', 'Be kind.'],
    ]);
    await fs.rm(outside);
  });

  it('caps each file, USER.md more tightly, and all of them together', async () => {
    await fs.writeFile(path.join(dir, 'AGENTS.md'), `START${'a'.repeat(5000)}END`);
    await fs.writeFile(path.join(dir, 'USER.md'), 'u'.repeat(10_000));
    await fs.writeFile(path.join(dir, 'MEMORY.md'), 'm'.repeat(10_000));
    const files = await readWorkspaceFiles(dir, { perFile: 1000, total: 1800 });
    const agents = files.find((f) => f.name === 'AGENTS.md')!;
    expect(agents.content.length).toBe(1000);
    expect(agents.truncated).toBe(true);
    expect(agents.content.startsWith('START')).toBe(true);
    expect(agents.content.endsWith('END')).toBe(true);
    expect(agents.content).toMatch(/characters cut; read the file/);
    const total = files.reduce((n, f) => n + f.content.length, 0);
    expect(total).toBeLessThanOrEqual(1800);

    const user = (await readWorkspaceFiles(dir, LIMITS)).find((f) => f.name === 'USER.md')!;
    expect(user.content.length).toBe(USER_FILE_MAX_CHARS);
    expect(user.rawChars).toBe(10_000);
  });

  it('seeds a brand-new workspace only, never over existing files, not with skipBootstrap', async () => {
    const fresh = path.join(dir, 'new-ws');
    expect(await seedWorkspace(fresh, {})).toEqual([
      'AGENTS.md',
      'SOUL.md',
      'USER.md',
      'IDENTITY.md',
      'TOOLS.md',
      'HEARTBEAT.md',
      'BOOTSTRAP.md',
    ]);
    await fs.writeFile(path.join(fresh, 'SOUL.md'), 'mine');
    expect(await seedWorkspace(fresh, {})).toEqual([]);
    expect(await fs.readFile(path.join(fresh, 'SOUL.md'), 'utf8')).toBe('mine');
    const skipped = path.join(dir, 'skip-ws');
    expect(await seedWorkspace(skipped, { agents: { defaults: { skipBootstrap: true } } })).toEqual(
      [],
    );
    await expect(fs.access(skipped)).rejects.toThrow();
  });
});

describe('systemPromptForRun', () => {
  it("reads the files of the tools' folder (a sandbox's own copy) and seeds the agent workspace", async () => {
    const agentWs = path.join(dir, 'agent-ws');
    const sandboxWs = path.join(dir, 'sandbox-ws');
    await fs.mkdir(sandboxWs, { recursive: true });
    await fs.writeFile(path.join(sandboxWs, 'SOUL.md'), 'Edited inside the sandbox.');
    const prompt = await systemPromptForRun(
      {},
      agentWs,
      ['read'],
      createLogger({ sink: () => {} }),
      '/workspace',
      sandboxWs,
    );
    expect(prompt).toContain('Edited inside the sandbox.');
    expect(prompt).toContain('/workspace');
    expect(prompt).not.toContain(agentWs);
    // The agent workspace still gets its starter files (the sandbox copies come from there).
    expect(await fs.readdir(agentWs)).toContain('SOUL.md');
  });
});

describe('buildSystemPrompt', () => {
  it('names the tools, the workspace, the files (noting cut ones) and the date in the zone', () => {
    const prompt = buildSystemPrompt({
      workspace: '/ws',
      toolNames: ['read', 'write'],
      files: [
        { name: 'AGENTS.md', content: 'Rule one.', rawChars: 9, truncated: false },
        { name: 'MEMORY.md', content: 'short', rawChars: 90_000, truncated: true },
      ],
      now: new Date('2026-12-04T23:30:00Z'),
      timeZone: 'Asia/Tokyo',
    });
    expect(prompt).toContain('You can use these tools: read, write.');
    expect(prompt).toContain('Your workspace folder is /ws.');
    expect(prompt).toContain('### AGENTS.md\nRule one.');
    expect(prompt).toMatch(/shortened here \(MEMORY\.md\)/);
    expect(prompt).toMatch(/Today is Saturday,? 5 December 2026 \(time zone Asia\/Tokyo\)\./);
    expect(prompt.indexOf('## Date')).toBeGreaterThan(prompt.indexOf('### AGENTS.md'));
  });

  it('falls back to the gateway zone for an unknown zone', () => {
    expect(describeDate(new Date(), 'Not/AZone')).not.toContain('Not/AZone');
  });
});

describe('through the gateway', () => {
  const KEY = 'sk-standin-0123456789abcdef';
  let standIn: OpenAiStandIn | undefined;
  let gw: TestGateway | undefined;
  let client: GatewayClient | undefined;

  afterAll(async () => {
    client?.stop();
    await gw?.stop();
    await standIn?.close();
  });

  it('sends the workspace files, tool names, workspace and date in the system prompt', async () => {
    standIn = await startOpenAiStandIn({ apiKey: KEY });
    const workspace = path.join(dir, 'agent-ws');
    gw = await startTestGateway({
      models: {
        providers: {
          'stand-in': {
            baseUrl: standIn.baseUrl,
            apiKey: KEY,
            api: 'openai-completions',
            models: [{ id: 'echo-1', name: 'Echo', input: ['text'] }],
          },
        },
      },
      agents: { defaults: { model: 'stand-in/echo-1', workspace, userTimezone: 'UTC' } },
    });
    const terminal = new Promise<Record<string, unknown>>((resolve, reject) => {
      client = new GatewayClient({
        url: gw!.url,
        token: TEST_TOKEN,
        scopes: ['operator.write'],
        requestTimeoutMs: 10_000,
        hostDeps: { logDebug: () => {}, logError: () => {} },
        onEvent: (evt) => {
          const p = evt.payload as Record<string, unknown>;
          if (evt.event === 'chat' && ['final', 'error'].includes(String(p.state))) resolve(p);
        },
        onHelloOk: () => {
          client!
            .request('chat.send', {
              sessionKey: 'main',
              message: 'hello',
              idempotencyKey: 'prompt-1',
            })
            .catch(reject);
        },
        onConnectError: reject,
      });
      client.start();
    });
    standIn.script.enqueue({ reply: 'text', text: 'hi' });
    expect((await terminal).state).toBe('final');

    const messages = standIn.requests[0]!.body.messages as Array<{ role: string; content: string }>;
    const system = messages.find((m) => m.role === 'system' || m.role === 'developer')!.content;
    expect(system).toContain(`Your workspace folder is ${workspace}.`);
    expect(system).toMatch(/You can use these tools: [a-z_, ]*\bread\b/);
    // The new workspace was seeded, and the seeded files are what the model was given.
    const soul = await fs.readFile(path.join(workspace, 'SOUL.md'), 'utf8');
    expect(system).toContain(`### SOUL.md\n${soul.trim()}`);
    expect(system).toContain(describeDate(new Date(), 'UTC'));
  });
});
